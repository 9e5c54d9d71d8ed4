"""The report's pictures as inline SVG (matplotlib, no display, no file fetched): the loudness over time with
the turns, pauses, time-outs and prompts marked, and the trend across sessions."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from vertraag.report.collect import GUIDANCE_REASONS
from vertraag.report.text import words

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SECONDS_PER_MINUTE = 60.0
FIG_WIDTH_IN = 9.0
FIG_HEIGHT_IN = 3.4
TREND_HEIGHT_IN = 4.2
# The plot's floor: quieter than this is a silent room (and vertraag's own voice is muted live).
FLOOR_DB = -70.0
CEILING_DB = 0.0
# Calm colours: one hue per speaker's turns (as bands), never red for a person.
TURN_COLOURS = ("#cfe3f2", "#f6e3c6")
VOICE_COLOUR = "#2f5d8a"  # the loudness line (tests look for it in the screenshot)
ROOM_COLOUR = "#b8c4cf"
CALM_COLOUR = "#4f8a5b"
PAUSE_COLOUR = "#d9d9d9"
TIMEOUT_COLOUR = "#b9d9c2"
PROMPT_COLOUR = "#8a5a9e"
GUIDE_COLOUR = "#c7b3d1"


def _figure(height_in: float) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(FIG_WIDTH_IN, height_in), dpi=100)
    fig.set_layout_engine("constrained")
    return fig


def _svg(fig: Figure) -> str:
    import matplotlib

    buf = io.StringIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "vertraag", "font.size": 10}):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]  # inline: no XML declaration or doctype inside the page


# What the session's picture is drawn from. The report is written twice (as the closing words begin, and once
# more at the end); the picture is drawn once when none of these changed in between.
PLOT_KEYS = ("duration_s", "phases", "pauses", "timeouts", "levels", "baselines_db", "prompts")


def session_svg(report: dict[str, Any]) -> str:
    return _session_svg(json.dumps({key: report[key] for key in PLOT_KEYS}, sort_keys=True))


@lru_cache(maxsize=2)
def _session_svg(drawn_from: str) -> str:
    report = json.loads(drawn_from)
    fig = _figure(FIG_HEIGHT_IN)
    ax = fig.add_subplot()
    end_min = max(report["duration_s"], 1.0) / SECONDS_PER_MINUTE
    _turn_bands(ax, report["phases"])
    for start, end in report["pauses"]:
        ax.axvspan(start / SECONDS_PER_MINUTE, end / SECONDS_PER_MINUTE, color=PAUSE_COLOUR, alpha=0.6, lw=0)
    for start, end in report["timeouts"]:
        ax.axvspan(start / SECONDS_PER_MINUTE, end / SECONDS_PER_MINUTE, color=TIMEOUT_COLOUR, lw=0)
    levels = report["levels"]
    times = [row[0] / SECONDS_PER_MINUTE for row in levels]
    ax.plot(times, [max(row[1], FLOOR_DB) for row in levels], color=ROOM_COLOUR, lw=0.8)
    speech = [max(row[2], FLOOR_DB) if row[2] is not None else float("nan") for row in levels]
    ax.plot(times, speech, color=VOICE_COLOUR, lw=2.0, label=words("page", "legend_voice"))
    for i, baseline in enumerate(report["baselines_db"]):
        ax.axhline(
            baseline,
            color=CALM_COLOUR,
            ls="--",
            lw=1.0,
            label=words("page", "legend_calm") if i == 0 else None,
        )
    labelled: set[bool] = set()
    for prompt in report["prompts"]:
        guide = prompt["reason"] in GUIDANCE_REASONS
        label = None if guide in labelled else words("page", "legend_guide" if guide else "legend_prompt")
        labelled.add(guide)
        ax.axvline(
            prompt["t"] / SECONDS_PER_MINUTE,
            ymin=0.9,
            ymax=1.0,
            lw=3.0 if not guide else 1.5,
            color=GUIDE_COLOUR if guide else PROMPT_COLOUR,
            label=label,
        )
    _legend_entries(ax, report)
    ax.set_xlim(0.0, end_min)
    ax.set_ylim(FLOOR_DB, CEILING_DB)
    ax.set_xlabel(words("page", "minutes_axis"))
    ax.set_ylabel(words("page", "level_axis"))
    # Below the plot, so the bands and their names stay readable.
    fig.legend(loc="outside lower center", fontsize=8, frameon=False, ncols=6)
    ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)


def _turn_bands(ax: Axes, phases: Sequence[dict[str, Any]]) -> None:
    speakers: list[str] = []
    for row in phases:
        speaker = row["speaker"]
        if speaker is None:
            continue
        if speaker not in speakers:
            speakers.append(speaker)
        colour = TURN_COLOURS[speakers.index(speaker) % len(TURN_COLOURS)]
        start, end = row["start"] / SECONDS_PER_MINUTE, row["end"] / SECONDS_PER_MINUTE
        ax.axvspan(start, end, color=colour, lw=0)
        ax.text(
            (start + end) / 2,
            FLOOR_DB + 2,
            row["phase"],
            ha="center",
            va="bottom",
            fontsize=7,
            color="#555555",
            rotation=90 if end - start < 1.0 else 0,
            clip_on=True,
        )


def _legend_entries(ax: Axes, report: dict[str, Any]) -> None:
    if report["pauses"]:
        ax.plot([], [], color=PAUSE_COLOUR, lw=6, label=words("page", "legend_pause"))
    if report["timeouts"]:
        ax.plot([], [], color=TIMEOUT_COLOUR, lw=6, label=words("page", "legend_timeout"))


def trend_svg(rows: Sequence[dict[str, Any]]) -> str:
    """Three small panels over the sessions: interventions per 10 minutes, raised voices, I-messages."""
    from matplotlib.ticker import MaxNLocator

    fig = _figure(TREND_HEIGHT_IN)
    axes = fig.subplots(1, 3)
    labels = [row["label"] for row in rows]
    xs = list(range(len(rows)))
    panels = (
        ("per10", "plot_per10", PROMPT_COLOUR),
        ("raised", "plot_raised", VOICE_COLOUR),
        ("i_messages", "plot_i", CALM_COLOUR),
    )
    for ax, (key, title, colour) in zip(axes, panels, strict=True):
        values = [row[key] for row in rows]
        ax.bar(xs, values, color=colour, width=0.6)
        ax.set_title(words("trend", title), fontsize=10)
        if key != "per10":
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xticks(xs, labels, rotation=45, ha="right", fontsize=8)
        ax.set_ylim(0, max([*values, 1]) * 1.2)
        ax.spines[["top", "right"]].set_visible(False)
    return _svg(fig)
