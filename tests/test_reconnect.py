"""A microphone that vanishes mid-session: the session is told, the source retries, audio time goes on."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from vertraag.audio.frames import FRAME_SAMPLES, Frame
from vertraag.audio.reconnect import ReconnectingSource
from vertraag.errors import UserError


class Lost(UserError):
    pass


class FlakyMic:
    """Delivers `per_run` frames, then 'is pulled out'; comes back after `down_tries` failed reopens."""

    def __init__(self, *, per_run: int, runs: int, down_tries: int) -> None:
        self.per_run, self.runs_left, self.down_tries = per_run, runs, down_tries
        self.next_start = 0
        self.reopen_calls = 0
        self.closed = False

    def frames(self) -> Iterator[Frame]:
        for _ in range(self.per_run):
            yield Frame(np.zeros(FRAME_SAMPLES, dtype=np.int16), self.next_start)
            self.next_start += FRAME_SAMPLES
        self.runs_left -= 1
        if self.runs_left > 0:
            raise Lost("De microfoon is weggevallen.")

    def reopen(self) -> None:
        self.reopen_calls += 1
        if self.reopen_calls <= self.down_tries:
            raise UserError("Geen microfoon gevonden.")

    def close(self) -> None:
        self.closed = True


def test_a_lost_microphone_is_reported_and_comes_back() -> None:
    mic = FlakyMic(per_run=5, runs=2, down_tries=3)
    problems: list[str] = []
    waits: list[float] = []
    back: list[int] = []
    source = ReconnectingSource(
        mic, lost=Lost, on_problem=problems.append, on_back=lambda: back.append(len(problems)),
        sleep=waits.append,
    )  # fmt: skip
    frames = list(source.frames())
    assert back == [1]  # told once, after the loss
    assert len(frames) == 10
    starts = [f.start for f in frames]
    assert starts == sorted(starts) and len(set(starts)) == 10  # audio time goes on, nothing repeated
    assert problems == ["De microfoon is weggevallen."]
    assert source.reconnects == 1 and mic.reopen_calls == 4
    assert waits == sorted(waits)  # backing off, never hammering the device


def test_gives_up_with_the_clear_message_after_a_while() -> None:
    mic = FlakyMic(per_run=2, runs=2, down_tries=10_000)
    source = ReconnectingSource(
        mic, lost=Lost, on_problem=lambda m: None, give_up_s=10.0, sleep=lambda s: None
    )
    with pytest.raises(Lost, match="weggevallen"):
        list(source.frames())
    source.close()
    assert mic.closed


def test_a_stop_from_outside_ends_the_wait_for_a_lost_microphone_at_once() -> None:
    import threading
    import time

    mic = FlakyMic(per_run=3, runs=2, down_tries=10**6)  # lost after 3 frames, never back
    source = ReconnectingSource(mic, lost=Lost, on_problem=lambda _: None, give_up_s=60.0)
    frames: list[Frame] = []
    reader = threading.Thread(target=lambda: frames.extend(source.frames()), daemon=True)
    reader.start()
    time.sleep(0.2)
    started = time.monotonic()
    source.interrupt()
    reader.join(timeout=10)
    assert not reader.is_alive() and time.monotonic() - started < 2.0  # not the minute until it gives up
    assert len(frames) == 3
