"""Getting a model onto this machine: a streamed download, a safe unzip, and an atomic move into place.

Nothing half-done is ever left under a model's name: downloads go to a hidden temporary file in the models
folder, archives are unpacked into a hidden temporary folder and checked there, and only a complete, checked
model is renamed into place. Every failure a user can meet ends in one Dutch sentence that says what to do.
"""

from __future__ import annotations

import errno
import http.client
import logging
import os
import re
import shutil
import stat
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from vertraag import __version__
from vertraag.errors import UserError
from vertraag.models import catalog, store
from vertraag.models.catalog import WHISPER
from vertraag.models.progress import NO_PROGRESS, Progress

log = logging.getLogger(__name__)

# No byte for this long means the connection stalled: give up rather than hang (urllib's socket timeout).
DOWNLOAD_TIMEOUT_S = 30.0
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
# Folders that macOS adds to zip files it creates; never part of a model.
IGNORED_TOP_LEVEL = ("__MACOSX",)


# ---- the whole job ---------------------------------------------------------------------------------


def download_model(
    name: str,
    *,
    url: str | None = None,
    folder: Path | None = None,
    progress: Progress = NO_PROGRESS,
    timeout_s: float = DOWNLOAD_TIMEOUT_S,
) -> Path:
    """Download model `name` (a known name, or any name with `url`) and install it; returns its folder."""
    folder = store.models_dir() if folder is None else folder
    info = catalog.find(name)
    if info is not None and info.engine == WHISPER:
        if url is not None:
            raise UserError(
                "--url werkt alleen voor zip-modellen (Vosk); Whisper-modellen komen via faster-whisper."
            )
        return download_whisper(info.name, folder=folder)
    url = url or (info.url if info else None)
    if url is None:
        raise UserError(
            f"Onbekend model '{name}': kies een naam uit `vertraag model list`, of geef --url op."
        )
    _check_name(name)
    _prepare_folder(folder)
    zip_path = folder / f"{name}.zip"
    download_file(
        url,
        dest=zip_path,
        expected_size=info.size_bytes if info else None,
        progress=progress,
        timeout_s=timeout_s,
    )
    try:
        return install_zip(zip_path, folder=folder, name=name)
    finally:
        zip_path.unlink(missing_ok=True)


# ---- download --------------------------------------------------------------------------------------


def download_file(
    url: str,
    *,
    dest: Path,
    expected_size: int | None,
    progress: Progress = NO_PROGRESS,
    timeout_s: float = DOWNLOAD_TIMEOUT_S,
) -> Path:
    """Stream `url` to `dest` via a temporary file beside it; check its size; rename it into place."""
    request = urllib.request.Request(url, headers={"User-Agent": f"vertraag/{__version__}"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s)
    except urllib.error.HTTPError as exc:
        raise UserError(
            f"De server gaf fout {exc.code} voor {url}: "
            "controleer het adres (--url) of probeer het later opnieuw."
        ) from exc
    except (urllib.error.URLError, OSError) as exc:  # no DNS, refused, timed out, no route
        raise _offline_error(url, dest.name, exc) from exc
    except ValueError as exc:  # not a URL at all
        raise UserError(f"'{url}' is geen geldig adres: geef een http(s)-adres op met --url.") from exc
    with response:
        server_size = _content_length(response)
        if expected_size is not None and server_size is not None and server_size != expected_size:
            raise _size_error(url, server_size, expected_size)
        total = expected_size if expected_size is not None else server_size
        _check_free_space(dest.parent, total)
        with _temporary_file(dest.parent) as (tmp_path, out):
            done = _stream(response, out, url=url, folder=dest.parent, total=total, progress=progress)
            if server_size is not None and done < server_size:  # the server promised more: it broke off
                raise _interrupted_error(url, done)
            if expected_size is not None and done != expected_size:
                raise _size_error(url, done, expected_size)
            with _writing(dest.parent):
                out.flush()
                os.fsync(out.fileno())
                out.close()
            os.replace(tmp_path, dest)
    log.info("downloaded %s (%d bytes) to %s", url, done, dest)
    return dest


def _stream(
    response: http.client.HTTPResponse,
    out: BinaryIO,
    *,
    url: str,
    folder: Path,
    total: int | None,
    progress: Progress,
) -> int:
    done = 0
    progress.update(done, total)
    while True:
        try:
            chunk = response.read(CHUNK_BYTES)
        except (http.client.HTTPException, OSError) as exc:  # reset, timeout, IncompleteRead
            log.info("download of %s broke off after %d bytes: %r", url, done, exc)
            raise _interrupted_error(url, done) from exc
        if not chunk:
            break
        with _writing(folder):
            out.write(chunk)
        done += len(chunk)
        progress.update(done, total)
        if total is not None and done > total:
            break  # more than promised: a wrong file; the size check below says so
    progress.close()
    return done


def _content_length(response: http.client.HTTPResponse) -> int | None:
    value = response.headers.get("Content-Length")
    return int(value) if value and value.isdigit() else None


@contextmanager
def _temporary_file(folder: Path) -> Iterator[tuple[Path, BinaryIO]]:
    """A hidden file in `folder` that is removed unless the caller renamed it away."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=DOWNLOAD_PREFIX, suffix=".part")
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            yield path, out
    finally:
        path.unlink(missing_ok=True)


def _offline_error(url: str, zip_name: str, exc: BaseException) -> UserError:
    host = urllib.parse.urlsplit(url).hostname or url
    reason = getattr(exc, "reason", exc)
    return UserError(
        f"Kan {host} niet bereiken ({reason}); zonder internet: download {url} op een andere computer, "
        f"kopieer {zip_name} naar deze computer en voer `vertraag model install {zip_name}` uit."
    )


def _interrupted_error(url: str, done: int) -> UserError:
    return UserError(
        f"De download van {url} is onderbroken na {_mb(done)}: "
        "er is niets geïnstalleerd; probeer het opnieuw."
    )


def _size_error(url: str, got: int, expected: int) -> UserError:
    return UserError(
        f"{url} is {_count(got)} bytes in plaats van {_count(expected)}: "
        "het is een ander of beschadigd bestand; "
        "er is niets geïnstalleerd, controleer het adres (--url) of probeer het later opnieuw."
    )


# ---- install from a zip ----------------------------------------------------------------------------


def install_zip(zip_path: Path, *, folder: Path | None = None, name: str | None = None) -> Path:
    """Unpack `zip_path` safely, check that it holds a model, and move it into `folder`; returns its path.

    The name is `name`, else the zip's single top-level folder, else the zip's file name without `.zip`.
    """
    folder = store.models_dir() if folder is None else folder
    if not zip_path.is_file():
        raise UserError(f"Bestand {zip_path} niet gevonden: geef het pad op van het gedownloade zip-bestand.")
    _prepare_folder(folder)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = archive.infolist()
            _refuse_unsafe(zip_path, members)
            _check_free_space(folder, sum(member.file_size for member in members))
            with _temporary_dir(folder) as work:
                _extract(archive, members, work, zip_path=zip_path)
                return _place(work, folder=folder, name=name, zip_path=zip_path)
    except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
        raise UserError(
            f"{zip_path} is beschadigd of onvolledig ({exc}): "
            "download het opnieuw; er is niets geïnstalleerd."
        ) from exc


def _refuse_unsafe(zip_path: Path, members: list[zipfile.ZipInfo]) -> None:
    """Refuse the whole archive if any member could land outside the folder it is unpacked into."""
    for member in members:
        text = member.filename.replace("\\", "/")
        parts = PurePosixPath(text).parts
        absolute = text.startswith("/") or bool(re.match(r"^[A-Za-z]:", text))
        symlink = stat.S_ISLNK(member.external_attr >> 16)
        if absolute or ".." in parts or symlink:
            raise UserError(
                f"{zip_path} bevat een onveilig pad ('{member.filename}' wijst buiten de modelmap): "
                "het bestand is niet te vertrouwen en er is niets geïnstalleerd; "
                "download het opnieuw van de Vosk-site."
            )


def _extract(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo], work: Path, *, zip_path: Path) -> None:
    root = work.resolve()
    for member in members:
        target = (work / member.filename.replace("\\", "/")).resolve()
        if not target.is_relative_to(root):  # belt and braces after _refuse_unsafe
            raise UserError(
                f"{zip_path} bevat een onveilig pad ('{member.filename}'): er is niets geïnstalleerd."
            )
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        with _writing(work.parent):
            target.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(member) as src, target.open("wb") as dst:
                while chunk := src.read(CHUNK_BYTES):  # the CRC is checked at the end of each member
                    dst.write(chunk)


def _place(work: Path, *, folder: Path, name: str | None, zip_path: Path) -> Path:
    entries = [entry for entry in work.iterdir() if entry.name not in IGNORED_TOP_LEVEL]
    single_dir = len(entries) == 1 and entries[0].is_dir()
    model_root = entries[0] if single_dir else work
    if name is None:
        name = entries[0].name if single_dir else zip_path.name.removesuffix(".zip")
    _check_name(name)
    engine = store.detect_engine(model_root)
    if engine is None:
        missing = ", ".join(store.vosk_problems(model_root))
        raise UserError(
            f"{zip_path} bevat geen Vosk- of Whisper-model (ontbreekt: {missing}): "
            "controleer of u het juiste bestand hebt; er is niets geïnstalleerd."
        )
    target = folder / name
    model_root.chmod(PRIVATE_DIR_MODE)
    _move_into_place(model_root, target)
    log.info("installed %s model %s at %s", engine, name, target)
    return target


def _move_into_place(source: Path, target: Path) -> None:
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
def _temporary_dir(folder: Path) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(dir=folder, prefix=INSTALL_PREFIX))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ---- Whisper models, fetched the faster-whisper way ------------------------------------------------


def download_whisper(name: str, *, folder: Path) -> Path:
    """Fetch a named faster-whisper model from the Hugging Face Hub into `folder`; returns its path."""
    try:
        from faster_whisper.utils import download_model as fetch
    except ImportError as exc:
        raise UserError(
            "Whisper-modellen vragen de extra `whisper`: "
            "installeer die met `pip install 'vertraag[whisper]'`."
        ) from exc
    info = catalog.find(name)
    dir_name = info.dir_name if info else catalog.WHISPER_DIR_PREFIX + name
    _prepare_folder(folder)
    with _temporary_dir(folder) as work:
        try:
            with warnings.catch_warnings():  # faster-whisper passes an option huggingface_hub deprecated
                warnings.simplefilter("ignore", UserWarning)
                fetch(name, output_dir=str(work))
        except (OSError, ValueError) as exc:  # huggingface_hub's network errors are OSErrors
            raise UserError(
                f"Kan het Whisper-model '{name}' niet downloaden ({type(exc).__name__}); zonder internet: "
                f"haal de map Systran/faster-whisper-{name} op een andere computer op "
                "en geef die op met --model MAP."
            ) from exc
        shutil.rmtree(work / ".cache", ignore_errors=True)  # huggingface_hub's bookkeeping, not the model
        store.check_model(WHISPER, work)
        target = folder / dir_name
        _move_into_place(work, target)
    return target


# ---- shared helpers --------------------------------------------------------------------------------


def _prepare_folder(folder: Path) -> None:
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


def _check_name(name: str) -> None:
    if not SAFE_NAME.match(name):
        raise UserError(f"'{name}' is geen geldige modelnaam: gebruik letters, cijfers, '.', '-' of '_'.")


def _check_free_space(folder: Path, needed: int | None) -> None:
    if needed is None:
        return
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise _disk_full_error(folder, needed - free)


def _disk_full_error(folder: Path, short_by: int | None = None) -> UserError:
    amount = f"minstens {_mb(short_by)} " if short_by else ""
    return UserError(
        f"De schijf met {folder} is vol: maak {amount}ruimte vrij (of kies een andere map met "
        "VERTRAAG_MODELS_DIR) en probeer het opnieuw; er is niets geïnstalleerd."
    )


@contextmanager
def _writing(folder: Path) -> Iterator[None]:
    """Around writes: a full disk becomes the clear message, other write errors say where it failed."""
    try:
        yield
    except OSError as exc:
        if exc.errno in DISK_FULL_ERRNOS:
            raise _disk_full_error(folder) from exc
        raise UserError(
            f"Kan niet schrijven in {folder} ({exc.strerror}): controleer de map en de rechten."
        ) from exc


def _count(n_bytes: int) -> str:
    return f"{n_bytes:,}".replace(",", ".")  # Dutch thousands separator


def _mb(n_bytes: int) -> str:
    return f"{n_bytes / 1_000_000:.1f} MB".replace(".", ",")
