"""`--speak-to OUT.wav`: the recording with vertraag's prompts mixed in at their times.

So a therapist can listen back to how a session would have gone. The file is written only when asked, is
readable by the user alone (0600), and holds the recording at 16 kHz mono (what vertraag listened to).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import INT16_FULL_SCALE, SAMPLE_RATE, Frame
from vertraag.errors import UserError

if TYPE_CHECKING:
    from vertraag.speak.sound import Sound

PRIVATE_FILE_MODE = 0o600
# The prompts sit a little under the conversation's loudest moments, as a voice from across the table would.
PROMPT_GAIN = 0.8


class Recorder:
    """Passes frames through and keeps their samples (only for --speak-to, which the user asked for)."""

    def __init__(self) -> None:
        self._parts: list[npt.NDArray[np.int16]] = []

    def frames(self, frames: Iterable[Frame]) -> Iterator[Frame]:
        for frame in frames:
            self._parts.append(frame.samples)
            yield frame

    def audio(self) -> npt.NDArray[np.float32]:
        if not self._parts:
            return np.zeros(0, dtype=np.float32)
        return (np.concatenate(self._parts).astype(np.float32) / INT16_FULL_SCALE).astype(np.float32)


def mix(recording: npt.NDArray[np.float32], placed: Iterable[tuple[float, Sound]]) -> npt.NDArray[np.float32]:
    """The recording with each sound added at its audio time (the result grows to fit the last sound)."""
    out = recording.copy()
    for at, sound in placed:
        samples = sound.resampled(SAMPLE_RATE).samples * PROMPT_GAIN
        start = max(0, round(at * SAMPLE_RATE))
        end = start + len(samples)
        if end > len(out):
            out = np.concatenate([out, np.zeros(end - len(out), dtype=np.float32)])
        out[start:end] += samples
    return np.clip(out, -1.0, 1.0).astype(np.float32)


def write_mixdown(path: Path, audio: npt.NDArray[np.float32]) -> None:
    """Write the mixdown (0600) to a temporary name beside `path`, then rename: never a partial file."""
    import tempfile

    import soundfile as sf

    temp = None
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            sf.write(fh, audio, SAMPLE_RATE, subtype="PCM_16", format="WAV")
        os.replace(temp, path)
    except (OSError, RuntimeError) as exc:  # RuntimeError: soundfile's own errors
        if temp is not None:
            Path(temp).unlink(missing_ok=True)
        raise UserError(f"Kan {path} niet schrijven: {getattr(exc, 'strerror', None) or exc}") from exc
