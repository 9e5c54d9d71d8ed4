"""The listening pipeline: one frame in, the events it causes out.

    frame -> level (loudness.py) -> speech activity (vad.py) -> speech loudness -> raised voice (detect/)
          -> recogniser (recognize/) -> utterance -> word detector (detect/words/) -> finding events
                                                  -> speech rate (detect/speech_rate.py)

One microphone cannot tell the partners apart, but the session knows whose turn it is: `set_talker` says
whose voice to expect, and each talker keeps their own calm level and calm speaking rate.

Every step is driven by audio time (the frame's position), so a recording replays exactly like the live
microphone would have sounded. The pipeline never touches hardware; sources and engines are passed in.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from vertraag import events as ev
from vertraag.audio.frames import Frame
from vertraag.config import Settings
from vertraag.detect.raised_voice import RaisedVoiceDetector
from vertraag.detect.speech_rate import SpeechRateDetector
from vertraag.detect.words import WordDetector
from vertraag.events import Event
from vertraag.loudness import LevelMeter, SpeechLoudness, frame_dbfs
from vertraag.recognize.base import Partial, Recognizer, RecognizerEvent, Utterance
from vertraag.vad import SpeechProbability, VoiceActivity

log = logging.getLogger(__name__)


@dataclass
class RunSummary:
    """What a run saw, for the closing line of a readable run."""

    audio_seconds: float = 0.0
    speech_seconds: float = 0.0


class Pipeline:
    """Listens to frames and reports events. Feed frames in order with `process`, then call `finish`."""

    def __init__(
        self,
        settings: Settings,
        *,
        recognizer: Recognizer | None = None,
        word_detector: WordDetector | None = None,
        speech_probability: SpeechProbability | None = None,
        level_every_s: float | None = None,
    ) -> None:
        self._voice = VoiceActivity(settings.vad, probability=speech_probability)
        self._loudness = SpeechLoudness()
        self._settings = settings
        self._talkers: dict[str | None, tuple[RaisedVoiceDetector, SpeechRateDetector]] = {}
        self._talker: str | None = None
        self._recognizer = recognizer
        self._words = word_detector
        # `level` events (the loudness over time, for the session report) only when asked for.
        self._meter = LevelMeter(interval_s=level_every_s) if level_every_s else None
        self.summary = RunSummary()

    def set_talker(self, talker: str | None) -> None:
        """Whose voice comes next ("a", "b"; None = either): their own calm level and rate apply."""
        self._talker = talker

    def calibrate_talker(
        self, talker: str | None, *, baseline_db: float | None, calm_wps: float | None
    ) -> None:
        """A talker's calm level and calm rate, known from the calibration (None = learn it as usual)."""
        settings = self._settings.raised_voice
        if baseline_db is not None:
            settings = dataclasses.replace(settings, baseline_db=baseline_db)
        self._talkers[talker] = (
            RaisedVoiceDetector(settings),
            SpeechRateDetector(self._settings.speech_rate, calm_wps=calm_wps),
        )

    @property
    def calm_db(self) -> float | None:
        """The calm level of the voice expected now (None while it is still being learned)."""
        return self._detectors()[0].baseline_db

    def _detectors(self) -> tuple[RaisedVoiceDetector, SpeechRateDetector]:
        found = self._talkers.get(self._talker)
        if found is None:
            found = (
                RaisedVoiceDetector(self._settings.raised_voice),
                SpeechRateDetector(self._settings.speech_rate),
            )
            self._talkers[self._talker] = found
        return found

    def process(self, frame: Frame) -> list[Event]:
        level_db = frame_dbfs(frame.samples)
        decision = self._voice.update(frame, level_db=level_db)
        out = list(decision.events)
        smoothed = self._loudness.update(level_db, is_speech=decision.is_speech)
        out += self._detectors()[0].update(frame.t, smoothed, is_speech=decision.is_speech)
        if self._meter is not None:
            reading = self._meter.update(frame.t_end, level_db, is_speech=decision.is_speech)
            if reading is not None:
                t, room_db, speech_db = reading
                out.append(Event(ev.LEVEL, t, {"level_db": room_db, "speech_db": speech_db}))
        if self._recognizer is not None:
            out += self._from_recognizer(self._recognizer.accept(frame, is_speech=decision.in_segment))
        self.summary.audio_seconds = frame.t_end
        if decision.is_speech:
            self.summary.speech_seconds += frame.t_end - frame.t
        return out

    def finish(self, t_end: float) -> list[Event]:
        out = self._voice.finish(t_end)
        if self._recognizer is not None:
            out += self._from_recognizer(self._recognizer.finish())
        return out

    def close(self) -> None:
        if self._recognizer is not None:
            self._recognizer.close()

    def _from_recognizer(self, results: Iterable[RecognizerEvent]) -> list[Event]:
        out: list[Event] = []
        for result in results:
            if isinstance(result, Partial):
                out.append(Event(ev.PARTIAL, result.t, {"text": result.stable, "pending": result.pending}))
            elif isinstance(result, Utterance):
                out.append(utterance_event(result))
                out += self._findings(result)
                out += self._detectors()[1].update(result)
        return out

    def _findings(self, utterance: Utterance) -> list[Event]:
        if self._words is None or not utterance.text:
            return []
        return [
            Event(
                ev.FINDING,
                utterance.end,
                ev.FindingFields(
                    category=finding.category,
                    rule=finding.rule,
                    match=finding.match,
                    reframe=finding.reframe,
                    text=utterance.text,
                    utterance_start=utterance.start,
                    utterance_end=utterance.end,
                ),
            )
            for finding in self._words.find(utterance.text)
        ]


def utterance_event(utterance: Utterance) -> Event:
    return Event(
        ev.UTTERANCE,
        utterance.end,
        ev.UtteranceFields(
            text=utterance.text,
            start=utterance.start,
            end=utterance.end,
            words=[word.to_dict() for word in utterance.words],
        ),
    )


def run_frames(pipeline: Pipeline, frames: Iterable[Frame]) -> Iterator[Event]:
    """Drive `pipeline` over all `frames` and yield its events as they happen, then the closing ones."""
    t_end = 0.0
    try:
        for frame in frames:
            t_end = frame.t_end
            yield from pipeline.process(frame)
        yield from pipeline.finish(t_end)
    finally:
        pipeline.close()
