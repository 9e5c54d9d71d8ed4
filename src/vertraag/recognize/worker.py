"""Runs any `Recognizer` on its own thread, so whoever feeds it never waits on decoding.

`RecognizerWorker` is itself a `Recognizer`: `accept` only enqueues the frame and returns the results that
are ready by then; `finish` waits until every frame fed so far is decoded and returns the rest. The queue is
unbounded, so no frame is ever dropped (a frame is 1 KB: a minute of backlog is ~2 MB); a growing backlog is
logged. Results come back in the order the engine produced them, with their own audio times, so a caller
can place them correctly however late they arrive. An exception in the engine is raised again on the
caller's thread at its next call.
"""

from __future__ import annotations

import logging
import queue
import threading
from dataclasses import dataclass, field
from typing import NamedTuple

from vertraag.audio.frames import FRAME_SECONDS, Frame
from vertraag.recognize.base import Recognizer, RecognizerEvent

log = logging.getLogger(__name__)

BACKLOG_WARN_SECONDS = 5.0  # a backlog this long means decoding is slower than real time; say so
BACKLOG_WARN_FRAMES = int(BACKLOG_WARN_SECONDS / FRAME_SECONDS)
JOIN_TIMEOUT_S = 10.0  # close(): how long to wait for a decode in progress before giving up on the thread
ALIVE_CHECK_S = 0.1  # finish(): how often to look whether the thread is still there while waiting for it


class RecognizerGone(RuntimeError):
    """`finish()` on a worker whose thread has stopped without an engine error (it was closed)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"the {name} thread has stopped; nothing more will be decoded")


class _Feed(NamedTuple):
    frame: Frame
    is_speech: bool


@dataclass(frozen=True)
class _Finish:
    done: threading.Event = field(default_factory=threading.Event)


class _Stop:
    pass


_Request = _Feed | _Finish | _Stop


class RecognizerWorker:
    """A `Recognizer` that decodes on a background thread. Feed it from one thread."""

    def __init__(self, recognizer: Recognizer, *, name: str = "recognizer") -> None:
        self._inner = recognizer
        self._requests: queue.Queue[_Request] = queue.Queue()
        self._results: list[RecognizerEvent] = []
        self._lock = threading.Lock()
        self._error: BaseException | None = None
        self._warned_backlog = False
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def backlog_frames(self) -> int:
        """Frames fed but not yet decoded."""
        return self._requests.qsize()

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        self._raise_error()
        self._requests.put(_Feed(frame=frame, is_speech=is_speech))
        self._watch_backlog()
        return self.poll()

    def poll(self) -> list[RecognizerEvent]:
        """The results that are ready now, in order (possibly none). Never waits for decoding."""
        self._raise_error()
        with self._lock:
            ready, self._results = self._results, []
        return ready

    def finish(self) -> list[RecognizerEvent]:
        """Wait until everything fed so far is decoded and the engine has flushed; return all results.
        A thread that is gone (the engine failed, or the worker was closed) fails at once, without a wait."""
        self._raise_error()
        request = _Finish()
        self._requests.put(request)
        while not request.done.wait(timeout=ALIVE_CHECK_S):
            if not self._thread.is_alive():
                self._raise_error()
                raise RecognizerGone(self._thread.name)
        return self.poll()

    def close(self) -> None:
        self._requests.put(_Stop())
        self._thread.join(timeout=JOIN_TIMEOUT_S)
        if self._thread.is_alive():
            log.warning("Recognizer thread still busy after %.0f s; leaving it", JOIN_TIMEOUT_S)
            return
        self._inner.close()

    def _run(self) -> None:
        while True:
            request = self._requests.get()
            if isinstance(request, _Stop):
                return
            try:
                if isinstance(request, _Feed):
                    self._publish(self._inner.accept(request.frame, is_speech=request.is_speech))
                else:
                    self._publish(self._inner.finish())
            except BaseException as exc:  # handed to the caller's thread; this thread stops
                log.debug("Recognizer failed", exc_info=True)
                self._error = exc
                _release_waiters(self._requests)
                return
            finally:
                if isinstance(request, _Finish):
                    request.done.set()

    def _publish(self, events: list[RecognizerEvent]) -> None:
        if events:
            with self._lock:
                self._results.extend(events)

    def _raise_error(self) -> None:
        if self._error is not None:
            raise self._error

    def _watch_backlog(self) -> None:
        backlog = self._requests.qsize()
        if backlog > BACKLOG_WARN_FRAMES and not self._warned_backlog:
            log.warning("Speech recognition is %.1f s behind the audio", backlog * FRAME_SECONDS)
            self._warned_backlog = True
        elif backlog <= BACKLOG_WARN_FRAMES // 2:
            self._warned_backlog = False


def _release_waiters(requests: queue.Queue[_Request]) -> None:
    """After a failure nothing more is decoded: wake anyone waiting in `finish`."""
    while True:
        try:
            request = requests.get_nowait()
        except queue.Empty:
            return
        if isinstance(request, _Finish):
            request.done.set()
