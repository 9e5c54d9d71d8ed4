"""Loudness: frame levels in dBFS and the smoothed level over speech frames only."""

from __future__ import annotations

import numpy as np
import pytest

from tests import audio_gen as g
from vertraag.audio.frames import FRAME_SAMPLES, FRAME_SECONDS, frames_from_blocks
from vertraag.loudness import MIN_DBFS, SMOOTHING_WINDOW_MS, SpeechLoudness, frame_dbfs

WINDOW_FRAMES = round(SMOOTHING_WINDOW_MS / 1000 / FRAME_SECONDS)


def test_full_scale_square_is_0_dbfs_and_a_sine_3_db_below() -> None:
    square = np.where(np.arange(FRAME_SAMPLES) % 32 < 16, 32767, -32768).astype(np.int16)
    sine = g.to_int16(np.sin(2 * np.pi * 1000 * np.arange(FRAME_SAMPLES) / 16_000) * 0.5)
    assert frame_dbfs(square) == pytest.approx(0.0, abs=0.01)
    assert frame_dbfs(sine) == pytest.approx(20 * np.log10(0.5 / np.sqrt(2)), abs=0.05)


def test_digital_silence_and_empty_frames_sit_at_the_floor() -> None:
    assert frame_dbfs(np.zeros(FRAME_SAMPLES, dtype=np.int16)) == MIN_DBFS
    assert frame_dbfs(np.zeros(0, dtype=np.int16)) == MIN_DBFS
    one_lsb = np.ones(FRAME_SAMPLES, dtype=np.int16)
    assert MIN_DBFS < frame_dbfs(one_lsb) < -80.0


def test_ten_db_louder_speech_measures_ten_db_louder() -> None:
    speech = g.at_level(g.espeak_nl("Ik wil graag even rustig praten."), g.CALM_SPEECH_DBFS)
    louder = g.scale_db(speech, 10.0)
    for quiet, loud in zip(frames_from_blocks([speech]), frames_from_blocks([louder]), strict=True):
        if frame_dbfs(quiet.samples) > -50.0:  # not the rounding noise of near-silent frames
            assert frame_dbfs(loud.samples) - frame_dbfs(quiet.samples) == pytest.approx(10.0, abs=0.1)


def test_nothing_before_the_first_speech_frame() -> None:
    loudness = SpeechLoudness()
    assert loudness.update(-20.0, is_speech=False) is None
    assert loudness.level_db is None
    assert loudness.update(-20.0, is_speech=True) == pytest.approx(-20.0)


def test_pauses_and_noise_do_not_move_the_speech_level() -> None:
    loudness = SpeechLoudness()
    for _ in range(20):
        loudness.update(-25.0, is_speech=True)
    for level in (MIN_DBFS, -3.0, -60.0):  # a pause, a bang, a quiet hum: none of them is speech
        assert loudness.update(level, is_speech=False) == pytest.approx(-25.0)


def test_loud_vowels_dominate_the_dips_between_words() -> None:
    loudness = SpeechLoudness()
    level = None
    for i in range(16):  # half the window loud, half 20 dB softer, interleaved like syllables and dips
        level = loudness.update(-20.0 if i % 2 else -40.0, is_speech=True)
    # Power average: 10*log10((1 + 0.01) / 2) = -3 dB below the loud frames, not the -10 dB of a dB mean.
    assert level == pytest.approx(-20.0 + 10 * np.log10(1.01 / 2), abs=0.01)


def test_old_speech_leaves_the_window() -> None:
    loudness = SpeechLoudness(window_ms=320)  # ten frames
    for _ in range(10):
        loudness.update(-10.0, is_speech=True)
    for _ in range(10):
        level = loudness.update(-30.0, is_speech=True)
    assert level == pytest.approx(-30.0)


def test_smoothed_level_of_real_speech_is_steadier_than_its_frames() -> None:
    speech, _ = g.real_speech("nathalie", seconds=8.0)
    frames = [f for f in frames_from_blocks([speech]) if frame_dbfs(f.samples) > -45.0]
    loudness = SpeechLoudness()
    raw = [frame_dbfs(f.samples) for f in frames]
    smooth = [loudness.update(level, is_speech=True) for level in raw]
    settled = [s for s in smooth[WINDOW_FRAMES:] if s is not None]  # once the window has filled
    assert np.std(settled) < np.std(raw) / 2
