"""Raised voice: the smoothed speech level held well above the speaker's calm baseline.

Fed once per frame with the `SpeechLoudness` output. The baseline is given (calibration) or learned as the
median smoothed level of the first `calibration_ms` of speech; when the voice already rises during that
time (after at least MIN_CALIBRATION_MS of calm speech), the calm part so far becomes the baseline and the
rise counts. A rise starts when the level reaches baseline + threshold_db; it breaks when the level falls
below threshold - hysteresis_db or when the speech pauses longer than max_pause_ms. Held for hold_ms of
audio time (short pauses included) and still raised on a speech frame, it fires one `raised_voice`; then
nothing for cooldown_ms, and no new rise until the level has come down (below threshold - hysteresis)
or the speech paused longer than max_pause_ms. The rise is dated from where the level left the calm band,
since the smoothed level reaches the threshold only after some loud speech has filled its window.

All state lives in the instance: one detector per partner is simply two instances.
"""

from __future__ import annotations

import logging
import statistics

from vertraag.audio.frames import FRAME_SECONDS
from vertraag.config import RaisedVoiceSettings
from vertraag.events import BASELINE, RAISED_VOICE, Event, RaisedVoiceFields
from vertraag.loudness import SMOOTHING_WINDOW_MS

log = logging.getLogger(__name__)

MS = 1000.0
# Calm speech to learn from before a rise may cut calibration short: less than a second of speech is one
# or two words, too little for a baseline.
MIN_CALIBRATION_MS = 1000
# The smoothed level lags the voice: it crosses the threshold only once enough loud speech fills its window.
# The rise is dated back to where the level left the calm band (half the threshold above baseline; calm
# speech measured at most +3.6 dB), but never further back than one smoothing window.
CALM_BAND_FRACTION = 0.5
MAX_ONSET_LAG_S = SMOOTHING_WINDOW_MS / MS
RISE_DECIMALS = 1  # tenths of a dB: finer is noise
LEVEL_DECIMALS = 1


class RaisedVoiceDetector:
    def __init__(self, settings: RaisedVoiceSettings) -> None:
        self._settings = settings
        self._baseline: float | None = settings.baseline_db
        self._calibration: list[float] = []  # smoothed levels of the speech frames so far
        self._calibration_s = 0.0
        self._last_speech_t: float | None = None
        self._onset: float | None = None  # when the current rise began
        self._left_calm: float | None = None  # first speech frame of the current stay above the calm band
        self._held: list[float] = []  # speech levels since the onset: the reported level is their median
        self._armed = True  # a new rise may start (the level came down since the last event)
        self._quiet_until = float("-inf")  # end of the cool-down

    @property
    def baseline_db(self) -> float | None:
        """The calm level in dBFS: given, learned, or None while still learning."""
        return self._baseline

    def update(self, t: float, level_db: float | None, *, is_speech: bool) -> list[Event]:
        """One frame starting at audio time `t` (s), with the smoothed speech level (None before speech)."""
        events: list[Event] = []
        if self._paused_too_long(t, is_speech=is_speech):
            self._onset, self._armed = None, True
        if level_db is None:
            return events
        if self._baseline is None:
            events += self._calibrate(t, level_db, is_speech=is_speech)
            if self._baseline is None:
                return events
        events += self._follow(t, level_db, is_speech=is_speech)
        return events

    def _paused_too_long(self, t: float, *, is_speech: bool) -> bool:
        if is_speech:
            self._last_speech_t = t
            return False
        if self._last_speech_t is None:
            return False
        return (t - self._last_speech_t) * MS > self._settings.max_pause_ms

    def _calibrate(self, t: float, level_db: float, *, is_speech: bool) -> list[Event]:
        if not is_speech:
            return []
        if self._calibration_s * MS >= MIN_CALIBRATION_MS:
            calm_so_far = statistics.median(self._calibration)
            self._track_calm(t, level_db, reference=calm_so_far)
            if level_db >= calm_so_far + self._settings.threshold_db:
                log.info("voice rose during calibration at %.2f s; baseline from the calm part", t)
                return self._learn(t)
        self._calibration.append(level_db)
        self._calibration_s += FRAME_SECONDS  # one call is one frame
        if self._calibration_s * MS >= self._settings.calibration_ms:
            return self._learn(t)
        return []

    def _learn(self, t: float) -> list[Event]:
        self._baseline = statistics.median(self._calibration)
        self._calibration = []
        log.info("calm baseline %.1f dBFS learned at %.2f s", self._baseline, t)
        return [Event(BASELINE, t, {"baseline_db": round(self._baseline, LEVEL_DECIMALS)})]

    def _follow(self, t: float, level_db: float, *, is_speech: bool) -> list[Event]:
        assert self._baseline is not None
        threshold = self._baseline + self._settings.threshold_db
        release = threshold - self._settings.hysteresis_db
        if is_speech:
            self._track_calm(t, level_db, reference=self._baseline)
        if level_db < release:
            self._onset, self._armed = None, True
            return []
        if self._onset is None:
            if level_db < threshold or not self._armed or not is_speech:
                return []  # only the voice itself starts a rise, not a frozen level in a pause
            left = self._left_calm if self._left_calm is not None else t
            self._onset, self._held = max(left, t - MAX_ONSET_LAG_S), []
        if is_speech:
            self._held.append(level_db)
        held = (t - self._onset) * MS >= self._settings.hold_ms
        # Decide on speech only: a level frozen by a pause after one loud phrase is not a held raised voice.
        if not held or not is_speech or t < self._quiet_until:
            return []
        return [self._fire(t)]

    def _track_calm(self, t: float, level_db: float, *, reference: float) -> None:
        """Remember where the level last left the calm band around `reference` (for dating a rise)."""
        if level_db <= reference + self._settings.threshold_db * CALM_BAND_FRACTION:
            self._left_calm = None
        elif self._left_calm is None:
            self._left_calm = t

    def _fire(self, t: float) -> Event:
        assert self._baseline is not None and self._onset is not None
        level_db = statistics.median(self._held)
        event = Event(
            RAISED_VOICE,
            t,
            RaisedVoiceFields(
                rise_db=round(level_db - self._baseline, RISE_DECIMALS),
                onset=self._onset,
                baseline_db=round(self._baseline, LEVEL_DECIMALS),
                level_db=round(level_db, LEVEL_DECIMALS),
            ),
        )
        rise = level_db - self._baseline
        log.info("raised voice at %.2f s: %+.1f dB since %.2f s", t, rise, self._onset)
        self._onset, self._armed = None, False
        self._quiet_until = t + self._settings.cooldown_ms / MS
        return event
