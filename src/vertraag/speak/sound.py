"""`Sound`: a stretch of mono audio with its sample rate, the unit everything in `speak/` hands around.

Samples are float32 in -1..1 and read-only, so one rendered prompt can be cached and played many times
without anyone changing it underneath.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

from vertraag.errors import UserError

log = logging.getLogger(__name__)

Samples = npt.NDArray[np.float32]


@dataclass(frozen=True, eq=False)  # eq=False: comparing arrays element-wise is not what `==` should do
class Sound:
    """Mono audio. `samples` are float32 in -1..1 (made read-only); `rate` is in Hz."""

    samples: Samples
    rate: int

    def __post_init__(self) -> None:
        if self.rate <= 0:
            raise ValueError(f"sample rate must be positive, not {self.rate}")
        samples = np.ascontiguousarray(self.samples, dtype=np.float32)
        if samples.ndim != 1:
            raise ValueError(f"a Sound is mono: expected 1-D samples, got shape {samples.shape}")
        if samples is self.samples:
            samples = samples.copy()  # never freeze the caller's own array
        samples.flags.writeable = False
        object.__setattr__(self, "samples", samples)

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    def resampled(self, rate: int) -> Sound:
        """The same sound at `rate` Hz (band-limited, soxr); itself when the rate already matches."""
        if rate == self.rate:
            return self
        if len(self.samples) == 0:
            return Sound(self.samples, rate)
        out = soxr.resample(self.samples, self.rate, rate)
        return Sound(np.clip(out, -1.0, 1.0), rate)  # the filter may overshoot a full-scale peak a little


def silence(seconds: float, rate: int) -> Sound:
    if seconds < 0:
        raise ValueError(f"silence cannot last {seconds} s")
    return Sound(np.zeros(round(seconds * rate), dtype=np.float32), rate)


def read_wav(path: Path) -> Sound:
    """A WAV (or any format libsndfile reads), mixed to mono; a clear UserError when it cannot be read."""
    if not path.is_file():
        raise UserError(f"Geluidsbestand niet gevonden: {path}")
    try:
        data, rate = sf.read(str(path), dtype="float32", always_2d=True)
    except (RuntimeError, OSError) as exc:  # soundfile's LibsndfileError is a RuntimeError
        log.info("reading %s: %s", path, exc)
        raise UserError(f"'{path}' is geen leesbaar geluidsbestand (WAV); neem het opnieuw op.") from exc
    if len(data) == 0:
        raise UserError(f"'{path}' bevat geen geluid; neem het opnieuw op.")
    return Sound(data.mean(axis=1), int(rate))
