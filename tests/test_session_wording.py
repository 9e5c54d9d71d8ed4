"""The named sentences of issue 16 as a couple would hear them in a session (the engine, driven in audio
time), and what the report says about what was kept."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from tests.session_driver import SAY_S, Drive
from vertraag.detect.words import WordDetector
from vertraag.events import Event
from vertraag.report.collect import ReportCollector
from vertraag.report.page import session_page
from vertraag.session.talk import clock_text

CLOCK = re.compile(r"\b\d{1,2}\.\d{2} uur\b")


def _finding(detector: WordDetector, text: str) -> dict[str, Any]:
    [found] = detector.nudges(detector.find(text))
    return {"category": found.category, "match": found.match, "reframe": found.reframe}


def test_an_insult_is_never_said_back_only_even_vertragen_and_the_invitation() -> None:
    detector = WordDetector.load()
    for text in ("Wat ben jij een egoïst", "Ruim die rommel op", "Nou en"):
        d = Drive("vrij")
        finding = _finding(detector, text)
        d.speak(2.0, text, **finding)
        d.wait(2)
        [(_, say)] = d.interventions()
        assert say.say.startswith(("Even vertragen.", "Laten we even vertragen.")), say.say
        assert finding["match"].lower() not in say.say.lower() and "Ik hoorde" not in say.say
        assert finding["reframe"] in say.say


def test_an_order_gets_a_request_not_overwhelm() -> None:
    detector = WordDetector.load()
    d = Drive("vrij")
    d.speak(2.0, "Ruim die troep op", **_finding(detector, "Ruim die troep op"))
    d.wait(2)
    [(_, say)] = d.interventions()
    assert "Wil je me helpen opruimen? Dat zou ik fijn vinden." in say.say.replace("wil je", "Wil je")
    assert "overspoeld" not in say.say


def test_absolute_words_are_named_as_they_were_heard() -> None:
    d = Drive("vrij")
    d.speak(2.0, "je luistert nooit", category="absolute", match="nooit", reframe="Probeer het eens zo: x.")
    d.wait(2)
    [(_, say)] = d.interventions()
    assert "'nooit'" in say.say


def _propose_in_a_turn(turn_seconds: int = 120) -> Drive:
    d = Drive("vertraag", turn_seconds=turn_seconds, breathing=False)
    d.through_opening()
    for _ in range(3):
        d.wait(10)
        d.feed("raised_voice", onset=d.now - 1.5, rise_db=9.0)
    d.wait(SAY_S + 1)
    return d


def test_a_time_out_proposed_in_a_timed_turn_names_the_breaks_length() -> None:
    d = _propose_in_a_turn(turn_seconds=120)
    [proposal] = [s for _, s in d.says() if s.prompt == "timeout_voorstel"]
    assert "20 minuten" in proposal.say and "2 minuten" not in proposal.say.replace("20 minuten", "")


def test_a_time_out_names_the_clock_time_to_come_back_and_how_to_ask_for_more() -> None:
    d = Drive("vrij", pause_word="pauzeknop")
    d.speak(1.0, "Pauzeknop!")
    d.wait(3 * SAY_S + 1)
    begin = next(s for _, s in d.says() if s.prompt == "timeout_begin")
    shown, said = clock_text(d.config.clock_start + 1.0 + 20 * 60)
    assert CLOCK.search(begin.text) and shown in begin.text  # "Om 20.40 uur ..."
    assert said in begin.say and "." not in said  # "20 uur 40": read as a time, not a decimal
    more = next(s for _, s in d.says() if s.prompt == "timeout_meer_tijd")
    assert "pauzeknop" in more.say and "20 minuten" in more.say
    d.wait(20 * 60 + 10)  # the break is over; they are back ("terug")
    assert d.state.phase is not None and d.state.phase.id in ("terug", "ademen")
    d.speak(1.0, "pauzeknop")  # more time
    assert d.state.phase is not None and d.state.phase.id == "time-out"
    d.wait(2 * SAY_S + 30)
    assert d.state.phase is not None and d.state.phase.id == "pauze"  # a second full break


def test_one_verder_does_not_end_a_break_the_other_asked_for() -> None:
    d = Drive("vertraag", breathing=False)
    d.through_opening()
    d.speak(1.0, "time-out")  # one partner asks for a break
    while d.state.phase is None or d.state.phase.id != "pauze":
        d.wait(1)
    d.wait(60)
    d.speak(0.8, "verder")  # the other wants to go on
    d.wait(SAY_S + 1)
    assert d.state.phase.id == "pauze" and d.state.in_timeout
    assert d.says()[-1][1].prompt == "timeout_loopt"
    assert "allebei" in d.says()[-1][1].say
    d.speak(0.8, "verder")  # now both
    assert d.state.phase.id == "terug"


def test_a_key_ends_a_break_early() -> None:
    d = Drive("vrij", pause_word="pauzeknop")
    d.speak(1.0, "pauzeknop")
    while d.state.phase is None or d.state.phase.id != "pauze":
        d.wait(1)
    d.feed("command", command="resume")
    assert d.state.phase is not None and d.state.phase.id == "terug"


def test_one_verder_still_declines_a_break_vertraag_only_proposed() -> None:
    d = _propose_in_a_turn()
    d.speak(0.8, "verder")
    d.wait(40)
    assert not d.state.in_timeout
    assert [s.prompt for _, s in d.says("reply")][-1] == "timeout_geannuleerd"


def test_the_safety_stop_gives_the_warm_message_and_the_numbers() -> None:
    detector = WordDetector.load()
    d = Drive("vertraag", breathing=False)
    d.through_opening()
    text = "Als jij zo kwaad wordt, durf ik niks meer te zeggen"
    d.speak(3.0, text, **_finding(detector, text))
    [(_, say)] = d.interventions()
    assert say.reason == "safety" and d.ended() == "safety"
    assert "Wat er nu gezegd is, is belangrijker dan deze oefening." in say.say
    assert "nul achthonderd" in say.say and "één één twee" in say.say
    assert "0800-2000" in say.text and "1712" in say.text and "1813" in say.text


# ------------------------------------------------------------------ the report


def _page(*, audio_kept: bool, transcript: bool = False) -> str:
    started = datetime(2026, 3, 1, 20, 0)
    collector = ReportCollector(started=started, source="microfoon", transcript=transcript)
    phase = {"protocol": "vrij", "phase": "vrij", "kind": "talk", "seconds": 0.0}
    for event in (
        Event("phase", 0.0, phase),
        Event("speech_start", 1.0, {}),
        Event("speech_end", 4.0, {"duration": 3.0}),
        Event("prompt", 5.0, {"id": "vertragen", "text": "Even vertragen.", "reason": "command"}),
        Event("session_end", 9.0, {"reason": "done"}),
    ):
        collector.add(event)
    report = collector.report()
    report["audio_kept"] = audio_kept
    return session_page(report)


def test_the_report_says_no_sound_was_kept_only_when_none_was() -> None:
    assert "Er is geen geluid bewaard en geen woord van het gesprek." in _page(audio_kept=False)
    kept = _page(audio_kept=True)
    assert "geen geluid" not in kept and "Het geluid is op jullie verzoek bewaard" in kept


def test_a_command_nudge_is_not_labelled_as_an_answer_to_a_spoken_command() -> None:
    page = _page(audio_kept=False)
    assert "spraakopdracht" not in page
    assert "bevel: uitnodiging tot een verzoek" in page


def test_prompts_that_name_the_clock_time_are_not_rendered_ahead() -> None:
    from vertraag.session import initial_state
    from vertraag.session.talk import foreseeable_prompts

    ahead = {prompt for prompt, _, _ in foreseeable_prompts(initial_state(Drive("vertraag").config))}
    assert "timeout_tips" in ahead and "timeout_meer_tijd" in ahead  # the break's own words: ready
    assert "timeout_begin" not in ahead  # "Om 20.40 uur ..." is only known when it is said
