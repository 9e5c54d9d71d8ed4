"""When vertraag steps in: `phrases/nl/interventions.toml`, one entry per reason, checked when loaded.

A reason is a word-detector category (absolute ... command, safety, i_message), `raised_voice`, `speech_rate`,
`interruption` or `escalation`. Each says which prompts to use (gentle first), whether to wait for a pause in
speech, how important it is against other reasons noticed at the same time, and what else happens (the timer
stops, a guided breath, counting towards a time-out, the end of the exercise).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path

from vertraag import datafile as c
from vertraag import events as ev
from vertraag.config import SessionSettings
from vertraag.detect.category import NUDGED, Category
from vertraag.phrases import DEFAULT_LANGUAGE, language_dir
from vertraag.session.prompts import load_prompts
from vertraag.speak.voice import Breath

INTERVENTIONS_FILE = "interventions.toml"


class Signal(StrEnum):
    """Reasons to step in that are not words: what the loudness and rate detectors notice, and escalation."""

    RAISED_VOICE = "raised_voice"
    SPEECH_RATE = "speech_rate"
    INTERRUPTION = "interruption"  # talking over the partner who has the word (session/turns.py)
    ESCALATION = "escalation"  # repeated raised voices or threats: a time-out is proposed


# The event each signal comes as (its fields have an `onset`: events.OnsetFields), and the [session] switch
# that lets a therapist turn it off. A new detector-driven intervention adds a line to each.
SIGNAL_EVENTS: Mapping[str, Signal] = {
    ev.RAISED_VOICE: Signal.RAISED_VOICE,
    ev.SPEECH_RATE: Signal.SPEECH_RATE,
}
SWITCHES: Mapping[Signal, Callable[[SessionSettings], bool]] = {
    Signal.RAISED_VOICE: lambda session: session.raised_voice,
    Signal.SPEECH_RATE: lambda session: session.speech_rate,
}


class When(StrEnum):
    PAUSE = "pause"  # at the next pause in speech
    NOW = "now"  # at once


Reason = Category | Signal  # one entry of interventions.toml each
RAISED_VOICE, SPEECH_RATE, ESCALATION = Signal.RAISED_VOICE, Signal.SPEECH_RATE, Signal.ESCALATION
INTERRUPTION = Signal.INTERRUPTION
SAFETY, THREAT, I_MESSAGE = Category.SAFETY, Category.THREAT, Category.I_MESSAGE
WORD_REASONS = NUDGED
REASONS: tuple[Reason, ...] = (*WORD_REASONS, SAFETY, I_MESSAGE, *Signal)
AT_PAUSE, AT_ONCE = When.PAUSE, When.NOW
KEYS = ("prompts", "when", "priority", "pause_timer", "breath", "escalates", "ends_session", "bypass_gap")
TURN_KEYS = ("talk_over_s", "short_s", "times", "within_s")  # [interruption] only


@dataclass(frozen=True)
class TurnRule:
    """When talking in the other's turn counts as talking over them (interventions.toml, [interruption])."""

    talk_over_s: float  # one stretch of the other voice this long
    short_s: float  # shorter stretches ("ja", "mm") never count
    times: int  # or this many stretches of at least short_s ...
    within_s: float  # ... within this long (not in a mirroring phase)


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
    turns: TurnRule | None = None

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
        c.only_keys(table, (*KEYS, *TURN_KEYS) if reason == INTERRUPTION else KEYS, entry)
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
            turns=_turns(table, entry) if reason == INTERRUPTION else None,
        )
    return policy


def _turns(table: Mapping[str, object], where: c.Where) -> TurnRule:
    return TurnRule(
        talk_over_s=c.number(table, "talk_over_s", where, minimum=1),
        short_s=c.number(table, "short_s", where, minimum=0),
        times=int(c.number(table, "times", where, minimum=1)),
        within_s=c.number(table, "within_s", where, minimum=1),
    )


def _breath(table: Mapping[str, object], where: c.Where) -> Breath:
    data = c.table(table["breath"], where, "breath")
    c.only_keys(data, ("inhale_s", "exhale_s", "cycles"), where.at("breath"))
    return Breath(
        inhale_s=c.number(data, "inhale_s", where, minimum=1),
        exhale_s=c.number(data, "exhale_s", where, minimum=1),
        cycles=int(c.number(data, "cycles", where, minimum=1)),
    )
