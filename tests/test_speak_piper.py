"""Piper, the neural voice, with the PyPI test voice: it loads, speaks at the player's rate (resampled when
the player wants another), keeps the calm pace, is rendered once per text, plays on the speaker, and a broken
voice is one clear line after which the next engine speaks."""

from __future__ import annotations

import logging
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest

from tests.piper_voice import broken_copy, config_of, joe_onnx
from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.sound import Sound
from vertraag.speak.tones import OUTPUT_RATE
from vertraag.speak.tts import CachedRenderer
from vertraag.speak.tts.choose import ESPEAK, PIPER, choose_renderer
from vertraag.speak.tts.piper_engine import PiperRenderer

pytestmark = pytest.mark.slow

SENTENCE = "Let us take a calm breath together."  # the test voice is English
TWO_SENTENCES = "Let us slow down. Take a calm breath."
SPEECH_SECONDS = (1.0, 6.0)
MIN_RMS = 0.01
PLAYER_RATE = 48_000  # a sound card that only takes 48 kHz


@pytest.fixture(scope="module")
def piper() -> PiperRenderer:
    return PiperRenderer(joe_onnx())


def _rms(sound: Sound) -> float:
    return float(np.sqrt(np.mean(sound.samples.astype(np.float64) ** 2)))


def test_piper_speaks_at_the_players_rate(piper: PiperRenderer) -> None:
    sound = piper.render(SENTENCE)
    assert sound.rate == OUTPUT_RATE
    assert SPEECH_SECONDS[0] <= sound.seconds <= SPEECH_SECONDS[1]
    assert _rms(sound) > MIN_RMS


def test_another_player_rate_gets_resampled_speech() -> None:
    sound = PiperRenderer(joe_onnx(), rate=PLAYER_RATE).render(SENTENCE)
    assert sound.rate == PLAYER_RATE
    assert SPEECH_SECONDS[0] <= sound.seconds <= SPEECH_SECONDS[1] and _rms(sound) > MIN_RMS


def test_a_calmer_rate_is_slower_speech() -> None:
    calm = PiperRenderer(joe_onnx(), rate_wpm=100).render(SENTENCE)
    quick = PiperRenderer(joe_onnx(), rate_wpm=200).render(SENTENCE)
    assert calm.seconds > 1.5 * quick.seconds


def test_sentences_are_joined_with_a_pause(piper: PiperRenderer) -> None:
    both = piper.render(TWO_SENTENCES)
    quiet = np.abs(both.samples) < 1e-3
    longest, run = 0, 0
    for q in quiet:
        run = run + 1 if q else 0
        longest = max(longest, run)
    assert longest / both.rate >= 0.3  # the breath between the two sentences


def test_each_text_is_rendered_once(piper: PiperRenderer) -> None:
    calls: list[str] = []

    class Counting:
        def render(self, text: str) -> Sound:
            calls.append(text)
            return piper.render(text)

    cached = CachedRenderer(Counting())
    assert cached.render(SENTENCE) is cached.render(SENTENCE)
    assert calls == [SENTENCE]


def test_nothing_to_say_is_silence(piper: PiperRenderer) -> None:
    assert piper.render("   ").seconds == 0.0


def test_a_broken_voice_is_one_clear_line(tmp_path: Path) -> None:
    onnx = broken_copy(tmp_path)
    with pytest.raises(SpeechUnavailable) as caught:
        PiperRenderer(onnx)
    message = caught.value.message
    assert "\n" not in message and str(onnx) in message and "vertraag model download" in message


def test_a_voice_without_its_json_is_one_clear_line(tmp_path: Path) -> None:
    onnx = tmp_path / "nl_BE-half-medium.onnx"
    shutil.copyfile(joe_onnx(), onnx)
    with pytest.raises(SpeechUnavailable, match="laadt niet"):
        PiperRenderer(onnx)
    assert not config_of(onnx).exists()


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_a_broken_piper_voice_hands_over_to_espeak(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    onnx = broken_copy(tmp_path)
    with caplog.at_level(logging.WARNING):
        chosen = choose_renderer(PIPER, piper_voice=str(onnx), models=tmp_path)
    assert chosen.engine == ESPEAK
    assert _rms(chosen.renderer.render("Adem rustig in.")) > MIN_RMS  # the next engine speaks
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and str(onnx) in warnings[0].getMessage()


def test_without_piper_installed_the_message_says_how(monkeypatch: pytest.MonkeyPatch) -> None:
    onnx = joe_onnx()
    monkeypatch.setitem(sys.modules, "piper", None)  # what a missing package looks like to import
    with pytest.raises(SpeechUnavailable, match=r"vertraag\[piper\]"):
        PiperRenderer(onnx)
