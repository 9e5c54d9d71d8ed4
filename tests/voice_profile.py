"""A couple's profile as `vertraag start` saves it after a calibration, with both voices enrolled by the real
tracker from real calm speech (for tests and benchmarks that start from a saved profile)."""

from __future__ import annotations

from bench import compose

from vertraag.enroll import new_tracker
from vertraag.start.profile import PartnerCalm, Profile

SPEAKERS = ("flemishguy", "nathalie")  # partner a, partner b
CALIBRATION_CLIPS = slice(40, 43)  # two or three calm sentences each, about 8 s


def calibrated_profile(
    name_a: str, name_b: str, pause_word: str, *, levels: tuple[float, float] = (-30.0, -28.0)
) -> Profile:
    tracker = new_tracker()
    for key, speaker in zip(("a", "b"), SPEAKERS, strict=True):
        clips = [c.samples() for c in compose.clips(speaker)][CALIBRATION_CLIPS]
        tracker.enroll(key, compose.concat_with_silence(clips, gap_s=0.5))
    return Profile(
        PartnerCalm(name_a, levels[0]),
        PartnerCalm(name_b, levels[1]),
        pause_word,
        voices=tracker.to_profile(),
    )
