"""The terminal screen in Textual's own harness (80x24, no terminal): the setup form, keys -> commands, and
what the screen shows for a session's events."""

from __future__ import annotations

import asyncio
import queue
import threading
from pathlib import Path

from textual.widgets import Checkbox, Input, Select, Static

from vertraag.display.app import HelpScreen, SessionScreen, VertraagApp
from vertraag.display.meter import CALM_MARK, THRESHOLD_MARK, meter
from vertraag.events import Event
from vertraag.start.live import METER, Choice
from vertraag.start.profile import PartnerCalm, Profile

SIZE = (80, 24)
DEFAULTS = Choice(name_a="Anna", name_b="Bram", pause_word="time-out", protocol="vertraag")
PHASE = {"protocol": "vertraag", "phase": "spreken", "speaker": "Anna", "listener": "Bram", "seconds": 120.0}


class FakeSession:
    """Plays a few events of a session; ends with the closing when it is told to stop."""

    def __init__(self, *, known: bool = False) -> None:
        self.events: queue.Queue[Event | None] = queue.Queue()
        self.sent: list[str] = []
        self.choice: Choice | None = None
        self.known = known
        self._stopped = threading.Event()

    def send(self, command: str) -> None:
        self.sent.append(command)
        if command == "pause":
            self.events.put(Event("prompt", 1.0, {"id": "pauze", "text": "Pauze.", "reason": "reply"}))
        if command == "stop":
            self._stopped.set()

    def profile_for(self, name_a: str, name_b: str) -> Profile | None:
        if not self.known or {name_a, name_b} != {"Anna", "Bram"}:
            return None
        return Profile(PartnerCalm("Anna", -30.0), PartnerCalm("Bram", -28.0), "time-out")

    def run(self, choice: Choice) -> None:
        self.choice = choice
        self.events.put(Event("phase", 0.0, PHASE))
        self.events.put(Event("prompt", 0.0, {"id": "spreken", "text": "Anna, jij hebt het woord.",
                                              "reason": "protocol"}))  # fmt: skip
        self.events.put(Event("timer", 5.0, {"running": True, "remaining": 95.0}))
        self.events.put(Event(METER, 5.0, {"level_db": -22.0, "calm_db": -30.0, "threshold_db": -24.0}))
        self.events.put(Event("raised_voice", 6.0, {"rise_db": 8.0, "onset": 4.5}))
        self.events.put(Event("voice", 6.5, {"talker": "a", "start": 5.5, "end": 6.5, "confidence": 0.9}))
        self.events.put(Event("prompt", 7.0, {"id": "stem", "text": "Even een moment rust. Adem met me mee.",
                                              "reason": "raised_voice"}))  # fmt: skip
        self._stopped.wait(timeout=30)
        closing = {**PHASE, "phase": "afsluiting", "speaker": None, "listener": None, "seconds": 0.0}
        self.events.put(Event("phase", 8.0, closing))
        self.events.put(
            Event("prompt", 8.0, {"id": "afsluiting", "text": "Dank jullie wel.", "reason": "protocol"})
        )
        self.events.put(Event("session_end", 9.0, {"reason": "stopped"}))
        self.events.put(None)


def _text(app: VertraagApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def _settle(pilot: object, seconds: float = 0.3) -> None:
    await asyncio.sleep(seconds)
    await pilot.pause()  # type: ignore[attr-defined]


def test_keys_become_commands_and_the_screen_shows_the_session() -> None:
    async def scenario() -> None:
        session = FakeSession()
        app = VertraagApp(session, DEFAULTS, ask=False, clock=lambda: 10.0, close_after_s=0.2)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            assert isinstance(app.screen, SessionScreen)
            assert _text(app, "#phase") == "SPREKEN"
            assert "Anna spreekt" in _text(app, "#turn") and "Bram luistert" in _text(app, "#turn")
            assert "ik hoor nu Anna" in _text(app, "#turn")  # whose voice is heard now
            assert "Adem met me mee" in _text(app, "#prompt")  # the last prompt
            assert "stem omhoog 1" in _text(app, "#counts") and "ingrepen 1" in _text(app, "#counts")
            assert CALM_MARK in _text(app, "#meter") and THRESHOLD_MARK in _text(app, "#meter")
            for key in ("space", "h", "t", "p"):
                await pilot.press(key)
            await _settle(pilot)
            assert "pauze" in _text(app, "#status")
            await pilot.press("p")  # paused now: p means "verder"
            await pilot.press("ctrl+c")  # the same as q
            await _settle(pilot, 0.6)
        assert session.sent == ["next", "repeat", "timeout", "pause", "resume", "stop"]
        assert app.model.ended == "stopped" and app.model.last_prompt == "Dank jullie wel."
        assert app.return_value is app.model

    asyncio.run(scenario())


def test_the_setup_form_takes_names_protocol_and_detectors_and_offers_the_saved_calibration() -> None:
    async def scenario() -> None:
        session = FakeSession(known=True)
        app = VertraagApp(session, DEFAULTS, close_after_s=0.2)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert not screen.query_one("#reuse", Checkbox).disabled  # Anna and Bram were here before
            screen.query_one("#name_b", Input).value = "Cor"
            await pilot.pause()
            assert screen.query_one("#reuse", Checkbox).disabled  # a new couple calibrates
            screen.query_one("#protocol", Select).value = "spreker-luisteraar"
            screen.query_one("#words", Checkbox).value = False
            await pilot.click("#start")
            await _settle(pilot)
            await pilot.press("q")
            await _settle(pilot, 0.6)
        assert session.choice is not None
        assert (session.choice.name_a, session.choice.name_b) == ("Anna", "Cor")
        assert session.choice.protocol == "spreker-luisteraar"
        assert not session.choice.words and session.choice.raised_voice
        assert not session.choice.reuse_profile

    asyncio.run(scenario())


def test_the_meter_marks_calm_and_threshold_and_turns_amber_only_above_it() -> None:
    calm = meter(-40.0, -30.0, -24.0)
    assert calm.plain.index(CALM_MARK) < calm.plain.index(THRESHOLD_MARK)
    assert "#d9b26f" not in str(calm.spans)
    assert "#d9b26f" in str(meter(-20.0, -30.0, -24.0).spans)
    assert CALM_MARK not in meter(-40.0, None, None).plain


def test_everything_fits_80_by_24(tmp_path: Path) -> None:
    async def scenario() -> None:
        app = VertraagApp(FakeSession(), DEFAULTS, ask=False, clock=lambda: 10.0, close_after_s=0.2)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            for selector in ("#phase", "#turn", "#timer", "#meter", "#prompt", "#counts", "#status"):
                region = app.screen.query_one(selector).region
                assert region.bottom <= SIZE[1] - 1 and region.right <= SIZE[0], (selector, region)
            (tmp_path / "screen.svg").write_text(app.export_screenshot())
            await pilot.press("q")
            await _settle(pilot, 0.6)

    asyncio.run(scenario())


def test_the_model_holds_the_timer_and_says_when_the_microphone_is_gone_and_back() -> None:
    from vertraag.display.model import MIC_LOST, ScreenModel

    model = ScreenModel()
    model.apply(Event("phase", 0.0, PHASE), now=100.0)
    model.apply(Event("timer", 3.0, {"running": True, "remaining": 120.0}), now=103.0)
    assert model.remaining(113.0) == 110.0  # counts down on the display's clock
    model.apply(Event("source_problem", 13.0, {"reason": "weg"}), now=113.0)
    gone = {"id": "microfoon_weg", "text": "De microfoon is weg.", "reason": "reply"}
    model.apply(Event("prompt", 13.0, gone), now=113.0)
    model.apply(Event("timer", 13.0, {"running": False, "remaining": 110.0}), now=113.0)
    assert model.status == MIC_LOST and model.remaining(200.0) == 110.0  # held while it is gone
    back = {"id": "microfoon_terug", "text": "Terug.", "reason": "reply"}
    model.apply(Event("prompt", 13.0, back), now=200.0)
    assert not model.mic_lost and model.status == ""
    assert model.counts["prompts"] == 0  # the notices are not interventions


def test_a_stop_from_outside_closes_the_setup_form_and_a_session_at_once() -> None:
    async def scenario() -> None:
        session = FakeSession()
        app = VertraagApp(session, DEFAULTS, ask=True, clock=lambda: 10.0, close_after_s=30.0)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            session.ended_from_outside = True  # what LiveSession.send("end") sets (SIGTERM, SIGINT)
            await _settle(pilot, 0.5)
            assert app.choice is None and not app.is_running  # the form is gone: nothing to end yet
        session = FakeSession()
        app = VertraagApp(session, DEFAULTS, ask=False, clock=lambda: 10.0, close_after_s=30.0)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot)
            session.ended_from_outside = True
            session.send("stop")
            await _settle(pilot, 1.0)
            assert not app.is_running  # not the 30 s the last screen stays after a q

    asyncio.run(scenario())


class SafetySession(FakeSession):
    """A session that stops for safety: the help lines, then the end."""

    def run(self, choice: Choice) -> None:
        self.choice = choice
        self.events.put(Event("phase", 0.0, PHASE))
        help_text = "We stoppen hier. Bel Veilig Thuis: 0800-2000. Bij direct gevaar: 112."
        self.events.put(Event("prompt", 3.0, {"id": "veiligheid", "text": help_text, "reason": "safety"}))
        self.events.put(Event("session_end", 3.0, {"reason": "safety"}))
        self.events.put(None)


def test_after_a_safety_stop_the_help_lines_stay_until_a_key_and_never_invite_a_next_session() -> None:
    async def scenario() -> None:
        app = VertraagApp(SafetySession(), DEFAULTS, ask=False, clock=lambda: 10.0, close_after_s=0.2)
        async with app.run_test(size=SIZE) as pilot:
            await _settle(pilot, 1.0)  # well past close_after_s: still open
            assert app.is_running and app.return_value is None
            shown = _text(app, "#help")
            for number in ("0800-2000", "112", "113", "1712", "1813", "veiligthuis.nl"):
                assert number in shown, number
            last = shown.strip().splitlines()[-1]
            assert "toets" in last and "volgende keer" not in last and "samen" not in last
            app.pop_screen()  # the session screen under it: its last line is no invitation either
            assert "volgende keer" not in _text(app, "#status")
            app.push_screen(HelpScreen())
            await pilot.pause()
            await pilot.press("x")
            await _settle(pilot)
        assert app.return_value is app.model and app.model.ended == "safety"

    asyncio.run(scenario())


def test_the_screen_knows_whose_voice_it_hears_now() -> None:
    from vertraag.display.model import ScreenModel

    model = ScreenModel(names={"a": "Anna", "b": "Bram"})
    model.apply(Event("speech_start", 1.0), 1.0)
    assert model.heard_name() is None  # not known in the first second
    model.apply(Event("voice", 2.0, {"talker": "b", "start": 1.0, "end": 2.0, "confidence": 0.9}), 2.0)
    assert model.heard_name() == "Bram"
    model.apply(Event("voice", 3.0, {"talker": None, "start": 2.0, "end": 3.0, "confidence": 0.3}), 3.0)
    assert model.heard_name() is None  # unsure: no name rather than the wrong one
    model.apply(Event("voice", 4.0, {"talker": "a", "start": 3.0, "end": 4.0, "confidence": 0.9}), 4.0)
    assert model.heard_name() == "Anna"
    model.apply(Event("speech_end", 5.0, {"duration": 4.0, "talker": "a"}), 5.0)
    assert model.heard_name() is None
