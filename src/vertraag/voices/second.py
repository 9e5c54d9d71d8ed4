"""A second opinion from the GE2E speaker encoder, asked only where the GMM is unsure.

The GMM-UBM is cheap and right on clean speech; in room noise it says "unsure" more often. The neural encoder
(`voices.ge2e`) then compares the whole segment's embedding with each partner's: the partner whose voice
points clearly more the same way gets the segment. It costs about 30 ms of CPU per second of speech, so it is
only asked for whole segments the GMM could not decide (see `vertraag bench` and README, "Who is speaking").
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from vertraag.voices import PARTNERS
from vertraag.voices.ge2e.encoder import Ge2eEncoder
from vertraag.voices.judge import DECISION_MARGIN, confidence_of

# The cosine similarity by which one partner's embedding must beat the other's. Chosen on 40 LibriSpeech
# readers set aside for it (scripts/voice_readers.py `dev`; not the measure readers): at 0.06 the encoder
# alone was wrong on 0-0.5% of 1-4 s segments (clean, kitchen noise, +8 dB); 0.08 only added unsure answers.
COSINE_MARGIN = 0.06
EMBEDDING_SIZE = 256
# Of a segment's speech, the encoder hears the first MAX_SECONDS: enough for a sure embedding (the measure's
# 4 s segments gain nothing over 2 s in clean speech), and the encoder's cost at the segment's end stays
# about 0.1 s of CPU here, inside the 0.3 s the decision may take.
MAX_SECONDS = 3.0
# The GMM alone decides when it leads by this much (confidence 3/4); a closer call is put to the encoder too.
# On the dev readers the GMM's few wrong answers in kitchen noise had leads under this.
SURE_MARGIN = 2 * DECISION_MARGIN


def combine(gmm_best: str | None, gmm_lead: float, second: str | None) -> str | None:
    """The segment's talker from the GMM's best guess and lead, and the encoder's answer (None: unsure)."""
    gmm = gmm_best if gmm_lead >= DECISION_MARGIN else None
    if second is None:
        return gmm
    return second if gmm in (None, second) else None  # the two disagree: better unsure than wrong


class Ge2eOpinion:
    """Each partner's voice as a GE2E embedding (256 numbers at unit length)."""

    def __init__(self, encoder: Ge2eEncoder | None = None) -> None:
        self._encoder = encoder if encoder is not None else Ge2eEncoder()
        self._voices: dict[str, npt.NDArray[np.float32]] = {}
        self._weights: dict[str, float] = {}

    @property
    def known(self) -> frozenset[str]:
        return frozenset(self._voices)

    def enroll(self, talker: str, samples: npt.NDArray[np.int16]) -> None:
        self._voices[talker] = self._encoder.embed_speaker(samples)
        self._weights[talker] = 1.0

    def learn(self, talker: str, samples: npt.NDArray[np.int16]) -> None:
        """Fold a segment heard as `talker` into its voice (for voices learned as a recording goes)."""
        new = self._encoder.embed(samples)
        weight = self._weights.get(talker, 0.0)
        old = self._voices.get(talker, np.zeros_like(new))
        mixed = (old * weight + new) / (weight + 1.0)
        self._voices[talker] = np.asarray(mixed / np.linalg.norm(mixed), dtype=np.float32)
        self._weights[talker] = weight + 1.0

    def forget(self) -> None:
        self._voices.clear()
        self._weights.clear()

    def decide(
        self, samples: npt.NDArray[np.int16], gmm_best: str | None, gmm_lead: float
    ) -> tuple[str | None, float]:
        """(talker or None, confidence) of a whole segment the GMM could not decide surely by itself."""
        second, confidence = self.judge(samples)
        talker = combine(gmm_best, gmm_lead, second)
        if talker is None:
            return None, 0.0
        return talker, max(confidence, confidence_of(gmm_lead)) if talker == gmm_best else confidence

    def judge(self, samples: npt.NDArray[np.int16]) -> tuple[str | None, float]:
        """(talker or None, confidence) of a segment, when both partners are known."""
        if len(self._voices) < len(PARTNERS):
            return None, 0.0
        embedding = self._encoder.embed(samples)
        ranked = sorted(((float(embedding @ v), t) for t, v in self._voices.items()), reverse=True)
        (best_sim, best), (second_sim, _) = ranked[0], ranked[1]
        lead = best_sim - second_sim
        if lead < COSINE_MARGIN:
            return None, 0.0
        return best, float(1.0 - 0.5 ** (lead / COSINE_MARGIN))

    def to_profile(self) -> dict[str, list[float]]:
        return {talker: [float(x) for x in vector] for talker, vector in sorted(self._voices.items())}

    def load_profile(self, stored: object) -> None:
        if not isinstance(stored, dict):
            raise ValueError("voice profile: ge2e must map partners to embeddings")
        voices = {}
        for talker, values in stored.items():
            try:
                vector = np.asarray(values, dtype=np.float32)
            except (TypeError, ValueError) as error:
                raise ValueError(f"voice profile: ge2e.{talker} is not a list of numbers") from error
            if talker not in PARTNERS or vector.shape != (EMBEDDING_SIZE,):
                raise ValueError(f"voice profile: ge2e.{talker} is not {EMBEDDING_SIZE} numbers")
            if not np.all(np.isfinite(vector)) or not np.isclose(np.linalg.norm(vector), 1.0, atol=1e-3):
                raise ValueError(f"voice profile: ge2e.{talker} is not a unit-length embedding")
            voices[str(talker)] = vector
        self.forget()
        self._voices.update(voices)
        self._weights.update({talker: 1.0 for talker in voices})
