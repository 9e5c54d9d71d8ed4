"""Voice features: MFCCs 1-19 and their deltas, without c0, so that loudness cannot move them.

A gain on the signal adds the same constant to every log mel band; the orthonormal DCT puts all of it into c0,
which is dropped. What is left describes the shape of the spectrum (the vocal tract), not how loud it was.

`FeatureStream` turns the samples of a speech segment into feature rows as they come, keeping the window
overlap between calls, so the per-second judgements inside a segment and the whole-segment judgement at its
end share one pass over the audio.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import INT16_FULL_SCALE, SAMPLE_RATE

Floats = npt.NDArray[np.float64]

WINDOW_SAMPLES = 400  # 25 ms: the usual speech window, short enough for the vocal tract to hold still
HOP_SAMPLES = 160  # 10 ms: 100 feature rows per second
ROWS_PER_SECOND = SAMPLE_RATE // HOP_SAMPLES
FFT_SIZE = 512  # the next power of two above the window
MEL_BANDS = 40  # enough resolution for 19 cepstra
MEL_LOW_HZ = 60.0  # below the lowest voice fundamental: mains hum and table knocks stay out
MEL_HIGH_HZ = 7600.0  # just under Nyquist (8 kHz), where cheap microphones roll off
CEPSTRA = 19  # c1..c19; c0 (loudness) is dropped
DELTA_REACH = 2  # rows either side for the delta regression (the standard +-2)
PRE_EMPHASIS = 0.97  # flattens the speech spectrum's tilt before the mel bands
LOG_FLOOR = 1e-10  # keeps log() finite on digital silence
FEATURE_DIM = 2 * CEPSTRA
# Rows quieter than this far under the loudest row of their stretch are pauses and breath, not voice.
SPEECH_GATE_DB = 30.0
# Rows under this level (dB re full scale) are silence whatever the stretch: calm speech at a table reaches
# -35 dBFS or more (LibriSpeech readers' loud rows -31 to -16), a quiet room's hiss stays under -65.
SILENCE_DBFS = -60.0
POWER_TO_DB = 10.0


def _mel(hz: Floats | float) -> Floats:
    return 2595.0 * np.log10(1.0 + np.asarray(hz, dtype=np.float64) / 700.0)


def _mel_filterbank() -> Floats:
    """Triangular filters on the mel scale, MEL_BANDS x (FFT_SIZE // 2 + 1)."""
    edges_mel = np.linspace(_mel(MEL_LOW_HZ), _mel(MEL_HIGH_HZ), MEL_BANDS + 2)
    edges_hz = 700.0 * (10.0 ** (edges_mel / 2595.0) - 1.0)
    bins_hz = np.linspace(0.0, SAMPLE_RATE / 2, FFT_SIZE // 2 + 1)
    bank = np.zeros((MEL_BANDS, len(bins_hz)))
    for band in range(MEL_BANDS):
        low, mid, high = edges_hz[band : band + 3]
        rising = (bins_hz - low) / (mid - low)
        falling = (high - bins_hz) / (high - mid)
        bank[band] = np.clip(np.minimum(rising, falling), 0.0, None)
    return bank


def _dct_matrix() -> Floats:
    """Orthonormal DCT-II rows 1..CEPSTRA (row 0, the mean of the log bands, would be loudness)."""
    n = np.arange(MEL_BANDS)
    rows = np.arange(1, CEPSTRA + 1)[:, None]
    return np.asarray(np.sqrt(2.0 / MEL_BANDS) * np.cos(np.pi * rows * (2 * n + 1) / (2 * MEL_BANDS)))


_FILTERBANK = _mel_filterbank()
_DCT = _dct_matrix()
_WINDOW = np.hamming(WINDOW_SAMPLES)
_WINDOW_POWER = float(np.mean(_WINDOW**2))


def cepstra(samples: Floats) -> tuple[Floats, Floats]:
    """Static cepstra (rows x CEPSTRA) and each row's level in dB, for every whole window of `samples`."""
    rows = 1 + (len(samples) - WINDOW_SAMPLES) // HOP_SAMPLES if len(samples) >= WINDOW_SAMPLES else 0
    if rows == 0:
        return np.zeros((0, CEPSTRA)), np.zeros(0)
    emphasised = np.append(samples[:1], samples[1:] - PRE_EMPHASIS * samples[:-1])
    index = np.arange(WINDOW_SAMPLES)[None, :] + HOP_SAMPLES * np.arange(rows)[:, None]
    windows = emphasised[index] * _WINDOW
    power = np.abs(np.fft.rfft(windows, FFT_SIZE)) ** 2
    power_of_window = np.mean((samples[index] * _WINDOW) ** 2, axis=1) / _WINDOW_POWER  # before pre-emphasis
    level_db = POWER_TO_DB * np.log10(power_of_window + LOG_FLOOR)
    log_bands = np.log(power @ _FILTERBANK.T + LOG_FLOOR)
    return log_bands @ _DCT.T, level_db


def with_deltas(static: Floats) -> Floats:
    """Static cepstra with their regression deltas beside them (rows x FEATURE_DIM); edges repeat."""
    if len(static) == 0:
        return np.zeros((0, FEATURE_DIM))
    padded = np.pad(static, ((DELTA_REACH, DELTA_REACH), (0, 0)), mode="edge")
    steps = range(1, DELTA_REACH + 1)
    n, mid = len(static), DELTA_REACH
    delta = sum(k * (padded[mid + k : mid + k + n] - padded[mid - k : mid - k + n]) for k in steps)
    norm = 2.0 * sum(k * k for k in steps)
    return np.hstack((static, np.asarray(delta) / norm))


def voiced(level_db: Floats) -> npt.NDArray[np.bool_]:
    """Rows loud enough, relative to the loudest row of the stretch, to carry the voice."""
    if len(level_db) == 0:
        return np.zeros(0, dtype=np.bool_)
    return np.asarray((level_db >= level_db.max() - SPEECH_GATE_DB) & (level_db >= SILENCE_DBFS))


def features(samples: npt.NDArray[np.int16] | Floats) -> Floats:
    """All voiced feature rows of a stretch of 16 kHz audio (for calibration and measuring)."""
    static, level = cepstra(np.asarray(samples, dtype=np.float64) / INT16_FULL_SCALE)
    return with_deltas(static)[voiced(level)]


class FeatureStream:
    """Feature rows of one speech segment, computed as its samples arrive."""

    def __init__(self) -> None:
        self._tail = np.zeros(0)

    def reset(self) -> None:
        self._tail = np.zeros(0)

    def push(self, samples: npt.NDArray[np.int16]) -> tuple[Floats, Floats]:
        """Cepstra and levels of the windows completed by `samples` (keeps the overlap for the next call)."""
        data = np.concatenate((self._tail, np.asarray(samples, dtype=np.float64) / INT16_FULL_SCALE))
        static, level = cepstra(data)
        self._tail = data[len(static) * HOP_SAMPLES :]
        return static, level
