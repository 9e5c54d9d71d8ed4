"""One choice of speech engine (`--tts`, `[voice] tts`) and every fallback: by default Piper with an installed
Dutch voice, else espeak-ng, else pyttsx3; a chosen engine goes first and the others stay behind it; when
none works, a chime. `describe` says which voice will speak without loading one."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

from tests.piper_voice import DUTCH_NAME, VOICE_NAME, install_copy
from vertraag.config import Settings, VoiceSettings
from vertraag.speak import tts
from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.player import RecordingPlayer
from vertraag.speak.speaker import Speaker
from vertraag.speak.tones import chime
from vertraag.speak.tts import choose
from vertraag.speak.tts.choose import AUTO, ESPEAK, PIPER, PYTTSX3, choose_renderer, describe, engine_order

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed"),
]


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "models"
    folder.mkdir()
    monkeypatch.setenv("VERTRAAG_MODELS_DIR", str(folder))
    return folder


def no_espeak_program(monkeypatch: pytest.MonkeyPatch) -> None:
    """A machine without the espeak-ng program (libespeak-ng, which pyttsx3 uses, may still be there)."""
    real_which = shutil.which
    monkeypatch.setattr(
        "vertraag.speak.tts.espeak.shutil.which",
        lambda name: None if name == "espeak-ng" else real_which(name),
    )


def test_the_order_is_the_chosen_engine_then_the_rest() -> None:
    assert engine_order(AUTO) == (PIPER, ESPEAK, PYTTSX3)
    assert engine_order(PYTTSX3) == (PYTTSX3, PIPER, ESPEAK)
    assert engine_order(ESPEAK) == (ESPEAK, PIPER, PYTTSX3)


def test_auto_without_a_piper_voice_is_espeak(models: Path) -> None:
    assert choose_renderer(AUTO).engine == ESPEAK


def test_auto_skips_a_voice_that_is_not_dutch(models: Path) -> None:
    install_copy(models)  # the English test voice
    assert choose_renderer(AUTO).engine == ESPEAK


def test_auto_speaks_with_an_installed_dutch_piper_voice(models: Path) -> None:
    install_copy(models)
    install_copy(models, name=DUTCH_NAME, language="nl_BE")
    chosen = choose_renderer(AUTO)
    assert chosen.engine == PIPER and DUTCH_NAME in chosen.label


def test_asking_for_piper_takes_any_installed_voice(models: Path, caplog: pytest.LogCaptureFixture) -> None:
    install_copy(models)
    with caplog.at_level(logging.WARNING):
        chosen = choose_renderer(PIPER)
    assert chosen.engine == PIPER and VOICE_NAME in chosen.label
    assert "not Dutch" in caplog.text


def test_asking_for_piper_without_a_voice_falls_back_with_the_reason(
    models: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert choose_renderer(PIPER).engine == ESPEAK
    assert "vertraag model download" in caplog.text


def test_asking_for_pyttsx3_gets_pyttsx3(models: Path) -> None:
    chosen = choose_renderer(PYTTSX3)
    assert chosen.engine == PYTTSX3 and isinstance(chosen.renderer, tts.Pyttsx3Renderer)


def test_without_the_espeak_program_pyttsx3_speaks(models: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    no_espeak_program(monkeypatch)
    assert choose_renderer(ESPEAK).engine == PYTTSX3


def test_when_no_engine_works_the_reasons_are_named_and_a_chime_stands_in(
    models: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_espeak_program(monkeypatch)

    def no_pyttsx3(rate_wpm: int) -> choose.Chosen:
        raise SpeechUnavailable("pyttsx3 kan niet starten (geen libespeak-ng).")

    monkeypatch.setattr(choose, "_pyttsx3", no_pyttsx3)
    with pytest.raises(SpeechUnavailable) as caught:
        choose_renderer(AUTO)
    message = caught.value.message
    assert "Piper" in message and "espeak-ng" in message and "pyttsx3" in message
    from vertraag.assemble import _renderer

    assert _renderer(Settings()) is None
    player = RecordingPlayer()
    Speaker(renderer=None, player=player).say("stem", 1, "Even vertragen.")
    assert player.sounds[0].seconds == chime().seconds


def test_the_settings_choose_the_engine(models: Path) -> None:
    from vertraag.assemble import _renderer

    renderer = _renderer(Settings(voice=VoiceSettings(tts=PYTTSX3)))
    assert isinstance(renderer, tts.Pyttsx3Renderer)


def test_describe_says_which_voice_will_speak(models: Path) -> None:
    assert describe(AUTO).startswith("Stem: espeak-ng")
    assert "vertraag model download nl_BE-nathalie-medium" in describe(AUTO)
    install_copy(models, name=DUTCH_NAME, language="nl_BE")
    assert describe(AUTO) == f"Stem: Piper ({DUTCH_NAME}, nl_BE)"
    assert describe(PYTTSX3).startswith("Stem: pyttsx3")
    assert "opgenomen zinnen uit /stem" in describe(AUTO, folder="/stem")


def test_an_unknown_engine_in_the_settings_is_one_clear_line(tmp_path: Path) -> None:
    from vertraag import known
    from vertraag.config import load_settings
    from vertraag.errors import UserError

    path = tmp_path / "config.toml"
    path.write_text('[voice]\ntts = "hard"\n', encoding="utf-8")
    with pytest.raises(UserError) as caught:
        load_settings(path, names=known.names())
    assert "tts" in caught.value.message and '"piper"' in caught.value.message
    path.write_text('[voice]\ntts = "piper"\npiper_voice = "nl_NL-mls-medium"\n', encoding="utf-8")
    voice = load_settings(path, names=known.names()).voice
    assert (voice.tts, voice.piper_voice) == (PIPER, "nl_NL-mls-medium")
