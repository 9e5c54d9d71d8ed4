"""Composed conversations for session tests: real Dutch clips, espeak-ng Dutch and silence, run through the
real listening pipeline (Silero VAD, loudness, raised voice, the word detector) and the session runner.

`SegmentRecognizer` stands in for a speech engine where a test needs exact words: it waits for the real voice
activity to end a segment, then "recognises" the next scripted text for it (or one fixed text for every
segment), so what is said when is known exactly and the timing comes from the real audio.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator
from typing import Any

import numpy as np

from tests import audio_gen as ag
from vertraag.assemble import recording_runner
from vertraag.audio.frames import Frame, frames_from_blocks
from vertraag.config import ProtocolSettings, Settings
from vertraag.events import Event
from vertraag.recognize.base import RecognizerEvent, Utterance, Word
from vertraag.speak.voice import Voice

BLOCK = 1024


class SegmentRecognizer:
    def __init__(self, script: Iterable[str] = (), *, every: str | None = None) -> None:
        self._script = list(script)
        self._every = every
        self._start: float | None = None
        self._last_speech = 0.0

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        if is_speech:
            if self._start is None:
                self._start = frame.t
            self._last_speech = frame.t_end
            return []
        if self._start is None:
            return []
        start, self._start = self._start, None
        text = self._every if self._every is not None else (self._script.pop(0) if self._script else "")
        if not text:
            return []
        words = text.split()
        step = (self._last_speech - start) / len(words)
        timed = tuple(Word(w, start + i * step, start + (i + 1) * step) for i, w in enumerate(words))
        return [Utterance(text, start, self._last_speech, timed)]

    def finish(self) -> list[RecognizerEvent]:
        return []

    def close(self) -> None:
        return None


def frames_of(audio: ag.Audio) -> Iterator[Frame]:
    return frames_from_blocks(ag.blocks(audio, BLOCK))


def run_session(
    audio: ag.Audio,
    *,
    recognizer: Any = None,
    protocol: str = "vrij",
    voice: Voice | None = None,
    frames: Iterable[Frame] | None = None,
    session: dict[str, Any] | None = None,
    **protocol_settings: Any,
) -> list[Event]:
    settings = Settings()
    settings = dataclasses.replace(
        settings,
        protocol=ProtocolSettings(name=protocol, **protocol_settings),
        session=dataclasses.replace(settings.session, **(session or {})),
    )
    runner = recording_runner(settings, recognizer=recognizer, voice=voice)
    return list(runner.run(frames if frames is not None else frames_of(audio)))


def calm(sentences: Iterable[str], *, gap_s: float = 1.5) -> ag.Audio:
    return ag.concat_with_silence(
        (ag.at_level(ag.espeak_nl(s), ag.CALM_SPEECH_DBFS) for s in sentences), gap_s=gap_s
    )


def joined(*parts: ag.Audio) -> ag.Audio:
    return np.concatenate(parts).astype(np.int16)


def seconds(audio: ag.Audio) -> float:
    return len(audio) / ag.SAMPLE_RATE


def prompts(events: list[Event], reason: str | None = None) -> list[Event]:
    return [e for e in events if e.type == "prompt" and (reason is None or e.data["reason"] == reason)]


class TimedRecognizer:
    """Says each scripted utterance at a given audio time, as a streaming engine endpointing on a short
    pause would (the voice may go on right after)."""

    def __init__(self, script: Iterable[tuple[float, float, str]]) -> None:
        self._script = sorted(script)  # (start, end, text); said at `end`

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        due = [s for s in self._script if s[1] <= frame.t_end]
        self._script = [s for s in self._script if s[1] > frame.t_end]
        return [Utterance(text, start, end, _spread(text, start, end)) for start, end, text in due]

    def finish(self) -> list[RecognizerEvent]:
        return []

    def close(self) -> None:
        return None


def _spread(text: str, start: float, end: float) -> tuple[Word, ...]:
    words = text.split()
    step = (end - start) / len(words)
    return tuple(Word(w, start + i * step, start + (i + 1) * step) for i, w in enumerate(words))
