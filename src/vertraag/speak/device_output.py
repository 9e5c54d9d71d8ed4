"""One open output stream and its queue of sounds, for `SoundDevicePlayer` (sounddevice passed in, from
audio/devices.py, which also finds the device and its format).

The callback is the only code on the audio thread. It copies samples from the sound at the head of the queue
into PortAudio's buffer, pads with silence, and notes a few numbers (plain attributes: safe under the GIL).
Sounds carry increasing ids; `cancel()` marks every id so far as dropped, so stopping needs no lock shared
with the audio thread.
"""

from __future__ import annotations

import collections
import logging
import threading
import time
from typing import Any

import numpy as np
import numpy.typing as npt

from vertraag.audio.devices import DeviceFormat, Direction, close_stream, match_device, open_stream
from vertraag.speak.errors import PlaybackUnavailable
from vertraag.speak.sound import Samples

log = logging.getLogger(__name__)

STALL_S = 2.0  # no callback for this long from a running stream: it is dead (PulseAudio bursts < 0.5 s)
DTYPE = "float32"
SPEAKER = Direction(
    kind="output",
    none_found=(
        "Geen luidspreker gevonden: sluit er een aan of kies er een met --output-device; "
        "'vertraag devices' toont ze."
    ),
    not_found="Luidspreker '{device}' niet gevonden; kies met --output-device een van deze (nummer of naam): "
    "{choices}.",
    unusable="De luidspreker '{name}' is niet te openen of speelt geen bruikbaar formaat; "
    "controleer of hij aan staat, of kies een andere met --output-device.",
    cannot_open="De luidspreker '{name}' kan niet geopend worden ({problem}); kies een andere met "
    "--output-device.",
    error=PlaybackUnavailable,
)
OutputFormat = DeviceFormat  # index, name, rate (Hz, what the stream runs at), channels


def choose_output(sd: Any, device: str | int | None, *, rate: int) -> OutputFormat:
    """The output device the user means, at `rate` when it can, else its own rate; mono, else stereo."""
    return match_device(sd, device, SPEAKER, rate=rate, own_rate_too=True, dtype=DTYPE)


class _Item:
    """A sound in the queue; `position` is only touched by the audio thread."""

    __slots__ = ("column", "id", "position")

    def __init__(self, sound_id: int, samples: Samples) -> None:
        self.id = sound_id
        self.column: npt.NDArray[np.float32] = samples.reshape(-1, 1)  # broadcasts onto any channel count
        self.position = 0


class PlaybackStream:
    """An open, running output stream. Construction raises `PlaybackUnavailable` when it cannot open."""

    def __init__(self, sd: Any, fmt: OutputFormat) -> None:
        self.format = fmt
        self.last_started: float | None = None
        self.started = 0
        self._sd = sd
        self._pending: collections.deque[_Item] = collections.deque()
        self._current: _Item | None = None
        self._queued_id = 0  # last id queued (caller's side)
        self._cancelled_id = 0  # every id up to this one is dropped (caller's side)
        self._done_id = 0  # last id played to its end (audio thread)
        self._quiet_at = 0.0  # when the last sample handed over will have left the speaker (audio thread)
        self._finished = threading.Event()
        self._last_callback = time.monotonic()
        self._stream = open_stream(
            sd, SPEAKER, fmt, dtype=DTYPE, callback=self._callback, finished_callback=self._finished.set
        )
        try:
            self._stream.start()
        except sd.PortAudioError as exc:
            log.info("starting output %s failed: %s", fmt.name, exc)
            raise SPEAKER.error(SPEAKER.cannot_open.format(name=fmt.name, problem=exc)) from exc
        self._latency_s = float(self._stream.latency)
        log.info("speaker %d '%s': %d Hz, %d channel(s)", fmt.index, fmt.name, fmt.rate, fmt.channels)

    def enqueue(self, samples: Samples) -> None:
        self._queued_id += 1
        self._pending.append(_Item(self._queued_id, samples))

    def cancel(self) -> None:
        self._cancelled_id = self._queued_id
        self._pending.clear()
        self._quiet_at = 0.0

    @property
    def busy(self) -> bool:
        if self.lost:
            return False
        waiting = self._queued_id > max(self._done_id, self._cancelled_id)
        return waiting or time.monotonic() < self._quiet_at

    @property
    def lost(self) -> bool:
        if self._finished.is_set() or time.monotonic() - self._last_callback > STALL_S:
            return True
        try:
            return not self._stream.active
        except self._sd.PortAudioError:  # PortAudio was re-initialised under it (e.g. by the microphone)
            return True

    def close(self) -> None:
        close_stream(self._sd, self._stream, self.format.name)

    def _callback(self, outdata: npt.NDArray[np.float32], frames: int, time_info: Any, status: Any) -> None:
        now = self._last_callback = time.monotonic()
        filled = 0
        while filled < frames:
            if self._current is None:
                if not self._pending:
                    break
                self._current = self._pending.popleft()
            item = self._current
            if item.id <= self._cancelled_id:
                self._current = None
                continue
            if item.position == 0:
                self.last_started, self.started = now, self.started + 1
            n = min(frames - filled, len(item.column) - item.position)
            outdata[filled : filled + n] = item.column[item.position : item.position + n]
            item.position += n
            filled += n
            if item.position >= len(item.column):
                self._current, self._done_id = None, item.id
                self._quiet_at = now + self._latency_s + frames / self.format.rate
        outdata[filled:] = 0
