"""The model catalogue is data (phrases/nl/models.toml): the shipped file gives each engine its default, and
an edit with a typo is refused with the file, the entry and the key, not half-read."""

from __future__ import annotations

from pathlib import Path

import pytest

from vertraag.cli import main
from vertraag.errors import EXIT_USER_ERROR, UserError
from vertraag.models import catalog

GOOD = """
[[model]]
name = "vosk-model-small-nl-0.22"
engine = "vosk"
default = true
licence = "Apache-2.0"
description = "Klein Nederlands Vosk-model"
url = "https://example.org/vosk-model-small-nl-0.22.zip"
size_bytes = 40_441_176

[[model]]
name = "base"
engine = "whisper"
default = true
licence = "MIT"
description = "Meertalig Whisper base"
language = "meertalig"

[[model]]
name = "nl_BE-nathalie-medium"
engine = "piper"
default = true
licence = "zie MODEL_CARD"
description = "Vlaamse vrouwenstem"
language = "nl_BE"
"""


def _load(tmp_path: Path, text: str) -> tuple[tuple[catalog.ModelInfo, ...], dict[str, catalog.ModelInfo]]:
    path = tmp_path / "models.toml"
    path.write_text(text, encoding="utf-8")
    return catalog.load_catalogue(path)


def test_the_shipped_catalogue_names_the_small_dutch_vosk_model_and_a_dutch_voice_as_defaults() -> None:
    assert catalog.default_for(catalog.VOSK).name == "vosk-model-small-nl-0.22"
    assert catalog.default_for(catalog.VOSK).size_bytes == 40_441_176
    voice = catalog.default_for(catalog.PIPER)
    assert voice.language.startswith("nl")
    assert voice.url is not None and voice.url.endswith(f"{voice.name}.onnx")
    assert {m.engine for m in catalog.known_models()} == set(catalog.KINDS)
    assert len({m.name for m in catalog.known_models()}) == len(catalog.known_models())


def test_a_voice_without_url_comes_from_the_voices_site(tmp_path: Path) -> None:
    _, defaults = _load(tmp_path, GOOD)
    assert defaults[catalog.PIPER].url == catalog.piper_url("nl_BE-nathalie-medium")
    whisper = defaults[catalog.WHISPER]
    assert whisper.url is None and whisper.dir_name == "faster-whisper-base"
    assert defaults[catalog.VOSK].language == "nl"


@pytest.mark.parametrize(
    ("edit", "said"),
    [
        (GOOD.replace('engine = "whisper"', 'engine = "wisper"'), "'engine'"),
        (GOOD.replace("size_bytes", "sise_bytes"), "sise_bytes"),
        (GOOD.replace("size_bytes = 40_441_176", 'size_bytes = "40 MB"'), "'size_bytes'"),
        (GOOD.replace("size_bytes = 40_441_176", "size_bytes = 40_441_176.5"), "heel getal"),
        (GOOD.replace('description = "Meertalig Whisper base"', 'description = ""'), "'description'"),
        (GOOD.replace('engine = "piper"\ndefault = true', 'engine = "piper"'), "piper"),
        (GOOD.replace('engine = "whisper"\ndefault = true', 'engine = "vosk"\ndefault = true'), "standaard"),
    ],
)
def test_a_typo_in_the_catalogue_is_refused_with_the_entry_and_key(
    tmp_path: Path, edit: str, said: str
) -> None:
    with pytest.raises(UserError) as caught:
        _load(tmp_path, edit)
    assert "models.toml" in caught.value.message and said in caught.value.message


def test_a_broken_catalogue_is_one_line_from_the_command_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "nl").mkdir()
    (tmp_path / "nl" / "models.toml").write_text(GOOD.replace('engine = "vosk"', 'engine = vosk'), "utf-8")
    monkeypatch.setattr("vertraag.phrases.phrases_root", lambda: tmp_path)
    monkeypatch.setattr(catalog, "_catalogue", catalog._catalogue.__wrapped__)  # read it again, uncached
    code = main(["model", "list"])
    err = capsys.readouterr().err
    assert code == EXIT_USER_ERROR
    assert "models.toml" in err and "geen geldige TOML" in err and "Traceback" not in err
