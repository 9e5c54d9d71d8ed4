"""Where reports live and how they are written: readable by the user alone.

The folder is `--report-dir DIR`, else `$XDG_DATA_HOME/vertraag/verslagen` (`~/.local/share/vertraag/
verslagen`, beside the models of an installed vertraag). A folder vertraag creates is 0700 and the default one
is kept 0700; a folder the user names keeps its own mode. Every file is created 0600. One session is
`<id>.json` and `<id>.html` (and `<id>.wav` only with --record); the id is the local start time.

Nothing half-written is ever under a session's name: a report is written to a temporary name and renamed, a
recording is `<id>.wav.part` until it is complete. The id is claimed with a hard link, which fails when the
name exists, so two processes that start in the same second never overwrite each other's report. What a
killed run leaves (a `.part` recording, a temporary file) is a `leftover`: `vertraag verslag` lists it and
deletes it with the sessions.
"""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from vertraag.errors import UserError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
REPORTS_SUBDIR = "verslagen"
ID_FORMAT = "%Y-%m-%d_%H%M%S"
PARTIAL = ".part"  # a recording being written: `<id>.wav.part`, renamed to `<id>.wav` when it is complete
TEMP_SUFFIX = ".tmp"  # a report being written: `.<id>.json.XXXX.tmp`, renamed when complete
# What a session leaves in the folder; deleting a session removes all of them.
SESSION_SUFFIXES = (".json", ".html", ".wav", ".wav" + PARTIAL)
TREND_PAGE = "trend.html"
# A session's file: an id (a start time, perhaps with "-n"), a suffix; a temporary one starts with a dot.
SESSION_FILE = re.compile(
    r"^\.?(?P<id>[0-9]{4}-[0-9]{2}-[0-9]{2}_[0-9]{6}(?:-[0-9]+)?)(?P<rest>\.(?:json|html|wav)(?:\.part)?)"
    r"(?:\..*\.tmp)?$"
)
_SUFFIX_N = re.compile(r"-[0-9]+$")
# Filesystems without hard links (FAT on a USB stick) say so with one of these; then the id is checked first.
NO_LINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV})


def default_reports_dir() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "vertraag" / REPORTS_SUBDIR


def reports_dir(chosen: Path | None) -> Path:
    return chosen.expanduser() if chosen is not None else default_reports_dir()


def ensure_dir(folder: Path, *, chosen: bool) -> Path:
    """The folder, created 0700 when missing; the default folder is also set back to 0700 when it exists."""
    try:
        existed = folder.is_dir()
        folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        if not existed or not chosen:
            os.chmod(folder, PRIVATE_DIR_MODE)
    except OSError as exc:
        raise UserError(f"Kan de map voor verslagen niet maken: {folder} ({exc.strerror}).") from exc
    return folder


def new_id(folder: Path, started: datetime) -> str:
    """The session's id: its local start time; a second session in the same second gets a suffix."""
    return free_id(folder, started.strftime(ID_FORMAT))


def free_id(folder: Path, wanted: str) -> str:
    """`wanted` (a start time), or with the first "-n" under which the folder holds no file yet."""
    base = _SUFFIX_N.sub("", wanted)
    candidate, n = base, 1
    while any((folder / f"{candidate}{suffix}").exists() for suffix in SESSION_SUFFIXES):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


# Why a write failed, in the user's words, for the errors a user can do something about.
WRITE_REASONS = {
    errno.ENOSPC: "de schijf is vol",
    errno.EDQUOT: "de schijf is vol (quotum)",
    errno.EACCES: "geen toestemming",
    errno.EROFS: "de schijf is alleen-lezen",
}
FULL_BYTES = 64 * 1024  # less free than this: a write that failed without saying why failed for lack of room


def write_reason(exc: Exception, folder: Path) -> str:
    """Why writing in `folder` failed; libsndfile says only "System error", so the disk is looked at."""
    if isinstance(exc, OSError) and exc.errno is not None:
        return WRITE_REASONS.get(exc.errno, exc.strerror or str(exc))
    try:
        if shutil.disk_usage(folder).free < FULL_BYTES:
            return WRITE_REASONS[errno.ENOSPC]
    except OSError:
        pass
    return str(exc)


def cannot_write(path: Path, exc: OSError) -> UserError:
    return UserError(f"Kan {path} niet schrijven: {write_reason(exc, path.parent)}")


def write_temp(path: Path, data: bytes) -> Path:
    """`data` in a new temporary file (0600) beside `path`; on any failure nothing is left."""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=path.parent)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    try:
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # on the card before the rename: a power cut leaves the old file or the new
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise cannot_write(path, exc) from exc
    return Path(temp)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` (0600) atomically: the whole new file or the old one, never a part."""
    temp = write_temp(path, data)
    try:
        os.replace(temp, path)
    except OSError as exc:
        temp.unlink(missing_ok=True)
        raise cannot_write(path, exc) from exc


def claim(temp: Path, path: Path) -> bool:
    """Give the complete `temp` the name `path` unless that name exists (then False); `temp` is gone after."""
    try:
        os.link(temp, path)
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in NO_LINKS:
            temp.unlink(missing_ok=True)
            raise cannot_write(path, exc) from exc
        if path.exists():  # no hard links here: check, then rename (a same-second race is possible)
            return False
        try:
            os.replace(temp, path)
        except OSError as again:
            raise cannot_write(path, again) from again
        return True
    finally:
        if temp.exists():
            temp.unlink(missing_ok=True)
    return True


def open_private(path: Path) -> int:
    """A new file descriptor for writing `path` (0600), which must not exist: for the recording."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
        os.fchmod(fd, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise cannot_write(path, exc) from exc
    return fd


def load_reports(folder: Path) -> list[dict[str, Any]]:
    """Every readable report in `folder`, oldest first (a broken file is skipped: it is not a session)."""
    found = []
    if not folder.is_dir():
        return []
    for path in folder.glob("*.json"):
        try:
            report = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(report, dict) and "counts" in report and "started" in report:
            report["id"] = path.stem
            found.append(report)
    return sorted(found, key=lambda r: (str(r["started"]), str(r["id"])))


def find_report(folder: Path, which: str) -> dict[str, Any]:
    """A report by its number in the list (1 = oldest) or by its id."""
    reports = load_reports(folder)
    if which.isdigit() and 1 <= int(which) <= len(reports):
        return reports[int(which) - 1]
    for report in reports:
        if report["id"] == which:
            return report
    raise UserError(f"Geen verslag '{which}' in {folder}; `vertraag verslag` toont de lijst.")


@dataclass(frozen=True)
class Leftover:
    """A file a session left without a readable report: a recording of a killed run, a half-written file."""

    path: Path
    session_id: str

    @property
    def recording(self) -> bool:
        return ".wav" in self.path.name

    @property
    def size(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


def session_files(folder: Path) -> dict[str, list[Path]]:
    """Every file in `folder` that belongs to a session, by session id (temporary and partial ones too)."""
    found: dict[str, list[Path]] = {}
    try:
        names = sorted(os.listdir(folder))
    except OSError:
        return found
    for name in names:
        match = SESSION_FILE.match(name)
        if match:
            found.setdefault(match["id"], []).append(folder / name)
    return found


def leftovers(folder: Path, reports: list[dict[str, Any]] | None = None) -> list[Leftover]:
    """The session files that no readable report accounts for, plus any temporary or partial file."""
    known = {str(r["id"]) for r in (load_reports(folder) if reports is None else reports)}
    left = []
    for session_id, paths in session_files(folder).items():
        for path in paths:
            unfinished = path.name.startswith(".") or path.name.endswith(PARTIAL)
            if unfinished or session_id not in known:
                left.append(Leftover(path, session_id))
    return left


def delete_session(folder: Path, report_id: str) -> list[Path]:
    """Remove every file of the session; a file another process removed meanwhile is simply gone."""
    removed = []
    for path in session_files(folder).get(report_id, []):
        try:
            path.unlink()
        except FileNotFoundError:
            continue
        removed.append(path)
    return removed
