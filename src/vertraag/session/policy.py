"""When vertraag steps in: `phrases/nl/interventions.toml`, one entry per reason, checked when loaded.

A reason is a word-detector category (absolute ... command, safety, i_message), `raised_voice`,
`speech_rate` or `escalation`. Each says which prompts to use (gentle first), whether to wait for a pause in
speech, how important it is against other reasons noticed at the same time, and what else happens (the timer
stops, a guided breath, counting towards a time-out, the end of the exercise).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from vertraag import datafile as c
from vertraag.detect.category import NUDGED, Category
from vertraag.phrases import DEFAULT_LANGUAGE, language_dir
from vertraag.session.prompts import load_prompts
from vertraag.speak.voice import Breath

INTERVENTIONS_FILE = "interventions.toml"


class Signal(StrEnum):
    """Reasons to step in that are not words: what the loudness and rate detectors notice, and escalation."""

    RAISED_VOICE = "raised_voice"
    SPEECH_RATE = "speech_rate"
    ESCALATION = "escalation"  # repeated raised voices or threats: a time-out is proposed


class When(StrEnum):
    PAUSE = "pause"  # at the next pause in speech
    NOW = "now"  # at once


Reason = Category | Signal  # one entry of interventions.toml each
RAISED_VOICE, SPEECH_RATE, ESCALATION = Signal.RAISED_VOICE, Signal.SPEECH_RATE, Signal.ESCALATION
SAFETY, THREAT, I_MESSAGE = Category.SAFETY, Category.THREAT, Category.I_MESSAGE
WORD_REASONS = NUDGED
REASONS: tuple[Reason, ...] = (*WORD_REASONS, SAFETY, I_MESSAGE, *Signal)
AT_PAUSE, AT_ONCE = When.PAUSE, When.NOW
KEYS = ("prompts", "when", "priority", "pause_timer", "breath", "escalates", "ends_session", "bypass_gap")


@dataclass(frozen=True)
class Intervention:
    reason: Reason
    prompts: tuple[str, ...]  # gentle first, then firmer
    when: When
    priority: int
    pause_timer: bool = False
    breath: Breath | None = None
    escalates: bool = False
    ends_session: bool = False
    bypass_gap: bool = False

    def prompt(self, level: int) -> str:
        """The prompt for `level` earlier interventions in a while: 0 = the gentlest."""
        return self.prompts[min(level, len(self.prompts) - 1)]


@cache
def load_policy(
    language: str = DEFAULT_LANGUAGE, directory: Path | None = None
) -> Mapping[Reason, Intervention]:
    folder = directory if directory is not None else language_dir(language)
    data, where = c.read(folder / INTERVENTIONS_FILE)
    prompts = load_prompts(language, directory)
    c.only_keys(data, REASONS, where)
    policy: dict[Reason, Intervention] = {}
    for reason in REASONS:
        if reason not in data:
            raise where.refuse(f"de reden '{reason}' ontbreekt: geef [{reason}] een prompt")
        entry = where.at(f"[{reason}]")
        table = c.table(data[reason], where, reason)
        c.only_keys(table, KEYS, entry)
        ids = c.texts(table, "prompts", entry)
        prompts.require(ids, entry, "prompts")
        policy[reason] = Intervention(
            reason=reason,
            prompts=ids,
            when=When(c.choice(table, "when", entry, tuple(When), default=When.PAUSE)),
            priority=int(c.number(table, "priority", entry)),
            pause_timer=c.flag(table, "pause_timer", entry),
            breath=_breath(table, entry) if "breath" in table else None,
            escalates=c.flag(table, "escalates", entry),
            ends_session=c.flag(table, "ends_session", entry),
            bypass_gap=c.flag(table, "bypass_gap", entry),
        )
    return policy


def _breath(table: Mapping[str, object], where: c.Where) -> Breath:
    data = c.table(table["breath"], where, "breath")
    c.only_keys(data, ("inhale_s", "exhale_s", "cycles"), where.at("breath"))
    return Breath(
        inhale_s=c.number(data, "inhale_s", where, minimum=1),
        exhale_s=c.number(data, "exhale_s", where, minimum=1),
        cycles=int(c.number(data, "cycles", where, minimum=1)),
    )
