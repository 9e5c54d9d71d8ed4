"""Write one session's report: `<id>.json` (the data) and `<id>.html` (the page), both 0600."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from vertraag.report.page import session_page
from vertraag.report.store import write_private


def save_report(report: dict[str, Any], folder: Path) -> tuple[Path, Path]:
    json_path = folder / f"{report['id']}.json"
    html_path = folder / f"{report['id']}.html"
    write_private(json_path, (json.dumps(report, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    write_private(html_path, session_page(report).encode("utf-8"))
    return json_path, html_path
