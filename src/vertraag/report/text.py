"""The report's Dutch words: `phrases/nl/report.toml` (never in code)."""

from __future__ import annotations

from functools import cache

from vertraag.phrases import DEFAULT_LANGUAGE, language_dir, load_toml

REPORT_FILE = "report.toml"


@cache
def _table(section: str, language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    data = load_toml(language_dir(language) / REPORT_FILE).get(section, {})
    return {str(k): str(v) for k, v in data.items()}


def words(section: str, key: str, **fields: object) -> str:
    """One entry of `section`, filled in; an unknown key is shown as itself (visible, never a crash)."""
    template = _table(section).get(key, key)
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):
        return template
