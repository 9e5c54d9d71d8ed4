"""Downloading and installing models as a user meets it: a real HTTP server on 127.0.0.1, real zip files.

Every failure must end in one clear sentence and leave the models folder exactly as it was: no half-written
download, no half-unpacked model, nothing outside the folder.
"""

from __future__ import annotations

import io
import os
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.model_server import (
    VOSK_TREE,
    WHISPER_TREE,
    ModelServer,
    add_member,
    closed_port,
    leftovers,
    write_tree,
    zip_dir,
)
from vertraag.errors import UserError
from vertraag.models import catalog, download, install, store
from vertraag.models import folder as folder_mod
from vertraag.models.progress import ProgressBar

DUTCH = catalog.default_for(catalog.VOSK)
QUICK_TIMEOUT_S = 0.5  # a stalled local server is noticed this fast; real downloads use the 30 s default
SMALL_DISK = "1m"  # a tmpfs this small fills up with the models below
BIG_FILE_BYTES = 2_000_000  # more than the small disk holds
BIG_MODEL_TREE = {**VOSK_TREE, "am/final.mdl": 600_000}  # its zip fits the small disk, unpacked beside it not


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with ModelServer() as running:
        yield running


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return tmp_path / "models"


@pytest.fixture
def model_zip(tmp_path: Path) -> Path:
    """A structurally valid (fake) Vosk model, zipped like the Vosk site does: one top-level folder."""
    tree = write_tree(tmp_path / "src" / "m", VOSK_TREE)
    return zip_dir(tree, tmp_path / "m.zip", top="vosk-model-test-0.1", compress=False)


def test_download_installs_the_model_and_shows_progress(
    server: ModelServer, folder: Path, model_zip: Path
) -> None:
    url = server.add("/m.zip", model_zip.read_bytes())
    shown = io.StringIO()

    path = download.download_model(
        "testmodel", url=url, folder=folder, progress=ProgressBar(shown, label="Downloaden")
    )

    assert path == folder / "testmodel"
    assert store.detect_engine(path) == catalog.VOSK
    assert (path / "am" / "final.mdl").stat().st_size == VOSK_TREE["am/final.mdl"]
    assert leftovers(folder) == ["testmodel"]  # no zip, no temporary file
    assert stat.S_IMODE(path.stat().st_mode) == folder_mod.PRIVATE_DIR_MODE  # readable by the user alone
    percents = [int(line.split("]")[1].split("%")[0]) for line in shown.getvalue().splitlines()]
    assert percents[0] == 0 and percents[-1] == 100
    assert percents == sorted(percents)  # a line now and then (LOG_INTERVAL_S) between the first and last


def test_a_wrong_size_is_refused_before_downloading(
    server: ModelServer, folder: Path, model_zip: Path
) -> None:
    url = server.add("/mirror.zip", model_zip.read_bytes())  # a mirror serving some other file

    with pytest.raises(UserError, match=r"in plaats van 40\.441\.176") as caught:
        download.download_model(DUTCH.name, url=url, folder=folder)

    assert "er is niets geïnstalleerd" in caught.value.message
    assert leftovers(folder) == []


def test_a_wrong_size_is_caught_when_the_server_does_not_announce_one(
    server: ModelServer, folder: Path, model_zip: Path
) -> None:
    url = server.add("/mirror.zip", model_zip.read_bytes(), declared_size=None)

    with pytest.raises(UserError, match=f"{model_zip.stat().st_size:,}".replace(",", ".")):
        download.download_model(DUTCH.name, url=url, folder=folder)

    assert leftovers(folder) == []


def test_an_interrupted_download_leaves_nothing_and_a_retry_works(
    server: ModelServer, folder: Path, model_zip: Path
) -> None:
    data = model_zip.read_bytes()
    broken = server.add("/broken.zip", data, send_bytes=len(data) // 2)  # the server hangs up half-way

    with pytest.raises(UserError, match="onderbroken"):
        download.download_model("testmodel", url=broken, folder=folder)
    assert leftovers(folder) == []

    path = download.download_model("testmodel", url=server.add("/ok.zip", data), folder=folder)
    assert store.detect_engine(path) == catalog.VOSK


def test_a_stalled_download_gives_up_instead_of_hanging(
    server: ModelServer, folder: Path, model_zip: Path
) -> None:
    data = model_zip.read_bytes()
    url = server.add("/stall.zip", data, send_bytes=len(data) // 3, stall=True)

    with pytest.raises(UserError, match="onderbroken"):
        download.download_model("testmodel", url=url, folder=folder, timeout_s=QUICK_TIMEOUT_S)

    assert leftovers(folder) == []


def test_offline_says_how_to_install_by_hand(folder: Path) -> None:
    url = f"http://127.0.0.1:{closed_port()}/{DUTCH.name}.zip"

    with pytest.raises(UserError) as caught:
        download.download_model(DUTCH.name, url=url, folder=folder, timeout_s=QUICK_TIMEOUT_S)

    message = caught.value.message
    assert "niet bereiken" in message and "andere computer" in message
    assert f"vertraag model install {DUTCH.name}.zip" in message
    assert "\n" not in message
    assert leftovers(folder) == []


def test_a_missing_file_on_the_server_is_reported(server: ModelServer, folder: Path) -> None:
    with pytest.raises(UserError, match="fout 404"):
        download.download_model("testmodel", url=server.url("/nothing-here.zip"), folder=folder)
    assert leftovers(folder) == []


@pytest.mark.parametrize(
    ("member", "symlink"),
    [
        ("../evil.txt", False),
        ("vosk-model-test-0.1/../../evil.txt", False),
        ("/tmp/vertraag-zip-slip-evil.txt", False),
        ("vosk-model-test-0.1/graph/link", True),
    ],
)
def test_a_zip_slip_archive_is_refused_whole(
    tmp_path: Path, folder: Path, model_zip: Path, member: str, symlink: bool
) -> None:
    hostile = add_member(model_zip, member, b"/etc/passwd" if symlink else b"pwned", symlink=symlink)

    with pytest.raises(UserError, match="onveilig pad"):
        install.install_zip(hostile, folder=folder)

    assert leftovers(folder) == []
    assert not (tmp_path / "evil.txt").exists() and not (folder.parent.parent / "evil.txt").exists()
    assert not Path("/tmp/vertraag-zip-slip-evil.txt").exists()


def test_a_zip_slip_download_leaves_nothing(server: ModelServer, folder: Path, model_zip: Path) -> None:
    url = server.add("/slip.zip", add_member(model_zip, "../evil.txt").read_bytes())

    with pytest.raises(UserError, match="onveilig pad"):
        download.download_model("testmodel", url=url, folder=folder)

    assert leftovers(folder) == []
    assert not (folder.parent / "evil.txt").exists()


def test_a_truncated_zip_is_refused(tmp_path: Path, folder: Path, model_zip: Path) -> None:
    cut = tmp_path / "cut.zip"
    cut.write_bytes(model_zip.read_bytes()[: model_zip.stat().st_size // 2])

    with pytest.raises(UserError, match="beschadigd of onvolledig"):
        install.install_zip(cut, folder=folder)

    assert leftovers(folder) == []


def test_a_corrupted_member_is_refused_after_unpacking_started(
    tmp_path: Path, folder: Path, model_zip: Path
) -> None:
    data = bytearray(model_zip.read_bytes())
    data[len(data) // 3] ^= 0xFF  # inside am/final.mdl's stored bytes: only its CRC can tell
    bad = tmp_path / "bad.zip"
    bad.write_bytes(bytes(data))

    with pytest.raises(UserError, match="beschadigd"):
        install.install_zip(bad, folder=folder)

    assert leftovers(folder) == []


def test_a_zip_without_a_model_is_refused(tmp_path: Path, folder: Path) -> None:
    photos = write_tree(tmp_path / "photos", {"a.jpg": 1000, "b.jpg": 1000})
    other = zip_dir(photos, tmp_path / "x.zip", top=None)

    with pytest.raises(UserError, match="bevat geen Vosk- of Whisper-model"):
        install.install_zip(other, folder=folder)

    assert leftovers(folder) == []


def test_names_come_from_the_top_folder_or_the_zip_name(
    tmp_path: Path, folder: Path, model_zip: Path
) -> None:
    flat = zip_dir(write_tree(tmp_path / "flat", VOSK_TREE), tmp_path / "my-model.zip", top=None)
    whisper = zip_dir(write_tree(tmp_path / "w", WHISPER_TREE), tmp_path / "w.zip", top="faster-whisper-x")

    assert install.install_zip(model_zip, folder=folder) == folder / "vosk-model-test-0.1"
    assert install.install_zip(flat, folder=folder) == folder / "my-model"
    assert store.detect_engine(install.install_zip(whisper, folder=folder)) == catalog.WHISPER
    assert leftovers(folder) == ["faster-whisper-x", "my-model", "vosk-model-test-0.1"]


def test_reinstalling_replaces_the_old_model_instead_of_mixing(
    tmp_path: Path, folder: Path, model_zip: Path
) -> None:
    install.install_zip(model_zip, folder=folder)
    stray = folder / "vosk-model-test-0.1" / "stray-file-from-old-version"
    stray.write_text("old")
    tree = write_tree(tmp_path / "v2", VOSK_TREE, seed=2)
    newer = zip_dir(tree, tmp_path / "v2.zip", top="vosk-model-test-0.1")

    path = install.install_zip(newer, folder=folder)

    assert not stray.exists()
    assert (path / "am/final.mdl").read_bytes() == (tmp_path / "v2/am/final.mdl").read_bytes()
    assert leftovers(folder) == ["vosk-model-test-0.1"]


def test_leftovers_of_a_killed_download_are_cleaned_up_later(folder: Path, model_zip: Path) -> None:
    folder.mkdir()
    old = folder / ".download-killed.part"
    old.write_bytes(b"half")
    long_ago = time.time() - 2 * folder_mod.STALE_TEMP_S
    os.utime(old, (long_ago, long_ago))
    running = folder / ".download-running.part"  # maybe another download right now: left alone
    running.write_bytes(b"busy")

    install.install_zip(model_zip, folder=folder)

    assert not old.exists() and running.exists()


# ---- a full disk: a real, tiny tmpfs (needs root; skipped otherwise) --------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SMALL_DISK}", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", str(mount_point)], check=False)


@pytest.mark.parametrize("announced", [True, False], ids=["size-announced", "size-unknown"])
def test_a_full_disk_during_download_leaves_nothing(
    server: ModelServer, small_disk: Path, announced: bool
) -> None:
    body = bytes(BIG_FILE_BYTES)
    url = server.add("/big.zip", body, declared_size=len(body) if announced else None)

    with pytest.raises(UserError, match="is vol"):
        download.download_model("testmodel", url=url, folder=small_disk)

    assert leftovers(small_disk) == []


def test_a_full_disk_while_unpacking_leaves_nothing(
    server: ModelServer, small_disk: Path, tmp_path: Path
) -> None:
    tree = write_tree(tmp_path / "big", BIG_MODEL_TREE)
    url = server.add("/big.zip", zip_dir(tree, tmp_path / "big.zip", top="big", compress=False).read_bytes())

    with pytest.raises(UserError, match="is vol"):
        download.download_model("testmodel", url=url, folder=small_disk)

    assert leftovers(small_disk) == []


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_in_place_on_a_terminal_and_writes_lines_in_a_log() -> None:
    for stream, separator in ((_Terminal(), "\r"), (io.StringIO(), "\n")):
        bar = ProgressBar(stream, label="Downloaden")
        for done in range(0, 1_000_001, 100_000):
            bar.update(done, 1_000_000)
        bar.close()
        shown = stream.getvalue()
        assert separator in shown and "100%" in shown and "1.00MB/1.00MB" in shown
        if separator == "\n":
            assert "\r" not in shown
