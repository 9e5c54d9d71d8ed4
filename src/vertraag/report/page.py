"""One self-contained HTML page per session: inline CSS and an inline SVG plot, nothing fetched from anywhere.

Warm first: what went well, then the conversation in time, then where vertraag helped and what it heard (as
counts, never quotes, unless a transcript was asked for). One shared view; no score per person.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from html import escape
from typing import Any

from vertraag.report.closing import safety_stop
from vertraag.report.collect import GUIDANCE_REASONS
from vertraag.report.plot import session_svg
from vertraag.report.text import words

SECONDS_PER_MINUTE = 60
# No <link>, <script src> or web fonts: the page must read the same without a network.
STYLE = """
body { font-family: "DejaVu Sans", Verdana, sans-serif; color: #2b2b2b; background: #fbfaf7;
       max-width: 940px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { font-weight: 600; color: #2f5d8a; margin-bottom: 4px; }
h2 { font-weight: 600; color: #3d4f5f; margin-top: 28px; border-bottom: 1px solid #e3e0d8; }
.sub { color: #666; margin-top: 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #eef5ea; border-radius: 10px; padding: 10px 14px; min-width: 150px; flex: 1; }
.card b { display: block; font-size: 28px; color: #3f7a4c; }
.plot svg { width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: 4px 8px; border-bottom: 1px solid #ece9e1; }
td.n, th.n { text-align: right; }
.note { color: #666; font-size: 90%; }
.help { background: #f3eef6; border-radius: 8px; padding: 8px 12px; font-size: 90%; }
"""


def clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), SECONDS_PER_MINUTE)
    return f"{minutes}:{secs:02d}"


def duration_text(seconds: float) -> str:
    return f"{max(1, round(seconds / SECONDS_PER_MINUTE))} min" if seconds >= 30 else f"{round(seconds)} s"


def protocol_title(name: str) -> str:
    from vertraag.errors import UserError
    from vertraag.session.protocol import load_protocol

    try:
        return load_protocol(name).title if name else ""
    except UserError:
        return name


def session_page(report: dict[str, Any]) -> str:
    started = datetime.fromisoformat(report["started"])
    counts = report["counts"]
    title = words("page", "title", datum=started.strftime("%d-%m-%Y"))
    sub = words(
        "page",
        "subtitle",
        datum=started.strftime("%d-%m-%Y"),
        tijd=started.strftime("%H:%M"),
        duur=duration_text(report["duration_s"]),
        protocol=protocol_title(report["protocol"]),
        einde=words("end_reasons", str(report["end_reason"])),
    )
    safety = safety_stop(report)
    help_lines = f'<p class="help">{escape(words("page", "help"))}</p>'
    parts = [
        f"<h1>{escape(title)}</h1>",
        f'<p class="sub">{escape(sub)}</p>',
        # After a safety stop the help comes first and nothing is celebrated: the exercise was the wrong tool.
        f"{help_lines}\n<p>{escape(words('page', 'safety_first'))}</p>" if safety else _went_well(report),
        f"<h2>{escape(words('page', 'plot'))}</h2>",
        f'<div class="plot">{session_svg(report)}</div>',
        f'<p class="note">{escape(words("page", "plot_note"))}</p>',
        _helped(counts),
        _language(counts),
        _voice(counts),
        _speaking(report),
        _turns(report["phases"]),
    ]
    if "transcript" in report:
        parts.append(_transcript(report["transcript"]))
    private = _private(report)
    fair = words("page", "safety_private" if safety else "fair")
    parts += [f'<p class="note">{escape(fair)} {escape(private)}</p>', help_lines]
    return document(title, "\n".join(parts))


def _private(report: dict[str, Any]) -> str:
    """Where the report lives, and what of the conversation was kept: "geen geluid" only when none was."""
    words_kept = "transcript" in report
    if report.get("audio_kept"):
        kept = words("page", "audio_kept") + ("" if words_kept else " " + words("page", "no_words_kept"))
    else:
        kept = words("page", "no_audio_kept", woorden="" if words_kept else words("page", "private_no_words"))
    return f"{words('page', 'private')} {kept}"


def document(title: str, body: str) -> str:
    return (
        '<!DOCTYPE html>\n<html lang="nl">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


def _went_well(report: dict[str, Any]) -> str:
    counts = report["counts"]
    cards: list[tuple[object, str]] = [(clock(report["speech_s"]), words("page", "talked"))]
    if report["turns_taken"]:
        cards.append((report["turns_taken"], words("page", "turns")))
    if counts["i_messages"]:
        cards.append((counts["i_messages"], words("page", "i_messages")))
    if counts["timeouts"]:
        cards.append((counts["timeouts"], words("page", "timeouts")))
    cards.append((clock(_calm_seconds(report)), words("page", "calm_minutes")))
    body = "".join(f'<div class="card"><b>{n}</b>{escape(label)}</div>' for n, label in cards)
    extra = f"<p>{escape(words('page', 'nothing_needed'))}</p>" if counts["interventions"] == 0 else ""
    return f'<h2>{escape(words("page", "went_well"))}</h2>\n<div class="cards">{body}</div>{extra}'


def _calm_seconds(report: dict[str, Any]) -> float:
    """The longest stretch without vertraag stepping in (guidance does not count)."""
    times = [0.0] + [float(p["t"]) for p in report["prompts"] if p["reason"] not in GUIDANCE_REASONS]
    times.append(float(report["duration_s"]))
    return max(b - a for a, b in itertools.pairwise(times))


def _count_table(rows: list[tuple[str, int]]) -> str:
    body = "".join(f'<tr><td>{escape(label)}</td><td class="n">{n}</td></tr>' for label, n in rows)
    return f'<table><tr><th></th><th class="n">{escape(words("page", "col_count"))}</th></tr>{body}</table>'


def _helped(counts: dict[str, Any]) -> str:
    rows = [
        (words("reasons", reason), n)
        for reason, n in counts["prompts_by_reason"].items()
        if reason not in GUIDANCE_REASONS
    ]
    head = f"<h2>{escape(words('page', 'helped'))}</h2>"
    if not rows:
        return f"{head}<p>{escape(words('page', 'helped_none'))}</p>"
    return head + _count_table(rows)


def _language(counts: dict[str, Any]) -> str:
    head = f"<h2>{escape(words('page', 'language'))}</h2>"
    rows = [(words("categories", category), n) for category, n in counts["language"].items()]
    if not rows:
        return f"{head}<p>{escape(words('page', 'language_none'))}</p>"
    return f'{head}{_count_table(rows)}<p class="note">{escape(words("page", "language_note"))}</p>'


def _voice(counts: dict[str, Any]) -> str:
    rows = [
        (words("page", "raised_voices"), counts["raised_voices"]),
        (words("page", "fast_speech"), counts["fast_speech"]),
        (words("page", "prompts_total"), counts["prompts"]),
    ]
    return f"<h2>{escape(words('page', 'voice'))}</h2>" + _count_table(rows)


def _speaking(report: dict[str, Any]) -> str:
    """Each partner's speaking time side by side, and how often someone was talked over: no score."""
    partners = report.get("speaking") or []
    if not any(p["speech_s"] for p in partners):
        return ""
    head = "".join(f'<th class="n">{escape(str(p["name"]))}</th>' for p in partners)
    cells = "".join(f'<td class="n">{clock(p["speech_s"])}</td>' for p in partners)
    unsure = float(report.get("speech_unsure_s", 0.0))
    if unsure:
        head += f'<th class="n">{escape(words("page", "unsure"))}</th>'
        cells += f'<td class="n">{clock(unsure)}</td>'
    table = (
        f"<table><tr><th></th>{head}</tr>"
        f"<tr><td>{escape(words('page', 'speaking_time'))}</td>{cells}</tr></table>"
    )
    over = int(report["counts"].get("talked_over", 0))
    note = words("page", "talked_over", aantal=over) if over else words("page", "talked_over_none")
    return (
        f"<h2>{escape(words('page', 'speaking'))}</h2>{table}"
        f'<p>{escape(note)}</p><p class="note">{escape(words("page", "speaking_note"))}</p>'
    )


def _turns(phases: list[dict[str, Any]]) -> str:
    head = (
        f"<tr><th>{escape(words('page', 'col_phase'))}</th><th>{escape(words('page', 'col_who'))}</th>"
        f'<th class="n">{escape(words("page", "col_planned"))}</th>'
        f'<th class="n">{escape(words("page", "col_spoken"))}</th></tr>'
    )
    rows = []
    for row in phases:
        if row["speaker"] is None and row["planned_s"] == 0 and row["speech_s"] == 0:
            continue  # a guide phase: vertraag speaks, nobody has the word
        who = row.get("talker") or words("page", "who_open")
        planned = clock(row["planned_s"]) if row["planned_s"] else ""
        rows.append(
            f"<tr><td>{escape(row['phase'])}</td><td>{escape(who)}</td>"
            f'<td class="n">{planned}</td><td class="n">{clock(row["speech_s"])}</td></tr>'
        )
    return f"<h2>{escape(words('page', 'turns_table'))}</h2><table>{head}{''.join(rows)}</table>"


def _transcript(transcript: dict[str, Any]) -> str:
    lines = "".join(
        f"<tr><td>{clock(u['t'])}</td><td>{escape(str(u['text']))}</td></tr>"
        for u in transcript["utterances"]
    )
    return f"<h2>{escape(words('page', 'transcript'))}</h2><table>{lines}</table>"
