"""Reading vertraag's TOML data files with checks: every refusal names the file, the entry and the key.

Protocols, prompts, interventions, commands, rules and lexicons are edited by therapists, so a typo must be
caught when the file is loaded, with a sentence that says where, not later as a crash in the middle of a
conversation:

- an unknown key or table (a typo such as `unles` would otherwise be ignored);
- a list written as a string: `unless = "zo"` would silently become the patterns "z" and "o";
- a text, a yes/no or a number of the wrong kind; a name that is not one of the choices;
- an empty text or entry (`""`, `"  "`, or an empty list where one entry is needed).

`where` is a `Where` (a file and an entry in it) or the place already written out as text.
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

    def __str__(self) -> str:
        place = f"{self.path.parent.name}/{self.path.name}"
        return f"{place} {self.entry}" if self.entry else place

    def refuse(self, problem: str, key: str | None = None) -> UserError:
        return UserError(f"{self}{_key(key)}: {problem}")


Place = Where | str


def read(path: Path) -> tuple[dict[str, Any], Where]:
    return load_toml(path), Where(path)


def table(value: Any, where: Place, key: str | None = None) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _refuse(where, f"verwacht een tabel, kreeg {value!r}", key)
    return value


def tables(data: Mapping[str, Any], key: str, where: Place) -> list[Mapping[str, Any]]:
    """The [[key]] tables of a file (none is fine)."""
    found = data.get(key, [])
    if not isinstance(found, list) or not all(isinstance(t, dict) for t in found):
        raise UserError(f"{where}: '{key}' staat als [[{key}]]-tabellen; herstel het bestand.")
    return found


def only_keys(data: Mapping[str, Any], allowed: Collection[str], where: Place) -> None:
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise UserError(
            f"{where}: onbekende sleutel(s) {', '.join(unknown)} (bekend: {', '.join(sorted(allowed))})."
        )


def text(data: Mapping[str, Any], key: str, where: Place, *, default: str | None = None) -> str:
    """A non-empty text; missing: `default`, or refused when there is none."""
    value = data.get(key, default)
    if value is None:
        raise UserError(f"{where}: '{key}' ontbreekt.")
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where}: '{key}' moet een (niet-lege) tekst tussen aanhalingstekens zijn.")
    return value


def optional_text(data: Mapping[str, Any], key: str, where: Place) -> str | None:
    return text(data, key, where) if key in data else None


def texts(data: Mapping[str, Any], key: str, where: Place) -> tuple[str, ...]:
    """A list of at least one non-empty text."""
    return tuple(string_list(data, key, where, required=True))


def string_list(data: Mapping[str, Any], key: str, where: Place, *, required: bool = False) -> list[str]:
    """A list of non-empty texts; a bare text (`unless = "zo"`) or an empty entry is refused."""
    if key not in data:
        if required:
            raise UserError(f"{where}: '{key}' ontbreekt.")
        return []
    value = data[key]
    if isinstance(value, str):
        raise UserError(
            f"{where}: '{key}' moet een lijst zijn, zoals {key} = [\"{value}\"]; nu staat er één tekst "
            f'("{value}"). Zet er [ en ] omheen.'
        )
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise UserError(f"{where}: '{key}' moet een lijst van teksten tussen aanhalingstekens zijn.")
    if any(not item.strip() for item in value):
        raise UserError(f"{where}: '{key}' bevat een lege tekst; haal die weg.")
    if required and not value:
        raise UserError(f"{where}: '{key}' is leeg; geef minstens één patroon.")
    return list(value)


def class_entries(name: str, entries: Any, where: Place) -> list[str]:
    """A word class: a list of non-empty texts."""
    return string_list({name: entries}, name, f"{where}, klasse '{name}'", required=True)


def number(
    data: Mapping[str, Any], key: str, where: Place, *, default: float | None = None, minimum: float = 0.0
) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _refuse(where, f"verwacht een getal, kreeg {value!r}", key)
    if value < minimum:
        raise _refuse(where, f"moet minstens {minimum:g} zijn, niet {value!r}", key)
    return float(value)


def flag(data: Mapping[str, Any], key: str, where: Place, *, default: bool = False) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise UserError(f"{where}: '{key}' is true of false (zonder aanhalingstekens).")
    return value


def choice(data: Mapping[str, Any], key: str, where: Place, options: Collection[str], *, default: str) -> str:
    value = data.get(key, default)
    if value not in options:
        raise _refuse(where, f"kies uit {', '.join(sorted(options))}, niet {value!r}", key)
    return str(value)


def _refuse(where: Place, problem: str, key: str | None) -> UserError:
    return UserError(f"{where}{_key(key)}: {problem}")


def _key(key: str | None) -> str:
    return "" if key is None else f", '{key}'"
