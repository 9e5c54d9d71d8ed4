"""Frames: the unit of audio every step after the source works on.

A frame is FRAME_SAMPLES samples of 16 kHz mono int16 with its position in session audio time. Sources
deliver blocks of any size; `Framer` cuts them into frames so that nothing downstream depends on the block
size a source or a sound card happens to use.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

SAMPLE_RATE = 16_000  # Hz: what Vosk, Whisper and Silero VAD all expect
FRAME_SAMPLES = 512  # 32 ms: the window Silero VAD v5+ requires at 16 kHz; every step uses this one size
FRAME_SECONDS = FRAME_SAMPLES / SAMPLE_RATE
INT16_FULL_SCALE = 32768.0

Samples = npt.NDArray[np.int16]


def frames_in(seconds: float) -> int:
    """The whole number of frames nearest to `seconds` of audio, at least one."""
    return max(1, round(seconds / FRAME_SECONDS))


@dataclass(frozen=True)
class Frame:
    """FRAME_SAMPLES int16 samples starting at sample `start` of the session."""

    samples: Samples
    start: int

    @property
    def t(self) -> float:
        """Start of the frame in seconds of session audio."""
        return self.start / SAMPLE_RATE

    @property
    def end(self) -> int:
        return self.start + len(self.samples)

    @property
    def t_end(self) -> float:
        return self.end / SAMPLE_RATE

    def silenced(self) -> Frame:
        """The same stretch of time with nothing in it (half-duplex: vertraag's own voice is not heard)."""
        return Frame(np.zeros_like(self.samples), self.start)

    def pcm_bytes(self) -> bytes:
        """Little-endian int16 bytes, as Vosk and Silero take them."""
        return self.samples.astype("<i2", copy=False).tobytes()


class Framer:
    """Cuts blocks of any length into whole frames, counting samples so time is audio time."""

    def __init__(self, *, start_sample: int = 0) -> None:
        self._pending = np.zeros(0, dtype=np.int16)
        self._next_start = start_sample

    def push(self, block: Samples) -> list[Frame]:
        data = np.concatenate((self._pending, np.asarray(block, dtype=np.int16).reshape(-1)))
        whole = len(data) // FRAME_SAMPLES * FRAME_SAMPLES
        frames = []
        for offset in range(0, whole, FRAME_SAMPLES):
            frames.append(Frame(samples=data[offset : offset + FRAME_SAMPLES].copy(), start=self._next_start))
            self._next_start += FRAME_SAMPLES
        self._pending = data[whole:]
        return frames

    def flush(self) -> list[Frame]:
        """The last partial frame, padded with silence (so the end of a file is never lost)."""
        if len(self._pending) == 0:
            return []
        padded = np.zeros(FRAME_SAMPLES, dtype=np.int16)
        padded[: len(self._pending)] = self._pending
        self._pending = np.zeros(0, dtype=np.int16)
        frame = Frame(samples=padded, start=self._next_start)
        self._next_start += FRAME_SAMPLES
        return [frame]


def frames_from_blocks(blocks: Iterable[Samples]) -> Iterator[Frame]:
    """All frames of a stream of blocks, the last one padded."""
    framer = Framer()
    for block in blocks:
        yield from framer.push(block)
    yield from framer.flush()
