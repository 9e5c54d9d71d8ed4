"""Loudness: the level of each frame, and a smoothed level over speech frames only.

Levels are dBFS of RMS: 0 dBFS is a full-scale square wave, a full-scale sine is about -3 dBFS and calm
speech into a laptop microphone sits around -30 to -20 dBFS. The smoothed level is what the raised-voice
detector compares with the calm baseline; it ignores everything that is not speech (a clap, a door, the
pauses between words), so only the voice itself can raise it.
"""

from __future__ import annotations

import math
from collections import deque

import numpy as np

from vertraag.audio.frames import INT16_FULL_SCALE, Samples, frames_in

# Digital silence has no finite level; this floor is far below any microphone's self-noise (~-90 dBFS)
# and keeps every level a plain float.
MIN_DBFS = -100.0
# How much speech the smoothed level covers: about two syllables, so the loud vowels of a shouted word
# carry it and the dips between words do not (pipecat's volume tracker uses a similar 0.4 s window).
SMOOTHING_WINDOW_MS = 500
MIN_POWER = 10.0 ** (MIN_DBFS / 10.0)
MS_PER_SECOND = 1000


def frame_dbfs(samples: Samples) -> float:
    """RMS level of an int16 frame in dBFS, never below MIN_DBFS (digital silence, an empty frame)."""
    if len(samples) == 0:
        return MIN_DBFS
    scaled = np.asarray(samples, dtype=np.float64) / INT16_FULL_SCALE
    power = float(np.mean(scaled * scaled))
    if power <= 0.0:
        return MIN_DBFS
    return max(MIN_DBFS, 10.0 * math.log10(power))


class SpeechLoudness:
    """Smoothed loudness of speech: the power average of the last `window_ms` of SPEECH frames.

    `update()` takes every frame's level; frames that are not speech are ignored and leave the level as it
    was (a pause freezes it). Averaging power rather than dB lets loud vowels dominate, as they do for the
    ear. Returns None until the first speech frame.
    """

    def __init__(self, *, window_ms: int = SMOOTHING_WINDOW_MS) -> None:
        self._powers: deque[float] = deque(maxlen=frames_in(window_ms / MS_PER_SECOND))
        self._level: float | None = None

    @property
    def level_db(self) -> float | None:
        """The current smoothed speech level in dBFS, or None before any speech."""
        return self._level

    def update(self, level_db: float, *, is_speech: bool) -> float | None:
        if not is_speech:
            return self._level
        self._powers.append(10.0 ** (level_db / 10.0))
        mean = max(math.fsum(self._powers) / len(self._powers), MIN_POWER)
        self._level = 10.0 * math.log10(mean)
        return self._level


class LevelMeter:
    """The loudness over time for the session report: one reading per `interval_s` of audio.

    `level_db` is the power average of every frame in the interval (the room: speech, pauses, noise);
    `speech_db` is the power average of its speech frames only, or None when nobody spoke. A second is
    what a plot over a half-hour conversation can show; finer readings would only make the report bigger.
    """

    def __init__(self, *, interval_s: float) -> None:
        self._interval_s = interval_s
        self._end = interval_s
        self._all: list[float] = []
        self._speech: list[float] = []

    def update(
        self, t_end: float, level_db: float, *, is_speech: bool
    ) -> tuple[float, float, float | None] | None:
        """Add one frame (ending at `t_end`); (t, level_db, speech_db) when an interval is complete."""
        power = 10.0 ** (level_db / 10.0)
        self._all.append(power)
        if is_speech:
            self._speech.append(power)
        if t_end + 1e-9 < self._end:
            return None
        reading = (self._end, _mean_db(self._all), _mean_db(self._speech) if self._speech else None)
        self._all, self._speech = [], []
        self._end += self._interval_s
        return reading


def _mean_db(powers: list[float]) -> float:
    return 10.0 * math.log10(max(math.fsum(powers) / len(powers), MIN_POWER))
