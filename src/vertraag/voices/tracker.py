"""`GmmTracker`: the VoiceTracker the pipeline feeds, frame by frame, in audio time.

Inside a speech segment the features are computed as the frames arrive; every CHUNK_SECONDS of segment audio
is judged on its own (a partial attribution), and the sums of all chunks judge the whole segment on the first
frame after it ended: no extra audio is waited for, and only the last partial chunk is left to compute then.

Without calibration the tracker learns the voices as the recording goes (see `voices.learn`). With a second
opinion (`voices.second.Ge2eOpinion`), a whole segment the GMM is not sure of also goes to the neural encoder.
"""

from __future__ import annotations

import hashlib

import numpy as np
import numpy.typing as npt

from vertraag.audio.frames import SAMPLE_RATE, Frame
from vertraag.voices import PARTNERS, Attribution
from vertraag.voices.features import ROWS_PER_SECOND, FeatureStream, features, voiced, with_deltas
from vertraag.voices.gmm import Floats, Mixture, load_background
from vertraag.voices.judge import Evidence, Voices, decide, lead
from vertraag.voices.learn import LEARN_MAX_SECONDS, Learner, frame_level_db
from vertraag.voices.profile import profile_of, restore
from vertraag.voices.second import MAX_SECONDS, SURE_MARGIN, Ge2eOpinion

CHUNK_SECONDS = 1.0  # the "every second or so" inside a long segment
ENROLL_MIN_SECONDS = 2.0  # of voiced rows: less calibration speech than this would be a guess


def fingerprint(background: Mixture) -> str:
    """A short digest naming the background model a profile was made with."""
    return hashlib.sha256(np.ascontiguousarray(background.means, dtype=np.float64).tobytes()).hexdigest()[:16]


class GmmTracker:
    """Speaker attribution with a GMM-UBM over MFCCs without c0 (see `voices.gmm`)."""

    def __init__(
        self, background: Mixture | None = None, *, second_opinion: Ge2eOpinion | None = None
    ) -> None:
        self._voices = Voices(background if background is not None else load_background())
        self._second = second_opinion
        self._segment_samples: list[npt.NDArray[np.int16]] = []  # for the second opinion, up to MAX_SECONDS
        self._enrolled: set[str] = set()
        self._learner = Learner(self._voices)
        self._stream = FeatureStream()
        self._in_segment = False
        self._segment_start = 0
        self._chunk_start = 0
        self._chunk_static: list[Floats] = []
        self._chunk_level: list[Floats] = []
        self._segment = Evidence()
        self._segment_rows: list[Floats] = []
        self._segment_levels: list[float] = []

    @property
    def known(self) -> frozenset[str]:
        return self._voices.known

    def update(self, frame: Frame, *, in_segment: bool) -> list[Attribution]:
        if not in_segment:
            self._learner.hear_pause(frame_level_db(frame.samples))
            return [self._finish(frame.start)] if self._in_segment else []
        if not self._in_segment:
            self._begin(frame.start)
        static, level = self._stream.push(frame.samples)
        self._chunk_static.append(static)
        self._chunk_level.append(level)
        self._segment_levels.append(frame_level_db(frame.samples))
        if self._second is not None and frame.end - self._segment_start <= MAX_SECONDS * SAMPLE_RATE:
            self._segment_samples.append(frame.samples)
        if frame.end - self._chunk_start >= CHUNK_SECONDS * SAMPLE_RATE:
            return [self._close_chunk(frame.end)]
        return []

    def enroll(self, talker: str, samples: npt.NDArray[np.int16]) -> None:
        if talker not in PARTNERS:
            raise ValueError(f"unknown talker {talker!r}: expected one of {PARTNERS}")
        rows = features(samples)
        if len(rows) < ENROLL_MIN_SECONDS * ROWS_PER_SECOND:
            raise ValueError(f"too little speech to learn a voice from ({len(rows) / ROWS_PER_SECOND:.1f} s)")
        self._voices.forget_voice(talker)
        self._voices.learn(talker, rows)
        if self._second is not None:
            self._second.enroll(talker, samples)
        self._enrolled.add(talker)
        self._learner.fixed = frozenset(self._enrolled)

    def to_profile(self) -> dict[str, object]:
        profile = profile_of(self._voices, fingerprint(self._voices.background))
        if self._second is not None and self._second.known:
            profile["ge2e"] = self._second.to_profile()
        return profile

    def load_profile(self, profile: dict[str, object]) -> None:
        restored = restore(profile, self._voices.background, fingerprint(self._voices.background))
        if self._second is not None:
            self._second.load_profile(profile.get("ge2e", {}))
        self._voices.forget()
        for talker, (counts, sums) in restored.items():
            self._voices.set_stats(talker, counts, sums)
        self._enrolled = set(restored)
        self._learner.fixed = frozenset(self._enrolled)

    def _begin(self, start: int) -> None:
        self._in_segment = True
        self._segment_start = self._chunk_start = start
        self._stream.reset()
        self._segment = Evidence()
        self._segment_rows = []
        self._segment_levels = []
        self._segment_samples = []

    def _chunk_rows(self) -> Floats:
        if not self._chunk_static:
            return np.zeros((0, self._voices.background.dim))
        static, level = np.vstack(self._chunk_static), np.concatenate(self._chunk_level)
        self._chunk_static, self._chunk_level = [], []
        return with_deltas(static)[voiced(level)]

    def _keep(self, rows: Floats) -> None:
        """Keep a segment's rows to learn from, up to what a voice is ever learned from (bounded memory)."""
        if sum(len(r) for r in self._segment_rows) < LEARN_MAX_SECONDS * ROWS_PER_SECOND:
            self._segment_rows.append(rows)

    def _close_chunk(self, end: int) -> Attribution:
        rows = self._chunk_rows()
        evidence = self._voices.evidence(rows)
        self._segment.add(evidence)
        self._keep(rows)
        talker, confidence = decide(evidence, self.known)
        start, self._chunk_start = self._chunk_start, end
        return Attribution(start / SAMPLE_RATE, end / SAMPLE_RATE, talker, confidence, whole_segment=False)

    def _finish(self, end: int) -> Attribution:
        self._in_segment = False
        rows = self._chunk_rows()
        if len(rows):
            self._segment.add(self._voices.evidence(rows))
            self._keep(rows)
        talker, confidence = decide(self._segment, self.known)
        best, margin = lead(self._segment, self.known)
        if self._second is not None and best is not None and margin < SURE_MARGIN:
            samples = np.concatenate(self._segment_samples)
            talker, confidence = self._second.decide(samples, best, margin)
        all_rows = np.vstack(self._segment_rows) if self._segment_rows else rows
        talker, confidence, learned = self._learner.after_segment(
            all_rows, self._segment, self._segment_levels, talker=talker, confidence=confidence
        )
        if learned is not None and self._second is not None and learned not in self._enrolled:
            self._second.learn(learned, np.concatenate(self._segment_samples))
        start = self._segment_start / SAMPLE_RATE
        return Attribution(start, end / SAMPLE_RATE, talker, confidence, whole_segment=True)
