"""The terminal screen of `vertraag start` (Textual): a setup form, then the session.

    setup:   the names, the pause word, the protocol, the detectors, whether to reuse the calibration
    session: phase and whose turn it is, a big timer, the loudness meter (calm level and threshold marked),
             the last prompt, the counts so far; keys: space volgende, p pauze/verder, h herhaal,
             t time-out, q stoppen (Ctrl-C too)

The app never touches audio: keys go to `session.send(...)` (handled by the worker between two frames, at
audio time), and the screen is the fold (`ScreenModel`) of the events the worker puts on its queue.
Calm colours, no flashing; it fits 80x24.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Digits, Footer, Static

from vertraag.display.meter import meter
from vertraag.display.model import CALIBRATING, MIC_LOST, ScreenModel, SessionLike
from vertraag.display.setup import SetupScreen
from vertraag.phrases import language_dir, load_toml, screen_text
from vertraag.start.live import Choice

POLL_S = 0.05  # how often the screen takes new events: quicker than the eye, cheap
CLOSE_AFTER_S = 2.0  # the last screen stays this long after the session ended, then the app exits
SAFETY_END = "safety"  # after a safety stop the help lines stay on screen until a key is pressed
SECONDS_PER_MINUTE = 60
PHASE_WORDS = str.maketrans("-_", "  ")

CSS = """
Screen { background: #1e2a2f; color: #d8e2dc; }
#phase { text-style: bold; color: #a9cbb7; height: 1; margin: 1 2 0 2; }
#turn { height: 1; margin: 0 2; }
#timer { color: #e8e4d8; margin: 1 2 0 2; width: auto; }
#meter { height: 2; margin: 1 2 0 2; }
#prompt { border: round #4f6f66; padding: 0 1; margin: 1 2 0 2; height: 6; }
#counts { height: 1; margin: 0 2; color: #9fb3ad; }
#status { height: 1; margin: 0 2; color: #d9b26f; }
#setup { padding: 1 2; }
#setup Label { margin-top: 1; color: #a9cbb7; }
#setup Horizontal { height: auto; }
#names Vertical { width: 1fr; height: auto; margin-right: 2; }
#setup Label { margin-top: 1; color: #a9cbb7; }
#start { margin-top: 1; }
#help { padding: 1 2; color: #e8e4d8; }
"""


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "send('next')", screen_text("key_next")),
        Binding("p", "toggle_pause", screen_text("key_pause")),
        Binding("h", "send('repeat')", screen_text("key_repeat")),
        Binding("t", "send('timeout')", screen_text("key_timeout")),
        Binding("q", "send('stop')", screen_text("key_stop")),
        Binding("ctrl+c", "send('stop')", show=False, priority=True),
    ]

    def __init__(self, session: SessionLike, model: ScreenModel, clock: Callable[[], float]) -> None:
        super().__init__()
        self._session = session
        self._model = model
        self._clock = clock

    def compose(self) -> ComposeResult:
        yield Static(id="phase")
        yield Static(id="turn")
        yield Digits(screen_text("timer_open"), id="timer")
        yield Static(id="meter")
        yield Static(screen_text("no_prompt"), id="prompt")
        yield Static(id="counts")
        yield Static(id="status")
        yield Footer()

    def action_send(self, command: str) -> None:
        self._session.send(command)

    def action_toggle_pause(self) -> None:
        self._session.send("resume" if self._model.paused else "pause")

    def refresh_from(self, model: ScreenModel) -> None:
        phase = screen_text("phase_calibration") if model.status == CALIBRATING else model.phase
        self.query_one("#phase", Static).update(phase.translate(PHASE_WORDS).upper())
        heard = model.heard_name()
        turn = _turn(model)
        if heard is not None:
            now_heard = screen_text("heard", name=heard)
            turn = f"{turn}  ·  {now_heard}" if turn else now_heard
        self.query_one("#turn", Static).update(turn)
        self.query_one("#timer", Digits).update(_timer(model, self._clock()))
        bar = meter(model.level_db, model.calm_db, model.threshold_db)
        legend = Text(f"{screen_text('meter')}  {screen_text('meter_legend')}", style="#9fb3ad")
        self.query_one("#meter", Static).update(Text("\n").join([bar, legend]))
        self.query_one("#prompt", Static).update(model.last_prompt or screen_text("no_prompt"))
        self.query_one("#counts", Static).update(screen_text("counts", **model.counts))
        self.query_one("#status", Static).update(_status(model))


class HelpScreen(Screen[None]):
    """After a safety stop: the help lines, calm and complete, until a key is pressed (nothing else)."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+c", "close", show=False, priority=True)]

    def compose(self) -> ComposeResult:
        yield Static(screen_text("help_lines"), id="help")

    def on_key(self) -> None:
        self.action_close()

    def action_close(self) -> None:
        self.app.exit(getattr(self.app, "model", None))


def end_reason(reason: str) -> str:
    """The end reason in words (messages.toml [end_reasons])."""
    return str(load_toml(language_dir() / "messages.toml").get("end_reasons", {}).get(reason, reason))


def _turn(model: ScreenModel) -> str:
    if model.speaker and model.listener:
        return screen_text("turn", speaker=model.speaker, listener=model.listener)
    if model.speaker:
        return screen_text("turn_one", speaker=model.speaker)
    return screen_text("turn_open") if model.phase else ""


def _timer(model: ScreenModel, now: float) -> str:
    if model.seconds <= 0:
        return screen_text("timer_open")
    minutes, seconds = divmod(int(model.remaining(now) + 0.999), SECONDS_PER_MINUTE)
    return f"{minutes:02d}:{seconds:02d}"


def _status(model: ScreenModel) -> str:
    if model.ended == SAFETY_END:
        return screen_text("ended_safety")  # never "tot de volgende keer": no invitation to go on together
    if model.ended is not None:
        return screen_text("ended", reason=end_reason(model.ended))
    if model.status in (CALIBRATING, MIC_LOST):
        return screen_text(model.status)
    if model.status:
        return model.status
    return screen_text("paused") if model.paused else ""


class VertraagApp(App[ScreenModel]):
    """`ask=False` skips the setup form (names and choices from the config or the profile)."""

    CSS = CSS
    TITLE = "vertraag"
    ENABLE_COMMAND_PALETTE = False

    def __init__(
        self,
        session: SessionLike,
        defaults: Choice,
        *,
        ask: bool = True,
        clock: Callable[[], float] = time.monotonic,
        close_after_s: float = CLOSE_AFTER_S,
    ) -> None:
        super().__init__()
        self.session = session
        self.model = ScreenModel()
        self.choice: Choice | None = None
        self._defaults = defaults
        self._ask = ask
        self._clock = clock
        self._close_after_s = close_after_s
        self._view: SessionScreen | None = None
        self._worker: threading.Thread | None = None
        self._done = False

    def on_mount(self) -> None:
        if self._ask:
            self.push_screen(SetupScreen(self._defaults, self.session), self.begin)
            self.set_interval(POLL_S, self._stopped_during_setup)
        else:
            self.begin(self._defaults)

    def _stopped_during_setup(self) -> None:
        """A stop from outside (SIGTERM) while the names are asked: there is no session yet to end."""
        if self._worker is None and getattr(self.session, "ended_from_outside", False):
            self.exit(None)

    def begin(self, choice: Choice | None) -> None:
        if choice is None:
            self.exit(None)
            return
        self.choice = choice
        self.model.names = {"a": choice.name_a, "b": choice.name_b}
        self._view = SessionScreen(self.session, self.model, self._clock)
        self.push_screen(self._view)
        self._worker = threading.Thread(target=self.session.run, args=(choice,), name="vertraag-session")
        self._worker.daemon = True
        self._worker.start()
        self.set_interval(POLL_S, self._poll)

    def _poll(self) -> None:
        changed = False
        while not self._done:
            try:
                event = self.session.events.get_nowait()
            except queue.Empty:
                break
            if event is None:
                self._done = True
                if getattr(self.session, "ended_from_outside", False):
                    self.exit(self.model)  # stopped from outside (systemd, kill): the stop must take seconds
                elif self.model.ended == SAFETY_END:
                    self.push_screen(HelpScreen())  # the numbers stay until a key
                else:
                    self.set_timer(self._close_after_s, lambda: self.exit(self.model))
                break
            lost = self.model.mic_lost
            self.model.apply(event, self._clock())
            changed = True
            if lost and not self.model.mic_lost:
                self.refresh(repaint=True)  # whatever the sound system scribbled meanwhile is painted over
        if self._view is not None and (changed or self.model.timer_running):
            self._view.refresh_from(self.model)

    def on_unmount(self) -> None:
        if self._worker is not None and self._worker.is_alive():
            self.session.send("stop")
            self.session.send("stop")  # a second stop ends at once: the app is going away
            self._worker.join(timeout=5)
