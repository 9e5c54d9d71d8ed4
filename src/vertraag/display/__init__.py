"""What the couple sees: a calm terminal screen (Textual, `app.py`) or plain Dutch lines (`plain.py`).

Both read the one event stream from the live session's queue (`start/live.py`) through `ScreenModel`
(`model.py`), a pure fold of events into what is shown; neither touches audio.
"""
