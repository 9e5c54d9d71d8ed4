"""Piper voices in the models folder: download one from the voices site, install one from a copied file,
find the installed ones and the language each speaks.

A voice is a folder `NAME/` holding `NAME.onnx` (the network), `NAME.onnx.json` (its settings, with the
language) and, when downloaded, the voice's `MODEL_CARD`. Both ways in build the folder hidden beside its
final place and rename it into place when complete: an interrupted download or a missing `.onnx.json`
leaves nothing half-installed.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from vertraag.errors import UserError
from vertraag.models import catalog, store
from vertraag.models.catalog import PIPER, PIPER_CONFIG_SUFFIX, PIPER_MODEL_CARD, ModelInfo
from vertraag.models.download import DOWNLOAD_TIMEOUT_S, download_file
from vertraag.models.folder import (
    PRIVATE_DIR_MODE,
    check_name,
    move_into_place,
    prepare_folder,
    temporary_dir,
    writing,
)
from vertraag.models.progress import NO_PROGRESS, Progress

log = logging.getLogger(__name__)

DUTCH = "nl"  # a voice whose language code starts with this speaks Dutch (nl_BE, nl_NL)
UNKNOWN_LANGUAGE = "?"


@dataclass(frozen=True)
class InstalledVoice:
    name: str
    onnx: Path  # the network; its settings are beside it (`onnx` + ".json")
    language: str  # "nl_BE", "en_US", or UNKNOWN_LANGUAGE

    @property
    def dutch(self) -> bool:
        return self.language.lower().startswith(DUTCH)


def download_voice(
    info: ModelInfo,
    *,
    url: str | None = None,
    folder: Path | None = None,
    progress: Progress = NO_PROGRESS,
    timeout_s: float = DOWNLOAD_TIMEOUT_S,
) -> Path:
    """Download a Piper voice (the .onnx with a size check, its .onnx.json, its MODEL_CARD) and install it."""
    onnx_url = url or info.url
    if onnx_url is None:
        raise UserError(f"Geen adres bekend voor de stem {info.name}: geef er een op met --url.")
    folder = store.models_dir() if folder is None else folder
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
        return _place(work, folder=folder, name=info.name, source=onnx_url)


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
        return _place(work, folder=folder, name=name, source=str(onnx))


def _place(work: Path, *, folder: Path, name: str, source: str) -> Path:
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


def voice_language(onnx: Path) -> str:
    """The language a voice speaks, from its .onnx.json ("nl_BE"), or UNKNOWN_LANGUAGE."""
    try:
        data = json.loads(onnx.with_name(onnx.name + PIPER_CONFIG_SUFFIX).read_text(encoding="utf-8"))
        code = data.get("language", {}).get("code") or data.get("espeak", {}).get("voice")
    except (OSError, ValueError, AttributeError) as exc:
        log.debug("no language for %s: %s", onnx, exc)
        return UNKNOWN_LANGUAGE
    return str(code).replace("-", "_") if code else UNKNOWN_LANGUAGE


def installed_voices(folder: Path | None = None) -> list[InstalledVoice]:
    """Every usable Piper voice in the models folder: the known ones first (default first), then by name."""
    order = {info.name: i for i, info in enumerate(m for m in catalog.KNOWN_MODELS if m.engine == PIPER)}
    found = []
    for model in store.installed_models(folder):
        onnx = store.piper_onnx(model.path)
        if model.engine == PIPER and onnx is not None:
            found.append(InstalledVoice(model.name, onnx, voice_language(onnx)))
    return sorted(found, key=lambda v: (order.get(v.name, len(order)), v.name))


def find_voice(choice: str | None, *, folder: Path | None = None, dutch_only: bool) -> InstalledVoice | None:
    """The voice to speak with: `choice` (a name in the models folder or a path to an .onnx), else the first
    installed voice (a Dutch one when `dutch_only`)."""
    if choice:
        path = Path(choice).expanduser()
        if path.suffix == ".onnx" and path.is_file():
            return InstalledVoice(path.stem, path, voice_language(path))
        for voice in installed_voices(folder):
            if voice.name == choice:
                return voice
        return None
    for voice in installed_voices(folder):
        if voice.dutch or not dutch_only:
            return voice
    return None
