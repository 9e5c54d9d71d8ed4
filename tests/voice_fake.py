"""A scripted voice tracker for logic tests: it knows who speaks when from the scene's script, and answers
with the contract's timing (a judgement about every second inside a segment, the whole segment's at its end).
Real attribution is tested with the real tracker (voices/); this one lets a test say exactly whose voice it
was, or that nobody could be sure."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import Frame
from vertraag.voices import Attribution

PARTIAL_EVERY_S = 1.0
CONFIDENCE = 0.9


class ScriptedTracker:
    def __init__(self, script: Sequence[tuple[float, float, str | None]], *, unsure: bool = False) -> None:
        self._script = list(script)
        self._unsure = unsure  # True: every judgement is "unsure"
        self._segment: float | None = None
        self._judged = 0.0  # end of the last partial judgement
        self.enrolled: dict[str, int] = {}

    def talker_at(self, t: float) -> str | None:
        found = [who for start, end, who in self._script if start <= t < end]
        return None if self._unsure or not found else found[0]

    def update(self, frame: Frame, *, in_segment: bool) -> list[Attribution]:
        if in_segment:
            if self._segment is None:
                self._segment = self._judged = frame.t
            if frame.t_end - self._judged >= PARTIAL_EVERY_S:
                start, self._judged = self._judged, frame.t_end
                return [self._judge(start, frame.t_end, whole=False)]
            return []
        if self._segment is None:
            return []
        start, self._segment = self._segment, None
        return [self._judge(start, frame.t, whole=True)]

    def _judge(self, start: float, end: float, *, whole: bool) -> Attribution:
        steps = np.arange(start, end, 0.1)
        votes = [self.talker_at(float(t)) for t in steps]
        best = max(set(votes), key=votes.count) if votes else None
        sure = best is not None and votes.count(best) >= 0.8 * len(votes)
        return Attribution(start, end, best if sure else None, CONFIDENCE if sure else 0.3, whole)

    def enroll(self, talker: str, samples: npt.NDArray[np.int16]) -> None:
        self.enrolled[talker] = len(samples)

    def to_profile(self) -> dict[str, object]:
        return {"fake": sorted(self.enrolled)}

    def load_profile(self, profile: dict[str, object]) -> None:
        if "fake" not in profile:
            raise ValueError("not a fake profile")
        self.enrolled = {str(k): 0 for k in profile["fake"]}  # type: ignore[attr-defined]

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self.enrolled)
