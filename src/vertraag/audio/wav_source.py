"""`WavSource`: a WAV file played as if it were the microphone.

Reads any WAV flavour libsndfile knows (8-bit unsigned, 16/24/32-bit int, 32/64-bit float,
WAVE_FORMAT_EXTENSIBLE, RF64; any channel count, any rate) block by block, mixes it to mono, resamples it to
16 kHz with soxr's streaming resampler and cuts it into frames with `Framer`, so memory stays bounded for long
files and the frames do not depend on the block size. Runs as fast as possible, or paced to the wall clock
(`realtime=True`) for live-like runs.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import soundfile as sf
import soxr

from vertraag.audio.frames import INT16_FULL_SCALE, SAMPLE_RATE, Frame, Samples, frames_from_blocks
from vertraag.errors import NothingToReport, UserError

log = logging.getLogger(__name__)

DEFAULT_BLOCK_SAMPLES = 8192  # file samples read at once: ~0.2-1 s of audio, a few hundred KB at most
WAV_CONTAINERS = frozenset({"WAV", "WAVEX", "RF64"})  # libsndfile's names for the RIFF/WAVE family
RESAMPLE_QUALITY = "HQ"  # soxr's default: flat to 0.1 dB up to 95 % of Nyquist, far beyond what speech needs
INT16_MIN, INT16_MAX = -32768, 32767
# A header's sample rate outside these is a broken file, not a recording: below 4 kHz there is no speech to
# hear (the telephone has 8 kHz), and no sound card records above 384 kHz. A header that claims 1 Hz would
# otherwise turn 0.1 s of samples into half an hour of "audio".
MIN_SAMPLE_RATE, MAX_SAMPLE_RATE = 4_000, 384_000

Floats = npt.NDArray[np.float32]


@dataclass(frozen=True)
class WavFormat:
    """What the file holds before conversion, for logs and error messages."""

    container: str  # libsndfile format name: WAV, WAVEX, RF64
    subtype: str  # PCM_U8, PCM_16, PCM_24, PCM_32, FLOAT, DOUBLE ...
    sample_rate: int  # Hz
    channels: int
    samples: int  # per channel, at `sample_rate`

    def describe(self) -> str:
        return (
            f"{self.container} {self.subtype}, {self.sample_rate} Hz, {self.channels} kanaal/kanalen, "
            f"{self.samples / self.sample_rate:.2f} s"
        )


class WavSource:
    """An `AudioSource` over one WAV file. Bad input raises `UserError` here, at construction."""

    def __init__(
        self, path: str | Path, *, realtime: bool = False, block_samples: int = DEFAULT_BLOCK_SAMPLES
    ) -> None:
        if block_samples < 1:
            raise ValueError(f"block_samples must be positive, got {block_samples}")
        self.path = Path(path)
        self.realtime = realtime
        self.block_samples = block_samples
        self.format = read_format(self.path)
        self._closed = threading.Event()
        log.info("%s: %s", self.path, self.format.describe())

    @property
    def output_samples(self) -> int:
        """Length in 16 kHz samples after resampling."""
        return round(self.format.samples * SAMPLE_RATE / self.format.sample_rate)

    @property
    def duration_s(self) -> float:
        return self.output_samples / SAMPLE_RATE

    def frames(self) -> Iterator[Frame]:
        """All frames of the file, the last one padded with silence; stops early after `close()`."""
        pacer = _Pacer() if self.realtime else None
        for frame in frames_from_blocks(self._blocks()):
            if self._closed.is_set():
                return
            if pacer is not None:
                pacer.wait_until(frame.t_end)
            yield frame

    def close(self) -> None:
        self._closed.set()

    def _blocks(self) -> Iterator[Samples]:
        """16 kHz mono int16 blocks of the whole file, converted as it is read."""
        resampler = _Resampler(self.format.sample_rate)
        clipped = 0
        try:
            with sf.SoundFile(str(self.path)) as wav:
                for block in wav.blocks(blocksize=self.block_samples, dtype="float32", always_2d=True):
                    if self._closed.is_set():
                        return
                    pcm, n_clipped = to_int16(resampler.push(mono(block)))
                    clipped += n_clipped
                    yield pcm
        except sf.LibsndfileError as exc:
            raise UserError(
                f"Het bestand {self.path} is beschadigd en kan niet verder gelezen worden."
            ) from exc
        pcm, n_clipped = to_int16(resampler.finish())
        yield pcm
        if clipped + n_clipped:
            log.warning("%s: %d samples above full scale were clipped", self.path, clipped + n_clipped)


def read_format(path: Path) -> WavFormat:
    """The file's format, or a `UserError` that says what is wrong with it."""
    _check_path(path)
    try:
        info = sf.info(str(path))
    except sf.LibsndfileError as exc:
        log.info("libsndfile could not open %s: %s", path, exc)
        raise UserError(
            f"Het bestand {path} is geen leesbaar WAV-bestand; neem op als WAV of zet het eerst om naar WAV."
        ) from exc
    if info.format not in WAV_CONTAINERS:
        raise UserError(
            f"Het bestand {path} is geen WAV-bestand maar {info.format_info}; zet het eerst om naar WAV."
        )
    if info.frames == 0:
        raise NothingToReport(f"Het bestand {path} bevat geen geluid.")
    if not MIN_SAMPLE_RATE <= info.samplerate <= MAX_SAMPLE_RATE:
        raise UserError(
            f"Het bestand {path} zegt {info.samplerate} Hz; dat kan geen opname zijn (verwacht "
            f"{MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz). Het bestand is waarschijnlijk beschadigd."
        )
    return WavFormat(
        container=info.format,
        subtype=info.subtype,
        sample_rate=info.samplerate,
        channels=info.channels,
        samples=info.frames,
    )


def _check_path(path: Path) -> None:
    """Problems with the path itself, said more plainly than libsndfile's 'System error'."""
    if not path.exists():
        raise UserError(f"Het bestand {path} bestaat niet; controleer de naam en de map.")
    if path.is_dir():
        raise UserError(f"{path} is een map, geen geluidsbestand; geef een WAV-bestand op.")
    if not path.is_file():  # a pipe would wait for a writer forever, a device never ends: refuse at once
        raise UserError(f"{path} is geen gewoon bestand (een pipe of apparaat); geef een WAV-bestand op.")
    try:
        with path.open("rb") as fh:
            first = fh.read(1)
    except OSError as exc:
        raise UserError(
            f"Het bestand {path} kan niet gelezen worden ({exc.strerror}); controleer de rechten."
        ) from exc
    if not first:
        raise UserError(f"Het bestand {path} is leeg (0 bytes); neem opnieuw op.")


def mono(block: npt.NDArray[np.float32]) -> Floats:
    """Average of all channels of a (samples, channels) block."""
    if block.shape[1] == 1:
        return np.ascontiguousarray(block[:, 0])
    mixed: Floats = block.mean(axis=1, dtype=np.float32)
    return mixed


def to_int16(samples: Floats) -> tuple[Samples, int]:
    """Full scale float (-1..1) to int16, rounding; values beyond full scale are clipped and counted."""
    scaled = np.rint(samples * INT16_FULL_SCALE)
    clipped = int(np.count_nonzero((scaled < INT16_MIN) | (scaled > INT16_MAX)))
    return np.clip(scaled, INT16_MIN, INT16_MAX).astype(np.int16), clipped


class _Resampler:
    """Any rate to SAMPLE_RATE, block by block; a pass-through when the file already is at SAMPLE_RATE."""

    def __init__(self, in_rate: int) -> None:
        self._stream = (
            None
            if in_rate == SAMPLE_RATE
            else soxr.ResampleStream(in_rate, SAMPLE_RATE, 1, dtype="float32", quality=RESAMPLE_QUALITY)
        )

    def push(self, block: Floats) -> Floats:
        if self._stream is None:
            return block
        out: Floats = self._stream.resample_chunk(block)
        return out

    def finish(self) -> Floats:
        """The resampler's delayed tail."""
        if self._stream is None:
            return np.zeros(0, dtype=np.float32)
        out: Floats = self._stream.resample_chunk(np.zeros(0, dtype=np.float32), last=True)
        return out


class _Pacer:
    """Holds frames back so they come out no faster than real time (the only wall-clock use in this file)."""

    def __init__(self) -> None:
        self._t0 = time.monotonic()

    def wait_until(self, audio_t: float) -> None:
        delay = self._t0 + audio_t - time.monotonic()
        if delay > 0:
            time.sleep(delay)
