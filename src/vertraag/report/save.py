"""Write one session's report: `<id>.json` (the data) and `<id>.html` (the page), both 0600.

Both are written whole to temporary names first. The JSON is what makes a session exist for `vertraag
verslag`, so it is renamed last but one: its name is claimed without overwriting (`store.claim`), and when
another process took that id in the same second, the report moves to the next free one. The page follows.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vertraag.report.page import session_page
from vertraag.report.store import claim, free_id, write_private, write_temp

MAX_CLAIMS = 100  # ids tried before giving up: far more sessions than can start within one second


def save_report(report: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """Save under `report["id"]`, or under the next free id (then `report["id"]` is updated)."""
    for _ in range(MAX_CLAIMS):
        json_path = folder / f"{report['id']}.json"
        data = (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
        if claim(write_temp(json_path, data), json_path):
            break
        report["id"] = free_id(folder, str(report["id"]))
    else:
        raise FileExistsError(f"no free report id in {folder}")
    html_path = folder / f"{report['id']}.html"
    try:
        write_private(html_path, session_page(report).encode("utf-8"))
    except BaseException:
        json_path.unlink(missing_ok=True)  # a report without its page is not left behind
        raise
    return json_path, html_path


def update_report(report: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    """Write an already saved report again (its final version), each file replaced whole."""
    json_path = folder / f"{report['id']}.json"
    html_path = folder / f"{report['id']}.html"
    write_private(html_path, session_page(report).encode("utf-8"))
    write_private(json_path, (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return json_path, html_path
