"""Installing a model from a zip file: a safe unzip into a hidden folder, a check, an atomic move into place.

The archive is refused whole if any member could land outside its folder (an absolute path, `..`, a
symlink); a truncated or corrupt zip, a zip without a model, or a full disk leave the models folder as it was.
"""

from __future__ import annotations

import logging
import re
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from vertraag.errors import UserError
from vertraag.models import store
from vertraag.models.folder import (
    CHUNK_BYTES,
    PRIVATE_DIR_MODE,
    check_free_space,
    check_name,
    move_into_place,
    prepare_folder,
    temporary_dir,
    writing,
)

log = logging.getLogger(__name__)

# Folders that macOS adds to zip files it creates; never part of a model.
IGNORED_TOP_LEVEL = ("__MACOSX",)


# ---- install from a zip ----------------------------------------------------------------------------


def install_zip(zip_path: Path, *, folder: Path | None = None, name: str | None = None) -> Path:
    """Unpack `zip_path` safely, check that it holds a model, and move it into `folder`; returns its path.

    The name is `name`, else the zip's single top-level folder, else the zip's file name without `.zip`.
    """
    folder = store.models_dir() if folder is None else folder
    if not zip_path.is_file():
        raise UserError(f"Bestand {zip_path} niet gevonden: geef het pad op van het gedownloade zip-bestand.")
    prepare_folder(folder)
    try:
        with zipfile.ZipFile(zip_path) as archive:
            members = archive.infolist()
            _refuse_unsafe(zip_path, members)
            check_free_space(folder, sum(member.file_size for member in members))
            with temporary_dir(folder) as work:
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
        with writing(work.parent):
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
    check_name(name)
    engine = store.detect_engine(model_root)
    if engine is None:
        missing = ", ".join(store.vosk_problems(model_root))
        raise UserError(
            f"{zip_path} bevat geen Vosk- of Whisper-model (ontbreekt: {missing}): "
            "controleer of u het juiste bestand hebt; er is niets geïnstalleerd."
        )
    target = folder / name
    model_root.chmod(PRIVATE_DIR_MODE)
    move_into_place(model_root, target)
    log.info("installed %s model %s at %s", engine, name, target)
    return target
