"""The display when the output is not a terminal (a pipe, a log, systemd): one readable Dutch line per event.

The session runs on its worker thread as with the terminal screen; this loop prints what it reports.
SIGTERM and SIGINT (systemd's stop, kill, Ctrl-C) end the session at once (start/signals.py, installed by
`vertraag start`); a KeyboardInterrupt that still gets here asks for the closing.
"""

from __future__ import annotations

import queue
import threading
from typing import TextIO

from vertraag import events as ev
from vertraag.display.model import ScreenModel, SessionLike
from vertraag.render import render
from vertraag.start.live import METER, Choice

QUIET = (METER, ev.PARTIAL, ev.VOICE)  # too frequent for lines (`run --json` has them)
POLL_S = 0.2  # look up from the queue this often, so that Ctrl-C is noticed at once


def run_plain(session: SessionLike, choice: Choice, out: TextIO, *, json_lines: bool = False) -> ScreenModel:
    names = {"a": choice.name_a, "b": choice.name_b}
    model = ScreenModel(names=names)
    worker = threading.Thread(target=session.run, args=(choice,), name="vertraag-session", daemon=True)
    worker.start()
    while True:
        try:
            event = session.events.get(timeout=POLL_S)
            if event is None:
                break
            model.apply(event, event.t)
            if event.type not in QUIET:
                out.write((event.to_json() if json_lines else render(event, names)) + "\n")
                out.flush()
        except queue.Empty:
            continue
        except KeyboardInterrupt:
            session.send("stop")  # the closing first; a second Ctrl-C ends it at once
    worker.join(timeout=5)
    return model
