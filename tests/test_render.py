"""Readable output: every event type has a Dutch line of its own (phrases/nl/messages.toml)."""

from __future__ import annotations

import pytest

from vertraag import events as ev
from vertraag.events import Event
from vertraag.render import clock, render

EXAMPLES = [
    Event(ev.SPEECH_START, 1.0),
    Event(ev.SPEECH_END, 3.5, {"duration": 2.5}),
    Event(ev.BASELINE, 4.0, {"baseline_db": -31.2}),
    Event(ev.RAISED_VOICE, 12.3, {"rise_db": 9.8, "onset": 10.8, "baseline_db": -31.2, "level_db": -21.4}),
    Event(ev.PARTIAL, 5.0, {"text": "je luistert", "pending": "ook"}),
    Event(ev.UTTERANCE, 6.0, {"text": "je luistert ook nooit", "start": 4.2, "end": 6.0, "words": []}),
    Event(
        ev.FINDING,
        6.0,
        {"category": "absolute", "match": "nooit", "reframe": "Wil je het proberen als: ...?"},
    ),
    Event(ev.FINDING, 7.0, {"category": "i_message", "match": "ik voel me", "reframe": ""}),
    Event(ev.FINDING, 7.5, {"category": "safety", "match": "bang voor je", "reframe": ""}),
    Event(ev.SOURCE_PROBLEM, 8.0, {"reason": "De microfoon is weggevallen."}),
]


@pytest.mark.parametrize("event", EXAMPLES, ids=lambda e: f"{e.type}-{e.data.get('category', '')}")
def test_every_event_type_reads_as_dutch(event: Event) -> None:
    line = render(event)
    assert line.startswith(clock(event.t))
    assert event.type not in line  # a template was found: no raw type names or field dumps
    assert "{" not in line and "=" not in line


def test_categories_are_named_in_dutch_and_positive_findings_carry_no_arrow() -> None:
    assert "absolute woorden" in render(EXAMPLES[6]) and "→" in render(EXAMPLES[6])
    assert "ik-boodschap" in render(EXAMPLES[7]) and "→" not in render(EXAMPLES[7])


def test_a_safety_finding_gives_the_help_lines_not_an_i_message() -> None:
    line = render(EXAMPLES[8])
    assert "veiligheid" in line and "bang voor je" in line
    assert "0800-2000" in line and "112" in line and "113" in line
    assert "ik-boodschap" not in line


def test_clock_is_minutes_and_tenths() -> None:
    assert clock(0.0) == "00:00.0"
    assert clock(75.34) == "01:15.3"


def test_the_calibration_reads_as_dutch_lines() -> None:
    cal = ev.CALIBRATION
    room = render(Event(cal, 3.0, {"step": "room", "noise_db": -61.2}))
    anna = render(Event(cal, 9.0, {"step": "a", "name": "Anna", "baseline_db": -27.4, "calm_wps": None}))
    bram = render(Event(cal, 20.0, {"step": "b", "name": "Bram", "baseline_db": None, "calm_wps": None}))
    assert "kamer" in room and "-61" in room
    assert "Anna rustig op -27.4 dBFS" in anna
    assert "Bram niet goed gehoord" in bram
    assert "kalibratie klaar" in render(Event(cal, 21.0, {"step": "done"}))


NAMES = {"a": "Anna", "b": "Bram"}


def test_a_line_names_whose_voice_it_was_and_nobody_when_unsure() -> None:
    words = {"text": "ik voelde me alleen", "start": 4.2, "end": 6.0, "words": []}
    said = render(Event(ev.UTTERANCE, 6.0, {**words, "talker": "b"}), NAMES)
    assert said.endswith("Bram: « ik voelde me alleen »")
    unsure = render(Event(ev.UTTERANCE, 6.0, {**words, "talker": None}), NAMES)
    assert "Anna" not in unsure and "Bram" not in unsure and "« ik voelde me alleen »" in unsure
    rise = Event(ev.RAISED_VOICE, 12.3, {"rise_db": 9.8, "onset": 10.8, "talker": "a"})
    assert "Anna: de stem gaat omhoog" in render(rise, NAMES)
    pause = Event(ev.SPEECH_END, 3.5, {"duration": 2.5, "talker": "b"})
    assert "2.5 s spraak van Bram" in render(pause, NAMES)
    finding = {"category": "absolute", "match": "nooit", "reframe": "Probeer het eens zo: ...", "talker": "a"}
    assert "absolute woorden van Anna: « nooit »" in render(Event(ev.FINDING, 6.0, finding), NAMES)


def test_talking_over_names_both_partners_and_without_names_says_partner() -> None:
    over = Event(ev.TALKED_OVER, 30.0, {"talker": "b", "turn_of": "a", "seconds": 4.1})
    assert render(over, NAMES).endswith("Bram sprak 4 s in de beurt van Anna")
    assert render(over).endswith("partner b sprak 4 s in de beurt van partner a")
