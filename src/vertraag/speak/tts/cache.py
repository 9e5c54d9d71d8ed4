"""`CachedRenderer`: render each distinct text once, and ahead of time when asked.

A session knows its prompts before it needs them; `prepare()` renders them all at the start, so when the
session decides to speak, the sound is already there (a dictionary look-up instead of a render).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from concurrent.futures import Future

from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.sound import Sound
from vertraag.speak.tts.base import Renderer

log = logging.getLogger(__name__)


class CachedRenderer:
    """A `Renderer` in front of another one. Thread-safe: two threads asking for the same new text get one
    render. Failures are not cached (the inner renderer decides whether to fail fast next time)."""

    def __init__(self, inner: Renderer) -> None:
        self.inner = inner
        self._lock = threading.Lock()
        self._sounds: dict[str, Future[Sound]] = {}

    def render(self, text: str) -> Sound:
        with self._lock:
            pending = self._sounds.get(text)
            mine = pending is None
            if pending is None:
                pending = self._sounds[text] = Future()
        if mine:
            try:
                pending.set_result(self.inner.render(text))
            except SpeechUnavailable as exc:
                with self._lock:
                    del self._sounds[text]
                pending.set_exception(exc)
        return pending.result()

    def prepare(self, texts: Iterable[str], *, stop: threading.Event | None = None) -> int:
        """Render every text not rendered yet, until `stop` is set; returns how many could not be (each is
        logged)."""
        failed = 0
        for text in dict.fromkeys(texts):
            if stop is not None and stop.is_set():
                break
            try:
                self.render(text)
            except SpeechUnavailable as exc:
                log.warning("cannot prepare %r: %s", text, exc.message)
                failed += 1
        return failed

    def __contains__(self, text: object) -> bool:
        """Whether `text` has been rendered (a test and a benchmark can check that a prompt was ready)."""
        with self._lock:
            pending = self._sounds.get(text) if isinstance(text, str) else None
        return pending is not None and pending.done()

    def close(self) -> None:
        close = getattr(self.inner, "close", None)
        if callable(close):
            close()
