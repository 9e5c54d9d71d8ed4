"""The listening pipeline: one frame in, the events it causes out.

    frame -> level (loudness.py) -> speech activity (vad.py) -> whose voice (voices/)
          -> that voice's speech loudness -> raised voice (detect/by_voice.py)
          -> recogniser (recognize/) -> utterance -> word detector (detect/words/) -> finding events
                                                  -> that voice's speech rate

One microphone hears both partners; the voice tracker tells them apart, and every measure follows the
attributed voice, never the phase: each talker keeps their own calm level and calm speaking rate, and a
stretch nobody is sure of feeds no one's. `speech_end`, `utterance`, `raised_voice`, `speech_rate` and
`finding` carry `talker` ("a", "b", or None when unsure); a `voice` event says whose voice is heard about
every second of a segment. Without a tracker everything is one voice (talker None).

Every step is driven by audio time (the frame's position), so a recording replays exactly like the live
microphone would have sounded. The pipeline never touches hardware; sources and engines are passed in.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from vertraag import events as ev
from vertraag.audio.frames import FRAME_SAMPLES, SAMPLE_RATE, Frame
from vertraag.config import Settings
from vertraag.detect.by_voice import VoiceMeasures
from vertraag.detect.words import Finding, WordDetector
from vertraag.events import Event
from vertraag.loudness import MIN_DBFS, LevelMeter, frame_dbfs
from vertraag.recognize.base import Partial, Recognizer, RecognizerEvent, Utterance
from vertraag.vad import SpeechProbability, VoiceActivity
from vertraag.voices import Attribution, VoiceTracker

CONFIDENCE_DECIMALS = 2

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
        tracker: VoiceTracker | None = None,
    ) -> None:
        self._voice = VoiceActivity(settings.vad, probability=speech_probability)
        self._settings = settings
        self._tracker = tracker
        self._measures = VoiceMeasures(settings, follow=tracker is not None)
        self._recognizer = recognizer
        self._words = word_detector
        # `level` events (the loudness over time, for the session report) only when asked for.
        self._meter = LevelMeter(interval_s=level_every_s) if level_every_s else None
        self.summary = RunSummary()

    @property
    def tracker(self) -> VoiceTracker | None:
        return self._tracker

    def calibrate_talker(
        self, talker: str | None, *, baseline_db: float | None, calm_wps: float | None
    ) -> None:
        """A talker's calm level and calm rate, known from the calibration (None = learn it as usual)."""
        self._measures.calibrate(talker, baseline_db=baseline_db, calm_wps=calm_wps)

    @property
    def talker(self) -> str | None:
        """Whose voice is heard now (None: nobody, or not sure)."""
        return self._measures.current

    @property
    def calm_db(self) -> float | None:
        """The calm level of the voice heard now (None while unknown or still being learned)."""
        if self._tracker is None:
            return self._measures.calm_db(None)
        current = self._measures.current
        return self._measures.calm_db(current) if current is not None else None

    def process(self, frame: Frame) -> list[Event]:
        level_db = frame_dbfs(frame.samples)
        decision = self._voice.update(frame, level_db=level_db)
        learning = self._tracker is not None and not self._tracker.known
        attributions = self._attribute(frame, in_segment=decision.in_segment)
        out = [self._with_talker(e, attributions) for e in decision.events]
        out += [_voice_event(a) for a in attributions if not a.whole_segment]
        out += self._measures.frame(
            frame.t,
            level_db,
            is_speech=decision.is_speech,
            in_segment=decision.in_segment,
            attributions=attributions,
            keep_unsure=learning,
        )
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

    def _attribute(self, frame: Frame, *, in_segment: bool) -> list[Attribution]:
        """The tracker's judgements on this frame. A segment that taught the tracker a new voice (the first
        voice heard becomes a, the first clearly different one b) is that voice's, though the tracker could
        not say so before it had learned it."""
        if self._tracker is None:
            return []
        known = self._tracker.known
        attributions = self._tracker.update(frame, in_segment=in_segment)
        learned = self._tracker.known - known
        if len(learned) != 1:
            return attributions
        (voice,) = learned
        return [
            dataclasses.replace(a, talker=voice) if a.whole_segment and a.talker is None else a
            for a in attributions
        ]

    def _with_talker(self, event: Event, attributions: list[Attribution]) -> Event:
        """`speech_end` gets the whole segment's talker (and how sure), from this frame's judgement."""
        if event.type != ev.SPEECH_END:
            return event
        whole = [a for a in attributions if a.whole_segment]
        if whole:
            talker, confidence = whole[-1].talker, round(whole[-1].confidence, CONFIDENCE_DECIMALS)
        else:
            duration = float(event.data.get("duration", 0.0))
            talker = self._measures.talker_of(event.t - duration, event.t) if self._tracker else None
            confidence = None
        return Event(event.type, event.t, {**event.data, "talker": talker, "confidence": confidence})

    def finish(self, t_end: float) -> list[Event]:
        ending = self._voice.finish(t_end)
        # The tracker judges a segment on the first frame after it: the end of the input is that frame.
        after = Frame(np.zeros(FRAME_SAMPLES, dtype=np.int16), round(t_end * SAMPLE_RATE))
        learning = self._tracker is not None and not self._tracker.known
        attributions = self._attribute(after, in_segment=False)
        out = [self._with_talker(e, attributions) for e in ending]
        out += self._measures.frame(
            after.t,
            MIN_DBFS,
            is_speech=False,
            in_segment=False,
            attributions=attributions,
            keep_unsure=learning,
        )
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
                talker, rate_events = self._measures.utterance(result)
                out.append(utterance_event(result, talker))
                out += self._findings(result, talker)
                out += rate_events
        return out

    def _findings(self, utterance: Utterance, talker: str | None) -> list[Event]:
        if self._words is None or not utterance.text:
            return []
        found = self._words.find(utterance.text)
        return [Event(ev.FINDING, utterance.end, _finding_fields(f, utterance, talker)) for f in found]


def _finding_fields(finding: Finding, utterance: Utterance, talker: str | None) -> ev.FindingFields:
    """What the session needs of a finding: the rule and its reframe, and the utterance it was heard in."""
    return ev.FindingFields(
        category=finding.category, rule=finding.rule, match=finding.match, reframe=finding.reframe,
        text=utterance.text, utterance_start=utterance.start, utterance_end=utterance.end, talker=talker,
    )


def utterance_event(utterance: Utterance, talker: str | None = None) -> Event:
    return Event(
        ev.UTTERANCE,
        utterance.end,
        ev.UtteranceFields(
            text=utterance.text, start=utterance.start, end=utterance.end,
            words=[word.to_dict() for word in utterance.words],
            talker=talker,
        ),
    )


def _voice_event(attribution: Attribution) -> Event:
    talker, start, end = attribution.talker, attribution.start, attribution.end
    confidence = round(attribution.confidence, CONFIDENCE_DECIMALS)
    return Event(ev.VOICE, end, ev.VoiceFields(talker=talker, start=start, end=end, confidence=confidence))


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
