"""The closing words: one to three warm sentences said (and shown) at the end of a session.

What went well comes first; what was hard is one plain count, never anyone's fault. Wording: report.toml
[closing]. Nothing is said after a safety stop (that ending has its own words: the help lines), nor when
nobody was heard.
"""

from __future__ import annotations

from typing import Any

from vertraag.report.text import words
from vertraag.session.policy import SAFETY
from vertraag.session.talk import minutes_text

NO_CLOSING_AFTER = frozenset({SAFETY})


def safety_stop(report: dict[str, Any]) -> bool:
    """The session was stopped for safety (violence, fear, harm to oneself): no closing words, and a report
    that does not ask the two to read it together."""
    return report.get("end_reason") == SAFETY


def closing_words(report: dict[str, Any], end_reason: str, *, saved: bool = True) -> str | None:
    """The closing sentences for `report` (collected up to the end), or None when nothing should be said.
    `saved`: the report could be written (otherwise the words do not say that it is ready)."""
    if end_reason in NO_CLOSING_AFTER or report["speech_s"] == 0.0:
        return None  # the help lines stand alone; with nobody heard there is nothing to say
    counts = report["counts"]
    parts = [words("closing", "opening", duur=minutes_text(report["duration_s"]))]
    if counts["i_messages"] > 0:
        parts.append(_counted("well_i_messages", counts["i_messages"]))
    elif counts["timeouts"] > 0:
        parts.append(words("closing", "well_timeout"))
    elif report["turns_taken"] > 1:
        parts.append(words("closing", "well_turns"))
    if counts["interventions"] == 0:
        parts.append(words("closing", "calm"))
    else:
        parts.append(_counted("slowed", counts["interventions"]))
    if saved:
        parts.append(words("closing", "end"))
    return " ".join(parts)


def _counted(key: str, n: int) -> str:
    return words("closing", f"{key}_once" if n == 1 else key, aantal=n)
