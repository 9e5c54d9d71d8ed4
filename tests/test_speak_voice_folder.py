"""`--voice DIR`: recordings of a real voice replace synthetic speech, per prompt and per variant."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from vertraag.errors import UserError
from vertraag.speak.player import RecordingPlayer
from vertraag.speak.sound import Sound
from vertraag.speak.speaker import Speaker
from vertraag.speak.tones import OUTPUT_RATE
from vertraag.speak.tts import EspeakRenderer
from vertraag.speak.voice_folder import VoiceFolder

RECORDED_RATE = 44_100  # what a phone or a laptop records at: not the output rate
RECORDED_S = {"pause_raised": 1.0, "pause_raised-2": 1.5, "time-out": 2.0}
TEXT = "Laten we even pauzeren."
needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (sudo apt install espeak-ng)"
)


def _record(folder: Path, name: str, seconds: float) -> None:
    t = np.arange(round(seconds * RECORDED_RATE)) / RECORDED_RATE
    sf.write(folder / f"{name}.wav", 0.2 * np.sin(2 * np.pi * 220 * t), RECORDED_RATE, subtype="PCM_16")


@pytest.fixture
def voice_dir(tmp_path: Path) -> Path:
    for name, seconds in RECORDED_S.items():
        _record(tmp_path, name, seconds)
    (tmp_path / "lees-mij.txt").write_text("geen geluid")
    return tmp_path


def test_folder_knows_its_prompts_and_variants(voice_dir: Path) -> None:
    folder = VoiceFolder(voice_dir)
    assert folder.ids() == {"pause_raised", "time-out"}
    first, second = folder.sound("pause_raised", 1), folder.sound("pause_raised", 2)
    assert first is not None and second is not None
    assert (first.seconds, second.seconds) == (1.0, 1.5)  # variant 1 has no file of its own: the plain one
    assert folder.sound("time-out", 3) is not None
    assert folder.sound("i_message", 1) is None


@needs_espeak
def test_recordings_win_over_synthesis_at_the_output_rate(voice_dir: Path) -> None:
    player = RecordingPlayer()
    speaker = Speaker(renderer=EspeakRenderer(), player=player, voice_folder=VoiceFolder(voice_dir))
    recorded_s = speaker.say("pause_raised", 2, TEXT)
    synthetic_s = speaker.say("i_message", 1, "Zeg het als een ik-boodschap.")
    assert recorded_s == pytest.approx(RECORDED_S["pause_raised-2"])
    assert synthetic_s != pytest.approx(recorded_s)
    assert all(sound.rate == OUTPUT_RATE for sound in player.sounds)


@needs_espeak
def test_a_broken_recording_falls_back_to_synthesis(
    voice_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (voice_dir / "pause_raised-2.wav").write_bytes(b"RIFF kapot")
    renderer = EspeakRenderer()
    speaker = Speaker(renderer=renderer, player=RecordingPlayer(), voice_folder=VoiceFolder(voice_dir))
    with caplog.at_level(logging.WARNING):
        sound = speaker.sound_for("pause_raised", 2, TEXT)
    assert np.array_equal(sound.samples, renderer.render(TEXT).samples)
    assert "pause_raised-2.wav" in caplog.text


def test_a_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"stemmap .*bestaat-niet"):
        VoiceFolder(tmp_path / "bestaat-niet")


def test_prepare_reads_recordings_and_sounds_are_kept(voice_dir: Path) -> None:
    folder = VoiceFolder(voice_dir)
    speaker = Speaker(renderer=None, player=RecordingPlayer(), voice_folder=folder)
    speaker.prepare([("pause_raised", 1, TEXT), ("time-out", 1, "Tijd voor een pauze.")])
    first = speaker.sound_for("pause_raised", 1, TEXT)
    assert isinstance(first, Sound) and speaker.sound_for("pause_raised", 1, TEXT) is first
