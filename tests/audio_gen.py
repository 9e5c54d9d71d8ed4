"""Test audio: seeded synthetic sounds, espeak-ng Dutch speech and the real Dutch clips in `tests/data/`.

Every helper returns 16 kHz mono int16 (`vertraag.audio.frames.SAMPLE_RATE`), the format a `Frame` holds,
so tests can build a scene by joining pieces and then cut it into frames. Synthetic sounds take a `seed`
and are identical on every run. Levels are in dBFS of RMS (0 dBFS = a full-scale square wave); sounds
that are mostly silence (a clap) are levelled by `active_dbfs`, the RMS of their audible part only.

Levels, joining, espeak-ng Dutch and the real clips live in `bench.compose` (the benchmark composes
conversations from them too) and are re-exported here; the synthetic sounds are test-only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from bench import compose
from bench.compose import Audio, Float

# Re-exported from bench.compose (shared with the benchmark).
ACTIVE_RANGE_DB = compose.ACTIVE_RANGE_DB
CALM_SENTENCES = compose.CALM_SENTENCES
CALM_SPEECH_DBFS = compose.CALM_SPEECH_DBFS
ESPEAK_DEFAULT_WPM = compose.ESPEAK_DEFAULT_WPM
FULL_SCALE = compose.FULL_SCALE
INT16_MAX = compose.INT16_MAX
SPEECH_DIR = compose.SPEECH_DIR
Clip = compose.Clip
active_dbfs = compose.active_dbfs
at_level = compose.at_level
blocks = compose.blocks
clips = compose.clips
concat_with_silence = compose.concat_with_silence
espeak_conversation = compose.espeak_conversation
espeak_nl = compose.espeak_nl
real_speech = compose.real_speech
rms_dbfs = compose.rms_dbfs
scale_db = compose.scale_db
silence = compose.silence
to_float = compose.to_float
to_int16 = compose.to_int16
trim_silence = compose.trim_silence
write_wav = compose.write_wav
SAMPLE_RATE = compose.SAMPLE_RATE

DATA_DIR = Path(__file__).parent / "data"


# ---------------------------------------------------------------- synthetic sounds


def _n(seconds: float) -> int:
    return round(seconds * SAMPLE_RATE)


def _time(seconds: float) -> Float:
    return np.arange(_n(seconds)) / SAMPLE_RATE


def white_noise(seconds: float, *, dbfs: float = -20.0, seed: int = 0) -> Audio:
    """Gaussian white noise at RMS `dbfs` (a fan, a hiss, a radio between stations)."""
    x = np.random.default_rng(seed).standard_normal(_n(seconds))
    return at_level(to_int16(x * 0.1), dbfs)


def pink_noise(seconds: float, *, dbfs: float = -20.0, seed: int = 0) -> Audio:
    """1/f noise at RMS `dbfs` (rain, traffic, a busy room): equal energy per octave."""
    n = _n(seconds)
    spectrum = np.fft.rfft(np.random.default_rng(seed).standard_normal(n))
    freqs = np.fft.rfftfreq(n, 1 / SAMPLE_RATE)
    spectrum[1:] /= np.sqrt(freqs[1:])
    spectrum[0] = 0
    x = np.fft.irfft(spectrum, n)
    return at_level(to_int16(x / np.max(np.abs(x)) * 0.5), dbfs)


def tone(freq_hz: float, seconds: float, *, dbfs: float = -20.0) -> Audio:
    """A steady sine (a beep, a kettle's whistle) with 10 ms fades so it does not click."""
    x = np.sin(2 * np.pi * freq_hz * _time(seconds))
    fade = min(_n(0.01), len(x) // 2)
    if fade:
        ramp = np.linspace(0.0, 1.0, fade)
        x[:fade] *= ramp
        x[-fade:] *= ramp[::-1]
    return at_level(to_int16(x * 0.5), dbfs)


def beeps(seconds: float = 2.0, *, freq_hz: float = 1000.0, dbfs: float = -20.0) -> Audio:
    """A timer beeping: 0.2 s tones every 0.4 s."""
    beep, gap = tone(freq_hz, 0.2, dbfs=dbfs), silence(0.2)
    count = max(1, int(seconds / 0.4))
    return np.concatenate([np.concatenate((beep, gap)) for _ in range(count)])[: _n(seconds)]


def music(seconds: float = 2.0, *, dbfs: float = -20.0, seed: int = 0) -> Audio:
    """Music-like notes: harmonic tones with a pluck envelope stepping through a scale, two at a time."""
    rng = np.random.default_rng(seed)
    note_s = 0.25
    scale = 220.0 * 2 ** (np.array([0, 2, 4, 5, 7, 9, 11, 12]) / 12)
    t = _time(note_s)
    notes = []
    for _ in range(int(np.ceil(seconds / note_s))):
        note = np.zeros_like(t)
        for base in rng.choice(scale, size=2, replace=False):
            for harmonic in range(1, 6):
                note += np.sin(2 * np.pi * base * harmonic * t) / harmonic**1.5
        notes.append(note * np.exp(-t / 0.12))
    x = np.concatenate(notes)[: _n(seconds)]
    return at_level(to_int16(x / np.max(np.abs(x)) * 0.5), dbfs)


def _decaying_noise(seconds: float, *, decay_s: float, rng: np.random.Generator) -> Float:
    t = _time(seconds)
    return rng.standard_normal(len(t)) * np.exp(-t / decay_s)


def _lowpass(x: Float, cutoff_hz: float) -> Float:
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE) > cutoff_hz] = 0
    return np.fft.irfft(spectrum, len(x))


def _highpass(x: Float, cutoff_hz: float) -> Float:
    spectrum = np.fft.rfft(x)
    spectrum[np.fft.rfftfreq(len(x), 1 / SAMPLE_RATE) < cutoff_hz] = 0
    return np.fft.irfft(spectrum, len(x))


def _clap_float(rng: np.random.Generator) -> Float:
    """One hand clap: a few ms of broadband noise, most energy 1-3 kHz, decaying in ~15 ms."""
    burst = _highpass(_decaying_noise(0.12, decay_s=0.015, rng=rng), 600.0)
    return burst / np.max(np.abs(burst))


def clap(*, dbfs: float = -10.0, seed: int = 0) -> Audio:
    """A single hand clap (0.12 s) whose audible part sits at `dbfs`."""
    return at_level(to_int16(_clap_float(np.random.default_rng(seed)) * 0.5), dbfs)


def clapping(seconds: float = 2.0, *, dbfs: float = -10.0, seed: int = 0) -> Audio:
    """Applause-like clapping by one person: ~4.5 claps per second with human timing jitter."""
    rng = np.random.default_rng(seed)
    x = np.zeros(_n(seconds) + _n(0.12))
    at = 0.0
    while at < seconds - 0.05:
        c = _clap_float(rng) * rng.uniform(0.7, 1.0)
        i = _n(at)
        x[i : i + len(c)] += c
        at += rng.uniform(0.18, 0.26)
    return at_level(to_int16(x[: _n(seconds)] * 0.5), dbfs)


def bang(*, dbfs: float = -10.0, seed: int = 0) -> Audio:
    """Something hitting a table: a sharp broadband crack with a short low body (0.4 s)."""
    rng = np.random.default_rng(seed)
    t = _time(0.4)
    crack = _decaying_noise(0.4, decay_s=0.01, rng=rng)
    body = np.sin(2 * np.pi * 180 * t) * np.exp(-t / 0.06) * 0.6
    x = crack + body
    return at_level(to_int16(x / np.max(np.abs(x)) * 0.5), dbfs)


def pan_drop(*, dbfs: float = -10.0, seed: int = 0) -> Audio:
    """A dropped metal pan: an impact, then inharmonic partials ringing for about a second (1.5 s)."""
    rng = np.random.default_rng(seed)
    t = _time(1.5)
    ring = np.zeros_like(t)
    for freq, decay in ((523.0, 0.6), (1387.0, 0.45), (2461.0, 0.3), (3890.0, 0.2), (5230.0, 0.12)):
        ring += np.sin(2 * np.pi * freq * rng.uniform(0.98, 1.02) * t) * np.exp(-t / decay)
    # A few bounces: the pan hits the floor again, weaker each time.
    for at, gain in ((0.0, 1.0), (0.18, 0.5), (0.31, 0.25)):
        i = _n(at)
        hit = _decaying_noise(0.05, decay_s=0.005, rng=rng) * 3 * gain
        ring[i : i + len(hit)] += hit
    return at_level(to_int16(ring / np.max(np.abs(ring)) * 0.5), dbfs)


def door_slam(*, dbfs: float = -10.0, seed: int = 0) -> Audio:
    """A slammed door: a low thud (50-150 Hz body) with a rattle of the frame (0.6 s)."""
    rng = np.random.default_rng(seed)
    t = _time(0.6)
    thud = np.sin(2 * np.pi * 70 * t) * np.exp(-t / 0.08)
    thud += 0.6 * np.sin(2 * np.pi * 120 * t) * np.exp(-t / 0.05)
    impact = _lowpass(_decaying_noise(0.6, decay_s=0.03, rng=rng), 400.0) * 2
    rattle = _highpass(_decaying_noise(0.6, decay_s=0.1, rng=rng), 2000.0) * 0.1
    x = thud + impact + rattle
    return at_level(to_int16(x / np.max(np.abs(x)) * 0.5), dbfs)


def running_water(seconds: float = 2.0, *, dbfs: float = -20.0, seed: int = 0) -> Audio:
    """A running tap: broadband noise above ~300 Hz with a fluttering level and small bubble chirps."""
    rng = np.random.default_rng(seed)
    n = _n(seconds)
    hiss = _highpass(rng.standard_normal(n), 300.0)
    flutter = 1.0 + 0.3 * _lowpass(rng.standard_normal(n), 20.0) / 0.05
    x = hiss * np.clip(flutter, 0.3, 2.0)
    for _ in range(int(seconds * 40)):  # ~40 bubbles a second, each a short rising chirp
        start, length = rng.integers(0, n), _n(rng.uniform(0.003, 0.01))
        tt = np.arange(length) / SAMPLE_RATE
        f0 = rng.uniform(500, 3000)
        chirp = np.sin(2 * np.pi * (f0 * tt + f0 * 20 * tt**2)) * np.exp(-tt / 0.003) * rng.uniform(1, 3)
        end = min(n, start + length)
        x[start:end] += chirp[: end - start]
    return at_level(to_int16(x / np.max(np.abs(x)) * 0.5), dbfs)
