"""Loading settings: the file is `--config PATH`, else `$VERTRAAG_CONFIG`, else
`~/.config/vertraag/config.toml` when it exists; `$VERTRAAG_MODEL` and the flags override it.

Every value passes the one check (check.py); the names a field may choose from are passed in (`names`).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from vertraag.config.check import checked, checked_override
from vertraag.config.schema import Names, Settings
from vertraag.errors import UserError

CONFIG_ENV = "VERTRAAG_CONFIG"
MODEL_ENV = "VERTRAAG_MODEL"


def default_config_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "vertraag" / "config.toml"


def load_settings(path: Path | None = None, *, names: Names) -> Settings:
    """Settings from `path` (or the default locations); a broken file is a clear UserError. `names`: what
    each `choices` field may be (vertraag.known.names())."""
    if path is None:
        env = os.environ.get(CONFIG_ENV)
        path = Path(env) if env else default_config_path()
        if not path.exists():
            return _with_env(Settings(), names)
    if path.exists() and not path.is_file():  # a pipe would wait for a writer forever: refuse it at once
        raise UserError(f"Het configuratiebestand {path} is geen gewoon bestand (een map, pipe of apparaat).")
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except FileNotFoundError as exc:
        raise UserError(f"Configuratiebestand niet gevonden: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"Het configuratiebestand {path} is geen geldige TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "geen UTF-8"
        raise UserError(f"Kan het configuratiebestand {path} niet lezen: {reason}") from exc
    return _with_env(checked(data, where=str(path), names=names), names)


def _with_env(settings: Settings, names: Names) -> Settings:
    model = os.environ.get(MODEL_ENV)
    if not model:
        return settings
    return checked_override(settings, "recognizer", {"model": model}, where=MODEL_ENV, names=names)


def override(settings: Settings, section: str, *, names: Names, **changes: Any) -> Settings:
    """Settings with some fields of one section replaced (for command-line flags); None means 'not given'.
    The new values pass the same check as the file's."""
    given = {k: v for k, v in changes.items() if v is not None}
    if not given:
        return settings
    return checked_override(settings, section, given, where="opdrachtregel", names=names)
