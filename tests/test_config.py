"""Settings: one schema for the file, `$VERTRAAG_MODEL` and the flags; every refusal is one line, exit code 2.

The first tests are the examples from the issue, as a new user meets them: through `vertraag run`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import msgspec
import pytest

from vertraag import cli, known
from vertraag.config import (
    CONFIG_ENV,
    MODEL_ENV,
    AudioSettings,
    RecognizerSettings,
    Settings,
    load_settings,
    override,
)
from vertraag.config import check as config_check
from vertraag.errors import EXIT_USER_ERROR, UserError
from vertraag.models.catalog import ENGINE_CHOICES


@pytest.fixture(autouse=True)
def _no_user_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(CONFIG_ENV, str(tmp_path / "geen-config.toml"))
    monkeypatch.delenv(MODEL_ENV, raising=False)


def run_with_config(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """`vertraag run --config FILE` (on a recording that is not there: a good config gets that far)."""
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    code = cli.main(["run", "--config", str(path), "--input", str(tmp_path / "geen.wav")])
    return code, capsys.readouterr().err


def refusal(text: str, tmp_path: Path) -> str:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UserError) as info:
        load_settings(path, names=known.names())
    assert info.value.exit_code == EXIT_USER_ERROR
    assert "\n" not in info.value.message
    assert str(path) in info.value.message
    return info.value.message


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[raised_voice]\nbaseline_db = "hard"\n', ['baseline_db = "hard"', "een getal", "-120", "0"]),
        ("[audio]\nblock_ms = -3\n", ["block_ms = -3", "geheel getal", "groter dan 0"]),
        ("[recognizer]\nmodel = 5\n", ["model = 5", "tekst"]),
        ("[vad]\nstart_ms = true\n", ["start_ms = true", "geheel getal"]),
        ("[raised_voice]\nthreshold_db = true\n", ["threshold_db = true", "een getal"]),
    ],
)
def test_the_issues_examples_are_one_line_and_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, says: list[str]
) -> None:
    code, err = run_with_config(tmp_path, text, capsys)
    assert code == EXIT_USER_ERROR
    assert len(err.strip().splitlines()) == 1, err
    assert str(tmp_path / "config.toml") in err
    for part in says:
        assert part in err


def test_a_good_config_is_taken(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[audio]\nblock_ms = 32\ndevice = "USB"\n[raised_voice]\nthreshold_db = 8\nbaseline_db = -30\n'
        '[recognizer]\nengine = "none"\n[voice]\nrate_wpm = 120\n',
        encoding="utf-8",
    )
    settings = load_settings(path, names=known.names())
    assert settings.audio == AudioSettings(device="USB", block_ms=32)
    assert settings.raised_voice.threshold_db == 8.0 and isinstance(settings.raised_voice.threshold_db, float)
    assert settings.raised_voice.baseline_db == -30.0
    assert settings.recognizer.engine == "none"
    assert settings.voice.rate_wpm == 120
    assert settings.vad == Settings().vad


def test_the_defaults_pass_their_own_check() -> None:
    defaults = msgspec.to_builtins(Settings())
    assert config_check.checked(defaults, where="standaard", names=known.names()) == Settings()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[audoi]\nblock_ms = 1\n", ["onbekende sectie [audoi]", "audio, vad"]),
        ("[audio]\nblok_ms = 1\n", ["onbekende instelling blok_ms in [audio]", "block_ms"]),
        ("block_ms = 1\n", ["onbekende sectie [block_ms]"]),
        ("audio = 5\n", ["[audio] moet een sectie zijn", "niet 5"]),
        ('[recognizer]\nengine = "kaldi"\n', ['engine = "kaldi"', '"vosk", "whisper", "none"']),
        ("[session]\nmin_gap_s = -1\n", ["min_gap_s = -1", "minstens 0"]),
        ("[session]\nmin_gap_s = inf\n", ["min_gap_s = inf"]),
        ("[vad]\nspeech_threshold = nan\n", ["speech_threshold = nan"]),
        ("[vad]\nspeech_threshold = 1.5\n", ["speech_threshold = 1.5", "hoogstens 1"]),
        ("[protocol]\nrounds = 0\n", ["rounds = 0", "minstens 1"]),
        ("[protocol]\nturn_seconds = 0\n", ["turn_seconds = 0", "groter dan 0"]),
        ("[protocol]\ntimeout_minutes = 5\n", ["timeout_minutes = 5", "minstens 20"]),
        ('[protocol]\nname = ""\n', ['name = ""', '"vertraag"']),
        ("[speech_rate]\nfactor = 1.0\n", ["factor = 1.0", "groter dan 1"]),
        ("[voice]\nrate_wpm = 500\n", ["rate_wpm = 500", "minstens 80 en hoogstens 300"]),
        ("[audio]\nblock_ms = 64.0\n", ["block_ms = 64.0", "geheel getal"]),
        ('["a\\nb"]\nx = 1\n', ['onbekende sectie ["a\\nb"]']),
        (f"[audio]\ndevice = {'1' * 200}\n", ["device = 1111", "..."]),
    ],
)
def test_refusals_name_the_file_the_key_and_what_is_allowed(
    tmp_path: Path, text: str, says: list[str]
) -> None:
    message = refusal(text, tmp_path)
    for part in says:
        assert part in message, message


def test_the_engine_names_are_the_factorys() -> None:
    names = ", ".join(f'"{e}"' for e in ENGINE_CHOICES)
    allowed = config_check.allowed(RecognizerSettings, "engine", known.names())
    assert allowed == f"een van {names} (of laat de regel weg)"


def test_every_key_of_every_section_is_checked(tmp_path: Path) -> None:
    """Generic over the schema: a table where a value belongs is refused for each key, naming it."""
    for section, names in config_check.keys().items():
        for key in names:
            message = refusal(f"[{section}]\n{key} = {{ x = 1 }}\n", tmp_path)
            assert f"[{section}] {key} = {{...}} kan niet; toegestaan: " in message


def test_a_broken_toml_file_is_one_line(tmp_path: Path) -> None:
    message = refusal("[audio\nblock_ms = \n", tmp_path)
    assert "geen geldige TOML" in message


def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_bytes(b'[audio]\ndevice = "\xff\xfe"\n')
    with pytest.raises(UserError):
        load_settings(path, names=known.names())


def test_flags_pass_the_same_check() -> None:
    settings = override(Settings(), "raised_voice", names=known.names(), hold_ms=500, threshold_db=8)
    assert settings.raised_voice.hold_ms == 500 and settings.raised_voice.threshold_db == 8.0
    assert override(settings, "audio", names=known.names(), device=None) is settings  # None: not given
    with pytest.raises(UserError, match=r"opdrachtregel: \[raised_voice\] hold_ms = -5 kan niet"):
        override(settings, "raised_voice", names=known.names(), hold_ms=-5)
    with pytest.raises(UserError, match=r"engine = \"kaldi\""):
        override(settings, "recognizer", names=known.names(), engine="kaldi")


def test_a_bad_flag_is_one_line_with_exit_code_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["run", "--hold-ms", "-5"], ["run", "--hold-ms", "lang"], ["run", "--engine", "kaldi"]):
        with pytest.raises(SystemExit) as info:
            code = cli.main([*argv, "--input", str(tmp_path / "geen.wav")])
            raise SystemExit(code)
        assert info.value.code == EXIT_USER_ERROR
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, err


def test_the_model_variable_is_checked_and_used(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(MODEL_ENV, "/mijn/model")
    assert load_settings(names=known.names()).recognizer.model == "/mijn/model"
    monkeypatch.setenv(MODEL_ENV, "")  # empty: not given
    assert load_settings(names=known.names()).recognizer.model is None


def test_the_config_variable_names_the_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "env.toml"
    path.write_text("[audio]\nblock_ms = 0\n", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(path))
    with pytest.raises(UserError, match=str(path)):
        load_settings(names=known.names())


def test_settings_stay_frozen_dataclasses_with_attribute_access() -> None:
    settings = Settings()
    assert settings.session.min_gap_s == 20.0
    assert dataclasses.is_dataclass(settings.protocol)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.audio.block_ms = 3  # type: ignore[misc]


def test_protocol_names_come_from_the_protocol_files(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    folder = tmp_path / "nl" / "protocols"
    folder.mkdir(parents=True)
    for name in ("vrij", "vertraag"):
        (folder / f"{name}.toml").write_text("", encoding="utf-8")
    monkeypatch.setattr("vertraag.phrases.phrases_root", lambda: tmp_path)
    message = refusal('[protocol]\nname = "ruzie"\n', tmp_path)
    assert 'name = "ruzie"' in message and '"vertraag", "vrij"' in message
    config = tmp_path / "ok.toml"
    config.write_text('[protocol]\nname = "vrij"\n', encoding="utf-8")
    assert load_settings(config, names=known.names()).protocol.name == "vrij"
