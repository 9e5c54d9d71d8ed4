"""A scene through the whole session (pipeline, words, session engine), with each event's decision time.

`run_scene` feeds frames to a `SessionRunner` (free protocol, nothing played) and notes for every event the
audio time of the frame being processed when it came out: the moment vertraag knew. Paced frames (a
`WavSource` with `realtime=True`) arrive as from a microphone, one every 32 ms of wall clock, so a recogniser
decoding on its own thread delivers its result at the audio time a live run would.

`TriggerStandIn` makes the Korean Vosk test model usable for word latency: Vosk's own utterances, with their
own times, carry a Dutch trigger sentence as their text.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vertraag.assemble import recording_runner
from vertraag.audio.frames import Frame
from vertraag.config import Settings
from vertraag.events import Event
from vertraag.recognize.base import Recognizer, RecognizerEvent, Utterance, Word

BLOCK_SAMPLES = 1024  # what a sound card hands over at once (64 ms)
STAND_IN_TEXT = "je luistert ook nooit naar me"  # an absolute: the word detector always finds it


@dataclass(frozen=True)
class Emitted:
    event: Event
    at: float  # audio time of the frame in process when the event came out


class _FrameClock:
    """Passes the frames on; `now` is the end of the latest one."""

    def __init__(self, frames: Iterable[Frame]) -> None:
        self._frames = frames
        self.now = 0.0

    def __iter__(self) -> Iterator[Frame]:
        for frame in self._frames:
            self.now = frame.t_end
            yield frame


def run_scene(frames: Iterable[Frame], settings: Settings, *, recognizer: Recognizer | None) -> list[Emitted]:
    """Every event of the session over `frames`, with its decision time."""
    runner = recording_runner(settings, recognizer=recognizer)
    clock = _FrameClock(frames)
    return [Emitted(event, clock.now) for event in runner.run(clock)]


class TriggerStandIn:
    """A `Recognizer` around another: each utterance keeps its times, its text becomes STAND_IN_TEXT."""

    def __init__(self, inner: Recognizer) -> None:
        self._inner = inner

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        return [self._dutch(r) for r in self._inner.accept(frame, is_speech=is_speech)]

    def finish(self) -> list[RecognizerEvent]:
        return [self._dutch(r) for r in self._inner.finish()]

    def close(self) -> None:
        self._inner.close()

    @staticmethod
    def _dutch(result: RecognizerEvent) -> RecognizerEvent:
        if not isinstance(result, Utterance):
            return result
        words = STAND_IN_TEXT.split()
        step = (result.end - result.start) / len(words)
        start = result.start
        timed = tuple(Word(w, start + i * step, start + (i + 1) * step) for i, w in enumerate(words))
        return Utterance(STAND_IN_TEXT, result.start, result.end, timed)
