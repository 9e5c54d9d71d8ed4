"""The engine's door: the events the session acts on, read once into typed views.

The pipeline's events carry their fields in a mapping (`Event.data`, typed in events.py); the engine reads
these views instead, so that a renamed field fails the type check here, not a session. An event whose fields
are missing gets the defaults a careful reader would give (no words, the event's own time).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from vertraag import events as ev
from vertraag.detect.category import CATEGORIES, Category
from vertraag.events import Event
from vertraag.session.actions import COMMAND, CommandFields
from vertraag.session.policy import Signal


@dataclass(frozen=True)
class Heard:
    """A finding: words of a category in an utterance."""

    category: Category
    match: str
    reframe: str
    at: float  # the end of the utterance


@dataclass(frozen=True)
class Noticed:
    """A detector's signal (a raised voice, fast speech), from `onset` on."""

    signal: Signal
    onset: float


@dataclass(frozen=True)
class Spoken:
    """An utterance (it may be a voice command)."""

    text: str


@dataclass(frozen=True)
class Command:
    """A command from a key or a voice command."""

    command: str


View = Heard | Noticed | Spoken | Command


def read(event: Event) -> View | None:
    """The typed view of an event the engine acts on by its fields; None for the others."""
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
    if event.type == ev.RAISED_VOICE:
        raised = cast(ev.RaisedVoiceFields, event.data)
        return Noticed(Signal.RAISED_VOICE, float(raised.get("onset", event.t)))
    if event.type == ev.SPEECH_RATE:
        rate = cast(ev.SpeechRateFields, event.data)
        return Noticed(Signal.SPEECH_RATE, float(rate.get("onset", event.t)))
    if event.type == ev.UTTERANCE:
        return Spoken(str(cast(ev.UtteranceFields, event.data).get("text", "")))
    if event.type == COMMAND:
        return Command(str(cast(CommandFields, event.data).get("command", "")))
    return None
