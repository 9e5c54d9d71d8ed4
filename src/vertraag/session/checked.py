"""Reading the session's TOML data with checks: every refusal names the file, the entry and the key.

Protocols, prompts, interventions and commands are edited by therapists, so a typo must be caught when the
file is loaded, with a sentence that says where, not later as a crash in the middle of a conversation.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any

from vertraag.errors import UserError
from vertraag.phrases import load_toml


class Where:
    """A place in a data file, for messages: `protocols/vertraag.toml [[turn]] 2, 'seconds'`."""

    def __init__(self, path: Path, entry: str = "") -> None:
        self.path = path
        self.entry = entry

    def at(self, entry: str) -> Where:
        return Where(self.path, f"{self.entry} {entry}".strip())

    def refuse(self, problem: str, key: str | None = None) -> UserError:
        place = f"{self.path.parent.name}/{self.path.name}"
        if self.entry:
            place += f" {self.entry}"
        if key is not None:
            place += f", '{key}'"
        return UserError(f"{place}: {problem}")


def read(path: Path) -> tuple[dict[str, Any], Where]:
    return load_toml(path), Where(path)


def table(value: Any, where: Where, key: str | None = None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise where.refuse(f"verwacht een tabel, kreeg {value!r}", key)
    return value


def only_keys(data: Mapping[str, Any], allowed: Collection[str], where: Where) -> None:
    for key in data:
        if key not in allowed:
            known = ", ".join(sorted(allowed))
            raise where.refuse(f"onbekende sleutel (bekend: {known})", key)


def text(data: Mapping[str, Any], key: str, where: Where, *, default: str | None = None) -> str:
    value = data.get(key, default)
    if not isinstance(value, str) or not value.strip():
        raise where.refuse(f"verwacht een tekst, kreeg {value!r}", key)
    return value


def optional_text(data: Mapping[str, Any], key: str, where: Where) -> str | None:
    return text(data, key, where) if key in data else None


def number(
    data: Mapping[str, Any], key: str, where: Where, *, default: float | None = None, minimum: float = 0.0
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise where.refuse(f"verwacht een getal, kreeg {value!r}", key)
    if value < minimum:
        raise where.refuse(f"moet minstens {minimum:g} zijn, niet {value!r}", key)
    return float(value)


def flag(data: Mapping[str, Any], key: str, where: Where, *, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise where.refuse(f"verwacht true of false, kreeg {value!r}", key)
    return value


def choice(data: Mapping[str, Any], key: str, where: Where, options: Collection[str], *, default: str) -> str:
    value = data.get(key, default)
    if value not in options:
        raise where.refuse(f"kies uit {', '.join(sorted(options))}, niet {value!r}", key)
    return str(value)


def texts(data: Mapping[str, Any], key: str, where: Where) -> tuple[str, ...]:
    value = data.get(key)
    if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise where.refuse(f"verwacht een lijst met teksten, kreeg {value!r}", key)
    return tuple(value)
