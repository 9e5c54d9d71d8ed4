"""Who is speaking: attribute each stretch of speech to partner a, partner b, or nobody for sure.

    mic -> frames -> VAD segment -> voices (this package) -> `talker` on events -> per-voice measures

The pipeline feeds every frame to a `VoiceTracker` together with the voice-activity decision. While a speech
segment runs the tracker judges about every second of it; when the segment ends it judges the whole segment.
Profiles come from the calibration (`enroll`, about 8 s of calm speech per partner) or are learned as a
recording goes (the first voice heard is a, the first clearly different one is b). A profile holds numbers
only, never audio.

This module holds the contract and `new_tracker`; the models live beside it: `tracker.GmmTracker` (MFCC
GMM-UBM, numpy) and `second.Ge2eOpinion` (Resemblyzer's GE2E encoder in numpy, asked where the GMM is unsure).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import Frame

log = logging.getLogger(__name__)

PARTNERS = ("a", "b")  # the two talkers vertraag knows; None on an event means "unsure"


@dataclass(frozen=True)
class Attribution:
    """Whose voice the stretch [start, end) of session audio (seconds) is, and how sure."""

    start: float
    end: float
    talker: str | None  # "a", "b", or None when unsure (or no voice is known yet)
    confidence: float  # 0..1
    whole_segment: bool  # True: the judgement of a whole finished speech segment


class VoiceTracker(Protocol):
    """The pipeline's view of speaker attribution. Never touches hardware; driven by audio time."""

    def update(self, frame: Frame, *, in_segment: bool) -> list[Attribution]:
        """Feed every frame in order. Returns a partial attribution about every second inside a speech
        segment, and the whole segment's attribution on the first frame after the segment ended."""
        ...

    def enroll(self, talker: str, samples: npt.NDArray[np.int16]) -> None:
        """Learn `talker`'s voice from calm speech (16 kHz mono int16, silence may be included)."""
        ...

    def to_profile(self) -> dict[str, object]:
        """The enrolled voices as plain numbers (JSON-able), for the couple's profile file."""
        ...

    def load_profile(self, profile: dict[str, object]) -> None:
        """Restore voices saved with `to_profile`; raise ValueError on a profile that does not fit."""
        ...

    @property
    def known(self) -> frozenset[str]:
        """The talkers whose voices are known so far."""
        ...


def new_tracker(*, second_opinion: bool = True) -> VoiceTracker:
    """The tracker vertraag listens with: the GMM, with the GE2E encoder as second opinion when asked for
    and installed (`pip install --no-deps Resemblyzer==0.1.4`; without it the GMM decides alone)."""
    from vertraag.voices.tracker import GmmTracker

    if not second_opinion:
        return GmmTracker()
    from vertraag.voices.ge2e.weights import WeightsMissing
    from vertraag.voices.second import Ge2eOpinion

    try:
        return GmmTracker(second_opinion=Ge2eOpinion())
    except (WeightsMissing, ValueError) as problem:
        log.warning("voices: no second opinion (%s); the GMM decides alone", problem)
        return GmmTracker()
