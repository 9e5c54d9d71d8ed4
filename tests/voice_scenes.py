"""Real voices for the attribution tests: LibriSpeech readers (tests/data/voices) and the Dutch clips.

A scene is a list of stretches, each speech (inside a VAD segment) or pause; `play` feeds it to a tracker
frame by frame, with the segment flag the pipeline's VAD would give, and returns every attribution.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
from bench.compose import Audio, rms_dbfs, scale_db

from vertraag.audio.frames import FRAME_SAMPLES, SAMPLE_RATE, Frame
from vertraag.voices import Attribution, VoiceTracker

VOICES_DIR = Path(__file__).resolve().parent / "data" / "voices"
CALIBRATION_S = 8.0  # the first 8 s of each reader's clip calibrate; the rest is judged
PAUSE_S = 0.5


@dataclass(frozen=True, eq=False)  # compared (and cached) by identity: one object per reader
class Reader:
    reader_id: str
    gender: str
    samples: Audio

    @property
    def calibration(self) -> Audio:
        return self.samples[: int(CALIBRATION_S * SAMPLE_RATE)]

    def pieces(self, seconds: float) -> list[Audio]:
        """The judged part cut into whole pieces of `seconds`."""
        rest = self.samples[int(CALIBRATION_S * SAMPLE_RATE) :]
        size = int(seconds * SAMPLE_RATE)
        return [rest[i : i + size] for i in range(0, len(rest) - size + 1, size)]


@functools.cache
def readers() -> tuple[Reader, ...]:
    found = []
    for path in sorted(VOICES_DIR.glob("*_[FM].wav")):
        reader_id, gender = path.stem.split("_")
        data, rate = sf.read(path, dtype="int16")
        assert rate == SAMPLE_RATE
        found.append(Reader(reader_id, gender, np.asarray(data, dtype=np.int16)))
    return tuple(found)


def pairs(kind: str) -> list[tuple[Reader, Reader]]:
    """All pairs of test readers of the same gender ("same") or of different genders ("mixed")."""
    everyone = readers()
    return [
        (a, b)
        for i, a in enumerate(everyone)
        for b in everyone[i + 1 :]
        if (a.gender == b.gender) == (kind == "same")
    ]


@functools.cache
def kitchen_noise() -> Audio:
    data, _ = sf.read(VOICES_DIR / "kitchen_noise.wav", dtype="int16")
    return np.asarray(data, dtype=np.int16)


def with_noise(speech: Audio, snr_db: float, *, offset_s: float = 0.0) -> Audio:
    """`speech` with the real kitchen noise under it, `snr_db` below the speech's RMS level."""
    noise = kitchen_noise()
    start = int(offset_s * SAMPLE_RATE) % (len(noise) - len(speech))
    piece = scale_db(noise[start : start + len(speech)], rms_dbfs(speech) - snr_db - rms_dbfs(noise))
    mixed = speech.astype(np.int32) + piece.astype(np.int32)
    return np.clip(mixed, -32768, 32767).astype(np.int16)


def faster(speech: Audio, rate: float) -> Audio:
    """The same voice speaking `rate` times faster at the same pitch: overlap-add of 40 ms Hann windows read
    every 20*rate ms and written every 20 ms (cruder than a hurried voice, which also shortens vowels)."""
    size, out_hop = 640, 320
    in_hop = int(out_hop * rate)
    window = np.hanning(size)
    starts = range(0, len(speech) - size, in_hop)
    out = np.zeros(out_hop * len(starts) + size)
    weight = np.zeros_like(out)
    for k, start in enumerate(starts):
        out[k * out_hop : k * out_hop + size] += speech[start : start + size] * window
        weight[k * out_hop : k * out_hop + size] += window
    return np.clip(out / np.maximum(weight, 1e-3), -32768, 32767).astype(np.int16)


def play(tracker: VoiceTracker, stretches: list[tuple[Audio, bool]]) -> list[Attribution]:
    """Feed (audio, is_speech) stretches frame by frame; every attribution the tracker gives."""
    out: list[Attribution] = []
    start = 0
    for audio, speech in stretches:
        whole = len(audio) // FRAME_SAMPLES * FRAME_SAMPLES
        for offset in range(0, whole, FRAME_SAMPLES):
            frame = Frame(np.ascontiguousarray(audio[offset : offset + FRAME_SAMPLES]), start)
            out += tracker.update(frame, in_segment=speech)
            start += FRAME_SAMPLES
    return out


def quiet(seconds: float = PAUSE_S, *, seed: int = 0) -> Audio:
    """A room's faint hiss between segments (digital silence would not be a room)."""
    rng = np.random.default_rng(seed)
    return (rng.normal(0.0, 3.0, int(seconds * SAMPLE_RATE))).astype(np.int16)


def segments(pieces: list[Audio]) -> list[tuple[Audio, bool]]:
    """Each piece as one speech segment, with a pause before and after."""
    stretches: list[tuple[Audio, bool]] = []
    for piece in pieces:
        stretches += [(quiet(), False), (piece, True)]
    return [*stretches, (quiet(), False)]


def whole(attributions: list[Attribution]) -> list[Attribution]:
    return [a for a in attributions if a.whole_segment]
