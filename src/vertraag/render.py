"""Readable Dutch lines for events (`vertraag run` without --json).

The wording lives in phrases/nl/messages.toml.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from vertraag.detect.category import Category
from vertraag.events import CALIBRATION, FINDING, SESSION_END, Event
from vertraag.phrases import language_dir, load_toml, message

SECONDS_PER_MINUTE = 60


def clock(t: float) -> str:
    """Audio time as mm:ss.t."""
    minutes, seconds = divmod(max(t, 0.0), SECONDS_PER_MINUTE)
    return f"{int(minutes):02d}:{seconds:04.1f}"


@cache
def _names(section: str) -> dict[str, str]:
    table = load_toml(language_dir() / "messages.toml").get(section, {})
    return {str(k): str(v) for k, v in table.items()}


def render(event: Event, names: Mapping[str, str] | None = None) -> str:
    """One readable line; an event type without a template is shown as its type and fields. `names` are the
    partners' names by talker ("a", "b"): a line names whose voice it was, and says nothing when unsure."""
    fields: dict[str, Any] = dict(event.data)
    fields["time"] = clock(event.t)
    who = _names("who")
    name = _name(fields.get("talker"), names)
    fields["who"] = who["who"].format(name=name) if name else ""  # "Anna: « ... »"
    fields["of_who"] = who["of_who"].format(name=name) if name else ""  # "stilte (na 3.2 s spraak van Anna)"
    fields["talker_name"] = name or who["someone"]
    fields["turn_of_name"] = _name(fields.get("turn_of"), names) or who["the_other"]
    if "onset" in fields:
        fields["onset_time"] = clock(float(fields["onset"]))
    if "category" in fields:
        fields["category_nl"] = _names("categories").get(str(fields["category"]), str(fields["category"]))
    if "running" in fields:
        fields["timer_state"] = _names("timer_states").get(str(fields["running"]).lower(), "")
    if event.type == SESSION_END:
        fields["end_nl"] = _names("end_reasons").get(str(fields.get("reason")), str(fields.get("reason")))
    key = event.type
    if key == FINDING and fields.get("category") == Category.SAFETY:
        key = "finding_safety"  # violence, fear or danger: the help lines, not an I-message invitation
    elif key == FINDING and not fields.get("reframe"):
        key = "finding_positive"  # an I-message or a repair: named, never nudged
    if key == CALIBRATION:
        step = fields.get("step")
        known = fields.get("baseline_db") is not None
        partner = "calibration_partner" if known else "calibration_partner_unknown"
        key = f"calibration_{step}" if step in ("room", "done", "voices_missing") else partner
    line = message(key, **fields)
    if line == key:
        details = ", ".join(f"{k}={v}" for k, v in event.data.items())
        line = f"{clock(event.t)}  {event.type} {details}".rstrip()
    return line


def _name(talker: object, names: Mapping[str, str] | None) -> str | None:
    """The name of partner `talker` ("a" -> "Anna"; without names "partner a"); None when nobody is sure."""
    if not isinstance(talker, str) or not talker:
        return None
    return (names or {}).get(talker) or _names("who")["unnamed"].format(talker=talker)
