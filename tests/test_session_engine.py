"""The session engine, driven in audio time without audio: what a couple at the table would notice."""

from __future__ import annotations

import itertools

from tests.session_driver import SAY_S, Drive
from vertraag.session.actions import Timer

NOOIT = {
    "category": "absolute",
    "match": "nooit",
    "reframe": "Probeer het eens zo: ik voelde me niet gehoord.",
}
THREAT = {"category": "threat", "match": "dan ga ik weg", "reframe": "Wil je zeggen wat je nodig hebt?"}


def test_the_structured_dialogue_runs_its_phases_in_order_and_swaps_roles() -> None:
    d = Drive("vertraag", turn_seconds=10, mirror_seconds=5, breathing=False)
    d.until(1200)
    order = [(p.phase, p.speaker) for _, p in d.phases()]
    assert order[0] == ("welkom", None)
    assert ("ademen", None) not in order  # switched off
    # mirror, "klopt dat? is er meer?", what is added mirrored too, validate, empathy, the speaker's check
    turn = ["spreken", "spiegelen", "aanvullen", "nog-spiegelen", "valideren", "inleven", "klopt-dat"]
    assert [p for p, _ in order[1:15]] == turn + turn
    assert order[1][1] == "partner een" and order[8][1] == "partner twee"  # then they swap
    assert [p for p, _ in order[15:]] == ["waardering-eerste", "waardering-tweede", "afsluiting"]
    assert d.ended() == "done"


def test_a_turn_ends_on_time_and_its_timer_waits_for_the_prompt_and_a_pause() -> None:
    d = Drive("vertraag", turn_seconds=30, breathing=False)
    d.through_opening()
    began = d.now  # the prompt is done: the turn's 30 s start now
    d.wait(20)
    d.feed("command", command="pause")
    d.wait(60)  # a long pause: the timer stands still
    assert d.state.phase is not None and d.state.phase.id == "spreken"
    assert 9.0 < d.state.remaining_s < 10.5
    d.feed("command", command="resume")
    d.wait(SAY_S + 12)
    changes = [t for t, p in d.phases() if p.phase == "spiegelen"]
    assert changes, d.phases()
    spoken = changes[0] - began - 60  # minus the pause
    assert 29.5 <= spoken <= 31.5
    timers = [a for _, a in d.log if isinstance(a, Timer)]
    assert any(not a.running for a in timers) and all(a.remaining_s >= 0 for a in timers)


def test_time_up_waits_for_a_pause_in_speech_but_not_forever() -> None:
    d = Drive("vertraag", turn_seconds=10, breathing=False)
    d.through_opening()
    d.wait(8)
    d.feed("speech_start")
    d.wait(3)  # the time runs out mid-sentence ...
    assert d.state.phase is not None and d.state.phase.id == "spreken"
    d.wait(0.5)
    d.feed("speech_end", duration=3.5)
    d.wait(1.0)  # ... and the phase ends at the pause after it
    assert d.state.phase is not None and d.state.phase.id == "spiegelen"
    d2 = Drive("vertraag", turn_seconds=10, breathing=False)
    d2.through_opening()
    d2.feed("speech_start")
    d2.wait(10 + d2.config.settings.phase_end_grace_s + 0.5)  # one who does not stop talking
    assert d2.state.phase is not None and d2.state.phase.id == "spiegelen"


def test_volgende_ends_a_phase_early() -> None:
    d = Drive("vertraag", breathing=False)
    d.through_opening()
    d.speak(1.0, "volgende")
    assert d.state.phase is not None and d.state.phase.id == "spiegelen"
    d.speak(1.0, "ik wil niet verder met de volgende vraag")  # conversation, not a command
    assert d.state.phase is not None and d.state.phase.id == "spiegelen"


def test_unsafe_words_get_their_invitation_at_the_pause_not_mid_sentence() -> None:
    d = Drive("vrij")
    d.speak(3.0, "je luistert ook nooit naar me", **NOOIT)
    d.feed("speech_start")  # she goes on talking right away
    d.wait(5.0)
    assert not d.interventions()
    d.feed("speech_end", duration=5.0)
    end = d.now
    d.wait(1.5)
    ((t, say),) = d.interventions()
    assert say.reason == "absolute" and "'nooit'" in say.text and "niet gehoord" in say.text
    assert end + 0.69 <= t <= end + 0.8
    assert say.trigger_t == 3.0


def test_a_threat_pauses_at_once_even_mid_sentence() -> None:
    d = Drive("vertraag", breathing=False)
    d.through_opening()
    d.feed("speech_start")
    d.wait(2)
    d.feed("finding", utterance_end=d.now, **THREAT)
    d.wait(0.1)
    ((t, say),) = d.interventions()
    assert say.reason == "threat" and t <= d.now
    assert d.state.timer_running is False  # the turn waits while vertraag speaks


def test_danger_stops_the_exercise_with_the_help_lines() -> None:
    d = Drive("vertraag", breathing=False)
    d.through_opening()
    d.speak(2.0, "ik ben bang voor je", category="safety", match="bang voor je", reframe="")
    ((_, say),) = d.interventions()
    assert say.reason == "safety" and "0800-2000" in say.text and "112" in say.text
    assert "één één twee" in say.say  # spoken as digits, not "honderdtwaalf"
    assert d.ended() == "safety"
    d.wait(300)
    assert len(d.says()) == 3  # welcome, the turn, the help: nothing after it


def test_at_most_one_intervention_per_gap_and_never_the_same_wording_twice() -> None:
    d = Drive("vrij")
    for _ in range(12):
        d.speak(2.0, "je luistert ook nooit", **NOOIT)
        d.wait(3.0)
    said = d.interventions()
    times = [t for t, _ in said]
    assert 2 <= len(said) <= 4
    assert all(b - a >= d.config.settings.min_gap_s for a, b in itertools.pairwise(times))
    texts = [s.text for _, s in said]
    assert all(a != b for a, b in itertools.pairwise(texts))
    assert said[0][1].prompt == "woord" and said[1][1].prompt == "woord_stevig"  # gentle first


def test_a_raised_voice_pauses_the_turn_with_a_breath_then_the_turn_goes_on() -> None:
    d = Drive("vertraag", turn_seconds=60, breathing=False)
    d.through_opening()
    d.wait(10)
    d.feed("raised_voice", onset=d.now - 1.5, rise_db=9.0)
    d.wait(0.1)
    ((_, say),) = d.interventions()
    assert say.reason == "raised_voice"
    assert any(type(a).__name__ == "Breathe" for _, a in d.log[-4:])
    remaining = d.state.remaining_s
    d.wait(SAY_S + 10)  # the prompt and the breath (2 x 10 s) ...
    assert d.state.remaining_s == remaining  # ... the timer waited
    d.wait(SAY_S + 10)
    assert d.state.remaining_s < remaining


def test_repeated_raised_voices_propose_a_time_out_which_runs_and_returns() -> None:
    d = Drive("vertraag", turn_seconds=600, breathing=False)
    d.through_opening()
    for _ in range(3):
        d.wait(30)
        d.feed("raised_voice", onset=d.now - 1.5, rise_db=9.0)
    d.wait(40)
    reasons = [s.reason for _, s in d.interventions()]
    assert reasons[-1] == "escalation", reasons
    phases = [p.phase for _, p in d.phases()]
    assert phases[-4:] == ["time-out", "tips", "meer-tijd", "pauze"]
    d.wait(20 * 60 + 60)
    phases = [p.phase for _, p in d.phases()]
    assert phases[-3:] == ["pauze", "terug", "spreken"] or phases[-4:-1] == ["pauze", "terug", "spreken"]
    assert d.state.phase is not None and d.state.phase.id == "spreken"  # a soft restart of the turn


def test_a_proposed_time_out_can_be_declined() -> None:
    d = Drive("vrij")
    for _ in range(3):
        d.wait(25)
        d.feed("raised_voice", onset=d.now - 1.5)
    d.wait(SAY_S + 1)
    d.speak(0.8, "verder")
    d.wait(30)
    assert [p.phase for _, p in d.phases()] == ["vrij"]
    assert d.says("reply")[-1][1].prompt == "timeout_geannuleerd"


def test_the_pause_word_starts_a_time_out_at_once() -> None:
    d = Drive("vrij", pause_word="pauzeknop")
    d.speak(1.0, "Pauzeknop!")
    assert [p.phase for _, p in d.phases()][-1] == "time-out"


def test_an_i_message_is_acknowledged_only_now_and_then_after_a_nudge() -> None:
    i_message = {"category": "i_message", "match": "ik voelde me", "reframe": ""}
    calm = Drive("vrij")
    calm.speak(3.0, "ik voelde me alleen", **i_message)
    calm.wait(5)
    assert not calm.interventions()  # a calm conversation is not praised
    d = Drive("vrij")
    d.speak(3.0, "je luistert nooit", **NOOIT)
    d.wait(25)
    for _ in range(4):
        d.speak(3.0, "ik voelde me niet gehoord", **i_message)
        d.wait(25)
    assert [s.reason for _, s in d.interventions()] == ["absolute", "i_message"]


def test_stop_runs_the_closing_and_a_second_stop_ends_at_once() -> None:
    d = Drive("vertraag", breathing=False)
    d.through_opening()
    d.feed("command", command="stop")
    assert d.state.phase is not None and d.state.phase.id == "waardering-eerste"
    d.feed("command", command="stop")
    assert d.ended() == "stopped"


def test_speaker_listener_waits_for_the_floor_to_be_passed() -> None:
    d = Drive("spreker-luisteraar", turn_seconds=20)
    while d.state.phase is None or d.state.phase.id != "spreken":
        d.wait(1)
    d.wait(SAY_S + 21)  # past its time: a reminder, not a move
    assert d.state.phase.id == "spreken"
    assert d.says()[-1][1].prompt == "vloer_spreken_herinnering"
    d.speak(1.0, "volgende")
    assert d.state.phase.id == "samenvatten"


def test_a_lost_microphone_holds_the_turn_says_so_and_it_goes_on_where_it_was() -> None:
    d = Drive("vertraag", turn_seconds=30, breathing=False)
    d.through_opening()
    d.wait(10)
    d.feed("source_lost")
    assert [s.prompt for _, s in d.says()][-1] == "microfoon_weg"
    d.wait(120)  # two minutes without a microphone: the turn does not run out
    assert d.state.phase is not None and d.state.phase.id == "spreken"
    d.speak(3.0, "je luistert ook nooit naar me", **NOOIT)  # nothing is decided on a lost source
    assert [s.prompt for _, s in d.says()][-1] == "microfoon_weg"
    d.feed("source_back")
    assert [s.prompt for _, s in d.says()][-1] == "microfoon_terug"
    d.wait(SAY_S + 1)
    assert d.state.phase is not None and d.state.phase.id == "spreken"
    assert 15.5 < d.state.remaining_s < 16.5  # the 20 s left when it went, minus the 4 s since it is back
    d.feed("source_back")  # said once only
    assert [s.prompt for _, s in d.says()].count("microfoon_terug") == 1


def test_a_guide_cut_short_by_a_lost_microphone_is_given_again_when_it_is_back() -> None:
    d = Drive("vertraag", breathing=False)
    d.wait(1.0)  # the welcome is being spoken
    d.feed("source_lost")
    d.wait(30)
    d.feed("source_back")
    assert [s.prompt for _, s in d.says()][-2:] == ["microfoon_terug", "welkom"]
    d.wait(2 * SAY_S + 1)
    assert d.state.phase is not None and d.state.phase.id == "spreken"


def test_firmer_wording_is_for_the_same_kind_of_thing_going_on() -> None:
    d = Drive("vrij")
    d.speak(2.0, "je luistert nooit", **NOOIT)
    d.wait(25)
    d.feed("raised_voice", onset=d.now - 1.5)
    d.wait(1)
    d.wait(30)
    d.speak(2.0, "je luistert nooit", **NOOIT)
    d.wait(2)
    assert [s.prompt for _, s in d.interventions()] == ["woord", "stem", "woord_stevig"]
