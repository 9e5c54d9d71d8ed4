"""Conversation protocols as data: `phrases/nl/protocols/<name>.toml`, checked when loaded, made into a plan.

A protocol has opening phases, turn phases (run once per turn; the partners take turns as speaker) and closing
phases; `plan()` unrolls them into the list of phases this couple will go through, with who speaks, who
listens, who is expected to talk and how long each lasts after the settings are applied. The keys are
documented for therapists in protocols/vertraag.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from vertraag import datafile as c
from vertraag.config import ProtocolSettings
from vertraag.phrases import DEFAULT_LANGUAGE, protocol_dir
from vertraag.session.prompts import Prompts, load_prompts
from vertraag.speak.voice import Breath

SECTIONS = ("opening", "turn", "closing")
TALKERS = ("speaker", "listener", "first", "second", "both", "none")
TURN_ONLY_TALKERS = ("speaker", "listener")
CHIMES = ("soft", "start", "end", "callback")
# [protocol] settings a phase may take its length from, and the unit each is written in.
SECONDS_PER_UNIT = {"turn_seconds": 1.0, "mirror_seconds": 1.0, "timeout_minutes": 60.0}
OPTIONAL_SETTINGS = ("breathing",)
PHASE_KEYS = (
    "id", "kind", "prompt", "talker", "seconds", "setting", "min_seconds", "optional", "ends", "reminder",
    "chime_end", "inhale_s", "exhale_s", "cycles",
)  # fmt: skip
TOP_KEYS = ("title", "summary", "rounds", *SECTIONS)
PARTNER_A, PARTNER_B = "a", "b"


class PhaseKind(StrEnum):
    GUIDE = "guide"  # vertraag speaks (a prompt); the phase ends when it has been said
    BREATHING = "breathing"  # a guided breath; ends when it has been said
    TALK = "talk"  # the couple talks; interventions belong here
    WAIT = "wait"  # silence for a while (the time-out's break)


class PhaseEnds(StrEnum):
    TIME = "time"  # at the end of its time, at the next pause in speech
    NEXT = "next"  # on "volgende"; when time is up, a reminder first


KINDS = tuple(PhaseKind)
ENDINGS = tuple(PhaseEnds)
SPOKEN_KINDS = (PhaseKind.GUIDE, PhaseKind.BREATHING)  # phases that are vertraag speaking
TIMED_KINDS = (PhaseKind.TALK, PhaseKind.WAIT)


@dataclass(frozen=True)
class PhaseSpec:
    """One phase as written in the protocol file."""

    id: str
    kind: PhaseKind
    prompt: str | None = None
    talker: str = "both"
    seconds: float = 0.0
    setting: str | None = None
    min_seconds: float = 0.0
    optional: str | None = None
    ends: PhaseEnds = PhaseEnds.TIME
    reminder: str | None = None
    chime_end: str | None = None
    breath: Breath | None = None


@dataclass(frozen=True)
class Phase:
    """One phase of this couple's plan: the spec with the partners and the length filled in."""

    spec: PhaseSpec
    seconds: float  # 0 = no time limit
    speaker: str | None  # partner key ("a" or "b") of the one who has the word, in a turn
    listener: str | None
    talker: str | None  # partner key expected to talk now; None = either or nobody
    turn: int | None  # 0-based turn number, None outside turns

    @property
    def id(self) -> str:
        return self.spec.id

    @property
    def timed(self) -> bool:
        return self.spec.kind in TIMED_KINDS and self.seconds > 0


@dataclass(frozen=True)
class Protocol:
    name: str
    title: str
    summary: str
    rounds: int
    opening: tuple[PhaseSpec, ...]
    turn: tuple[PhaseSpec, ...]
    closing: tuple[PhaseSpec, ...]

    def plan(self, settings: ProtocolSettings) -> tuple[Phase, ...]:
        """The phases in order for these settings (optional phases left out, lengths set)."""
        rounds = settings.rounds if settings.rounds is not None else self.rounds
        phases = [self._phase(spec, settings, None) for spec in self.opening]
        for turn in range(2 * rounds if self.turn else 0):
            phases += [self._phase(spec, settings, turn) for spec in self.turn]
        phases += [self._phase(spec, settings, None) for spec in self.closing]
        return tuple(p for p in phases if p is not None)

    def _phase(self, spec: PhaseSpec, settings: ProtocolSettings, turn: int | None) -> Phase | None:
        if spec.optional is not None and getattr(settings, spec.optional) is False:
            return None
        seconds = spec.seconds
        if spec.setting is not None and getattr(settings, spec.setting) is not None:
            seconds = max(spec.min_seconds, getattr(settings, spec.setting) * SECONDS_PER_UNIT[spec.setting])
        speaker = listener = None
        if turn is not None:
            speaker, listener = (PARTNER_A, PARTNER_B) if turn % 2 == 0 else (PARTNER_B, PARTNER_A)
        who = {"speaker": speaker, "listener": listener, "first": PARTNER_A, "second": PARTNER_B}
        return Phase(spec, seconds, speaker, listener, who.get(spec.talker), turn)


@cache
def load_protocol(name: str, language: str = DEFAULT_LANGUAGE, directory: Path | None = None) -> Protocol:
    """Protocol `name` (e.g. "vertraag"); an unknown name or a broken file is a UserError naming it."""
    folder = directory if directory is not None else protocol_dir(language)
    path = folder / f"{name}.toml"
    if not path.is_file():
        known = ", ".join(sorted(p.stem for p in folder.glob("*.toml")))
        raise c.Where(path).refuse(f"protocol '{name}' bestaat niet (kies uit: {known})")
    return parse_protocol(name, path, load_prompts(language))


def parse_protocol(name: str, path: Path, prompts: Prompts) -> Protocol:
    data, where = c.read(path)
    c.only_keys(data, TOP_KEYS, where)
    sections: dict[str, tuple[PhaseSpec, ...]] = {}
    for section in SECTIONS:
        entries = data.get(section, [])
        if not isinstance(entries, list):
            raise where.refuse("verwacht een lijst van fasen: schrijf [[" + section + "]]", section)
        sections[section] = tuple(
            _spec(c.table(entry, where, section), where.at(f"[[{section}]] {n}"), section, prompts)
            for n, entry in enumerate(entries, 1)
        )
    if not any(sections.values()):
        raise where.refuse("het protocol heeft geen fasen")
    rounds = c.number(data, "rounds", where, default=1, minimum=1)
    if rounds != int(rounds):
        raise where.refuse(f"verwacht een heel getal, niet {rounds!r}", "rounds")
    return Protocol(
        name=name,
        title=c.text(data, "title", where),
        summary=c.text(data, "summary", where, default=" "),
        rounds=int(rounds),
        opening=sections["opening"],
        turn=sections["turn"],
        closing=sections["closing"],
    )


def _spec(data: Mapping[str, Any], where: c.Where, section: str, prompts: Prompts) -> PhaseSpec:
    c.only_keys(data, PHASE_KEYS, where)
    kind = PhaseKind(c.choice(data, "kind", where, KINDS, default=""))
    talkers = TALKERS if section == "turn" else tuple(t for t in TALKERS if t not in TURN_ONLY_TALKERS)
    spec = PhaseSpec(
        id=c.text(data, "id", where),
        kind=kind,
        prompt=c.optional_text(data, "prompt", where),
        talker=c.choice(data, "talker", where, talkers, default="none" if kind == PhaseKind.WAIT else "both"),
        seconds=c.number(data, "seconds", where, default=0),
        setting=_optional_choice(data, "setting", where, tuple(SECONDS_PER_UNIT)),
        min_seconds=c.number(data, "min_seconds", where, default=0),
        optional=_optional_choice(data, "optional", where, OPTIONAL_SETTINGS),
        ends=PhaseEnds(c.choice(data, "ends", where, ENDINGS, default=PhaseEnds.TIME)),
        reminder=c.optional_text(data, "reminder", where),
        chime_end=_optional_choice(data, "chime_end", where, CHIMES),
        breath=_breath(data, where) if kind == PhaseKind.BREATHING else None,
    )
    _check_spec(spec, where, prompts)
    return spec


def _optional_choice(
    data: Mapping[str, Any], key: str, where: c.Where, options: tuple[str, ...]
) -> str | None:
    return c.choice(data, key, where, options, default="") if key in data else None


def _breath(data: Mapping[str, Any], where: c.Where) -> Breath:
    cycles = c.number(data, "cycles", where, minimum=1)
    return Breath(
        inhale_s=c.number(data, "inhale_s", where, minimum=1),
        exhale_s=c.number(data, "exhale_s", where, minimum=1),
        cycles=int(cycles),
    )


def _check_spec(spec: PhaseSpec, where: c.Where, prompts: Prompts) -> None:
    if spec.kind in SPOKEN_KINDS and spec.prompt is None:
        raise where.refuse(f"een fase van soort '{spec.kind}' heeft een prompt nodig", "prompt")
    if spec.kind == PhaseKind.WAIT and spec.seconds <= 0:
        raise where.refuse("een wachtfase heeft een duur nodig", "seconds")
    if spec.seconds and spec.seconds < spec.min_seconds:
        raise where.refuse(f"korter dan min_seconds ({spec.min_seconds:g})", "seconds")
    if spec.ends == PhaseEnds.NEXT and (spec.reminder is None or spec.seconds <= 0):
        raise where.refuse("ends = 'next' heeft een reminder en een duur nodig", "ends")
    for key in ("prompt", "reminder"):
        value = getattr(spec, key)
        if value is not None:
            prompts.require([value], where, key)
