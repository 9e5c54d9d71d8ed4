"""`vertraag verslag`: the reports of past sessions: list them, open one, delete one or all, the trend page.

    vertraag verslag                  the list (numbered, oldest first)
    vertraag verslag open N|ID        the closing words and the page's path; a browser on a desktop
    vertraag verslag delete N|ID      removes that session's files (--all: every session, after a 'ja')

A recording without its report (a run that was killed) and a half-written file are listed as such below the
sessions, and `delete --all` (or `delete ID`) removes them too: no audio stays behind where nobody sees it.
    vertraag verslag trend            writes trend.html (0600) beside the reports: the sessions across weeks
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

from vertraag.errors import UserError
from vertraag.report.store import (
    TREND_PAGE,
    Leftover,
    delete_session,
    ensure_dir,
    find_report,
    leftovers,
    load_reports,
    reports_dir,
    write_private,
)
from vertraag.report.text import words

# A browser is started only where someone can see it (a desktop session); elsewhere the path is enough.
DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY")
CONFIRM_WORD = "ja"
BYTES_PER_MB = 1_000_000


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "verslag",
        help="verslagen van eerdere gesprekken: lijst, openen, verwijderen, trend",
        description="Verslagen van eerdere gesprekken (zie README, 'The report').",
    )
    folder_help = "map met verslagen (standaard de gegevensmap)"
    parser.add_argument("--report-dir", type=Path, help=folder_help)
    # The folder may also follow the action (`vertraag verslag open 2 --report-dir DIR`).
    folder = argparse.ArgumentParser(add_help=False)
    folder.add_argument("--report-dir", type=Path, default=argparse.SUPPRESS, help=folder_help)
    actions = parser.add_subparsers(dest="action", metavar="ACTIE")
    actions.add_parser("list", aliases=["lijst"], help="alle verslagen (standaard)", parents=[folder])
    opener = actions.add_parser("open", help="toon één verslag (nummer of id uit de lijst)", parents=[folder])
    opener.add_argument("which", metavar="N|ID")
    remover = actions.add_parser(
        "delete", aliases=["verwijder"], help="verwijder één verslag, of --all", parents=[folder]
    )
    remover.add_argument("which", metavar="N|ID", nargs="?")
    remover.add_argument("--all", action="store_true", help="alle verslagen")
    remover.add_argument("--yes", action="store_true", help="niet om bevestiging vragen")
    actions.add_parser("trend", help="pagina met het verloop over de gesprekken", parents=[folder])
    parser.set_defaults(func=report_command)


def report_command(args: argparse.Namespace) -> int:
    folder = reports_dir(args.report_dir)
    action = args.action or "list"
    if action in ("list", "lijst"):
        return _list(folder)
    if action == "open":
        return _open(folder, args.which)
    if action == "trend":
        return _trend(folder, chosen=args.report_dir is not None)
    return _delete(folder, args.which, everything=args.all, confirmed=args.yes)


def _list(folder: Path) -> int:
    reports = load_reports(folder)
    if not reports:
        print(words("list", "empty", pad=folder))
    else:
        print(words("list", "header", pad=folder))
        for n, report in enumerate(reports, 1):
            print(_line(n, report))
    left = leftovers(folder, reports)
    if left:
        print(words("list", "leftover_header"))
        for item in left:
            print(_leftover_line(item))
    return 0


def _leftover_line(item: Leftover) -> str:
    if item.recording:
        size = f"{item.size / BYTES_PER_MB:.1f}".replace(".", ",")
        return words("list", "leftover_recording", naam=item.path.name, mb=size, id=item.session_id)
    return words("list", "leftover_file", naam=item.path.name, id=item.session_id)


def _line(n: int, report: dict[str, Any]) -> str:
    from vertraag.report.page import duration_text

    started = datetime.fromisoformat(report["started"])
    return words(
        "list",
        "line",
        n=n,
        id=report["id"],
        datum=started.strftime("%d-%m-%Y %H:%M"),
        duur=duration_text(float(report["duration_s"])),
        protocol=report["protocol"],
        uitnodigingen=report["counts"]["interventions"],
    )


def _open(folder: Path, which: str) -> int:
    report = find_report(folder, which)
    page = folder / f"{report['id']}.html"
    if not page.exists():  # a run killed between its report and its page: the page is made from the report
        from vertraag.report.page import session_page

        write_private(page, session_page(report).encode("utf-8"))
    if report.get("closing"):
        print(report["closing"])
    print(words("screen", "saved", pad=page))
    _show(page)
    return 0


def _trend(folder: Path, *, chosen: bool) -> int:
    from vertraag.report.trend import trend_page

    reports = load_reports(folder)
    if not reports:
        print(words("trend", "empty", pad=folder))
        return 0
    ensure_dir(folder, chosen=chosen)
    page = folder / TREND_PAGE
    write_private(page, trend_page(reports).encode("utf-8"))
    print(words("list", "trend_saved", pad=page))
    _show(page)
    return 0


def _delete(folder: Path, which: str | None, *, everything: bool, confirmed: bool) -> int:
    left: list[Leftover] = []
    if everything:
        reports = load_reports(folder)
        left = leftovers(folder, reports)
        if not reports and not left:
            print(words("list", "empty", pad=folder))
            return 0
        if not confirmed:
            question = words("list", "confirm_all", n=len(reports), los=len(left), pad=folder)
            answer = input(question) if sys.stdin.isatty() else ""
            if answer.strip().lower() != CONFIRM_WORD:
                print(words("list", "kept"))
                return 0
        ids = [str(r["id"]) for r in reports]
        (folder / TREND_PAGE).unlink(missing_ok=True)  # another delete may have removed it meanwhile
    elif which is None:
        raise UserError("Welk verslag? Geef een nummer of id uit `vertraag verslag`, of --all.")
    else:
        try:
            ids = [str(find_report(folder, which)["id"])]
        except UserError:  # not a report: perhaps the id or name of a leftover from `vertraag verslag`
            left = [item for item in leftovers(folder) if which in (item.session_id, item.path.name)]
            if not left:
                raise
    for report_id in ids:
        delete_session(folder, report_id)  # also the session's partial files
        print(words("list", "deleted", id=report_id))
    for item in left:
        item.path.unlink(missing_ok=True)
        print(words("list", "deleted", id=item.path.name))
    return 0


def _show(page: Path) -> None:
    if not any(os.environ.get(name) for name in DISPLAY_VARIABLES):
        return
    import webbrowser

    webbrowser.open(page.resolve().as_uri())
