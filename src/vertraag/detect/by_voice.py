"""Every measure follows the voice: each attributed talker has their own smoothed speech level, raised-voice
detector and speech-rate detector.

    frame -> held until its talker is known -> that talker's loudness -> that talker's raised voice
    utterance -> its talker (the attributions it overlaps) -> that talker's speech rate

The tracker (voices/) says whose a stretch of speech is about a second after it was heard, so the frames of
a speech segment wait until then and go to that talker's detectors in order. A stretch judged unsure feeds
nobody: nothing is better than the wrong voice (a louder partner measured against the quieter partner's
calm level is a false alarm). Frames between segments go to every talker, so each one's pause rule sees the
time pass. Without a tracker every frame belongs to one voice, `None`.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from dataclasses import dataclass

from vertraag.config import Settings
from vertraag.detect.raised_voice import RaisedVoiceDetector
from vertraag.detect.speech_rate import SpeechRateDetector
from vertraag.events import Event
from vertraag.loudness import SpeechLoudness
from vertraag.recognize.base import Utterance
from vertraag.voices import Attribution

# Attributions remembered for dating utterances: a recogniser's final result comes at most a few seconds
# after its speech, and a minute of history covers any utterance.
KEEP_ATTRIBUTIONS = 120
# An utterance belongs to a talker when their attributions cover at least this share of its attributed
# time; less is a mix or unsure, and the utterance then has no talker.
UTTERANCE_SHARE = 0.6
# Frames held after a segment ended while its whole judgement is late (the contract gives it on the first
# frame after the segment; this bounds the memory if a tracker is slower): then they are dropped.
MAX_HELD_FRAMES = 2000  # 64 s of audio


@dataclass
class _Voice:
    """One talker's measures."""

    loudness: SpeechLoudness
    raised: RaisedVoiceDetector
    rate: SpeechRateDetector


@dataclass(frozen=True)
class _Held:
    t: float
    level_db: float
    is_speech: bool


class VoiceMeasures:
    def __init__(self, settings: Settings, *, follow: bool) -> None:
        self._settings = settings
        self._follow = follow  # False: no tracker, one voice (None) for everything
        self._voices: dict[str | None, _Voice] = {}
        self._held: list[_Held] = []
        self._spans: deque[Attribution] = deque(maxlen=KEEP_ATTRIBUTIONS)
        self._last_partial: tuple[str | None] | None = None  # the running segment's latest judgement, if any
        self._open = False  # a speech segment began and its whole judgement has not come yet
        self.current: str | None = None  # the talker of the latest attribution in the running segment

    def calibrate(self, talker: str | None, *, baseline_db: float | None, calm_wps: float | None) -> None:
        """A talker's calm level and calm rate, known from the calibration (None = learn it as usual)."""
        self._voices[talker] = self._new(baseline_db, calm_wps)

    def calm_db(self, talker: str | None) -> float | None:
        found = self._voices.get(talker)
        return found.raised.baseline_db if found is not None else None

    def frame(
        self,
        t: float,
        level_db: float,
        *,
        is_speech: bool,
        in_segment: bool,
        attributions: list[Attribution],
        keep_unsure: bool = False,
    ) -> list[Event]:
        """One frame's level and speech decision, with the attributions the tracker gave on it.
        `keep_unsure`: no voice is known yet, so an unsure second is held for the whole segment's judgement
        (the segment the tracker learns its first voice from is that voice's). Not sent to a guessed "first
        voice" at once: measured, a quieter first voice that was too short to learn from then set the calm
        level of the louder voice learned as a, and a calm recording drew a false alarm."""
        if not self._follow:
            return self._feed(None, _Held(t, level_db, is_speech))
        out: list[Event] = []
        for attribution in attributions:
            self._spans.append(attribution)
            out += self._attributed(attribution, keep_unsure=keep_unsure)
        frame = _Held(t, level_db, is_speech)
        self._open = self._open or in_segment
        if self._held and not (in_segment or is_speech or self._open):
            self._held = []  # a start the voice activity did not confirm: a bang, a cough
        if in_segment or is_speech or self._held:
            self._held.append(frame)
            if len(self._held) > MAX_HELD_FRAMES:
                self._held = []
        else:
            self.current = None
            for talker in list(self._voices):
                out += self._feed(talker, frame)
        return out

    def talker_of(self, start: float, end: float) -> str | None:
        """The talker of the speech between `start` and `end`: whole-segment judgements first."""
        for whole in (True, False):
            covered: dict[str | None, float] = {}
            for span in self._spans:
                if span.whole_segment != whole:
                    continue
                overlap = min(end, span.end) - max(start, span.start)
                if overlap > 0:
                    covered[span.talker] = covered.get(span.talker, 0.0) + overlap
            if covered:
                talker, seconds = max(covered.items(), key=lambda item: item[1])
                return talker if seconds >= UTTERANCE_SHARE * sum(covered.values()) else None
        return None

    def utterance(self, utterance: Utterance) -> tuple[str | None, list[Event]]:
        """The utterance's talker, and a `speech_rate` event when their pace is held well above calm."""
        talker = self.talker_of(utterance.start, utterance.end) if self._follow else None
        if self._follow and talker is None:
            return None, []
        events = self._voice(talker).rate.update(utterance)
        return talker, [_with_talker(e, talker) for e in events]

    # ---------------------------------------------------------------------------------------------------

    def _attributed(self, attribution: Attribution, *, keep_unsure: bool) -> list[Event]:
        """Hand the held frames the attribution covers to its talker (or to nobody when unsure)."""
        if attribution.talker is None and keep_unsure and not attribution.whole_segment:
            self.current = None
            return []
        if attribution.whole_segment:
            taken, self._held = self._held, []
            last, self._last_partial = self._last_partial, None
            self.current, self._open = None, False
            if last is not None and last[0] != attribution.talker:
                # The segment's last second was judged another voice (or unsure) than the segment as a
                # whole: its tail is most likely that voice going on, not the majority's.
                return []
        else:
            taken = [h for h in self._held if h.t < attribution.end]
            self._held = self._held[len(taken) :]
            self.current = attribution.talker
            self._last_partial = (attribution.talker,)
        if attribution.talker is None:
            return []
        out: list[Event] = []
        for held in taken:
            out += self._feed(attribution.talker, held)
        return out

    def _feed(self, talker: str | None, frame: _Held) -> list[Event]:
        voice = self._voice(talker)
        smoothed = voice.loudness.update(frame.level_db, is_speech=frame.is_speech)
        events = voice.raised.update(frame.t, smoothed, is_speech=frame.is_speech)
        return [_with_talker(e, talker) for e in events]

    def _voice(self, talker: str | None) -> _Voice:
        found = self._voices.get(talker)
        if found is None:
            found = self._voices[talker] = self._new(None, None)
        return found

    def _new(self, baseline_db: float | None, calm_wps: float | None) -> _Voice:
        raised = self._settings.raised_voice
        if baseline_db is not None:
            raised = dataclasses.replace(raised, baseline_db=baseline_db)
        return _Voice(
            SpeechLoudness(),
            RaisedVoiceDetector(raised),
            SpeechRateDetector(self._settings.speech_rate, calm_wps=calm_wps),
        )


def _with_talker(event: Event, talker: str | None) -> Event:
    return Event(event.type, event.t, {**event.data, "talker": talker})
