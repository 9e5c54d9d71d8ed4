"""The one check of settings, wherever they come from: the TOML file, `$VERTRAAG_MODEL` or a flag.

It reads the schema from the dataclasses in schema.py (field types with `Annotated` ranges, `choices`
metadata), so nothing here names a section or a key. msgspec converts and checks types and ranges; this
module adds unknown keys, names from a list and finite numbers, and turns every refusal into one line that
names where the value came from, the key, and what is allowed. Exit code 2, like every `UserError`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Mapping
from types import NoneType, UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import msgspec

from vertraag.config.schema import CHOICES, Names, Settings
from vertraag.errors import UserError

_WORDS = {  # a type in words (for what is allowed)
    bool: "true of false",
    int: "een geheel getal",
    float: "een getal",
    str: "tekst tussen aanhalingstekens",
}
MAX_SHOWN_CHARS = 40  # a refused value is shown up to this long (a line stays a line)
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_PATH = re.compile(r" - at `\$((?:\.\w+)*)")  # where msgspec says the problem is: " - at `$.audio.block_ms`"


def checked(data: Mapping[str, Any], *, where: str, names: Names) -> Settings:
    """Settings from a TOML table, or a UserError in one line naming `where`, the key and what is allowed."""
    _refuse_unknown(Settings, data, section=None, where=where)
    try:
        settings = msgspec.convert(data, Settings, strict=True)
    except msgspec.ValidationError as exc:
        raise _refusal(str(exc), data, where=where, names=names) from None
    _check_values(settings, where=where, names=names)
    return settings


def checked_override(
    settings: Settings, section: str, changes: Mapping[str, Any], *, where: str, names: Names
) -> Settings:
    """`settings` with some keys of one section replaced, checked like a file (values from `where`)."""
    data = msgspec.to_builtins(settings)
    data[section] = {**data[section], **changes}
    return checked(data, where=where, names=names)


def sections() -> dict[str, type[Any]]:
    """Every section name with its dataclass."""
    return {f.name: _dataclass_of(Settings, f.name) for f in dataclasses.fields(Settings)}


def keys() -> dict[str, list[str]]:
    """Every key of every section, in schema order (for the README check and for messages)."""
    return {name: [f.name for f in dataclasses.fields(cls)] for name, cls in sections().items()}


def allowed(cls: type[Any], key: str, names: Names) -> str:
    """What key `key` of dataclass `cls` takes, in a few Dutch words."""
    meta = {f.name: f.metadata for f in dataclasses.fields(cls)}[key]
    if CHOICES in meta and (choices := list(names.get(meta[CHOICES], ()))):
        text = "een van " + ", ".join(f'"{n}"' for n in choices)
        return text + (" (of laat de regel weg)" if _optional(_hints(cls)[key]) else "")
    return _describe(_hints(cls)[key])


def _refuse_unknown(cls: type[Any], data: Mapping[str, Any], *, section: str | None, where: str) -> None:
    fields = {f.name: f for f in dataclasses.fields(cls)}
    for key, value in data.items():
        if key not in fields:
            known = ", ".join(fields)
            if section is None:
                raise UserError(f"{where}: onbekende sectie [{_key(key)}]; bekend: {known}.")
            raise UserError(f"{where}: onbekende instelling {_key(key)} in [{section}]; bekend: {known}.")
        sub = _dataclass_of(cls, key)
        if sub is not None and isinstance(value, Mapping):
            _refuse_unknown(sub, value, section=key, where=where)


def _refusal(error: str, data: Mapping[str, Any], *, where: str, names: Names) -> UserError:
    match = _PATH.search(error)
    path = match.group(1).split(".")[1:] if match else []
    if len(path) == 1:
        return UserError(
            f"{where}: [{path[0]}] moet een sectie zijn (een regel [{path[0]}] met instellingen eronder), "
            f"niet {_show(data[path[0]])}."
        )
    if len(path) >= 2:
        section, key = path[0], path[1]
        return _bad_value(section, key, data[section][key], where=where, names=names)
    return UserError(f"{where}: {error}")  # the top of a TOML file is always a table: not expected


def _bad_value(section: str, key: str, value: Any, *, where: str, names: Names) -> UserError:
    what = allowed(sections()[section], key, names)
    return UserError(f"{where}: [{section}] {key} = {_show(value)} kan niet; toegestaan: {what}.")


def _check_values(settings: Settings, *, where: str, names: Names) -> None:
    """What msgspec does not check: names from a list, and numbers that are numbers (not inf or nan)."""
    for section in sections():
        part = getattr(settings, section)
        for f in dataclasses.fields(part):
            value = getattr(part, f.name)
            if isinstance(value, float) and not math.isfinite(value):
                raise _bad_value(section, f.name, value, where=where, names=names)
            if CHOICES in f.metadata and value is not None:
                choices = names.get(f.metadata[CHOICES], ())
                if choices and value not in choices:
                    raise _bad_value(section, f.name, value, where=where, names=names)


def _describe(hint: Any) -> str:
    base, bounds = _unwrap(hint)
    if _optional(hint):
        return _describe(next(a for a in get_args(hint) if a is not NoneType)) + " (of laat de regel weg)"
    text = _WORDS.get(base, getattr(base, "__name__", str(base)))
    if bounds.get("min_length"):
        text = "niet-lege " + text
    return text + _range(bounds)


def _range(bounds: dict[str, Any]) -> str:
    words = {"gt": "groter dan", "ge": "minstens", "lt": "kleiner dan", "le": "hoogstens"}
    parts = [f"{word} {bounds[name]}" for name, word in words.items() if name in bounds]
    return ", " + " en ".join(parts) if parts else ""


def _unwrap(hint: Any) -> tuple[Any, dict[str, Any]]:
    """(the plain type, its msgspec bounds) of a possibly `Annotated` hint."""
    if get_origin(hint) is not Annotated:
        return hint, {}
    base, *extras = get_args(hint)
    bounds: dict[str, Any] = {}
    for extra in extras:
        if isinstance(extra, msgspec.Meta):
            names = ("ge", "gt", "le", "lt", "min_length")
            bounds.update({n: getattr(extra, n) for n in names if getattr(extra, n) is not None})
    return base, bounds


def _optional(hint: Any) -> bool:
    return get_origin(hint) in (Union, UnionType) and NoneType in get_args(hint)


def _hints(cls: type[Any]) -> dict[str, Any]:
    return get_type_hints(cls, include_extras=True)


def _dataclass_of(cls: type[Any], key: str) -> Any:
    hint = _hints(cls).get(key)
    return hint if dataclasses.is_dataclass(hint) else None


def _show(value: Any) -> str:
    """A value as it would be written in TOML, on one line and not too long."""
    if isinstance(value, float) and not math.isfinite(value):
        text = "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    elif isinstance(value, Mapping):
        text = "{...}"
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError):
            text = str(value)
    return _clip(text)


def _key(key: str) -> str:
    """A key as TOML shows it: bare when it can be, else quoted with escapes (no control characters)."""
    return _clip(key if _BARE_KEY.fullmatch(key) else json.dumps(key, ensure_ascii=False))


def _clip(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_CHARS else text[: MAX_SHOWN_CHARS - 3] + "..."
