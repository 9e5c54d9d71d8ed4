"""Test audio: seeded synthetic sounds, espeak-ng Dutch speech and the real Dutch clips in `tests/data/`.

Every helper returns 16 kHz mono int16 (`vertraag.audio.frames.SAMPLE_RATE`), the format a `Frame` holds,
so tests can build a scene by joining pieces and then cut it into frames. Synthetic sounds take a `seed`
and are identical on every run. Levels are in dBFS of RMS (0 dBFS = a full-scale square wave); sounds
that are mostly silence (a clap) are levelled by `active_dbfs`, the RMS of their audible part only.
"""

from __future__ import annotations

import csv
import functools
import shutil
import struct
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

from vertraag.audio.frames import FRAME_SAMPLES, SAMPLE_RATE

Audio = npt.NDArray[np.int16]
Float = npt.NDArray[np.float64]

INT16_MAX = 32767
FULL_SCALE = 32768.0
DATA_DIR = Path(__file__).parent / "data"
SPEECH_DIR = DATA_DIR / "speech-nl"

# A level that sounds like someone talking at a normal distance from a laptop microphone.
CALM_SPEECH_DBFS = -26.0
# Frames more than this far below the loudest frame are "not audible" for `active_dbfs`: it keeps the
# body of a word or a clap and drops silence and decay tails.
ACTIVE_RANGE_DB = 30.0
# espeak-ng's default speaking rate in words per minute.
ESPEAK_DEFAULT_WPM = 160
# Sentences of an ordinary, calm conversation between partners (espeak_nl input).
CALM_SENTENCES = (
    "Ik wil graag even rustig met je praten over de boodschappen.",
    "Zullen we morgen samen naar de markt gaan?",
    "Ik heb het gevoel dat we allebei moe zijn.",
    "Wat vind jij ervan als we het weekend rustig houden?",
    "Ik snap dat je het druk hebt op je werk.",
    "Laten we om beurten vertellen wat we nodig hebben.",
)


# ---------------------------------------------------------------- levels and joining


def to_int16(x: Float) -> Audio:
    """Float samples in full-scale units (1.0 = 32768) to int16, saturating like a real converter."""
    return np.clip(np.round(x * FULL_SCALE), -FULL_SCALE, INT16_MAX).astype(np.int16)


def to_float(x: Audio) -> Float:
    return np.asarray(x, dtype=np.float64) / FULL_SCALE


def rms_dbfs(x: Audio) -> float:
    """RMS level of all of `x` in dBFS."""
    power = float(np.mean(to_float(x) ** 2)) if len(x) else 0.0
    return 10.0 * np.log10(max(power, 1e-12))


def active_dbfs(x: Audio) -> float:
    """RMS level over the audible frames only (within ACTIVE_RANGE_DB of the loudest 32 ms frame)."""
    f = to_float(x)
    whole = len(f) // FRAME_SAMPLES * FRAME_SAMPLES
    if whole == 0:
        return rms_dbfs(x)
    powers = np.mean(f[:whole].reshape(-1, FRAME_SAMPLES) ** 2, axis=1)
    loud = powers[powers >= powers.max() * 10 ** (-ACTIVE_RANGE_DB / 10)]
    return 10.0 * float(np.log10(max(float(np.mean(loud)), 1e-12)))


def scale_db(x: Audio, db: float) -> Audio:
    """`x` made `db` dB louder (negative: quieter), saturating at full scale."""
    return to_int16(to_float(x) * 10 ** (db / 20))


def at_level(x: Audio, dbfs: float) -> Audio:
    """`x` scaled so that its audible part (`active_dbfs`) sits at `dbfs`."""
    return scale_db(x, dbfs - active_dbfs(x))


def silence(seconds: float) -> Audio:
    return np.zeros(round(seconds * SAMPLE_RATE), dtype=np.int16)


def concat_with_silence(parts: Iterable[Audio], *, gap_s: float = 0.5, edge_s: float = 0.0) -> Audio:
    """The parts one after another with `gap_s` of digital silence between them and `edge_s` around all."""
    pieces: list[Audio] = [silence(edge_s)]
    for i, part in enumerate(parts):
        if i:
            pieces.append(silence(gap_s))
        pieces.append(np.asarray(part, dtype=np.int16))
    pieces.append(silence(edge_s))
    return np.concatenate(pieces)


def trim_silence(x: Audio, *, floor_dbfs: float = -60.0) -> Audio:
    """`x` without its quieter-than-`floor_dbfs` edges (so a test knows where the speech is)."""
    loud = np.flatnonzero(np.abs(to_float(x)) > 10 ** (floor_dbfs / 20))
    if len(loud) == 0:
        return x[:0]
    return x[loud[0] : loud[-1] + 1]


def write_wav(path: Path, samples: Audio, *, rate: int = SAMPLE_RATE) -> Path:
    """Write 16-bit mono PCM (what `vertraag run --input` reads); returns `path`."""
    sf.write(str(path), np.asarray(samples, dtype=np.int16), rate, subtype="PCM_16")
    return path


def blocks(x: Audio, block_samples: int) -> list[Audio]:
    """`x` cut into blocks of `block_samples` (the last one shorter), as a sound card would hand it over."""
    return [x[i : i + block_samples] for i in range(0, len(x), block_samples)]


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


# ---------------------------------------------------------------- espeak-ng Dutch speech


def espeak_nl(text: str, *, voice: str = "nl", speed: int = ESPEAK_DEFAULT_WPM, pitch: int = 50) -> Audio:
    """`text` spoken by espeak-ng (`voice`, e.g. "nl", "nl+f3", "nl+m3"; `speed` in words per minute).

    Rendered with `espeak-ng --stdout` and resampled to 16 kHz with soxr; leading and trailing
    silence removed, so a test knows that the returned audio starts and ends with speech.
    """
    return _espeak_cached(text, voice, speed, pitch).copy()


@functools.lru_cache(maxsize=256)
def _espeak_cached(text: str, voice: str, speed: int, pitch: int) -> Audio:
    """Rendering is deterministic: tests that speak the same sentences share one rendering."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise RuntimeError("espeak-ng is not installed (apt install espeak-ng)")
    wav = subprocess.run(
        [exe, "--stdout", "-v", voice, "-s", str(speed), "-p", str(pitch), text],
        check=True,
        capture_output=True,
    ).stdout
    rate, pcm = _parse_streamed_wav(wav)
    x = soxr.resample(pcm.astype(np.float32) / FULL_SCALE, rate, SAMPLE_RATE)
    return trim_silence(to_int16(np.asarray(x, dtype=np.float64)))


def _parse_streamed_wav(data: bytes) -> tuple[int, Audio]:
    """Rate and samples of espeak's streamed WAV, whose header holds a placeholder length."""
    pos, rate = 12, 0
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], struct.unpack("<I", data[pos + 4 : pos + 8])[0]
        if chunk == b"fmt ":
            rate = struct.unpack("<I", data[pos + 12 : pos + 16])[0]
        elif chunk == b"data":
            body = data[pos + 8 :]
            return rate, np.frombuffer(body[: len(body) // 2 * 2], dtype="<i2").astype(np.int16)
        pos += 8 + size
    raise ValueError("espeak-ng gave no WAV data")


def espeak_conversation(
    sentences: Iterable[str] = CALM_SENTENCES,
    *,
    voice: str = "nl",
    speed: int = ESPEAK_DEFAULT_WPM,
    dbfs: float = CALM_SPEECH_DBFS,
    gap_s: float = 0.4,
) -> Audio:
    """Several sentences by one espeak voice, each levelled to `dbfs`, with short pauses between them."""
    return concat_with_silence(
        (at_level(espeak_nl(s, voice=voice, speed=speed), dbfs) for s in sentences), gap_s=gap_s
    )


# ---------------------------------------------------------------- real Dutch clips


@dataclass(frozen=True)
class Clip:
    """One real recording from `tests/data/speech-nl` (see its README: CC0, two native speakers)."""

    file: str
    speaker: str  # "flemishguy" (male, Flemish) or "nathalie" (female, Dutch)
    duration_s: float
    transcript: str

    @property
    def path(self) -> Path:
        return SPEECH_DIR / self.file

    def samples(self) -> Audio:
        data, rate = sf.read(str(self.path), dtype="int16")
        if rate != SAMPLE_RATE or data.ndim != 1:
            raise ValueError(f"{self.file}: expected 16 kHz mono")
        return np.asarray(data, dtype=np.int16)


def clips(speaker: str | None = None) -> list[Clip]:
    """The clips listed in `manifest.tsv`, in its order; only `speaker`'s when given."""
    with (SPEECH_DIR / "manifest.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    found = [Clip(r["file"], r["speaker"], float(r["duration_s"]), r["transcript"]) for r in rows]
    return [c for c in found if speaker is None or c.speaker == speaker]


def real_speech(speaker: str, *, seconds: float = 20.0, gap_s: float = 0.3) -> tuple[Audio, list[Clip]]:
    """Clips of one speaker joined (with `gap_s` pauses) until at least `seconds` long, and which ones."""
    chosen: list[Clip] = []
    total = 0.0
    for clip in clips(speaker):
        chosen.append(clip)
        total += clip.duration_s + gap_s
        if total >= seconds:
            break
    return concat_with_silence((c.samples() for c in chosen), gap_s=gap_s), chosen
