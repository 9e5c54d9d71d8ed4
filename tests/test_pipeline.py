"""The pipeline wires recogniser results to the word detector: a final utterance with unsafe words becomes
`finding` events on the same stream, partials pass through, and the recogniser is closed at the end."""

from __future__ import annotations

import numpy as np

from vertraag import events as ev
from vertraag.audio.frames import FRAME_SAMPLES, Frame
from vertraag.config import Settings
from vertraag.detect.words import WordDetector
from vertraag.pipeline import Pipeline, run_frames
from vertraag.recognize.base import Partial, RecognizerEvent, Utterance, Word

SAID = "je luistert ook nooit naar mij"
FRAMES = 40


class ScriptedRecognizer:
    """A fake engine: says a partial on frame 10 and the final utterance on frame 20."""

    def __init__(self) -> None:
        self.frames = 0
        self.closed = False

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        self.frames += 1
        if self.frames == 10:
            return [Partial(t=frame.t, stable="je luistert", pending="ook")]
        if self.frames == 20:
            words = tuple(Word(w, 0.1 * i, 0.1 * i + 0.1) for i, w in enumerate(SAID.split()))
            return [Utterance(text=SAID, start=0.0, end=frame.t_end, words=words)]
        return []

    def finish(self) -> list[RecognizerEvent]:
        return []

    def close(self) -> None:
        self.closed = True


def silent_frames() -> list[Frame]:
    return [Frame(np.zeros(FRAME_SAMPLES, dtype=np.int16), i * FRAME_SAMPLES) for i in range(FRAMES)]


def test_an_unsafe_utterance_becomes_a_finding_with_a_reframe() -> None:
    recognizer = ScriptedRecognizer()
    pipeline = Pipeline(Settings(), recognizer=recognizer, word_detector=WordDetector.load())
    events = list(run_frames(pipeline, silent_frames()))
    kinds = [e.type for e in events]
    assert kinds == [ev.PARTIAL, ev.UTTERANCE, ev.FINDING]
    utterance, finding = events[1], events[2]
    assert finding.t == utterance.t == utterance.data["end"]
    assert finding.data["category"] == "absolute" and finding.data["match"] == "nooit"
    assert finding.data["reframe"].startswith("Probeer het eens")
    assert finding.data["rule"] == "absolute-never"  # the stable id of the rule, as written in its file
    assert [w["word"] for w in utterance.data["words"]] == SAID.split()
    assert recognizer.frames == FRAMES and recognizer.closed


def test_without_a_word_detector_utterances_still_flow() -> None:
    pipeline = Pipeline(Settings(), recognizer=ScriptedRecognizer())
    kinds = [e.type for e in run_frames(pipeline, silent_frames())]
    assert kinds == [ev.PARTIAL, ev.UTTERANCE]
