"""What the screen shows, folded from the event stream: pure, so it is tested without a terminal.

The phase timer counts down on the display's own clock between `timer` events (live, audio time and the
wall clock run together); everything else is the last value seen.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass, field
from typing import Protocol

from vertraag import events as ev
from vertraag.events import CALIBRATION, Event
from vertraag.session.actions import Cue
from vertraag.start.live import ERROR, METER, NOTICE, Choice
from vertraag.start.profile import Profile

# Counted on screen ("counts so far"): what vertraag noticed, by kind.
RAISED, WORDS, RATE, PROMPTS = "raised_voice", "words", "speech_rate", "prompts"
PAUSE_PROMPT, RESUME_PROMPTS = "pauze", ("verder", "timeout_geannuleerd")
MIC_LOST_PROMPT, MIC_BACK_PROMPT = "microfoon_weg", "microfoon_terug"
CALIBRATING, MIC_LOST = "calibrating", "mic_lost"  # status keys (messages.toml [screen])


class SessionLike(Protocol):
    """What the display needs of the live session (start/live.py `LiveSession`, or a fake in tests)."""

    events: queue.Queue[Event | None]

    def send(self, command: str) -> None: ...

    def profile_for(self, name_a: str, name_b: str) -> Profile | None: ...

    def run(self, choice: Choice) -> None: ...


@dataclass
class ScreenModel:
    phase: str = ""
    protocol: str = ""
    speaker: str | None = None
    listener: str | None = None
    seconds: float = 0.0  # the phase's planned length, 0 = open
    remaining_s: float = 0.0  # at `timer_at` (display clock)
    timer_running: bool = False
    timer_at: float = 0.0
    level_db: float | None = None
    calm_db: float | None = None
    threshold_db: float | None = None
    last_prompt: str = ""
    status: str = ""  # calibration steps, a lost microphone, an error
    paused: bool = False
    mic_lost: bool = False
    ended: str | None = None  # the session_end reason
    error: str | None = None
    counts: dict[str, int] = field(default_factory=lambda: {RAISED: 0, WORDS: 0, RATE: 0, PROMPTS: 0})
    calm_by_name: dict[str, float] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # partner key -> name (from the choice at the start)
    heard: str | None = None  # whose voice is heard now (partner key); None = nobody, or not sure

    def heard_name(self) -> str | None:
        """The name of the partner whose voice is heard now."""
        return self.names.get(self.heard, self.heard) if self.heard is not None else None

    def remaining(self, now: float) -> float:
        """Seconds left in the phase at display time `now`."""
        if not self.timer_running:
            return self.remaining_s
        return max(0.0, self.remaining_s - (now - self.timer_at))

    def apply(self, event: Event, now: float) -> None:
        """Take one event, received at display time `now`."""
        data = event.data
        kind = event.type
        if kind == METER:
            self.level_db = data.get("level_db")
            self.calm_db = data.get("calm_db")
            self.threshold_db = data.get("threshold_db")
        elif kind == ev.PHASE:
            self.phase, self.protocol = str(data.get("phase", "")), str(data.get("protocol", ""))
            self.speaker, self.listener = data.get("speaker"), data.get("listener")
            self.seconds = float(data.get("seconds", 0.0))
            self.remaining_s, self.timer_running, self.timer_at = self.seconds, False, now
        elif kind == ev.TIMER:
            self.remaining_s, self.timer_running = (
                float(data.get("remaining", 0.0)),
                bool(data.get("running")),
            )
            self.timer_at = now
        elif kind == ev.PROMPT:
            self._prompt(event)
        elif kind == ev.VOICE:
            self.heard = data.get("talker")
        elif kind in (ev.SPEECH_START, ev.SPEECH_END):
            self.heard = None  # a new segment (or silence): whose it is comes with its first second
        elif kind == ev.RAISED_VOICE:
            self.counts[RAISED] += 1
        elif kind == ev.SPEECH_RATE:
            self.counts[RATE] += 1
        elif kind == ev.FINDING and data.get("reframe"):
            self.counts[WORDS] += 1
        elif kind == ev.SOURCE_PROBLEM:
            self.mic_lost, self.status = True, MIC_LOST
        elif kind == CALIBRATION:
            self._calibration(event)
        elif kind == ev.SESSION_END:
            self.ended, self.timer_running = str(data.get("reason", "")), False
        elif kind == ERROR:
            self.error = self.status = str(data.get("message", ""))
        elif kind == NOTICE:
            self.status = str(data.get("message", ""))

    def _prompt(self, event: Event) -> None:
        prompt_id = str(event.data.get("id", ""))
        self.last_prompt = str(event.data.get("text", ""))
        if event.data.get("reason") == "calibration" and prompt_id != "kalibratie_klaar":
            self.status = CALIBRATING
        if event.data.get("reason") not in (Cue.PROTOCOL, Cue.REPLY, "calibration"):
            self.counts[PROMPTS] += 1
        if prompt_id == PAUSE_PROMPT:
            self.paused = True
        elif prompt_id in RESUME_PROMPTS:
            self.paused = False
        elif prompt_id == MIC_BACK_PROMPT:
            self.mic_lost, self.status = False, ""

    def _calibration(self, event: Event) -> None:
        name, baseline = event.data.get("name"), event.data.get("baseline_db")
        if name is not None and baseline is not None:
            self.calm_by_name[str(name)] = float(baseline)
        self.status = "" if event.data.get("step") == "done" else CALIBRATING
