"""One live session per user: only one `vertraag start` (or live `vertraag run`) may hold the microphone.

Two live sessions at once (the boot service and `make run`) would both listen and both speak. The guard is an
advisory lock (`fcntl.flock`) on a file in the user's runtime folder (`$XDG_RUNTIME_DIR`, else a private
`/tmp/vertraag-<uid>`, 0700): the kernel releases it when the process ends however it ends, so a killed
session never blocks the next one. The holder writes its process id into the file, so a second session can
say which one to stop. Recordings (`run --input`) take no lock: they may run side by side.
"""

from __future__ import annotations

import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vertraag.errors import UserError
from vertraag.phrases import message

LOCK_FILE = "vertraag-live.lock"
RUNTIME_ENV = "XDG_RUNTIME_DIR"
PRIVATE_DIR_MODE = 0o700
LOCK_FILE_MODE = 0o600
PID_BYTES = 32  # a process id and a newline, with room to spare


def runtime_dir() -> Path:
    """The user's runtime folder, or a private one in /tmp that this user owns (0700)."""
    chosen = os.environ.get(RUNTIME_ENV)
    if chosen and Path(chosen).is_dir():
        return Path(chosen)
    folder = Path(tempfile.gettempdir()) / f"vertraag-{os.getuid()}"
    try:
        folder.mkdir(mode=PRIVATE_DIR_MODE)
    except FileExistsError:
        pass
    except OSError as exc:
        raise UserError(f"Kan de map {folder} niet maken ({exc.strerror}).") from exc
    info = os.lstat(folder)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid() or info.st_mode & 0o077:
        raise UserError(f"De map {folder} is niet van jou alleen; verwijder hem of zet {RUNTIME_ENV}.")
    return folder


@contextmanager
def live_session_lock() -> Iterator[None]:
    """Hold the lock for the duration; `UserError` (exit 2) naming the other session when it is taken."""
    path = runtime_dir() / LOCK_FILE
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, LOCK_FILE_MODE)
    except OSError as exc:
        raise UserError(f"Kan {path} niet openen ({exc.strerror}).") from exc
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, PID_BYTES, 0).decode(errors="replace").strip() or "?"
            raise UserError(message("already_running", pid=holder)) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        yield
    finally:
        os.close(fd)  # releases the lock; the file stays (removing it would race with the next session)
