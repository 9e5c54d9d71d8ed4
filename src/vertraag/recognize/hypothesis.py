"""Which part of a changing hypothesis counts as said: the prefix that two successive updates agree on.

Streaming recognisers revise their partial result several times per utterance (Vosk: 4-8 times). Acting on
a word that is gone one update later makes a detector fire on something nobody said. Following
ufal/whisper_streaming's `HypothesisBuffer` (LocalAgreement-2), a word is committed once two successive
hypotheses agree on it and on everything before it. A single hypothesis that contradicts committed words
changes nothing; only a reading that two successive hypotheses agree on, and that is longer than what is
committed, replaces it. The final result of an utterance replaces all of this; `reset()` starts the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Hypothesis:
    """The words of the current hypothesis, split into the committed prefix and the rest."""

    stable: tuple[str, ...]
    pending: tuple[str, ...]

    @property
    def stable_text(self) -> str:
        return " ".join(self.stable)

    @property
    def pending_text(self) -> str:
        return " ".join(self.pending)


class HypothesisBuffer:
    """Feed it every new hypothesis of one utterance; it tells which words are stable."""

    def __init__(self) -> None:
        self._committed: list[str] = []
        self._previous: list[str] = []

    @property
    def committed(self) -> tuple[str, ...]:
        return tuple(self._committed)

    def update(self, words: Sequence[str]) -> Hypothesis:
        """Take the newest hypothesis (its words in order); return the stable prefix and the rest."""
        current = list(words)
        agreed = _common_prefix_length(self._previous, current)
        # Commit what the last two hypotheses agree on when it says more than what is committed. Usually it
        # extends the committed words; after the engine rewrote its start, a longer agreed reading replaces
        # them (otherwise nothing more of this utterance would ever become stable).
        if agreed > len(self._committed):
            self._committed = current[:agreed]
        self._previous = current
        return Hypothesis(stable=tuple(self._committed), pending=tuple(current[len(self._committed) :]))

    def reset(self) -> None:
        """The utterance ended (a final result came): start afresh."""
        self._committed = []
        self._previous = []


def _common_prefix_length(a: Sequence[str], b: Sequence[str]) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n
