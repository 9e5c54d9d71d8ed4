"""`MicSource`: the microphone, through `sounddevice.InputStream`.

The audio thread only copies each block and puts it on a bounded queue (a full queue counts a dropped block;
PortAudio's overflow flag is counted too). Lost audio is reported to `on_problem` as counts: the first loss at
once, later ones added up over `LOSS_REPORT_S`, never one report per block.

Everything else - mixing to mono, resampling with soxr when the device cannot do 16 kHz, cutting frames,
noticing a lost microphone - runs on the thread that reads `frames()`. sounddevice comes from devices.py,
which also finds the device and its format.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import soxr

from vertraag.audio.devices import (
    DeviceFormat,
    Direction,
    close_stream,
    import_sounddevice,
    match_device,
    open_stream,
    parse_device,
)
from vertraag.audio.frames import SAMPLE_RATE, Frame, Framer, Samples
from vertraag.errors import UserError

log = logging.getLogger(__name__)

DEFAULT_BLOCK_MS = 64  # two frames per callback: few wake-ups, little latency
DEFAULT_QUEUE_SECONDS = (
    10.0  # how far the pipeline may fall behind (a slow recogniser step) before blocks drop
)
LOST_AFTER_S = (
    2.0  # no block for this long from a running stream: the device is gone (PulseAudio bursts < 0.5 s)
)
FIRST_BLOCK_TIMEOUT_S = 5.0  # a freshly opened stream may take longer (an idle PulseAudio sink wakes in 2 s)
POLL_S = 0.1  # how often `frames()` looks up from the queue to check for close() and a lost device
LOSS_REPORT_S = 10.0  # lost audio is reported at most this often (wall clock), with what was lost meanwhile
CAPTURE_DTYPE = "int16"

LOST_AUDIO = (
    "De microfoon verloor geluid: {overflows} keer te laat gelezen en {dropped} blok(ken) weggegooid "
    "(de computer liep achter); wat toen gezegd werd, is niet gehoord."
)
MICROPHONE = Direction(
    kind="input",
    none_found=(
        "Geen microfoon gevonden: sluit er een aan of kies er een met --device; 'vertraag devices' toont ze."
    ),
    not_found=(
        "Microfoon '{device}' niet gevonden; kies met --device een van deze (nummer of naam): {choices}."
    ),
    unusable=(
        "De microfoon '{name}' kan niet opnemen in een bruikbaar formaat; kies een andere met --device."
    ),
    cannot_open="De microfoon '{name}' kan niet geopend worden ({problem}); kies een andere met --device.",
    error=UserError,
)


class MicLost(UserError):
    """The microphone stopped delivering audio (unplugged, or the sound server went away)."""

    def __init__(self, name: str) -> None:
        super().__init__(
            f"De microfoon '{name}' is weggevallen (losgekoppeld of de geluidsserver is gestopt); "
            "sluit hem weer aan en start vertraag opnieuw."
        )
        self.device_name = name


@dataclass(frozen=True)
class CaptureFormat:
    """What the device is actually opened with."""

    index: int
    name: str
    sample_rate: int  # Hz; anything but SAMPLE_RATE is resampled on the pipeline thread
    channels: int  # averaged to mono on the pipeline thread
    block_samples: int  # per callback, at `sample_rate`


class _Counters:
    """Written only by the audio thread, read by anyone (plain ints: safe under the GIL)."""

    def __init__(self) -> None:
        self.overflows = 0
        self.dropped_blocks = 0


class MicSource:
    """An `AudioSource` over a live microphone. Opening errors raise `UserError` at construction.

    `frames()` yields frames until `close()`; it raises `MicLost` when the device stops delivering. The caller
    may then call `reopen()` (with back-off) and `frames()` again; audio time continues where it stopped
    (the gap itself is not counted: nothing was heard in it).
    """

    def __init__(
        self,
        *,
        device: str | int | None = None,
        block_ms: int = DEFAULT_BLOCK_MS,
        queue_seconds: float = DEFAULT_QUEUE_SECONDS,
        sample_rate: int | None = None,
        on_problem: Callable[[str], None] | None = None,
        report_every_s: float = LOSS_REPORT_S,
    ) -> None:
        if block_ms <= 0 or queue_seconds <= 0:
            raise ValueError("block_ms and queue_seconds must be positive")
        self._sd = import_sounddevice()
        self._device = parse_device(device)
        self._block_ms = block_ms
        self._queue_seconds = queue_seconds
        self._forced_rate = sample_rate  # for tests and odd devices; None = 16 kHz when the device can
        self._counters = _Counters()
        self._reported = (0, 0)
        self._on_problem = on_problem
        self._report_every_s = report_every_s
        self._last_report = -float("inf")  # monotonic time of the last report: the first loss is said at once
        self._framer = Framer()
        self._closed = threading.Event()
        self._capture = self._open()

    @property
    def format(self) -> CaptureFormat:
        return self._capture.format

    @property
    def overflows(self) -> int:
        """Callbacks in which PortAudio said input was lost because we were too slow."""
        return self._counters.overflows

    @property
    def dropped_blocks(self) -> int:
        """Blocks thrown away because the pipeline fell `queue_seconds` behind."""
        return self._counters.dropped_blocks

    def frames(self) -> Iterator[Frame]:
        capture = self._capture
        capture.start()
        last_block = time.monotonic()
        patience = FIRST_BLOCK_TIMEOUT_S
        while not self._closed.is_set():
            try:
                block = capture.blocks.get(timeout=POLL_S)
            except queue.Empty:
                waited = time.monotonic() - last_block
                if not self._closed.is_set() and (capture.finished.is_set() or waited > patience):
                    log.warning(
                        "no audio from %s for %.1f s (stream finished: %s)",
                        capture.format.name,
                        waited,
                        capture.finished.is_set(),
                    )
                    raise MicLost(capture.format.name) from None
                continue
            last_block = time.monotonic()
            patience = LOST_AFTER_S
            yield from self._framer.push(capture.convert(block))
            self._log_losses()

    def reopen(self) -> None:
        """Open the device again after `MicLost`. Re-initialises PortAudio (its device list is stale
        otherwise), which also ends any other sounddevice stream of this process."""
        self._capture.close()
        self._sd._terminate()
        self._sd._initialize()
        self._closed.clear()
        self._capture = self._open()

    def close(self) -> None:
        self._closed.set()
        self._capture.close()

    def _open(self) -> _Capture:
        rate = self._forced_rate or SAMPLE_RATE  # 16 kHz when the device can, else its own rate
        matched = match_device(
            self._sd,
            self._device,
            MICROPHONE,
            rate=rate,
            own_rate_too=not self._forced_rate,
            dtype=CAPTURE_DTYPE,
        )
        index, name, rate, channels = matched.index, matched.name, matched.rate, matched.channels
        block_samples = rate * self._block_ms // 1000
        fmt = CaptureFormat(
            index=index, name=name, sample_rate=rate, channels=channels, block_samples=block_samples
        )
        max_blocks = max(1, round(self._queue_seconds * 1000 / self._block_ms))
        log.info(
            "microphone %d '%s': %d Hz, %d channel(s), %d samples per block",
            index,
            name,
            rate,
            channels,
            block_samples,
        )
        return _Capture(self._sd, fmt, counters=self._counters, max_blocks=max_blocks)

    def _log_losses(self) -> None:
        now = (self._counters.overflows, self._counters.dropped_blocks)
        if now == self._reported or time.monotonic() - self._last_report < self._report_every_s:
            return
        log.warning("microphone lost audio: %d overflow(s), %d dropped block(s) so far", *now)
        overflows, dropped = (n - before for n, before in zip(now, self._reported, strict=True))
        self._reported = now
        self._last_report = time.monotonic()
        if self._on_problem is not None:
            self._on_problem(LOST_AUDIO.format(overflows=overflows, dropped=dropped))


class _Capture:
    """One open input stream and its queue. The callback is the only code that runs on the audio thread."""

    def __init__(self, sd: Any, fmt: CaptureFormat, *, counters: _Counters, max_blocks: int) -> None:
        self.format = fmt
        self.blocks: queue.Queue[Samples] = queue.Queue(maxsize=max_blocks)
        self.finished = threading.Event()
        self._counters = counters
        self._sd = sd
        self._resampler = (
            None
            if fmt.sample_rate == SAMPLE_RATE
            else soxr.ResampleStream(fmt.sample_rate, SAMPLE_RATE, 1, dtype=CAPTURE_DTYPE)
        )
        self._stream = open_stream(
            sd,
            MICROPHONE,
            DeviceFormat(fmt.index, fmt.name, fmt.sample_rate, fmt.channels),
            dtype=CAPTURE_DTYPE,
            blocksize=fmt.block_samples,
            callback=self._callback,
            finished_callback=self.finished.set,
        )
        self._started = False

    def _callback(self, indata: Samples, frames: int, time_info: Any, status: Any) -> None:
        if status.input_overflow:
            self._counters.overflows += 1
        try:
            self.blocks.put_nowait(indata.copy())
        except queue.Full:
            self._counters.dropped_blocks += 1

    def start(self) -> None:
        if not self._started:
            self._stream.start()
            self._started = True

    def convert(self, block: Samples) -> Samples:
        """A (samples, channels) block from the device as 16 kHz mono int16 (on the pipeline thread)."""
        mono = block[:, 0] if block.shape[1] == 1 else block.mean(axis=1).round().astype(np.int16)
        if self._resampler is None:
            return np.ascontiguousarray(mono)
        out: Samples = self._resampler.resample_chunk(np.ascontiguousarray(mono))
        return out

    def close(self) -> None:
        close_stream(self._sd, self._stream, self.format.name)
