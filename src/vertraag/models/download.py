"""Downloading a model: a streamed HTTP download with a progress bar and a size check, then the install.

The download goes to a hidden temporary file in the models folder and is renamed to its zip name only when
complete and the right size; `install.install_zip` then unpacks and checks it. Whisper models come the
faster-whisper way (the Hugging Face Hub). Offline, interrupted, wrong size, full disk: one Dutch sentence
that says what to do, and nothing half-installed left behind.
"""

from __future__ import annotations

import http.client
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from vertraag import __version__
from vertraag.errors import UserError
from vertraag.models import catalog, store
from vertraag.models.catalog import PIPER, PIPER_CONFIG_SUFFIX, PIPER_MODEL_CARD, WHISPER, ModelInfo
from vertraag.models.folder import (
    CHUNK_BYTES,
    DOWNLOAD_PREFIX,
    check_free_space,
    check_name,
    count,
    mb,
    move_into_place,
    prepare_folder,
    temporary_dir,
    writing,
)
from vertraag.models.install import install_zip, place_voice
from vertraag.models.progress import NO_PROGRESS, Progress

log = logging.getLogger(__name__)

# No byte for this long means the connection stalled: give up rather than hang (urllib's socket timeout).
DOWNLOAD_TIMEOUT_S = 30.0


# ---- the whole job ---------------------------------------------------------------------------------


def download_model(
    name: str,
    *,
    url: str | None = None,
    folder: Path | None = None,
    progress: Progress = NO_PROGRESS,
    timeout_s: float = DOWNLOAD_TIMEOUT_S,
) -> Path:
    """Download model `name` (a known name, or any name with `url`) and install it; returns its folder.
    A Piper voice is three files: the .onnx (size-checked), its .onnx.json and its MODEL_CARD."""
    folder = store.models_dir() if folder is None else folder
    info = catalog.find(name)
    if info is not None and info.engine == PIPER:
        return _download_voice(info, url, folder, progress, timeout_s)
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
    check_name(name)
    prepare_folder(folder)
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


def _download_voice(
    info: ModelInfo, url: str | None, folder: Path, progress: Progress, timeout_s: float
) -> Path:
    """Download a Piper voice (the .onnx with a size check, its .onnx.json, its MODEL_CARD) and install it."""
    onnx_url = url or info.url
    if onnx_url is None:
        raise UserError(f"Geen adres bekend voor de stem {info.name}: geef er een op met --url.")
    check_name(info.name)
    prepare_folder(folder)
    with temporary_dir(folder) as work:
        onnx = work / f"{info.name}.onnx"
        config = work / (onnx.name + PIPER_CONFIG_SUFFIX)
        size = info.size_bytes if url is None else None  # a mirror may serve another build of the voice
        manual = f"{onnx.name} en {config.name}"
        download_file(
            onnx_url, dest=onnx, expected_size=size, progress=progress, timeout_s=timeout_s, manual=manual
        )
        download_file(onnx_url + PIPER_CONFIG_SUFFIX, dest=config, expected_size=None, timeout_s=timeout_s)
        card_url = onnx_url.rsplit("/", 1)[0] + "/" + PIPER_MODEL_CARD
        try:
            download_file(card_url, dest=work / PIPER_MODEL_CARD, expected_size=None, timeout_s=timeout_s)
        except UserError as exc:  # the card is for reading, the voice works without it
            log.warning("no MODEL_CARD for %s: %s", info.name, exc.message)
        return place_voice(work, folder=folder, name=info.name, source=onnx_url)


# ---- download --------------------------------------------------------------------------------------


def download_file(
    url: str,
    *,
    dest: Path,
    expected_size: int | None,
    progress: Progress = NO_PROGRESS,
    timeout_s: float = DOWNLOAD_TIMEOUT_S,
    manual: str | None = None,
) -> Path:
    """Stream `url` to `dest` via a temporary file beside it; check its size; rename it into place.
    `manual` names the files to copy by hand when offline (default: `dest`'s name)."""
    request = urllib.request.Request(url, headers={"User-Agent": f"vertraag/{__version__}"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout_s)
    except urllib.error.HTTPError as exc:
        raise UserError(
            f"De server gaf fout {exc.code} voor {url}: "
            "controleer het adres (--url) of probeer het later opnieuw."
        ) from exc
    except (urllib.error.URLError, OSError) as exc:  # no DNS, refused, timed out, no route
        raise _offline_error(url, manual or dest.name, exc) from exc
    except ValueError as exc:  # not a URL at all
        raise UserError(f"'{url}' is geen geldig adres: geef een http(s)-adres op met --url.") from exc
    with response:
        server_size = _content_length(response)
        if expected_size is not None and server_size is not None and server_size != expected_size:
            raise _size_error(url, server_size, expected_size)
        total = expected_size if expected_size is not None else server_size
        check_free_space(dest.parent, total)
        with _temporary_file(dest.parent) as (tmp_path, out):
            done = _stream(response, out, url=url, folder=dest.parent, total=total, progress=progress)
            if server_size is not None and done < server_size:  # the server promised more: it broke off
                raise _interrupted_error(url, done)
            if expected_size is not None and done != expected_size:
                raise _size_error(url, done, expected_size)
            with writing(dest.parent):
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
        with writing(folder):
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


def _offline_error(url: str, files: str, exc: BaseException) -> UserError:
    host = urllib.parse.urlsplit(url).hostname or url
    reason = getattr(exc, "reason", exc)
    first = files.split(" ")[0]
    return UserError(
        f"Kan {host} niet bereiken ({reason}); zonder internet: download {url} op een andere computer, "
        f"kopieer {files} naar deze computer en voer `vertraag model install {first}` uit."
    )


def _interrupted_error(url: str, done: int) -> UserError:
    return UserError(
        f"De download van {url} is onderbroken na {mb(done)}: er is niets geïnstalleerd; probeer het opnieuw."
    )


def _size_error(url: str, got: int, expected: int) -> UserError:
    return UserError(
        f"{url} is {count(got)} bytes in plaats van {count(expected)}: "
        "het is een ander of beschadigd bestand; "
        "er is niets geïnstalleerd, controleer het adres (--url) of probeer het later opnieuw."
    )


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
    prepare_folder(folder)
    with temporary_dir(folder) as work:
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
        move_into_place(work, target)
    return target
