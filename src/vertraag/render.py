"""Readable Dutch lines for events (`vertraag run` without --json).

The wording lives in phrases/nl/messages.toml.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from vertraag.detect.words_rule_file import SAFETY
from vertraag.events import FINDING, Event
from vertraag.phrases import language_dir, load_toml, message

SECONDS_PER_MINUTE = 60


def clock(t: float) -> str:
    """Audio time as mm:ss.t."""
    minutes, seconds = divmod(max(t, 0.0), SECONDS_PER_MINUTE)
    return f"{int(minutes):02d}:{seconds:04.1f}"


@cache
def _category_names() -> dict[str, str]:
    table = load_toml(language_dir() / "messages.toml").get("categories", {})
    return {str(k): str(v) for k, v in table.items()}


def render(event: Event) -> str:
    """One readable line; an event type without a template is shown as its type and fields."""
    fields: dict[str, Any] = dict(event.data)
    fields["time"] = clock(event.t)
    if "onset" in fields:
        fields["onset_time"] = clock(float(fields["onset"]))
    if "category" in fields:
        fields["category_nl"] = _category_names().get(str(fields["category"]), str(fields["category"]))
    key = event.type
    if key == FINDING and fields.get("category") == SAFETY:
        key = "finding_safety"  # violence, fear or danger: the help lines, not an I-message invitation
    elif key == FINDING and not fields.get("reframe"):
        key = "finding_positive"  # an I-message or a repair: named, never nudged
    line = message(key, **fields)
    if line == key:
        details = ", ".join(f"{k}={v}" for k, v in event.data.items())
        line = f"{clock(event.t)}  {event.type} {details}".rstrip()
    return line
