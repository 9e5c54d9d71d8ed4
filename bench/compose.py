"""Composed conversations with known times: real Dutch clips, espeak-ng Dutch and silence, as 16 kHz int16.

The building blocks the benchmark (`vertraag bench`) and the tests share: levels and joining, espeak-ng
Dutch speech, and the real clips in the checkout's `tests/data/speech-nl/` (CC0, see its README). Levels are
in dBFS of RMS (0 dBFS = a full-scale square wave); `active_dbfs` measures only the audible part of a sound.
The clips live in a checkout of the repository, not in an installed package: `clips()` says so when they
are missing.
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
from vertraag.errors import UserError

Audio = npt.NDArray[np.int16]
Float = npt.NDArray[np.float64]

INT16_MAX = 32767
FULL_SCALE = 32768.0
REPO_ROOT = Path(__file__).resolve().parents[1]  # bench/compose.py in a checkout
SPEECH_DIR = REPO_ROOT / "tests" / "data" / "speech-nl"

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
    return 10.0 * float(np.log10(max(power, 1e-12)))


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
    manifest = SPEECH_DIR / "manifest.tsv"
    if not manifest.is_file():
        raise UserError(
            f"De Nederlandse spraakfragmenten ontbreken ({SPEECH_DIR}): draai dit vanuit een checkout."
        )
    with manifest.open(encoding="utf-8", newline="") as fh:
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
