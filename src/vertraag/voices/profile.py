"""A couple's voices as plain numbers for the profile file, and back.

    {"method": "gmm-ubm", "version": 1, "background": "<digest>",
     "voices": {"a": {"counts": [C numbers], "sums": [[D numbers] x C]}, "b": ...}}

Per voice: how many feature rows each background component took (`counts`) and the sum of those rows
(`sums`). No audio, and no way back to it: these are averages of spectral shapes. A profile made with another
background model, or damaged, is refused with ValueError rather than read as something else.
"""

from __future__ import annotations

import numpy as np

from vertraag.voices import PARTNERS
from vertraag.voices.gmm import Floats, Mixture
from vertraag.voices.judge import Voices

METHOD = "gmm-ubm"
VERSION = 1


def profile_of(voices: Voices, background_digest: str) -> dict[str, object]:
    stored: dict[str, object] = {}
    for talker in sorted(voices.known):
        counts, sums = voices.stats(talker)
        stored[talker] = {"counts": counts.tolist(), "sums": sums.tolist()}
    return {"method": METHOD, "version": VERSION, "background": background_digest, "voices": stored}


def _array(value: object, shape: tuple[int, ...], what: str) -> Floats:
    try:
        array = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError) as error:
        raise ValueError(f"voice profile: {what} is not a list of numbers") from error
    if array.shape != shape or not np.all(np.isfinite(array)):
        raise ValueError(f"voice profile: {what} has shape {array.shape}, expected {shape} finite numbers")
    return array


def restore(
    profile: dict[str, object], background: Mixture, background_digest: str
) -> dict[str, tuple[Floats, Floats]]:
    """Each talker's (counts, sums) from a profile, checked against `background`."""
    if profile.get("method") != METHOD or profile.get("version") != VERSION:
        raise ValueError(f"voice profile: not a {METHOD} profile of version {VERSION}")
    if profile.get("background") != background_digest:
        raise ValueError("voice profile: made with another background model; calibrate again")
    voices = profile.get("voices")
    if not isinstance(voices, dict) or not voices:
        raise ValueError("voice profile: no voices in it")
    components, dim = background.means.shape
    restored = {}
    for talker, stored in voices.items():
        if talker not in PARTNERS or not isinstance(stored, dict):
            raise ValueError(f"voice profile: unexpected entry {talker!r}")
        counts = _array(stored.get("counts"), (components,), f"{talker}.counts")
        if np.any(counts < 0) or counts.sum() <= 0:
            raise ValueError(f"voice profile: {talker}.counts must be non-negative and not all zero")
        restored[str(talker)] = (counts, _array(stored.get("sums"), (components, dim), f"{talker}.sums"))
    return restored
