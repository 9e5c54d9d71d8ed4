"""The prompts vertraag speaks: `phrases/nl/prompts.toml`, several variants per id, with placeholders.

A variant is shown as `text` and spoken as `say` (the same unless the file gives another spoken form, e.g. for
phone numbers). Placeholders are checked when the file is loaded: an unknown one names the prompt.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vertraag.datafile import Where, only_keys, read, text
from vertraag.phrases import DEFAULT_LANGUAGE, language_dir

PROMPTS_FILE = "prompts.toml"
PLACEHOLDERS = frozenset(
    {
        "spreker", "luisteraar", "eerste", "tweede", "woord", "reframe", "minuten", "pauzeduur", "terugtijd",
        "terugtijd_gezegd", "pauzewoord",
    }
)  # fmt: skip


@dataclass(frozen=True)
class Variant:
    text: str  # shown on screen and in the event stream
    say: str  # spoken


@dataclass(frozen=True)
class Prompts:
    variants: Mapping[str, tuple[Variant, ...]]

    def count(self, prompt_id: str) -> int:
        return len(self.variants[prompt_id])

    def render(self, prompt_id: str, variant: int, params: Mapping[str, str]) -> Variant:
        """Variant number `variant` (0-based, wraps around) of `prompt_id` with the placeholders filled in."""
        chosen = self.variants[prompt_id][variant % self.count(prompt_id)]
        fields = {name: params.get(name, "") for name in PLACEHOLDERS}
        return Variant(_tidy(chosen.text.format(**fields)), _tidy(chosen.say.format(**fields)))

    def require(self, ids: Iterable[str], where: Where, key: str) -> None:
        for prompt_id in ids:
            if prompt_id not in self.variants:
                raise where.refuse(f"prompt '{prompt_id}' staat niet in {PROMPTS_FILE}", key)


def _tidy(line: str) -> str:
    """No double space where a placeholder was empty; a capital at the start of each sentence (a name
    written in lower case may open one)."""
    return _SENTENCE_START.sub(lambda m: m.group(0).upper(), " ".join(line.split()))


_SENTENCE_START = re.compile(r"(?:^|(?<=[.!?] ))\w")


@cache
def load_prompts(language: str = DEFAULT_LANGUAGE, directory: Path | None = None) -> Prompts:
    path = (directory if directory is not None else language_dir(language)) / PROMPTS_FILE
    data, where = read(path)
    variants: dict[str, tuple[Variant, ...]] = {}
    for prompt_id, value in data.items():
        entry = where.at(prompt_id)
        if not isinstance(value, list) or not value:
            raise entry.refuse("verwacht een lijst met varianten")
        variants[prompt_id] = tuple(
            _variant(item, entry.at(f"variant {n}")) for n, item in enumerate(value, 1)
        )
    return Prompts(variants)


def _variant(item: object, where: Where) -> Variant:
    if isinstance(item, str):
        shown = said = item
    elif isinstance(item, Mapping):
        only_keys(item, ("text", "say"), where)
        shown = text(item, "text", where)
        said = text(item, "say", where, default=shown)
    else:
        raise where.refuse(f"verwacht een tekst of {{ text = ..., say = ... }}, kreeg {item!r}")
    for line in (shown, said):
        _check_placeholders(line, where)
    return Variant(shown, said)


def _check_placeholders(line: str, where: Where) -> None:
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(line) if name is not None]
    except ValueError as exc:
        raise where.refuse(f"een accolade klopt niet ({exc}); schrijf {{naam}}") from exc
    for name in names:
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
            raise where.refuse(f"onbekende plek '{{{name}}}' (bekend: {known})")
