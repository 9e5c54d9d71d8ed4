"""Installing a model from a zip file (a safe unzip into a hidden folder, a check, an atomic move into place),
or a Piper voice from a copied `.onnx` with its `.onnx.json`.

The archive is refused whole if any member could land outside its folder (an absolute path, `..`, a
symlink); a truncated or corrupt zip, a zip without a model, or a full disk leave the models folder as it was.
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import stat
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from vertraag.errors import UserError
from vertraag.models import store
from vertraag.models.catalog import PIPER_CONFIG_SUFFIX, PIPER_MODEL_CARD
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


# ---- install a Piper voice -------------------------------------------------------------------------


def install_voice(onnx: Path, *, folder: Path | None = None, name: str | None = None) -> Path:
    """Install a Piper voice from a copied `NAME.onnx` with its `NAME.onnx.json` beside it."""
    if not onnx.is_file():
        raise UserError(f"Bestand niet gevonden: {onnx}")
    config = onnx.with_name(onnx.name + PIPER_CONFIG_SUFFIX)
    if not config.is_file():
        raise UserError(
            f"Naast {onnx} staat geen {config.name}: kopieer dat bestand mee (het hoort bij de stem) "
            "en probeer het opnieuw; er is niets geïnstalleerd."
        )
    name = name or onnx.name.removesuffix(".onnx")
    check_name(name)
    folder = store.models_dir() if folder is None else folder
    prepare_folder(folder)
    with temporary_dir(folder) as work:
        with writing(folder):
            shutil.copyfile(onnx, work / f"{name}.onnx")
            shutil.copyfile(config, work / f"{name}.onnx{PIPER_CONFIG_SUFFIX}")
            card = onnx.with_name(PIPER_MODEL_CARD)
            if card.is_file():
                shutil.copyfile(card, work / PIPER_MODEL_CARD)
        return place_voice(work, folder=folder, name=name, source=str(onnx))


def place_voice(work: Path, *, folder: Path, name: str, source: str) -> Path:
    """Check the Piper voice unpacked or downloaded into `work` and move it into `folder` as `name`."""
    problems = store.piper_problems(work)
    if problems:
        raise UserError(f"{source} is geen complete Piper-stem (ontbreekt: {', '.join(problems)}).")
    _read_config(work / f"{name}.onnx{PIPER_CONFIG_SUFFIX}", source=source)
    target = folder / name
    work.chmod(PRIVATE_DIR_MODE)
    move_into_place(work, target)
    log.info("installed Piper voice %s at %s", name, target)
    return target


def _read_config(path: Path, *, source: str) -> dict[str, object]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        rate = data["audio"]["sample_rate"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f"Het stembestand {path.name} van {source} is beschadigd of geen Piper-stem ({exc}): "
            "download het opnieuw; er is niets geïnstalleerd."
        ) from exc
    if not isinstance(rate, int) or rate <= 0:
        raise UserError(f"{path.name} van {source} noemt geen geldige samplefrequentie: download opnieuw.")
    return dict(data)
