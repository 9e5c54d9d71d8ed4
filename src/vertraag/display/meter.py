"""The loudness meter as text: a bar from quiet to loud with the calm level (│) and the threshold (┃) marked.

Pure (no Textual), so the plain screen capture and the tests read the same line the display shows.
"""

from __future__ import annotations

from rich.text import Text

QUIET_DB = -70.0  # the left end: a quiet room
LOUD_DB = -10.0  # the right end: shouting close to the microphone
WIDTH = 60  # characters: fits 80 columns with its label
CALM_MARK, THRESHOLD_MARK = "│", "┃"
FILLED, EMPTY = "█", "·"
# Calm colours, no red and nothing that flashes: above the threshold the bar turns a soft amber.
CALM_STYLE, LOUD_STYLE, MARK_STYLE, EMPTY_STYLE = "#7fb7a4", "#d9b26f", "bold #e8e4d8", "#4a5a60"


def position(level_db: float, width: int = WIDTH) -> int:
    """The column of `level_db` on a bar of `width` characters."""
    share = (min(max(level_db, QUIET_DB), LOUD_DB) - QUIET_DB) / (LOUD_DB - QUIET_DB)
    return round(share * (width - 1))


def meter(
    level_db: float | None, calm_db: float | None, threshold_db: float | None, width: int = WIDTH
) -> Text:
    filled = position(level_db, width) + 1 if level_db is not None else 0
    loud = level_db is not None and threshold_db is not None and level_db >= threshold_db
    text = Text()
    marks = {}
    if calm_db is not None:
        marks[position(calm_db, width)] = CALM_MARK
    if threshold_db is not None:
        marks[position(threshold_db, width)] = THRESHOLD_MARK
    for column in range(width):
        if column in marks:
            text.append(marks[column], MARK_STYLE)
        elif column < filled:
            text.append(FILLED, LOUD_STYLE if loud else CALM_STYLE)
        else:
            text.append(EMPTY, EMPTY_STYLE)
    return text
