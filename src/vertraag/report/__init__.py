"""The session report: collected from the one event stream, saved as JSON and one self-contained HTML page.

    events (cli_run) -> collect.py (counts, turns, loudness) -> closing.py (the spoken closing words)
                                                              -> page.py + plot.py (HTML with an inline SVG)
                                                              -> store.py (0700 folder, 0600 files)
    store.py -> trend.py (the page across sessions); cli_report.py is `vertraag verslag`.

Fair by design: one shared view for both partners, counts for the conversation as a whole, never a score per
person. Private by default: no words of the conversation are kept unless the user asks (`--transcript`).
"""
