"""A microphone that comes back: when the device disappears mid-session, tell the caller and try again.

A mic pulled out of a Raspberry Pi, or a sound server that restarts, must not end the conversation. The
wrapper reports the loss (so the session can say so and pause) and the return, retries with a growing wait,
and carries on with audio time continuing where it stopped. It gives up, with the source's clear message,
only after `give_up_s` seconds without a microphone. `interrupt()` (a stop from outside) ends the wait at
once: the frames end, so the session can end and save its report instead of waiting for the microphone.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from typing import Protocol

from vertraag.audio.frames import Frame
from vertraag.errors import UserError

log = logging.getLogger(__name__)

FIRST_RETRY_S = 0.5  # a sound server restart takes about this long
MAX_RETRY_S = 5.0  # never wait longer than this between tries: someone may be plugging it back in
GIVE_UP_S = 60.0  # a minute without a microphone: stop, with the message that says what to do


class LostDevice(Protocol):
    """The part of `MicSource` this wrapper needs."""

    def frames(self) -> Iterator[Frame]: ...

    def reopen(self) -> None: ...

    def close(self) -> None: ...


class ReconnectingSource:
    """An `AudioSource` over a microphone that may vanish. `lost` is the exception type a loss raises."""

    def __init__(
        self,
        source: LostDevice,
        *,
        lost: type[UserError],
        on_problem: Callable[[str], None],
        on_back: Callable[[], None] | None = None,
        give_up_s: float = GIVE_UP_S,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        self._source = source
        self._lost = lost
        self._on_problem = on_problem
        self._on_back = on_back
        self._give_up_s = give_up_s
        self._interrupted = threading.Event()
        self._sleep = sleep or self._wait  # tests pass a fake sleep
        self.reconnects = 0

    def frames(self) -> Iterator[Frame]:
        while True:
            try:
                yield from self._source.frames()
                return
            except self._lost as exc:
                log.warning("microphone lost: %s", exc.message)
                self._on_problem(exc.message)
                self._reconnect(exc)
                if self._interrupted.is_set():
                    return

    def close(self) -> None:
        self._source.close()

    def interrupt(self) -> None:
        """Stop waiting for a lost microphone (any thread): the frames end after the current wait."""
        self._interrupted.set()

    def _wait(self, seconds: float) -> None:
        self._interrupted.wait(seconds)

    def _reconnect(self, cause: UserError) -> None:
        waited, wait = 0.0, FIRST_RETRY_S
        while waited < self._give_up_s:
            self._sleep(wait)
            if self._interrupted.is_set():
                return
            waited += wait
            try:
                self._source.reopen()
            except UserError as exc:
                log.info("microphone not back yet (%.1f s): %s", waited, exc.message)
                wait = min(wait * 2, MAX_RETRY_S)
                continue
            self.reconnects += 1
            log.warning("microphone back after %.1f s", waited)
            if self._on_back is not None:
                self._on_back()
            return
        raise cause
