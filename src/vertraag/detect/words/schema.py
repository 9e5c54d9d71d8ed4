"""One schema for the word detector's data files (rules*.toml, lexicon*.toml, reframes.toml).

Every table is read through these checks, so a mistake a therapist can make while editing is refused when the
file is loaded, with the file, the rule (or class, or topic) and the key named:

- an unknown key or table (a typo such as `unles` would otherwise be ignored);
- a list written as a string: `unless = "zo"` would silently become the patterns "z" and "o";
- a text, a yes/no or a number of the wrong kind;
- an empty pattern or entry (`""`, `"  "`, or an empty list where one entry is needed).

Patterns that can never match (punctuation inside a word, an empty class) are refused by the pattern
compiler, with the same file and rule named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from vertraag.errors import UserError


def known_keys(table: Mapping[str, Any], allowed: Sequence[str] | frozenset[str], where: str) -> None:
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise UserError(
            f"{where}: onbekende sleutel(s) {', '.join(unknown)} (bekend: {', '.join(sorted(allowed))})."
        )


def string_list(table: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> list[str]:
    """A list of non-empty texts; a bare text (`unless = "zo"`) or an empty entry is refused."""
    if key not in table:
        if required:
            raise UserError(f"{where}: '{key}' ontbreekt.")
        return []
    value = table[key]
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


def text(table: Mapping[str, Any], key: str, where: str, *, default: str | None = None) -> str | None:
    if key not in table:
        return default
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise UserError(f"{where}: '{key}' moet een (niet-lege) tekst tussen aanhalingstekens zijn.")
    return value


def flag(table: Mapping[str, Any], key: str, where: str) -> bool:
    value = table.get(key, False)
    if not isinstance(value, bool):
        raise UserError(f"{where}: '{key}' is true of false (zonder aanhalingstekens).")
    return value


def tables(data: Mapping[str, Any], key: str, where: str) -> list[Mapping[str, Any]]:
    """The [[key]] tables of a file (none is fine)."""
    found = data.get(key, [])
    if not isinstance(found, list) or not all(isinstance(t, dict) for t in found):
        raise UserError(f"{where}: '{key}' staat als [[{key}]]-tabellen; herstel het bestand.")
    return found


def class_entries(name: str, entries: Any, where: str) -> list[str]:
    """A word class: a list of non-empty texts."""
    return string_list({name: entries}, name, f"{where}, klasse '{name}'", required=True)
