"""The known voices and the judgement of a stretch of speech: partner a, partner b, or unsure.

Each voice is kept as the statistics of its speech against the background model (numbers only), from which
its MAP-adapted mixture follows. A stretch is judged by the average, per feature row, of how much better one
partner's model explains it than the other's (a log-likelihood ratio). Too small a difference, or too little
speech, is "unsure": naming nobody is better than naming the wrong partner.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vertraag.voices.features import ROWS_PER_SECOND
from vertraag.voices.gmm import Floats, Mixture, means_from_stats, sufficient_stats

# Per-row log-likelihood ratio between the partners below which a stretch is "unsure". Measured on 40
# LibriSpeech readers (scripts/measure_voices.py): right 1 s chunks of clean speech have a ratio above 0.5 in
# 95% of cases, while in kitchen noise at 20 dB SNR the wrong ones stay mostly under 0.3.
DECISION_MARGIN = 0.3
MIN_ROWS = 30  # 0.3 s of voiced rows: a shorter "mm" says too little about the voice
# With one voice known (learning as a recording goes): a stretch is that voice's own when its ratio against
# the background is above LEARN_SAME, and clearly another voice when it is below LEARN_DIFFERENT. Measured
# with a voice learned from 2-4 s: the same reader's 2 s never fell under 0.04; other readers' median -0.1.
LEARN_SAME = 0.15
LEARN_DIFFERENT = -0.05
HALF = 0.5


@dataclass
class Evidence:
    """What a stretch of speech says about each known voice: summed log-likelihood ratios over `rows` rows."""

    rows: int = 0
    llr: dict[str, float] = field(default_factory=dict)
    background: float = 0.0  # summed log-likelihood under the background model: how voice-like it is

    def add(self, other: Evidence) -> None:
        self.rows += other.rows
        self.background += other.background
        for talker, value in other.llr.items():
            self.llr[talker] = self.llr.get(talker, 0.0) + value

    def mean(self, talker: str) -> float:
        return self.llr.get(talker, 0.0) / max(self.rows, 1)


def confidence_of(margin: float) -> float:
    """0..1 from a per-row ratio: 1/2 at DECISION_MARGIN, 3/4 at twice it, towards 1 beyond."""
    return float(1.0 - HALF ** (abs(margin) / DECISION_MARGIN))


class Voices:
    """The voices known so far, each as statistics against the shared background model."""

    def __init__(self, background: Mixture) -> None:
        self.background = background
        self._counts: dict[str, Floats] = {}
        self._sums: dict[str, Floats] = {}
        self._models: dict[str, Mixture] = {}

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self._models)

    def seconds_learned(self, talker: str) -> float:
        """How much speech (in feature rows' worth of seconds) the voice was learned from."""
        return float(self._counts[talker].sum() / ROWS_PER_SECOND) if talker in self._counts else 0.0

    def learn(self, talker: str, rows: Floats) -> None:
        """Add speech to a voice (new or known) and adapt its model."""
        counts, sums = sufficient_stats(self.background, rows)
        self.set_stats(talker, self._counts.get(talker, 0.0) + counts, self._sums.get(talker, 0.0) + sums)

    def forget_voice(self, talker: str) -> None:
        for table in (self._counts, self._sums, self._models):
            table.pop(talker, None)

    def forget(self) -> None:
        self._counts.clear()
        self._sums.clear()
        self._models.clear()

    def set_stats(self, talker: str, counts: Floats, sums: Floats) -> None:
        self._counts[talker] = np.asarray(counts, dtype=np.float64)
        self._sums[talker] = np.asarray(sums, dtype=np.float64)
        means = means_from_stats(self.background, self._counts[talker], self._sums[talker])
        self._models[talker] = self.background.with_means(means)

    def stats(self, talker: str) -> tuple[Floats, Floats]:
        return self._counts[talker], self._sums[talker]

    def evidence(self, rows: Floats) -> Evidence:
        """The stretch's summed log-likelihood ratio against the background for every known voice."""
        if len(rows) == 0:
            return Evidence()
        base = self.background.log_likelihoods(rows)
        llr = {talker: float((m.log_likelihoods(rows) - base).sum()) for talker, m in self._models.items()}
        return Evidence(rows=len(rows), llr=llr, background=float(base.sum()))


def lead(evidence: Evidence, known: frozenset[str]) -> tuple[str | None, float]:
    """The partner the stretch sounds most like and by how much (per-row ratio over the runner-up); None
    with a lead of 0 when fewer than two voices are known or the stretch is too short to say."""
    if evidence.rows < MIN_ROWS or len(known) < 2:
        return None, 0.0
    best, second = sorted(known, key=evidence.mean, reverse=True)[:2]
    return best, evidence.mean(best) - evidence.mean(second)


def decide(evidence: Evidence, known: frozenset[str]) -> tuple[str | None, float]:
    """(talker or None when unsure, confidence 0..1) for a stretch."""
    if evidence.rows < MIN_ROWS or not known:
        return None, 0.0
    if len(known) == 1:
        (only,) = known
        mean = evidence.mean(only)
        return (only, confidence_of(mean)) if mean >= LEARN_SAME else (None, 0.0)
    best, margin = lead(evidence, known)
    return (best, confidence_of(margin)) if margin >= DECISION_MARGIN else (None, 0.0)
