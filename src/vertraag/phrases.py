"""Where the data lives: Dutch phrases, lexicons and protocols in `phrases/<lang>/*.toml`.

In a checkout the folder is `phrases/` at the top of the repository; in an installed wheel it is packaged
as `vertraag/phrases`. Everything a user hears or reads comes from there, not from code.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from pathlib import Path
from typing import Any

from vertraag.errors import UserError

DEFAULT_LANGUAGE = "nl"
PROTOCOL_DIR = "protocols"  # one TOML file per conversation protocol
_PACKAGE_DIR = Path(__file__).resolve().parent
# A sentence ends at . ! ? (also an ellipsis), maybe a closing quote after it, then a space.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?]['\"’”]))\s+")


def sentences(text: str) -> list[str]:
    """The sentences of a spoken text ("Even vertragen. Probeer het eens zo: ..." -> two), as the speaker
    renders and caches them."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part.strip()]


def phrases_root() -> Path:
    """The `phrases/` folder: packaged copy first, then the checkout's."""
    for candidate in (_PACKAGE_DIR / "phrases", _PACKAGE_DIR.parents[1] / "phrases"):
        if candidate.is_dir():
            return candidate
    raise UserError("De map 'phrases' ontbreekt: installeer vertraag opnieuw (make install).")


def language_dir(language: str = DEFAULT_LANGUAGE) -> Path:
    return phrases_root() / language


def protocol_dir(language: str = DEFAULT_LANGUAGE) -> Path:
    return language_dir(language) / PROTOCOL_DIR


def protocol_names(language: str = DEFAULT_LANGUAGE) -> list[str]:
    """The conversation protocols there are: the files in phrases/<lang>/protocols/."""
    return sorted(p.stem for p in protocol_dir(language).glob("*.toml"))


def load_toml(path: Path) -> dict[str, Any]:
    """Read a TOML data file; a broken or missing file is a clear UserError naming the file and line."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise UserError(f"Bestand niet gevonden: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UserError(
            f"Het bestand {path} is geen geldige TOML ({exc}); herstel het of zet het origineel terug."
        ) from exc
    except OSError as exc:
        raise UserError(f"Kan {path} niet lezen: {exc.strerror}") from exc


@cache
def messages(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """Flat table of user-facing messages (`phrases/<lang>/messages.toml`, section [messages])."""
    data = load_toml(language_dir(language) / "messages.toml")
    table = data.get("messages", {})
    return {str(k): str(v) for k, v in table.items()}


def message(key: str, language: str = DEFAULT_LANGUAGE, **fields: object) -> str:
    """One user-facing message, formatted with `fields`. An unknown key falls back to the key itself."""
    template = messages(language).get(key, key)
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):
        return template


@cache
def screen_texts(language: str = DEFAULT_LANGUAGE) -> dict[str, str]:
    """The terminal screen's words (`messages.toml`, section [screen])."""
    table = load_toml(language_dir(language) / "messages.toml").get("screen", {})
    return {str(k): str(v) for k, v in table.items()}


def screen_text(key: str, **fields: object) -> str:
    template = screen_texts().get(key, key)
    try:
        return template.format(**fields)
    except (KeyError, IndexError, ValueError):
        return template
