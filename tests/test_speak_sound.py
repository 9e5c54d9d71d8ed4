"""`Sound`, `read_wav`, `silence`: recordings of any common format come in as mono at a known rate."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from vertraag.errors import UserError
from vertraag.speak.sound import Sound, read_wav, silence

RATE = 16_000
TONE_HZ = 440.0


def _tone(seconds: float, rate: int = RATE) -> np.ndarray:
    t = np.arange(round(seconds * rate)) / rate
    return (0.25 * np.sin(2 * np.pi * TONE_HZ * t)).astype(np.float32)


def test_stereo_24_bit_wav_is_mixed_to_mono(tmp_path: Path) -> None:
    left = _tone(0.5)
    path = tmp_path / "stem.wav"
    sf.write(path, np.stack([left, np.zeros_like(left)], axis=1), RATE, subtype="PCM_24")
    sound = read_wav(path)
    assert sound.rate == RATE and sound.samples.dtype == np.float32 and sound.samples.ndim == 1
    assert sound.seconds == pytest.approx(0.5)
    assert np.allclose(sound.samples, left / 2, atol=1e-4)


def test_resampling_keeps_length_and_pitch() -> None:
    sound = Sound(_tone(1.0), RATE)
    out = sound.resampled(48_000)
    assert out.rate == 48_000 and out.seconds == pytest.approx(1.0)
    spectrum = np.abs(np.fft.rfft(out.samples))
    assert np.argmax(spectrum) * out.rate / len(out.samples) == pytest.approx(TONE_HZ, abs=2)
    assert sound.resampled(RATE) is sound


def test_sounds_cannot_be_changed_once_made() -> None:
    samples = _tone(0.1)
    sound = Sound(samples, RATE)
    with pytest.raises(ValueError):
        sound.samples[0] = 1.0
    samples[0] = 1.0  # the caller's own array stays theirs
    assert sound.samples[0] == 0.0


def test_silence_lasts_as_asked() -> None:
    quiet = silence(1.5, RATE)
    assert quiet.seconds == 1.5 and not quiet.samples.any()


@pytest.mark.parametrize("content", [b"", b"RIFF\x10\x00\x00\x00WAVEjunkjunk", b"dit is geen geluid"])
def test_a_broken_file_is_a_clear_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kapot.wav"
    path.write_bytes(content)
    with pytest.raises(UserError, match=r"kapot\.wav"):
        read_wav(path)


def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="niet gevonden"):
        read_wav(tmp_path / "weg.wav")
