"""Where reports live and how they are written: readable by the user alone.

The folder is `--report-dir DIR`, else `$XDG_DATA_HOME/vertraag/verslagen` (`~/.local/share/vertraag/
verslagen`, beside the models of an installed vertraag). A folder vertraag creates is 0700 and the default one
is kept 0700; a folder the user names keeps its own mode. Every file is created 0600. One session is
`<id>.json` and `<id>.html` (and `<id>.wav` only with --record); the id is the local start time.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from pathlib import Path
from typing import Any

from vertraag.errors import UserError

PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600
REPORTS_SUBDIR = "verslagen"
ID_FORMAT = "%Y-%m-%d_%H%M%S"
# What a session leaves in the folder; deleting a session removes all of them.
SESSION_SUFFIXES = (".json", ".html", ".wav")
TREND_PAGE = "trend.html"


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
    base = started.strftime(ID_FORMAT)
    candidate, n = base, 1
    while any((folder / f"{candidate}{suffix}").exists() for suffix in SESSION_SUFFIXES):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, readable and writable by the user alone."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
        os.fchmod(fd, PRIVATE_FILE_MODE)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise UserError(f"Kan {path} niet schrijven: {exc.strerror}") from exc


def open_private(path: Path) -> int:
    """A new file descriptor for writing `path` (0600): for the recording, which is written as it comes."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
        os.fchmod(fd, PRIVATE_FILE_MODE)
    except OSError as exc:
        raise UserError(f"Kan {path} niet schrijven: {exc.strerror}") from exc
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


def delete_session(folder: Path, report_id: str) -> list[Path]:
    removed = []
    for suffix in SESSION_SUFFIXES:
        path = folder / f"{report_id}{suffix}"
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed
