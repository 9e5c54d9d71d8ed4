"""The setup form of `vertraag start`: the names, the pause word, the protocol, the detectors, whether to
reuse the calibration (a `Choice` for the session)."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from vertraag.display.model import SessionLike
from vertraag.phrases import protocol_names, screen_text
from vertraag.start.live import Choice


class SetupScreen(Screen[Choice]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("ctrl+c", "app.quit", show=False, priority=True)]

    def __init__(self, defaults: Choice, session: SessionLike) -> None:
        super().__init__()
        self._defaults = defaults
        self._session = session

    def compose(self) -> ComposeResult:
        d = self._defaults
        with Vertical(id="setup"):
            yield Static(Text(screen_text("setup_title"), style="bold"))
            with Horizontal(id="names"):
                with Vertical():
                    yield Label(screen_text("name_a"))
                    yield Input(d.name_a, id="name_a", compact=True)
                with Vertical():
                    yield Label(screen_text("name_b"))
                    yield Input(d.name_b, id="name_b", compact=True)
            yield Label(screen_text("pause_word"))
            yield Input(d.pause_word, id="pause_word", compact=True)
            yield Label(screen_text("protocol"))
            options = [(name, name) for name in protocol_names()]
            yield Select(options, value=d.protocol, allow_blank=False, id="protocol", compact=True)
            yield Label(screen_text("detectors"))
            yield Checkbox(screen_text("raised_voice"), d.raised_voice, id="raised_voice", compact=True)
            yield Checkbox(screen_text("words"), d.words, id="words", compact=True)
            yield Checkbox(screen_text("speech_rate"), d.speech_rate, id="speech_rate", compact=True)
            yield Checkbox(screen_text("reuse"), d.reuse_profile, id="reuse", compact=True)
            yield Button(screen_text("start"), id="start", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._offer_profile()

    def on_input_changed(self, event: Input.Changed) -> None:
        self._offer_profile()

    def _offer_profile(self) -> None:
        """Reusing a calibration is offered only when this couple has one."""
        names = self._names()
        known = all(names) and self._session.profile_for(*names) is not None
        reuse = self.query_one("#reuse", Checkbox)
        reuse.disabled = not known
        reuse.value = known and self._defaults.reuse_profile

    def _names(self) -> tuple[str, str]:
        return (
            self.query_one("#name_a", Input).value.strip(),
            self.query_one("#name_b", Input).value.strip(),
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._start()  # Enter in a field starts too

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self._start()

    def _start(self) -> None:
        name_a, name_b = self._names()
        if not name_a or not name_b:
            self.query_one("#name_a" if not name_a else "#name_b", Input).focus()
            return
        reuse = self.query_one("#reuse", Checkbox)
        protocol = self.query_one("#protocol", Select).value
        choice = Choice(
            name_a=name_a,
            name_b=name_b,
            pause_word=self.query_one("#pause_word", Input).value.strip() or self._defaults.pause_word,
            protocol=str(protocol) if isinstance(protocol, str) else self._defaults.protocol,
            raised_voice=self.query_one("#raised_voice", Checkbox).value,
            words=self.query_one("#words", Checkbox).value,
            speech_rate=self.query_one("#speech_rate", Checkbox).value,
            reuse_profile=reuse.value and not reuse.disabled,
        )
        self.dismiss(choice)
