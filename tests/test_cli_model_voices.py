"""Piper voices through `vertraag model ...`, as a user runs it: list, download (progress, size check,
nothing half-installed, a clear offline message), install from copied files, verify, path.

The voice served and installed is the PyPI test voice (`tests/piper_voice.py`) under a Dutch voice's name;
the server is a real HTTP server on 127.0.0.1 (`tests/model_server.py`). Nothing reaches the internet.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.model_server import ModelServer, closed_port, leftovers
from tests.piper_voice import broken_copy, config_of, joe_onnx
from vertraag import cli
from vertraag.errors import EXIT_OK, EXIT_USER_ERROR, UserError
from vertraag.models import catalog, store
from vertraag.models.catalog import PIPER, ModelInfo
from vertraag.models.download import download_model

pytestmark = pytest.mark.slow

VOICE = catalog.default_for(catalog.PIPER)
OFFLINE_TIMEOUT_S = "1"


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(store.MODELS_DIR_ENV, str(folder))
    monkeypatch.setenv("VERTRAAG_CONFIG", str(tmp_path / "none.toml"))
    return folder


@pytest.fixture(scope="module")
def voice_bytes() -> tuple[bytes, bytes]:
    onnx = joe_onnx()
    return onnx.read_bytes(), config_of(onnx).read_bytes()


@pytest.fixture
def server(voice_bytes: tuple[bytes, bytes]) -> Iterator[ModelServer]:
    """The voices site's layout: NAME.onnx, NAME.onnx.json and MODEL_CARD in one folder."""
    onnx, config = voice_bytes
    with ModelServer() as running:
        running.add(f"/v/{VOICE.name}.onnx", onnx)
        running.add(f"/v/{VOICE.name}.onnx.json", config)
        running.add("/v/MODEL_CARD", b"# Model card\n* License: CC0\n")
        yield running


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["model", *args])
    out, err = capsys.readouterr()
    return code, out, err


def last_line(err: str) -> str:
    assert "Traceback" not in err
    return err.strip().splitlines()[-1]


def test_list_shows_the_dutch_voices_with_kind_language_size_and_licence(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list")
    assert code == EXIT_OK
    lines = {
        name: next(line for line in out.splitlines() if name in line)
        for name in ("nl_BE-nathalie-medium", "nl_BE-rdh-medium", "nl_NL-mls-medium")
    }
    assert lines["nl_BE-nathalie-medium"].startswith("*")  # the default voice
    assert all(" piper " in line and " nl_" in line and "MB" in line for line in lines.values())
    assert "63,2 MB" in lines["nl_BE-nathalie-medium"] and "CC-BY-4.0" in lines["nl_NL-mls-medium"]
    assert "Stem: espeak-ng" in out  # no Piper voice yet: which voice speaks, and how to get a better one


def test_download_install_verify_path_and_list(
    models: Path, server: ModelServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "download", VOICE.name, "--url", server.url(f"/v/{VOICE.name}.onnx"))
    assert code == EXIT_OK, err
    folder = models / VOICE.name
    assert sorted(p.name for p in folder.iterdir()) == [
        "MODEL_CARD",
        f"{VOICE.name}.onnx",
        f"{VOICE.name}.onnx.json",
    ]
    assert "100%" in err  # the progress bar reached the end
    assert (folder.stat().st_mode & 0o777) == 0o700
    assert leftovers(models) == [VOICE.name]  # no hidden download or install folders left

    code, out, _ = run(capsys, "verify", VOICE.name)
    assert code == EXIT_OK and "In orde" in out and "piper" in out
    code, out, _ = run(capsys, "path", VOICE.name)
    assert out.strip() == str(folder)
    code, out, _ = run(capsys, "list")
    line = next(line for line in out.splitlines() if VOICE.name in line)
    assert "geïnstalleerd, 63,2 MB" in line
    code, out, _ = run(capsys, "download", VOICE.name)  # installed: nothing is fetched (no URL needed)
    assert code == EXIT_OK and "al geïnstalleerd" in out


def test_a_download_of_the_wrong_size_installs_nothing(
    models: Path, server: ModelServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = ModelInfo(
        name=VOICE.name,
        engine=PIPER,
        licence="",
        description="",
        url=server.url(f"/v/{VOICE.name}.onnx"),
        size_bytes=VOICE.size_bytes + 1 if VOICE.size_bytes else 1,
    )
    monkeypatch.setattr(catalog, "known_models", lambda: (wrong,))
    with pytest.raises(UserError) as caught:
        download_model(VOICE.name, folder=models)
    assert "in plaats van" in caught.value.message and "niets geïnstalleerd" in caught.value.message
    assert leftovers(models) == []


def test_an_interrupted_download_installs_nothing(
    models: Path, voice_bytes: tuple[bytes, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    onnx, config = voice_bytes
    with ModelServer() as server:
        url = server.add("/v/half.onnx", onnx, send_bytes=len(onnx) // 2)
        server.add("/v/half.onnx.json", config)
        code, _, err = run(capsys, "download", VOICE.name, "--url", url)
    assert code == EXIT_USER_ERROR
    assert "onderbroken" in last_line(err) and "niets geïnstalleerd" in last_line(err)
    assert leftovers(models) == []


def test_a_voice_without_its_json_on_the_server_installs_nothing(
    models: Path, voice_bytes: tuple[bytes, bytes], capsys: pytest.CaptureFixture[str]
) -> None:
    with ModelServer() as server:
        url = server.add("/v/alone.onnx", voice_bytes[0])
        code, _, err = run(capsys, "download", VOICE.name, "--url", url)
    assert code == EXIT_USER_ERROR and "404" in last_line(err)
    assert leftovers(models) == []


def test_offline_says_how_to_get_the_voice_and_install_from_the_copied_files_works(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/v/{VOICE.name}.onnx"
    code, _, err = run(capsys, "download", VOICE.name, "--url", url, "--timeout", OFFLINE_TIMEOUT_S)
    assert code == EXIT_USER_ERROR
    assert len(err.strip().splitlines()) == 1
    assert f"{VOICE.name}.onnx.json" in err and f"vertraag model install {VOICE.name}.onnx" in err
    assert leftovers(models) == []

    copied = tmp_path / "usb" / f"{VOICE.name}.onnx"  # the two files, carried over on a stick
    copied.parent.mkdir()
    shutil.copyfile(joe_onnx(), copied)
    shutil.copyfile(config_of(joe_onnx()), config_of(copied))
    code, out, err = run(capsys, "install", str(copied))
    assert code == EXIT_OK, err
    code, out, _ = run(capsys, "verify", VOICE.name)
    assert code == EXIT_OK and str(models / VOICE.name) in out


def test_install_without_the_json_is_one_clear_line(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alone = tmp_path / f"{VOICE.name}.onnx"
    shutil.copyfile(joe_onnx(), alone)
    code, _, err = run(capsys, "install", str(alone))
    assert code == EXIT_USER_ERROR and len(err.strip().splitlines()) == 1
    assert f"{VOICE.name}.onnx.json" in err and "niets geïnstalleerd" in err
    assert leftovers(models) == []


def test_verify_catches_a_voice_that_does_not_load(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    onnx = broken_copy(tmp_path / "copy", VOICE.name)
    assert run(capsys, "install", str(onnx))[0] == EXIT_OK  # complete-looking: both files are there
    code, _, err = run(capsys, "verify", VOICE.name)
    assert code == EXIT_USER_ERROR and len(err.strip().splitlines()) == 1
    assert "laadt niet" in err and f"vertraag model download {VOICE.name}" in err
