"""The session report: collected from the one event stream, saved as JSON and one self-contained HTML page.

    events (cli_run) -> session.py -> collect.py (counts, turns, loudness)
                                   -> closing.py (the closing words, said by the session runner at the end)
                                   -> save.py: page.py + plot.py (HTML, inline SVG), store.py (0700/0600)
    store.py -> trend.py (the page across sessions); cli_report.py is `vertraag verslag`.
    Words for people: text.py reads phrases/nl/report.toml.

Fair by design: one shared view for both partners, counts for the conversation as a whole, never a score per
person. Private by default: no words of the conversation are kept unless the user asks (`--transcript`).
"""
