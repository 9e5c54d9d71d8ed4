"""The page across sessions: how the conversations went, week by week (for the couple or their therapist).

Per session: interventions per 10 minutes (vertraag stepping in; guidance not counted), raised voices,
I-messages, time-outs and how often someone talked through the other's turn. Counts for the conversation as
a whole, never per partner.
"""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any

from vertraag.report.page import document, duration_text, protocol_title
from vertraag.report.plot import trend_svg
from vertraag.report.text import words

TEN_MINUTES_S = 600.0
NOT_COUNTED = "–"  # a report from before vertraag counted this
MIN_DURATION_S = 1.0  # a rate over an empty session would divide by zero


def trend_rows(reports: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for report in reports:
        counts = report["counts"]
        started = datetime.fromisoformat(report["started"])
        duration = max(float(report["duration_s"]), MIN_DURATION_S)
        rows.append(
            {
                "id": report["id"],
                "label": started.strftime("%d-%m %H:%M"),
                "date": started.strftime("%d-%m-%Y %H:%M"),
                "duration": duration_text(duration),
                "protocol": protocol_title(report["protocol"]),
                "turns": report["turns_taken"],
                "per10": round(counts["interventions"] / duration * TEN_MINUTES_S, 1),
                "raised": counts["raised_voices"],
                "i_messages": counts["i_messages"],
                "timeouts": counts["timeouts"],
                "talked_over": counts.get("talked_over", NOT_COUNTED),
            }
        )
    return rows


COLUMNS = (
    ("date", "col_date"),
    ("duration", "col_duration"),
    ("protocol", "col_protocol"),
    ("turns", "col_turns"),
    ("per10", "col_per10"),
    ("raised", "col_raised"),
    ("i_messages", "col_i"),
    ("timeouts", "col_timeouts"),
    ("talked_over", "col_talked_over"),
)


def trend_page(reports: list[dict[str, Any]]) -> str:
    rows = trend_rows(reports)
    title = words("trend", "title")
    head = "".join(f"<th>{escape(words('trend', label))}</th>" for _, label in COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(row[key]))}</td>" for key, _ in COLUMNS) + "</tr>" for row in rows
    )
    parts = [
        f"<h1>{escape(title)}</h1>",
        f"<p>{escape(words('trend', 'intro'))}</p>",
        f'<div class="plot">{trend_svg(rows)}</div>' if rows else "",
        f"<table><tr>{head}</tr>{body}</table>",
        f'<p class="note">{escape(words("page", "fair"))}</p>',
        f'<p class="help">{escape(words("page", "help"))}</p>',
    ]
    return document(title, "\n".join(parts))
