"""Learning the two voices as a recording goes, when nobody calibrated.

The first voice heard long and clearly enough is partner a. A later segment that a's model clearly does not
explain (and that is long and clean enough to learn from) becomes partner b. Until then, what is not a is
"unsure". Confidently attributed segments keep refining a voice that was learned this way, up to
LEARN_MAX_SECONDS of speech; a voice from the calibration (or a loaded profile) is never changed.
"""

from __future__ import annotations

from collections import deque

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import INT16_FULL_SCALE
from vertraag.voices import PARTNERS
from vertraag.voices.gmm import Floats
from vertraag.voices.judge import (
    DECISION_MARGIN,
    LEARN_DIFFERENT,
    LEARN_SAME,
    Evidence,
    Voices,
    confidence_of,
)

LEARN_MIN_ROWS = 200  # 2 s of voiced feature rows: a shorter stretch ("ja", a cough) makes a poor model
LEARN_MAX_SECONDS = 30.0  # a voice learned from this much speech no longer changes: no slow drift
LEARN_MIN_SNR_DB = 15.0  # speech must stand this far above the room's noise to be learned from
# Noise flattens the spectrum, and flat spectra sit near the middle of the background model: a stretch the
# background explains better than this (per feature row) is noise or speech drowned in it. Measured: clean
# read speech -49 to -57, speech in kitchen noise at 10 dB SNR -40 to -47, kitchen noise alone -39 to -42.
LEARN_MAX_BACKGROUND_FIT = -44.0
REFINE_MARGIN = 2 * DECISION_MARGIN  # only segments this clearly one voice refine it (confidence 3/4)
NOISE_MEMORY_FRAMES = 94  # about 3 s of 32 ms frames between segments: the room's current noise level
SPEECH_LEVEL_PERCENTILE = 90  # the segment's loud part: its voice, not its pauses
# The room's noise is the quiet part of what was heard between segments: those frames also hold the onsets of
# speech the voice-activity detector was still confirming, and with short gaps (0.8 s) they are most of them
# (measured: the median of such frames sat 6-7 dB under the voice, so a calm voice never started).
NOISE_LEVEL_PERCENTILE = 10
LEVEL_FLOOR = 1e-10
POWER_TO_DB = 10.0


def frame_level_db(samples: npt.NDArray[np.int16]) -> float:
    """A frame's mean power in dB relative to full scale."""
    scaled = samples.astype(np.float64) / INT16_FULL_SCALE
    return float(POWER_TO_DB * np.log10(np.mean(scaled**2) + LEVEL_FLOOR))


class Learner:
    """Decides, after each whole segment, whether its speech starts or refines a voice."""

    def __init__(self, voices: Voices) -> None:
        self._voices = voices
        self._pauses: deque[float] = deque(maxlen=NOISE_MEMORY_FRAMES)
        self.fixed: frozenset[str] = frozenset()  # calibrated voices: never changed by what is heard

    def hear_pause(self, level_db: float) -> None:
        self._pauses.append(level_db)

    def _clean_enough(self, levels: list[float], evidence: Evidence) -> bool:
        if evidence.background / max(evidence.rows, 1) > LEARN_MAX_BACKGROUND_FIT:
            return False
        if not self._pauses or not levels:
            return True  # nothing heard between segments yet: no noise level to compare with
        speech = float(np.percentile(levels, SPEECH_LEVEL_PERCENTILE))
        return speech - float(np.percentile(self._pauses, NOISE_LEVEL_PERCENTILE)) >= LEARN_MIN_SNR_DB

    def after_segment(
        self, rows: Floats, evidence: Evidence, levels: list[float], *, talker: str | None, confidence: float
    ) -> tuple[str | None, float, str | None]:
        """The segment's (talker, confidence), possibly changed because it started a new voice, and the voice
        it was learned into (None: it taught nothing)."""
        if len(rows) < LEARN_MIN_ROWS or not self._clean_enough(levels, evidence):
            return talker, confidence, None
        known = self._voices.known
        missing = [p for p in PARTNERS if p not in known]
        if not known or (missing and all(evidence.mean(k) <= LEARN_DIFFERENT for k in known)):
            self._voices.learn(missing[0], rows)
            return missing[0], confidence_of(DECISION_MARGIN), missing[0]
        if self._may_refine(talker) and self._clear(evidence, talker, known):
            self._voices.learn(str(talker), rows)
            return talker, confidence, talker
        return talker, confidence, None

    def _may_refine(self, talker: str | None) -> bool:
        if talker is None or talker in self.fixed:
            return False
        return self._voices.seconds_learned(talker) < LEARN_MAX_SECONDS

    @staticmethod
    def _clear(evidence: Evidence, talker: str | None, known: frozenset[str]) -> bool:
        if talker is None:
            return False
        others = [evidence.mean(k) for k in known if k != talker]
        if not others:
            return evidence.mean(talker) >= LEARN_SAME
        return evidence.mean(talker) - max(others) >= REFINE_MARGIN
