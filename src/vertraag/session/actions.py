"""What the session engine asks for, and the events only the session consumes.

The engine is pure: it never plays a sound or reads a clock. It returns actions; the runner (runner.py) turns
them into sound (speak/), events on the stream (`phase`, `prompt`, `timer`, `session_end`) and, when a sound
has finished, a `prompt_done` event back in. Consecutive voice actions of one step (a chime, a prompt, a
breath guide) are played back to back as one block, and one `prompt_done` follows the block.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypedDict

from vertraag.session.policy import Reason
from vertraag.session.protocol import PhaseKind
from vertraag.speak.voice import Breath

# Events into the engine besides the pipeline's (speech_start, utterance, finding, raised_voice ...).
TICK = "tick"  # time passed (one per frame); no fields
COMMAND = "command"  # `command`: next | pause | resume | repeat | stop | timeout (keys, voice commands)
PROMPT_DONE = "prompt_done"  # vertraag's last voice block has finished playing
SOURCE_LOST = "source_lost"  # the microphone is gone: the session holds (timer, interventions) and says so
SOURCE_BACK = "source_back"  # the microphone is back: the session goes on where it was


class CommandFields(TypedDict):
    command: str  # session/commands.py: next | pause | resume | repeat | stop | timeout


class Cue(StrEnum):
    """Why vertraag says something that is not an intervention (Say.reason)."""

    PROTOCOL = "protocol"  # a phase's own prompt
    REPLY = "reply"  # a reply to a command (a key, a voice command), or a notice (the microphone)


class Ending(StrEnum):
    """Why the session ended (End.reason), besides an intervention that ends it (safety)."""

    DONE = "done"
    STOPPED = "stopped"
    END_OF_INPUT = "end_of_input"


@dataclass(frozen=True)
class Say:
    prompt: str  # prompt id (prompts.toml)
    variant: int  # 0-based variant number
    text: str  # shown
    say: str  # spoken
    reason: Reason | Cue  # the intervention's reason, or a phase prompt or a reply
    trigger_t: float  # audio time of what caused it (for a phase prompt: the moment the phase began)


@dataclass(frozen=True)
class Chime:
    kind: str  # soft | start | end | callback


@dataclass(frozen=True)
class Breathe:
    breath: Breath


@dataclass(frozen=True)
class Hush:
    """Stop what vertraag is saying now (something more important comes)."""


@dataclass(frozen=True)
class Timer:
    running: bool
    remaining_s: float


@dataclass(frozen=True)
class PhaseChange:
    protocol: str
    phase: str
    kind: PhaseKind
    speaker: str | None  # names, as spoken
    listener: str | None
    talker: str | None  # partner key ("a" | "b") whose voice is expected, None = either or nobody
    seconds: float  # the phase's planned length; 0 = no time limit


@dataclass(frozen=True)
class End:
    reason: Ending | Reason


Action = Say | Chime | Breathe | Hush | Timer | PhaseChange | End
