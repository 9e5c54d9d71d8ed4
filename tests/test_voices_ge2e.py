"""The GE2E encoder read from the Resemblyzer wheel without torch, and its use as the GMM's second opinion.

Needs the wheel (`pip install --no-deps Resemblyzer==0.1.4`, done by scripts/setup.sh install-dev).
Properties checked without torch: embeddings have unit length; a reader's speech not heard in calibration
lies closer to that reader's calibration than to any other reader's; and in real kitchen noise the
second opinion turns "unsure" answers into right ones without adding wrong ones.
"""

from __future__ import annotations

import functools
import importlib.util
import io
import json
import pickle

import numpy as np
import pytest

from tests.audio_gen import clips, concat_with_silence
from tests.voice_scenes import play, readers, segments, whole, with_noise
from vertraag.audio.frames import SAMPLE_RATE
from vertraag.voices import new_tracker
from vertraag.voices.ge2e.encoder import Ge2eEncoder
from vertraag.voices.ge2e.weights import LEGACY_MAGIC, read_legacy_checkpoint
from vertraag.voices.second import Ge2eOpinion
from vertraag.voices.tracker import GmmTracker

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("resemblyzer") is None,
    reason="the Resemblyzer wheel is not installed (scripts/setup.sh install-dev)",
)
NOISE_SNR_DB = 20.0
PIECE_S = 1.0  # the GMM alone is unsure most often on short segments in noise
CALIBRATION_CLIPS = 3  # about 8 s of each Dutch speaker


@functools.cache
def _encoder() -> Ge2eEncoder:
    return Ge2eEncoder()


def test_embeddings_have_unit_length_and_256_numbers() -> None:
    embedding = _encoder().embed(readers()[0].pieces(2.0)[0])
    assert embedding.shape == (256,)
    assert np.linalg.norm(embedding) == pytest.approx(1.0, abs=1e-5)
    assert np.all(embedding >= 0)  # after the ReLU, as Resemblyzer's


def test_unheard_speech_is_closest_to_its_own_readers_calibration() -> None:
    everyone = readers()
    calibrations = np.stack([_encoder().embed_speaker(r.calibration) for r in everyone])
    for index, reader in enumerate(everyone):
        similarities = calibrations @ _encoder().embed(reader.pieces(2.0)[0])
        assert int(np.argmax(similarities)) == index, (reader.reader_id, similarities.round(3))


def test_the_weights_file_may_not_name_anything_else() -> None:
    class Sneaky:
        def __reduce__(self) -> tuple[object, tuple[str]]:
            return (print, ("ran code from a weights file",))

    forged = pickle.dumps(LEGACY_MAGIC, protocol=2) + pickle.dumps(Sneaky(), protocol=2)
    with pytest.raises(pickle.UnpicklingError, match="not allowed"):
        read_legacy_checkpoint(io.BytesIO(forged).getvalue())


def _dutch() -> tuple[dict[str, np.ndarray], list[tuple[str, np.ndarray]]]:
    """Each Dutch speaker's calibration and the 1 s pieces of their other clips, alternating."""
    calibration, pieces = {}, []
    for talker, speaker in (("a", "flemishguy"), ("b", "nathalie")):
        said = [c.samples() for c in clips(speaker)]
        calibration[talker] = concat_with_silence(said[:CALIBRATION_CLIPS], gap_s=0.3)
        rest = concat_with_silence(said[CALIBRATION_CLIPS : CALIBRATION_CLIPS + 8], gap_s=0.0)
        size = int(PIECE_S * SAMPLE_RATE)
        pieces += [(talker, rest[i : i + size]) for i in range(0, len(rest) - size + 1, size)]
    return calibration, pieces


def _count(
    tracker: GmmTracker, calibration: dict[str, np.ndarray], pieces: list[tuple[str, np.ndarray]]
) -> tuple[int, int, int]:
    for talker, samples in calibration.items():
        tracker.enroll(talker, samples)
    noisy = [with_noise(piece, NOISE_SNR_DB, offset_s=0.7 * i) for i, (_, piece) in enumerate(pieces)]
    said = [a.talker for a in whole(play(tracker, segments(noisy)))]
    truth = [t for t, _ in pieces]
    right = sum(s == t for s, t in zip(said, truth, strict=True))
    unsure = said.count(None)
    return right, unsure, len(said) - right - unsure


def test_in_kitchen_noise_the_second_opinion_turns_unsure_into_right() -> None:
    calibration, pieces = _dutch()
    alone = _count(GmmTracker(), calibration, pieces)
    helped = _count(GmmTracker(second_opinion=Ge2eOpinion(_encoder())), calibration, pieces)
    assert helped[1] < alone[1], (alone, helped)  # fewer unsure
    assert helped[0] > alone[0], (alone, helped)  # more right
    assert helped[2] <= alone[2] + 1, (alone, helped)  # not (more than one) more wrong


def test_a_profile_keeps_the_embeddings_and_refuses_bad_ones() -> None:
    first, second = readers()[0], readers()[-1]
    tracker = GmmTracker(second_opinion=Ge2eOpinion(_encoder()))
    tracker.enroll("a", first.calibration)
    tracker.enroll("b", second.calibration)
    profile = json.loads(json.dumps(tracker.to_profile()))
    restored = GmmTracker(second_opinion=Ge2eOpinion(_encoder()))
    restored.load_profile(profile)
    assert restored.to_profile() == profile
    profile["ge2e"]["a"] = [0.0] * 256  # not unit length
    with pytest.raises(ValueError, match="voice profile"):
        GmmTracker(second_opinion=Ge2eOpinion(_encoder())).load_profile(profile)


def test_new_tracker_asks_the_encoder_unless_told_not_to() -> None:
    first, second = readers()[0], readers()[-1]
    for second_opinion in (True, False):
        tracker = new_tracker(second_opinion=second_opinion)
        tracker.enroll("a", first.calibration)
        tracker.enroll("b", second.calibration)
        assert ("ge2e" in tracker.to_profile()) == second_opinion
