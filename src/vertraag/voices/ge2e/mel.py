"""The GE2E encoder's input: Resemblyzer's mel spectrogram, in numpy.

Resemblyzer (audio.py) feeds its LSTM librosa's power mel spectrogram, not its logarithm: 25 ms Hann windows
every 10 ms (centred, edges padded), 40 Slaney-style mel bands from 0 to 8 kHz with Slaney area norming, after
the waveform's level is raised (never lowered) to -30 dBFS. This file rebuilds exactly that, so the encoder
sees what it was trained on.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import INT16_FULL_SCALE, SAMPLE_RATE

Floats32 = npt.NDArray[np.float32]

WINDOW_SAMPLES = 400  # Resemblyzer's mel_window_length, 25 ms (also its n_fft)
HOP_SAMPLES = 160  # mel_window_step, 10 ms
MEL_BANDS = 40  # mel_n_channels
TARGET_DBFS = -30.0  # audio_norm_target_dBFS, raise only
# The Slaney mel scale (librosa's default): linear up to 1 kHz, logarithmic above.
SLANEY_LINEAR_STEP_HZ = 200.0 / 3
SLANEY_LOG_START_HZ = 1000.0
SLANEY_LOG_STEP = np.log(6.4) / 27.0
POWER_FLOOR = 1e-12


def _hz_to_mel(hz: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    linear = hz / SLANEY_LINEAR_STEP_HZ
    start = SLANEY_LOG_START_HZ / SLANEY_LINEAR_STEP_HZ
    logarithmic = start + np.log(np.maximum(hz, SLANEY_LOG_START_HZ) / SLANEY_LOG_START_HZ) / SLANEY_LOG_STEP
    return np.where(hz >= SLANEY_LOG_START_HZ, logarithmic, linear)


def _mel_to_hz(mel: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    start = SLANEY_LOG_START_HZ / SLANEY_LINEAR_STEP_HZ
    logarithmic = SLANEY_LOG_START_HZ * np.exp(SLANEY_LOG_STEP * (mel - start))
    return np.where(mel >= start, logarithmic, mel * SLANEY_LINEAR_STEP_HZ)


def _filterbank() -> npt.NDArray[np.float64]:
    """librosa.filters.mel(sr=16000, n_fft=400, n_mels=40), htk=False, norm='slaney'."""
    fft_hz = np.linspace(0.0, SAMPLE_RATE / 2, WINDOW_SAMPLES // 2 + 1)
    edges = _mel_to_hz(
        np.linspace(_hz_to_mel(np.array(0.0)), _hz_to_mel(np.array(SAMPLE_RATE / 2)), MEL_BANDS + 2)
    )
    widths = np.diff(edges)
    ramps = edges[:, None] - fft_hz[None, :]
    bank = np.zeros((MEL_BANDS, len(fft_hz)))
    for band in range(MEL_BANDS):
        lower = -ramps[band] / widths[band]
        upper = ramps[band + 2] / widths[band + 1]
        bank[band] = np.maximum(0.0, np.minimum(lower, upper))
    return bank * (2.0 / (edges[2 : MEL_BANDS + 2] - edges[:MEL_BANDS]))[:, None]


_BANK = _filterbank().astype(np.float32)
_WINDOW = (0.5 - 0.5 * np.cos(2 * np.pi * np.arange(WINDOW_SAMPLES) / WINDOW_SAMPLES)).astype(np.float32)


def normalised(samples: npt.NDArray[np.int16]) -> Floats32:
    """Float samples, raised to TARGET_DBFS if quieter (Resemblyzer's normalize_volume, increase only)."""
    wave = samples.astype(np.float32) / np.float32(INT16_FULL_SCALE)
    level = 10.0 * np.log10(float(np.mean(wave.astype(np.float64) ** 2)) + POWER_FLOOR)
    gain_db = TARGET_DBFS - level
    return wave * np.float32(10.0 ** (gain_db / 20.0)) if gain_db > 0 else wave


def mel_frames(samples: npt.NDArray[np.int16]) -> Floats32:
    """Frames x MEL_BANDS power mel spectrogram, as Resemblyzer's wav_to_mel_spectrogram gives it."""
    wave = normalised(samples)
    padded = np.pad(wave, WINDOW_SAMPLES // 2)  # librosa's centred frames (zero padding, librosa >= 0.10)
    count = 1 + (len(padded) - WINDOW_SAMPLES) // HOP_SAMPLES
    index = np.arange(WINDOW_SAMPLES)[None, :] + HOP_SAMPLES * np.arange(count)[:, None]
    power = np.abs(np.fft.rfft(padded[index] * _WINDOW, WINDOW_SAMPLES)) ** 2
    return np.asarray(power.astype(np.float32) @ _BANK.T, dtype=np.float32)
