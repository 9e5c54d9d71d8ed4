"""Voice commands: a short utterance that is only "volgende", "pauze", "verder" ... steers the session.

The phrases are data (`phrases/nl/commands.toml`). An utterance is a command only when, after dropping filler
words and punctuation, it is exactly one of the phrases and has at most `max_words` words: "ik wil niet
verder" is conversation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from vertraag import datafile as c
from vertraag.phrases import DEFAULT_LANGUAGE, language_dir

COMMANDS_FILE = "commands.toml"
NEXT, PAUSE, RESUME, REPEAT, STOP, TIMEOUT = "next", "pause", "resume", "repeat", "stop", "timeout"
COMMANDS = (NEXT, PAUSE, RESUME, REPEAT, STOP, TIMEOUT)
_WORD = re.compile(r"[\w'-]+")


def _words(text: str) -> tuple[str, ...]:
    return tuple(w.strip("-'") for w in _WORD.findall(text.lower()) if w.strip("-'"))


@dataclass(frozen=True)
class CommandWords:
    phrases: Mapping[tuple[str, ...], str]  # words of a phrase -> command
    fillers: frozenset[str]
    max_words: int

    def command(self, utterance: str, *, pause_word: str = "") -> str | None:
        """The command this utterance is, or None when it is conversation."""
        words = _words(utterance)
        if not words or len(words) > self.max_words:
            return None
        if pause_word and _words(pause_word) == words:
            return TIMEOUT
        found = self.phrases.get(words)
        if found is None:
            found = self.phrases.get(tuple(w for w in words if w not in self.fillers))
        return found


@cache
def load_commands(language: str = DEFAULT_LANGUAGE, directory: Path | None = None) -> CommandWords:
    data, where = c.read((directory if directory is not None else language_dir(language)) / COMMANDS_FILE)
    c.only_keys(data, ("max_words", "phrases", "fillers"), where)
    table = c.table(data.get("phrases"), where, "phrases")
    c.only_keys(table, COMMANDS, where.at("[phrases]"))
    phrases: dict[tuple[str, ...], str] = {}
    for command in COMMANDS:
        for phrase in c.texts(table, command, where.at("[phrases]")):
            phrases[_words(phrase)] = command
    fillers = c.table(data.get("fillers"), where, "fillers")
    c.only_keys(fillers, ("words",), where.at("[fillers]"))
    return CommandWords(
        phrases=phrases,
        fillers=frozenset(c.texts(fillers, "words", where.at("[fillers]"))),
        max_words=int(c.number(data, "max_words", where, minimum=1)),
    )
