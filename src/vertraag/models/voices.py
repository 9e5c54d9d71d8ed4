"""Piper voices in the models folder: the installed ones and the language each speaks.

A voice is a folder `NAME/` holding `NAME.onnx` (the network), `NAME.onnx.json` (its settings, with the
language) and, when downloaded, the voice's `MODEL_CARD`. download.py fetches one from the voices site,
install.py installs one from a copied file; both build the folder hidden beside its final place and rename
it into place when complete, so an interrupted download leaves nothing half-installed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from pathlib import Path

from vertraag.models import catalog, store
from vertraag.models.catalog import PIPER, PIPER_CONFIG_SUFFIX

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
    order = {info.name: i for i, info in enumerate(m for m in catalog.known_models() if m.engine == PIPER)}
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
