"""The engine's door: the events the session acts on, read once into typed views.

The pipeline's events carry their fields in a mapping (`Event.data`, typed in events.py); the engine reads
these views instead, so that a renamed field fails the type check here, not a session. An event whose fields
are missing gets the defaults a careful reader would give (no words, the event's own time).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple, cast

from vertraag import events as ev
from vertraag.detect.category import CATEGORIES, Category
from vertraag.events import Event
from vertraag.session.actions import COMMAND, CommandFields
from vertraag.session.policy import SIGNAL_EVENTS, Signal


class Heard(NamedTuple):
    """A finding: words of a category in an utterance."""

    category: Category
    match: str
    reframe: str
    at: float  # the end of the utterance


class Noticed(NamedTuple):
    """A detector's signal (a raised voice, fast speech), from `onset` on."""

    signal: Signal
    onset: float


class Command(NamedTuple):
    """A command: from a key, or an utterance that is only a command word ("volgende", "pauze" ...)."""

    command: str
    by_voice: bool  # said (an utterance), not a key


class VoiceHeard(NamedTuple):
    """About a second of one voice inside a speech segment (None: not sure whose)."""

    talker: str | None
    seconds: float


class Segment(NamedTuple):
    """A speech segment that ended: how long it was and whose voice it was (None: not sure)."""

    talker: str | None
    duration: float


View = Heard | Noticed | Command | VoiceHeard


def segment(event: Event) -> Segment:
    """The typed view of a `speech_end`."""
    fields = cast(ev.SpeechEndFields, event.data)
    talker = fields.get("talker")
    return Segment(
        talker=str(talker) if talker is not None else None, duration=float(fields.get("duration", 0.0))
    )


def read(event: Event, *, command_in: Callable[[str], str | None]) -> View | None:
    """The typed view of an event the engine acts on by its fields; None for the others. `command_in`: the
    command an utterance is, or None when it is conversation."""
    if event.type == ev.FINDING:
        finding = cast(ev.FindingFields, event.data)
        category = str(finding.get("category", ""))
        if category not in CATEGORIES:
            return None  # a category this version does not know: nothing to do
        return Heard(
            category=Category(category),
            match=str(finding.get("match", "")),
            reframe=str(finding.get("reframe", "")),
            at=float(finding.get("utterance_end", event.t)),
        )
    if (signal := SIGNAL_EVENTS.get(event.type)) is not None:
        return Noticed(signal, float(cast(ev.OnsetFields, event.data).get("onset", event.t)))
    if event.type == ev.UTTERANCE:
        said = command_in(str(cast(ev.UtteranceFields, event.data).get("text", "")))
        return Command(said, by_voice=True) if said is not None else None
    if event.type == ev.VOICE:
        voice = cast(ev.VoiceFields, event.data)
        talker = voice.get("talker")
        seconds = float(voice.get("end", event.t)) - float(voice.get("start", event.t))
        return VoiceHeard(str(talker) if talker is not None else None, seconds)
    if event.type == COMMAND:
        return Command(str(cast(CommandFields, event.data).get("command", "")), by_voice=False)
    return None
