"""The couple's profile: names, each partner's calm level, calm speaking rate and voice (as numbers), and
their pause word.

Written by the calibration and offered again next time, so a couple calibrates once. One JSON file per couple
in the user's data folder (`$XDG_DATA_HOME/vertraag/profiles`, `~/.local/share/vertraag/profiles`), readable
by the user alone (mode 0600, folder 0700): a calm level says little, but it is about someone's voice.
It holds no audio: the voices are the tracker's numbers (voices/).
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

PROFILES_ENV = "VERTRAAG_PROFILES_DIR"  # tests and unusual setups
FILE_MODE = 0o600
DIR_MODE = 0o700
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class PartnerCalm:
    name: str
    baseline_db: float | None = None  # calm speech level in dBFS; None = learned during the session
    calm_wps: float | None = None  # calm speaking rate in words per second; None = learned


@dataclass(frozen=True)
class Profile:
    partner_a: PartnerCalm
    partner_b: PartnerCalm
    pause_word: str
    noise_db: float | None = None  # the room's level during the calibration, dBFS
    # Each partner's voice as numbers (voices/ `to_profile`), never audio; None: an older profile, made
    # before vertraag told the voices apart (it calibrates again).
    voices: dict[str, Any] | None = None

    @property
    def names(self) -> tuple[str, str]:
        return self.partner_a.name, self.partner_b.name


def profiles_dir() -> Path:
    override = os.environ.get(PROFILES_ENV)
    if override:
        return Path(override).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "vertraag" / "profiles"


def profile_path(name_a: str, name_b: str, directory: Path | None = None) -> Path:
    """One file per couple; the order of the names does not matter."""
    slugs = sorted(_SLUG.sub("-", name.lower()).strip("-") or "partner" for name in (name_a, name_b))
    return (directory or profiles_dir()) / f"{slugs[0]}--{slugs[1]}.json"


def save_profile(profile: Profile, directory: Path | None = None) -> Path:
    """Write the profile atomically at mode 0600."""
    path = profile_path(*profile.names, directory)
    path.parent.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    fd, temp = tempfile.mkstemp(prefix=".", dir=path.parent)
    try:
        os.fchmod(fd, FILE_MODE)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(profile), fh, ensure_ascii=False, indent=2)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    log.info("profile saved to %s", path)
    return path


def load_profile(name_a: str, name_b: str, directory: Path | None = None) -> Profile | None:
    """The couple's profile, or None when there is none (or it cannot be read: then we calibrate again)."""
    return _read(profile_path(name_a, name_b, directory))


def latest_profile(directory: Path | None = None) -> Profile | None:
    """The most recently written profile: its names are offered when no names are configured."""
    folder = directory or profiles_dir()
    files = (
        sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime, reverse=True)
        if folder.is_dir()
        else []
    )
    for path in files:
        found = _read(path)
        if found is not None:
            return found
    return None


def _read(path: Path) -> Profile | None:
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        return Profile(
            partner_a=_partner(data["partner_a"]),
            partner_b=_partner(data["partner_b"]),
            pause_word=str(data["pause_word"]),
            noise_db=_number(data.get("noise_db")),
            voices=data["voices"] if isinstance(data.get("voices"), dict) else None,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        log.warning("ignoring the profile %s: %s", path, exc)
        return None


def _partner(data: dict[str, Any]) -> PartnerCalm:
    return PartnerCalm(
        name=str(data["name"]),
        baseline_db=_number(data.get("baseline_db")),
        calm_wps=_number(data.get("calm_wps")),
    )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
