"""A stop from outside: SIGTERM (systemd's stop, `kill`) and SIGINT (`kill -INT`, Ctrl-C on plain lines).

Either ends a live session within seconds: the session ends at once, the closing words are shown but not said
(a long spoken closing would outlast systemd's stop timeout), and the report is saved. The `q` key keeps the
graceful closing. A second signal ends the process at once, as an impatient user expects. Before the session
(the devices, the question about the model, loading it) SIGTERM ends the command as quietly as Ctrl-C would:
"Gestopt.", exit code 0, nothing to save yet.
"""

from __future__ import annotations

import signal
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)


class StoppedBeforeTheSession(Exception):
    """SIGTERM arrived before a session ran."""


@contextmanager
def stopped_before_the_session() -> Iterator[None]:
    """While inside, SIGTERM raises `StoppedBeforeTheSession` where the program is (a question, a model
    loading): `ended_by_signals` takes over while a session runs."""
    previous = signal.getsignal(signal.SIGTERM)

    def handle(signum: int, frame: FrameType | None) -> None:
        raise StoppedBeforeTheSession

    signal.signal(signal.SIGTERM, handle)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def ended_by_signals(end: Callable[[], None]) -> Iterator[None]:
    """While inside, the first SIGTERM or SIGINT calls `end` (it must be quick and thread-safe)."""
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}

    def handle(signum: int, frame: FrameType | None) -> None:
        for sig in STOP_SIGNALS:
            signal.signal(sig, signal.SIG_DFL)  # the next one ends the process at once
        end()

    for sig in STOP_SIGNALS:
        signal.signal(sig, handle)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
