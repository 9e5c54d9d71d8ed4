"""The models folder on disk: private, tidy, and never holding a half-written model.

Shared by downloading and installing: creating the folder, hidden temporary files and folders beside their
final place, atomic renames into place, and turning a full disk into one clear sentence.
"""

from __future__ import annotations

import errno
import logging
import os
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from vertraag.errors import UserError
from vertraag.models.progress import megabytes

log = logging.getLogger(__name__)

# Read and unpack in pieces this big: a smooth progress bar, little memory, few system calls.
CHUNK_BYTES = 64 * 1024
# Hidden leftovers of a download or install that was killed (power cut, kill -9) are removed after this long;
# younger ones may belong to a download that is still running in another terminal.
STALE_TEMP_S = 3600
DOWNLOAD_PREFIX = ".download-"
INSTALL_PREFIX = ".install-"
REPLACED_PREFIX = ".replaced-"
# A model's folder name: one plain path component that `list` shows (not hidden, no separators).
SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")
DISK_FULL_ERRNOS = (errno.ENOSPC, errno.EDQUOT)
# Installed models and the models folder are private: the README promises that files vertraag writes are
# readable by the user alone.
PRIVATE_DIR_MODE = 0o700


def prepare_folder(folder: Path) -> None:
    """Create the models folder (private) if needed and clear out long-dead leftovers in it."""
    try:
        folder.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(
            f"Kan de modelmap {folder} niet aanmaken ({exc.strerror}): "
            "kies een andere met VERTRAAG_MODELS_DIR."
        ) from exc
    remove_stale_temps(folder)


def remove_stale_temps(folder: Path, *, max_age_s: float = STALE_TEMP_S) -> None:
    """Remove hidden leftovers of downloads or installs that were killed long ago."""
    now = time.time()
    for entry in folder.iterdir():
        if not entry.name.startswith((DOWNLOAD_PREFIX, INSTALL_PREFIX, REPLACED_PREFIX)):
            continue
        if now - entry.lstat().st_mtime > max_age_s:
            log.info("removing stale %s", entry)
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)


def check_name(name: str) -> None:
    if not SAFE_NAME.match(name):
        raise UserError(f"'{name}' is geen geldige modelnaam: gebruik letters, cijfers, '.', '-' of '_'.")


def check_free_space(folder: Path, needed: int | None) -> None:
    if needed is None:
        return
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise disk_full_error(folder, needed - free)


def disk_full_error(folder: Path, short_by: int | None = None) -> UserError:
    amount = f"minstens {mb(short_by)} " if short_by else ""
    return UserError(
        f"De schijf met {folder} is vol: maak {amount}ruimte vrij (of kies een andere map met "
        "VERTRAAG_MODELS_DIR) en probeer het opnieuw; er is niets geïnstalleerd."
    )


@contextmanager
def writing(folder: Path) -> Iterator[None]:
    """Around writes: a full disk becomes the clear message, other write errors say where it failed."""
    try:
        yield
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            raise disk_full_error(folder) from exc
        raise UserError(
            f"Kan niet schrijven in {folder} ({exc.strerror}): controleer de map en de rechten."
        ) from exc


def count(n_bytes: int) -> str:
    return f"{n_bytes:,}".replace(",", ".")  # Dutch thousands separator


def mb(n_bytes: int) -> str:
    return f"{megabytes(n_bytes)} MB"


def move_into_place(source: Path, target: Path) -> None:
    """Rename `source` to `target` (same filesystem, so atomic); an old `target` is replaced, not merged."""
    if not target.exists():
        os.rename(source, target)
        return
    aside = Path(tempfile.mkdtemp(dir=target.parent, prefix=REPLACED_PREFIX))
    os.rename(target, aside / target.name)
    try:
        os.rename(source, target)
    except OSError:
        os.rename(aside / target.name, target)
        raise
    finally:
        shutil.rmtree(aside, ignore_errors=True)


@contextmanager
def temporary_dir(folder: Path) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(dir=folder, prefix=INSTALL_PREFIX))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
