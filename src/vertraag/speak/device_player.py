"""`SoundDevicePlayer`: the loudspeaker, through one `sounddevice.OutputStream` that stays open.

The stream runs all the time and its callback pulls from a queue of sounds, padding with silence: a prompt
starts within one buffer of `play()`, and the audio thread does nothing but copy samples (plus noting the
time a sound's first sample went out, for the playback-latency benchmark). Resampling to the device's rate
happens in `play()`, on the caller's thread.

A device that is missing or gone raises `PlaybackUnavailable` from `play()`. A stream that dies (sound server
stopped, USB speaker pulled) ends `busy`, and the next `play()` opens a new one (after a failure, `play()`
fails fast for `retry_after_s` before it probes again).

PortAudio's device list is read once; a speaker plugged in later, or a list read while the sound server was
down, needs `sd._terminate(); sd._initialize()`. That ENDS EVERY OTHER sounddevice STREAM IN THE PROCESS,
including the microphone's (`MicSource` notices a lost microphone and `ReconnectingSource` reopens it, with a
`source_problem` event and a second or so of lost audio). So this player re-initialises only when a plain
reopen failed, never at its first open, and at most once per `reinit_interval_s`; `reinit_portaudio=False`
turns it off. The reverse also happens: a reconnecting microphone re-initialises PortAudio, which ends this
stream (seen as lost), and refreshes the list for it; the next `play()` simply reopens.
"""

from __future__ import annotations

import logging
import threading
import time

from vertraag.audio.devices import import_sounddevice, parse_device
from vertraag.speak.device_output import OutputFormat, PlaybackStream, choose_output
from vertraag.speak.errors import PlaybackUnavailable
from vertraag.speak.sound import Sound
from vertraag.speak.tones import OUTPUT_RATE

log = logging.getLogger(__name__)

RETRY_AFTER_S = 5.0  # after a failed open, play() fails fast for this long instead of probing again
# Each PortAudio re-initialisation also restarts the microphone's stream: rarely, even with no speaker.
REINIT_INTERVAL_S = 30.0

class SoundDevicePlayer:
    """A `Player` on a sound card output. `device`: part of a name or a number, as `--output-device` takes
    it (None or "" = the default output). Sounds at any rate are played at the device's rate."""

    def __init__(
        self,
        *,
        device: str | int | None = None,
        rate: int = OUTPUT_RATE,
        reinit_portaudio: bool = True,
        retry_after_s: float = RETRY_AFTER_S,
        reinit_interval_s: float = REINIT_INTERVAL_S,
    ) -> None:
        self._device = parse_device(device)
        self._rate = rate
        self._reinit_portaudio = reinit_portaudio
        self._retry_after_s = retry_after_s
        self._reinit_interval_s = reinit_interval_s
        # open/play/stop come from the caller's side; the audio thread never takes this lock
        self._lock = threading.Lock()
        self._output: PlaybackStream | None = None
        self._opens = 0  # attempts to open so far
        self._retry_at = 0.0
        self._reinit_at = 0.0
        self._failure = ""

    def open(self) -> None:
        """Open the device now (`play()` does it when needed); raises `PlaybackUnavailable`."""
        with self._lock:
            self._ensure_open()

    def play(self, sound: Sound) -> None:
        with self._lock:
            output = self._ensure_open()
            output.enqueue(sound.resampled(output.format.rate).samples)

    def stop(self) -> None:
        with self._lock:
            if self._output is not None:
                self._output.cancel()

    @property
    def busy(self) -> bool:
        output = self._output
        return output is not None and output.busy

    @property
    def format(self) -> OutputFormat | None:
        """The device and format of the open stream, if any."""
        output = self._output
        return None if output is None else output.format

    @property
    def last_started(self) -> float | None:
        """`time.monotonic()` when the first sample of the latest sound was handed to the stream."""
        output = self._output
        return None if output is None else output.last_started

    @property
    def started(self) -> int:
        """How many sounds have begun playing on the current stream."""
        output = self._output
        return 0 if output is None else output.started

    def close(self) -> None:
        with self._lock:
            if self._output is not None:
                self._output.close()
                self._output = None

    def _ensure_open(self) -> PlaybackStream:
        if self._output is not None and not self._output.lost:
            return self._output
        if self._output is not None:
            log.warning("the output stream on %s was lost; opening it again", self._output.format.name)
            self._output.close()
            self._output = None
        if time.monotonic() < self._retry_at:
            raise PlaybackUnavailable(self._failure)
        try:
            self._output = self._open()
        except PlaybackUnavailable as exc:
            self._failure = exc.message
            self._retry_at = time.monotonic() + self._retry_after_s
            raise
        return self._output

    def _open(self) -> PlaybackStream:
        sd = import_sounddevice(PlaybackUnavailable)
        self._opens += 1
        try:
            return PlaybackStream(sd, choose_output(sd, self._device, rate=self._rate))
        except PlaybackUnavailable as exc:
            now = time.monotonic()
            if not self._reinit_portaudio or self._opens == 1 or now < self._reinit_at:
                raise
            log.warning("cannot open the speaker (%s); re-initialising PortAudio (ends other streams)", exc)
            self._reinit_at = now + self._reinit_interval_s
            sd._terminate()
            sd._initialize()
            return PlaybackStream(sd, choose_output(sd, self._device, rate=self._rate))
