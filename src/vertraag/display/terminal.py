"""While the screen is up, nothing else may write to the terminal.

PortAudio and ALSA print their complaints (a sound server that went away, an underrun) straight to file
descriptor 2, which is also where Textual draws. `own_terminal()` gives Textual its own copy of the terminal
and points descriptor 2 (and Python's logging) at a log file, or nowhere; on leaving, all is put back.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


@contextmanager
def own_terminal(log_path: Path | None) -> Iterator[None]:
    """Create the Textual app inside this block (it looks up `sys.__stderr__` when it is made)."""
    original = sys.__stderr__
    if original is None:
        yield
        return
    original.flush()
    saved_fd = os.dup(2)
    screen = os.fdopen(os.dup(2), "w", encoding=original.encoding, errors="replace")
    target = os.open(
        log_path if log_path is not None else os.devnull, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600
    )
    root = logging.getLogger()
    handlers = list(root.handlers)
    for handler in handlers:
        root.removeHandler(handler)
    quiet: logging.Handler = logging.NullHandler()
    if log_path is not None:
        quiet = logging.FileHandler(log_path, encoding="utf-8")
        quiet.setFormatter(logging.Formatter(LOG_FORMAT))
    root.addHandler(quiet)
    os.dup2(target, 2)
    os.close(target)
    sys.__stderr__ = screen  # type: ignore[misc]
    try:
        yield
    finally:
        sys.__stderr__ = original  # type: ignore[misc]
        os.dup2(saved_fd, 2)
        os.close(saved_fd)
        screen.close()
        root.removeHandler(quiet)
        quiet.close()
        for handler in handlers:
            root.addHandler(handler)
