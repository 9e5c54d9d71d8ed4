"""The session at work: frames -> listening pipeline -> events -> session engine -> actions -> voice.

The runner is the only place where the pure engine meets the world. It feeds the engine every pipeline event
and a tick per frame (time is the frames' audio time), plays what the engine asks through a `Voice`, tells the
engine when a voice block has finished (`prompt_done`), and adds the session's own events (`phase`,
`prompt`, `timer`, `session_end`) to the one stream.

Half-duplex: while vertraag's voice plays in the room (and for a short tail after it), the microphone's
frames are replaced by silence before the pipeline sees them: its own voice is never recognised, never
measured and never learned into a calm level.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from vertraag import events as ev
from vertraag.audio.frames import Frame
from vertraag.events import Event
from vertraag.pipeline import Pipeline
from vertraag.session.actions import (
    COMMAND,
    PROMPT_DONE,
    TICK,
    Action,
    Breathe,
    Chime,
    CommandFields,
    End,
    Hush,
    PhaseChange,
    Say,
    TalkedOver,
    Timer,
)
from vertraag.session.commands import STOP
from vertraag.session.engine import finish, start, step
from vertraag.session.state import SessionConfig, State, initial_state
from vertraag.speak.voice import Voice

log = logging.getLogger(__name__)

MS_PER_S = 1000.0

SUMMARY_PROMPT = "samenvatting"  # the closing words' prompt id (a voice folder may hold no fixed recording)
SUMMARY_REASON = "summary"
# The closing words for a session that ended with this reason at this audio time, or None to say nothing
# (report/closing.py).
Closing = Callable[[str, float], str | None]


@dataclass
class SessionOutcome:
    """How the session went, for the closing line."""

    end_reason: str | None = None
    prompts: int = 0


class SessionRunner:
    def __init__(
        self,
        pipeline: Pipeline,
        config: SessionConfig,
        voice: Voice,
        *,
        tail_s: float,
        stop_when_ended: bool,
        closing: Closing | None = None,
    ) -> None:
        self._pipeline = pipeline
        self._closing = closing
        self._voice = voice
        self._tail_s = tail_s
        self._stop_when_ended = stop_when_ended
        self._state: State = initial_state(config)
        self._voice_end: float | None = None  # audio time the current voice block ends
        self._deaf_until = float("-inf")
        self._say_closing = True  # False after a stop from outside: the closing words are shown, not said
        self.outcome = SessionOutcome()

    @property
    def state(self) -> State:
        return self._state

    def run(self, frames: Iterable[Frame]) -> Iterator[Event]:
        """All events of the session, as they happen."""
        self._state, actions = start(self._state, 0.0)
        yield from self._act(actions, 0.0)
        t_end = 0.0
        try:
            for frame in frames:
                t_end = frame.t_end
                yield from self._frame(frame)
                if self._state.ended and self._voice_end is None and self._stop_when_ended:
                    return
            yield from self._feed_all(self._pipeline.finish(t_end), t_end)
            self._state, actions = finish(self._state, t_end)
            yield from self._act(actions, t_end)
        finally:
            self._pipeline.close()

    def command(self, name: str, now: float) -> Iterator[Event]:
        """A command from outside the audio (a key): handled at audio time `now`."""
        yield from self._feed(Event(COMMAND, now, CommandFields(command=name)), now)

    def end_now(self, now: float) -> Iterator[Event]:
        """A stop from outside (a signal): the session ends at `now`, without the closing phase and with the
        closing words as an event only (not said); whatever plays is cut off."""
        self._say_closing = False
        self._voice.hush()
        self._voice_end = None
        if not self._state.ended:
            self._state = dataclasses.replace(self._state, stopping=True)  # the engine's "stop, now"
            yield from self.command(STOP, now)

    def notify(self, event_type: str, now: float) -> Iterator[Event]:
        """Something about the session's input (SOURCE_LOST, SOURCE_BACK) at audio time `now`."""
        yield from self._feed(Event(event_type, now), now)

    def _frame(self, frame: Frame) -> Iterator[Event]:
        now = frame.t_end
        if self._voice_end is not None and frame.t >= self._voice_end:
            self._voice_end = None
            yield from self._feed(Event(PROMPT_DONE, frame.t), frame.t)
        deaf = self._voice.audible and frame.t < self._deaf_until
        heard = self._pipeline.process(frame.silenced() if deaf else frame)
        yield from self._feed_all(heard, now)
        yield from self._feed(Event(TICK, now), now)

    def _feed_all(self, events: Iterable[Event], now: float) -> Iterator[Event]:
        for event in events:
            yield event
            yield from self._feed(event, now)

    def _feed(self, event: Event, now: float) -> Iterator[Event]:
        self._state, actions = step(self._state, event, now)
        yield from self._act(actions, now)

    def _act(self, actions: list[Action], now: float) -> Iterator[Event]:
        offset = 0.0  # voice actions of one step play back to back
        for action in actions:
            at = now + offset
            if isinstance(action, Say):
                offset += self._voice.say(action.prompt, action.variant, action.say, at=at)
                self.outcome.prompts += 1
                yield Event(ev.PROMPT, at, _prompt_fields(action))
            elif isinstance(action, Chime):
                offset += self._voice.chime(action.kind, at=at)
            elif isinstance(action, Breathe):
                offset += self._voice.breathe(action.breath, at=at)
            elif isinstance(action, Hush):
                self._voice.hush()
                self._voice_end = None
            elif isinstance(action, PhaseChange):
                yield Event(ev.PHASE, now, _phase_fields(action, self._state.config.names))
            elif isinstance(action, TalkedOver):
                fields = {"talker": action.talker, "turn_of": action.turn_of, "seconds": action.seconds}
                yield Event(ev.TALKED_OVER, now, fields)
            elif isinstance(action, Timer):
                yield Event(ev.TIMER, now, {"running": action.running, "remaining": action.remaining_s})
            elif isinstance(action, End):
                self.outcome.end_reason = action.reason
                # The closing words start when the conversation ends; every event before has been consumed,
                # so the words can count them.
                closing = self._closing(action.reason, at) if self._closing is not None else None
                if closing:
                    yield Event(ev.PROMPT, at, _summary_fields(closing, at))
                yield Event(ev.SESSION_END, at, {"reason": action.reason})
                if closing and self._say_closing:
                    offset += self._voice.say(SUMMARY_PROMPT, 0, closing, at=at)
        if offset > 0.0:
            self._voice_end = now + offset
            self._deaf_until = self._voice_end + self._tail_s


def _prompt_fields(say: Say) -> dict[str, object]:
    return {"id": say.prompt, "text": say.text, "reason": say.reason, "trigger_t": say.trigger_t}


def _summary_fields(text: str, now: float) -> dict[str, object]:
    return {"id": SUMMARY_PROMPT, "text": text, "reason": SUMMARY_REASON, "trigger_t": now}


def _phase_fields(change: PhaseChange, names: Mapping[str, str]) -> dict[str, object]:
    return {
        "protocol": change.protocol,
        "phase": change.phase,
        "speaker": change.speaker,
        "listener": change.listener,
        "talker": names.get(change.talker) if change.talker is not None else None,
        "seconds": change.seconds,
    }
