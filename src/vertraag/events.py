"""The one event vocabulary of vertraag: everything a step finds is an `Event` on one stream.

`vertraag run --json` prints each event as one JSON object per line; every type is documented in the README
("Event stream"). Time `t` is always seconds of session audio (sample count / sample rate), never wall-clock.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

# Event types. Later steps (the session, prompts) add their own types to this same stream.
SPEECH_START = "speech_start"  # voice activity began
# `talker` on an event is "a", "b" (the partners), or None when unsure (voices/).
SPEECH_END = "speech_end"  # voice activity ended; `duration` in seconds, `talker`, `confidence`
VOICE = "voice"  # whose voice the last second or so of a segment was; `talker`, `start`, `end`, `confidence`
RAISED_VOICE = "raised_voice"  # speech held louder than the talker's calm level; `rise_db`, `onset`, `talker`
BASELINE = "baseline"  # a talker's calm level was learned; `baseline_db`, `talker`
PARTIAL = "partial"  # recogniser's current hypothesis; `text` (stable part) and `pending`
UTTERANCE = "utterance"  # recogniser's final result; `text`, `start`, `end`, `words`, `talker`
FINDING = "finding"  # unsafe language in an utterance; `category`, `match`, `reframe`, `talker`
SOURCE_PROBLEM = "source_problem"  # the audio source lost data or the device; `reason`
SPEECH_RATE = "speech_rate"  # speech held well above the talker's calm rate; `rate_wps`, `calm_wps`, `talker`
LEVEL = "level"  # the loudness of the last second (for the report's plot); `level_db`, `speech_db`
# The session's own (session/runner.py):
PHASE = "phase"  # a phase of the protocol began; `phase`, `speaker`, `listener`, `seconds`
PROMPT = "prompt"  # vertraag says something; `id`, `text`, `reason`, `trigger_t`
TIMER = "timer"  # the phase timer stopped or went on; `running`, `remaining`
TALKED_OVER = "talked_over"  # one partner talked over the other's turn; `talker`, `turn_of`, `seconds`
SESSION_END = "session_end"  # the conversation is over; `reason`
# vertraag start's calibration (start/calibrate.py): `step` (room | a | b | done), `name`, what was measured
CALIBRATION = "calibration"

TIME_DECIMALS = 3  # millisecond resolution is plenty for a conversation


# The fields of the events the session reads: producers build them and the session's door reads them through
# these types, so that renaming a field fails the type check, not a session.
class SpeechEndFields(TypedDict):
    duration: float
    talker: NotRequired[str | None]  # whose voice the whole segment was; None = unsure
    confidence: NotRequired[float | None]


class VoiceFields(TypedDict):
    talker: str | None  # whose voice [start, end) was; None = unsure
    start: float
    end: float
    confidence: float


class UtteranceFields(TypedDict):
    text: str
    start: float
    end: float
    words: list[dict[str, Any]]
    talker: NotRequired[str | None]


class FindingFields(TypedDict):
    category: str  # detect/category.py
    rule: str
    match: str  # the words that matched
    reframe: str  # the invitation to say it as an I-message ("" = none)
    text: str
    utterance_start: float
    utterance_end: float
    talker: NotRequired[str | None]


class OnsetFields(TypedDict):
    onset: float  # audio time what a detector noticed began (the voice began to rise, fast speech began)


class RaisedVoiceFields(OnsetFields):
    rise_db: float
    baseline_db: float
    level_db: float
    talker: NotRequired[str | None]  # added by detect/by_voice.py


class SpeechRateFields(OnsetFields):
    rate_wps: float
    calm_wps: float
    talker: NotRequired[str | None]  # added by detect/by_voice.py


@dataclass(frozen=True)
class Event:
    """One thing that happened at audio time `t` (seconds). `data` holds the type's own fields."""

    type: str
    t: float
    data: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t": round(self.t, TIME_DECIMALS), "type": self.type}
        for key, value in self.data.items():
            out[key] = _jsonable(value)
        return out

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, TIME_DECIMALS) if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "to_dict"):
        return _jsonable(value.to_dict())
    return value
