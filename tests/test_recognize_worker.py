"""The recogniser worker: a slow engine on its own thread loses nothing and keeps results in order."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from tests.audio_gen import white_noise
from vertraag.audio.frames import Frame, frames_from_blocks
from vertraag.recognize.base import RecognizerEvent, Utterance, Word
from vertraag.recognize.worker import RecognizerGone, RecognizerWorker

FRAMES_PER_UTTERANCE = 10  # the fake engine reports one utterance per this many frames
DECODE_DELAY_S = 0.002  # the fake engine's work per frame: far slower than feeding it
FEED_SECONDS = 4.0


class SlowEngine:
    """A fake engine: decodes slowly, records every frame, reports each span of frames as an utterance."""

    def __init__(self, *, fail_at: int | None = None) -> None:
        self.seen: list[int] = []
        self.threads: set[str] = set()
        self.closed = False
        self._fail_at = fail_at
        self._open: list[Frame] = []

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        time.sleep(DECODE_DELAY_S)
        self.threads.add(threading.current_thread().name)
        if self._fail_at is not None and len(self.seen) == self._fail_at:
            raise RuntimeError("engine broke")
        self.seen.append(frame.start)
        self._open.append(frame)
        if len(self._open) == FRAMES_PER_UTTERANCE:
            return self.finish()
        return []

    def finish(self) -> list[RecognizerEvent]:
        if not self._open:
            return []
        first, last = self._open[0], self._open[-1]
        self._open = []
        word = Word(text=f"w{first.start}", start=first.t, end=last.t_end)
        return [Utterance(text=word.text, start=first.t, end=last.t_end, words=(word,))]

    def close(self) -> None:
        self.closed = True


def frames() -> list[Frame]:
    return list(frames_from_blocks([white_noise(FEED_SECONDS, seed=3)]))


def test_every_frame_is_decoded_in_order_and_results_keep_their_times() -> None:
    engine = SlowEngine()
    worker = RecognizerWorker(engine, name="test-recognizer")
    fed = frames()
    results = []
    for frame in fed:
        results += worker.accept(frame, is_speech=True)
    assert worker.backlog_frames > 0, "the fake engine should have fallen behind"
    results += worker.finish()
    worker.close()

    assert engine.seen == [f.start for f in fed]  # nothing dropped, nothing reordered
    assert engine.threads == {"test-recognizer"}  # decoded off the feeding thread
    assert engine.closed
    starts = [r.start for r in results]
    assert starts == sorted(starts)
    expected = [fed[i].t for i in range(0, len(fed), FRAMES_PER_UTTERANCE)]
    assert starts == pytest.approx(expected)
    assert results[-1].end == pytest.approx(fed[-1].t_end)  # the last, partial span comes from finish()


def test_finish_flushes_and_the_worker_can_be_fed_again() -> None:
    worker = RecognizerWorker(SlowEngine())
    fed = frames()
    for frame in fed[:3]:
        worker.accept(frame, is_speech=True)
    first = worker.finish()
    assert len(first) == 1 and first[0].start == pytest.approx(fed[0].t)
    later = Frame(samples=np.zeros_like(fed[0].samples), start=fed[-1].end)
    worker.accept(later, is_speech=False)
    assert [u.start for u in worker.finish()] == pytest.approx([later.t])
    assert worker.finish() == []
    worker.close()


def test_an_engine_failure_reaches_the_caller() -> None:
    worker = RecognizerWorker(SlowEngine(fail_at=5))
    with pytest.raises(RuntimeError, match="engine broke"):
        for frame in frames():
            worker.accept(frame, is_speech=True)
        worker.finish()
    worker.close()


FAILS_AT_ONCE_S = 1.0  # far below the worker's 10 s join timeout


def test_finish_on_a_dead_thread_fails_at_once() -> None:
    """The engine failed while nobody was calling: finish() says so at once, not after the join timeout."""
    worker = RecognizerWorker(SlowEngine(fail_at=0))
    worker.accept(frames()[0], is_speech=True)
    deadline = time.monotonic() + FAILS_AT_ONCE_S
    while worker.backlog_frames and time.monotonic() < deadline:  # let the engine take it and fail
        time.sleep(DECODE_DELAY_S)
    time.sleep(DECODE_DELAY_S * 5)
    started = time.monotonic()
    with pytest.raises(RuntimeError, match="engine broke"):
        worker.finish()
    assert time.monotonic() - started < FAILS_AT_ONCE_S


def test_finish_after_close_fails_at_once() -> None:
    worker = RecognizerWorker(SlowEngine())
    worker.close()
    started = time.monotonic()
    with pytest.raises(RecognizerGone):
        worker.finish()
    assert time.monotonic() - started < FAILS_AT_ONCE_S
