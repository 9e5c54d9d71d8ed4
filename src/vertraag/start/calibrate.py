"""The calibration: a few seconds of room noise, then each partner says one calm sentence that vertraag asks
for. That sentence sets the partner's calm level (the median smoothed speech level, as the raised-voice
detector measures it) and, when a recogniser is there, their calm speaking rate (words per second).

Runs on the live frames before the session, on the pipeline's thread, with the same half-duplex rule: while
vertraag asks (and a short tail after), nothing is measured. What it asks is data (prompts.toml,
`kalibratie_*`); each request is a `prompt` event with reason `calibration`, and each result a `calibration`
event, on the one stream.
"""

from __future__ import annotations

import logging
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from vertraag import events as ev
from vertraag.audio.frames import FRAME_SECONDS, Frame
from vertraag.config import VadSettings
from vertraag.detect.speech_rate import words_per_second
from vertraag.events import CALIBRATION, Event
from vertraag.loudness import SpeechLoudness, frame_dbfs
from vertraag.recognize.base import Recognizer, RecognizerEvent, Utterance
from vertraag.session.prompts import Prompts
from vertraag.speak.voice import Voice
from vertraag.start.profile import PartnerCalm, Profile
from vertraag.vad import SpeechProbability, VoiceActivity

log = logging.getLogger(__name__)

REASON = "calibration"  # the `reason` of the calibration's prompts
ROOM_S = 3.0  # room noise: a few seconds is enough for a median level
LISTEN_S = 15.0  # how long to wait for a partner's sentence
MIN_SPEECH_S = 1.0  # less speech than this is a word or two: too little for a calm level
TRIES = 2  # ask once more when the sentence was not heard
LEVEL_DECIMALS = 1
RATE_DECIMALS = 2


class Cancelled(Exception):
    """The user stopped during the calibration."""


@dataclass
class Calibration:
    frames: Iterator[Frame]
    voice: Voice
    prompts: Prompts
    vad: VadSettings
    emit: Callable[[Event], None]
    tail_s: float
    recognizer: Recognizer | None = None
    speech_probability: SpeechProbability | None = None
    cancelled: Callable[[], bool] = lambda: False
    now: float = 0.0  # audio time of the last frame read

    def run(self, name_a: str, name_b: str, pause_word: str) -> Profile:
        self._ask("kalibratie_begin", "")
        noise = self._room()
        self.emit(Event(CALIBRATION, self.now, {"step": "room", "noise_db": noise}))
        partners = [self._partner(key, name) for key, name in (("a", name_a), ("b", name_b))]
        self._ask("kalibratie_klaar", "")
        self.emit(Event(CALIBRATION, self.now, {"step": "done"}))
        return Profile(partner_a=partners[0], partner_b=partners[1], pause_word=pause_word, noise_db=noise)

    def _next(self) -> Frame:
        if self.cancelled():
            raise Cancelled
        frame = next(self.frames, None)
        if frame is None:
            raise Cancelled
        self.now = frame.t_end
        return frame

    def _ask(self, prompt_id: str, name: str) -> None:
        variant = self.prompts.render(prompt_id, 0, {"spreker": name})
        at = self.now
        seconds = self.voice.say(prompt_id, 0, variant.say, at=at)
        self.emit(
            Event(ev.PROMPT, at, {"id": prompt_id, "text": variant.text, "reason": REASON, "trigger_t": at})
        )
        deaf_until = at + seconds + (self.tail_s if self.voice.audible else 0.0)
        while self.now < deaf_until:
            self._next()

    def _room(self) -> float:
        end = self.now + ROOM_S
        levels = []
        while self.now < end:
            levels.append(frame_dbfs(self._next().samples))
        return round(statistics.median(levels), LEVEL_DECIMALS)

    def _partner(self, key: str, name: str) -> PartnerCalm:
        for attempt in range(TRIES):
            self._ask("kalibratie_zin" if attempt == 0 else "kalibratie_opnieuw", name)
            levels, rates = self._sentence()
            if len(levels) * FRAME_SECONDS >= MIN_SPEECH_S:
                calm = PartnerCalm(
                    name=name,
                    baseline_db=round(statistics.median(levels), LEVEL_DECIMALS),
                    calm_wps=round(statistics.median(rates), RATE_DECIMALS) if rates else None,
                )
                fields = {
                    "step": key,
                    "name": name,
                    "baseline_db": calm.baseline_db,
                    "calm_wps": calm.calm_wps,
                }
                self.emit(Event(CALIBRATION, self.now, fields))
                return calm
            log.info("calibration: too little speech from %s (try %d)", name, attempt + 1)
        self.emit(
            Event(CALIBRATION, self.now, {"step": key, "name": name, "baseline_db": None, "calm_wps": None})
        )
        return PartnerCalm(name=name)  # learned during the session instead

    def _sentence(self) -> tuple[list[float], list[float]]:
        """The smoothed speech levels and utterance rates of one sentence (ends at its pause, or LISTEN_S)."""
        voice = VoiceActivity(self.vad, probability=self.speech_probability)
        loudness = SpeechLoudness()
        levels: list[float] = []
        utterances: list[Utterance] = []
        end = self.now + LISTEN_S
        while self.now < end:
            frame = self._next()
            level = frame_dbfs(frame.samples)
            decision = voice.update(frame, level_db=level)
            smoothed = loudness.update(level, is_speech=decision.is_speech)
            if decision.is_speech and smoothed is not None:
                levels.append(smoothed)
            if self.recognizer is not None:
                utterances += _utterances(self.recognizer.accept(frame, is_speech=decision.in_segment))
            ended = any(e.type == ev.SPEECH_END for e in decision.events)
            if ended and len(levels) * FRAME_SECONDS >= MIN_SPEECH_S:
                break
        if self.recognizer is not None:
            utterances += _utterances(self.recognizer.finish())
        rates = [r for r in (words_per_second(u) for u in utterances) if r is not None]
        return levels, rates


def _utterances(results: list[RecognizerEvent]) -> list[Utterance]:
    return [r for r in results if isinstance(r, Utterance)]
