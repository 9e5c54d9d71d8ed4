"""Two partners at one microphone: a conversation composed from two real voices, with who spoke when.

    clips of voice a, clips of voice b -> turns of `turn_s`, each clip at its partner's own level
        -> (audio, script of (start, end, talker))

The partners' calm levels differ as they do at a real table (distance to the microphone, voice): the issue's
trial measured -26.6 and -34.3 dBFS. The script says who spoke when, for checking attributions and for a
scripted tracker in logic tests.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from bench.compose import Audio, at_level, silence, trim_silence
from vertraag.audio.frames import SAMPLE_RATE

Script = list[tuple[float, float, str]]  # (start s, end s, talker "a" | "b")


@dataclass(frozen=True)
class Partner:
    clips: Sequence[Audio]  # calm speech, one sentence each
    level_dbfs: float  # each clip's RMS level


def conversation(
    a: Partner, b: Partner, *, seconds: float, turn_s: float = 8.0, gap_s: float = 0.8
) -> tuple[Audio, Script]:
    """Turns of about `turn_s` (whole sentences), a first, until `seconds` of audio; clips are reused in
    order when a partner runs out."""
    parts: list[Audio] = []
    script: Script = []
    t = 0.0
    used = {"a": 0, "b": 0}
    talker = "a"
    while t < seconds:
        partner = a if talker == "a" else b
        turn = 0.0
        while turn < turn_s and t < seconds:
            clip = trim_silence(partner.clips[used[talker] % len(partner.clips)])
            used[talker] += 1
            clip = at_level(clip, partner.level_dbfs)
            length = len(clip) / SAMPLE_RATE
            parts += [clip, silence(gap_s)]
            script.append((t, t + length, talker))
            t += length + gap_s
            turn += length + gap_s
        talker = "b" if talker == "a" else "a"
    return np.concatenate(parts).astype(np.int16), script


def overlay(base: Audio, voice: Audio, at_s: float) -> Audio:
    """`voice` mixed into `base` from `at_s` (talking over); the result is as long as the longer one."""
    start = round(at_s * SAMPLE_RATE)
    out = np.zeros(max(len(base), start + len(voice)), dtype=np.int32)
    out[: len(base)] += base
    out[start : start + len(voice)] += voice
    return np.clip(out, -32768, 32767).astype(np.int16)
