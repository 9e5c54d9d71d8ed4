"""Speaking fast: a talker's words per second of speech held well above their own calm rate.

"Vertragen" means slowing down: a rushed pace is one of the first signs that a conversation heats up. Fed
with each recognised utterance (its words and times). The calm rate is the median rate of the first
`calibration_s` of speech in utterances of at least `min_words` words; after that, utterances faster than
`factor` times the calm rate add up, and when they cover `hold_s` of speech without a calm utterance between
them, one `speech_rate` event follows; then nothing for `cooldown_s`. One detector per talker.
"""

from __future__ import annotations

import logging
import statistics

from vertraag.config import SpeechRateSettings
from vertraag.events import SPEECH_RATE, Event, SpeechRateFields
from vertraag.recognize.base import Utterance

log = logging.getLogger(__name__)

RATE_DECIMALS = 2
# An utterance shorter than this has no meaningful rate (one word over a breath).
MIN_UTTERANCE_S = 0.5


def words_per_second(utterance: Utterance) -> float | None:
    """The utterance's rate over its spoken span, or None when it is too short to say."""
    words = utterance.words
    if not words:
        return None
    span = words[-1].end - words[0].start
    if span < MIN_UTTERANCE_S:
        return None
    return len(words) / span


class SpeechRateDetector:
    def __init__(self, settings: SpeechRateSettings, *, calm_wps: float | None = None) -> None:
        self._settings = settings
        self._calm: float | None = calm_wps  # known from the calibration, else learned
        self._learning: list[float] = []
        self._learned_s = 0.0
        self._fast: list[float] = []  # rates of the current run of fast utterances
        self._fast_s = 0.0
        self._onset: float | None = None
        self._quiet_until = float("-inf")

    @property
    def calm_wps(self) -> float | None:
        return self._calm

    def update(self, utterance: Utterance) -> list[Event]:
        rate = words_per_second(utterance)
        if rate is None or len(utterance.words) < self._settings.min_words:
            return []
        span = utterance.words[-1].end - utterance.words[0].start
        if self._calm is None:
            self._learning.append(rate)
            self._learned_s += span
            if self._learned_s >= self._settings.calibration_s:
                self._calm = statistics.median(self._learning)
                log.info("calm speech rate %.2f words/s", self._calm)
            return []
        if rate < self._calm * self._settings.factor:
            self._fast, self._fast_s, self._onset = [], 0.0, None
            return []
        if self._onset is None:
            self._onset = utterance.words[0].start
        self._fast.append(rate)
        self._fast_s += span
        if self._fast_s < self._settings.hold_s or utterance.end < self._quiet_until:
            return []
        event = Event(
            SPEECH_RATE,
            utterance.end,
            SpeechRateFields(
                rate_wps=round(statistics.median(self._fast), RATE_DECIMALS),
                calm_wps=round(self._calm, RATE_DECIMALS),
                onset=self._onset,
            ),
        )
        self._fast, self._fast_s, self._onset = [], 0.0, None
        self._quiet_until = utterance.end + self._settings.cooldown_s
        return [event]
