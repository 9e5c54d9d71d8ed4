"""Drive the pure session engine in audio time, as the runner would, without audio (tests only).

Voice blocks last a fixed, known time (a prompt SAY_S, a chime CHIME_S, a breath its own length) and a
`prompt_done` follows each block, so a test can say "two minutes later" and run in milliseconds.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from vertraag.config import ProtocolSettings, SessionSettings
from vertraag.events import Event
from vertraag.session import SessionConfig, initial_state, start, step
from vertraag.session.actions import PROMPT_DONE, TICK, Action, Breathe, Chime, End, Hush, PhaseChange, Say

SAY_S = 3.0
CHIME_S = 1.0
TICK_S = 0.032


class Drive:
    def __init__(self, protocol: str = "vertraag", *, session: dict[str, Any] | None = None, **proto: Any):
        settings = ProtocolSettings(name=protocol, **proto)
        self.config = SessionConfig.load(
            settings, SessionSettings(**(session or {})), default_protocol="vrij"
        )
        self.now = 0.0
        self.voice_end: float | None = None
        self.log: list[tuple[float, Action]] = []
        self.state, actions = start(initial_state(self.config), 0.0)
        self._record(actions)

    # ------------------------------------------------------------------ feeding
    def feed(self, type_: str, t: float | None = None, **data: Any) -> list[Action]:
        event = Event(type_, self.now if t is None else t, data)
        self.state, actions = step(self.state, event, self.now)
        self._record(actions)
        return actions

    def until(self, t: float) -> None:
        """Let audio time pass to `t`, with ticks and prompt_done as the runner would send them."""
        while self.now < t - 1e-9:
            self.now = min(t, self.now + TICK_S)
            if self.voice_end is not None and self.now >= self.voice_end:
                self.voice_end = None
                self.feed(PROMPT_DONE)
            self.feed(TICK)

    def wait(self, seconds: float) -> None:
        self.until(self.now + seconds)

    def speak(self, seconds: float, text: str = "", **finding: Any) -> None:
        """Someone talks for `seconds`; an utterance (and a finding) arrives at the end of the speech."""
        start_t = self.now
        self.feed("speech_start", start_t)
        self.wait(seconds)
        end_t = self.now
        self.feed("speech_end", end_t, duration=seconds)
        if text:
            self.feed("utterance", end_t, text=text, start=start_t, end=end_t, words=[])
        if finding:
            self.feed("finding", end_t, utterance_start=start_t, utterance_end=end_t, text=text, **finding)

    def _record(self, actions: list[Action]) -> None:
        offset = 0.0
        for action in actions:
            self.log.append((self.now + offset, action))
            if isinstance(action, Say):
                offset += SAY_S
            elif isinstance(action, Chime):
                offset += CHIME_S
            elif isinstance(action, Breathe):
                offset += action.breath.seconds
            elif isinstance(action, Hush):
                self.voice_end = None
        if offset:
            self.voice_end = self.now + offset

    # ------------------------------------------------------------------ reading
    def says(self, reason: str | None = None) -> list[tuple[float, Say]]:
        return [(t, a) for t, a in self.log if isinstance(a, Say) and (reason is None or a.reason == reason)]

    def interventions(self) -> list[tuple[float, Say]]:
        return [(t, a) for t, a in self.says() if a.reason not in ("protocol", "reply")]

    def phases(self) -> list[tuple[float, PhaseChange]]:
        return [(t, a) for t, a in self.log if isinstance(a, PhaseChange)]

    def ended(self) -> str | None:
        ends = [a.reason for _, a in self.log if isinstance(a, End)]
        return ends[-1] if ends else None

    def through_opening(self) -> None:
        """Run the welcome and the breath until the first talk phase has begun and its prompt is done."""
        while self.state.phase is not None and self.state.phase.spec.kind != "talk":
            self.wait(1.0)
        while self.voice_end is not None:
            self.wait(0.5)


def replace_session(**changes: Any) -> SessionSettings:
    return dataclasses.replace(SessionSettings(), **changes)
