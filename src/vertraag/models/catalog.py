"""The models vertraag knows by name: what kind, which language, where from, how big, under which licence.

Speech recognition: Vosk models are zip files on the Vosk model site, downloaded and unpacked by
`vertraag model download`; Whisper models are named the faster-whisper way (`base`, `small`) and fetched by
faster-whisper itself. vertraag's own voice: Piper voices (an `.onnx` network plus its `.onnx.json`) from
the Piper project's voices site (Hugging Face `rhasspy/piper-voices`), downloaded file by file.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

from vertraag import datafile
from vertraag.phrases import DEFAULT_LANGUAGE, language_dir

VOSK = "vosk"
WHISPER = "whisper"
PIPER = "piper"
NO_ENGINE = "none"  # loudness only: nothing is recognised (no model)
ENGINES = (VOSK, WHISPER)  # the engines with models
ENGINE_CHOICES = (*ENGINES, NO_ENGINE)  # what `[recognizer] engine` and --engine may be
DEFAULT_ENGINE = VOSK  # small, streaming, runs on a Raspberry Pi
KINDS = (VOSK, WHISPER, PIPER)  # everything the models folder can hold: recognisers' models and voices
# vertraag's speech engines (`--tts`, `[voice] tts`): "auto" takes the first that works, in this order after
# it (the most natural voice first: Piper with one of the voices below); speak/tts/choose.py opens them.
TTS_ENGINES = ("auto", "piper", "espeak", "pyttsx3")

# Where faster-whisper's own download puts a named model inside our models folder.
WHISPER_DIR_PREFIX = "faster-whisper-"


@dataclass(frozen=True)
class ModelInfo:
    name: str
    engine: str  # VOSK | WHISPER | PIPER (the kind of model)
    licence: str
    description: str  # Dutch: shown by `vertraag model list`
    url: str | None = None  # a zip (Vosk) or the .onnx (Piper) to download; None = the engine's own tools
    size_bytes: int | None = None  # exact size of that download, checked after downloading
    language: str = DEFAULT_LANGUAGE  # what `model list` shows: a language code, or "meertalig"
    approx_bytes: int | None = None  # a size to show when the exact one is not pinned here

    @property
    def dir_name(self) -> str:
        """The folder name of this model inside the models folder."""
        return WHISPER_DIR_PREFIX + self.name if self.engine == WHISPER else self.name


# Piper voices: the .onnx at this address, its .onnx.json (and MODEL_CARD) beside it.
PIPER_VOICES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main"
PIPER_CONFIG_SUFFIX = ".json"  # voice.onnx -> voice.onnx.json
PIPER_MODEL_CARD = "MODEL_CARD"  # the voice's own page: speaker, dataset, licence
CATALOGUE_FILE = "models.toml"  # phrases/<lang>/: the models known by name, as data


def piper_url(name: str) -> str:
    """nl_BE-nathalie-medium -> .../nl/nl_BE/nathalie/medium/nl_BE-nathalie-medium.onnx (the site's way)."""
    locale, speaker, quality = name.split("-")
    return f"{PIPER_VOICES_URL}/{locale.split('_')[0]}/{locale}/{speaker}/{quality}/{name}.onnx"


# An entry's keys: the fields of ModelInfo, and whether it is its engine's default.
MODEL_KEYS = (*(f.name for f in fields(ModelInfo)), "default")


def load_catalogue(path: Path) -> tuple[tuple[ModelInfo, ...], dict[str, ModelInfo]]:
    """The [[model]] entries of a catalogue file, checked, and the default model of each engine."""
    data, where = datafile.read(path)
    datafile.only_keys(data, ("model",), where)
    models: list[ModelInfo] = []
    defaults: dict[str, ModelInfo] = {}
    for index, entry in enumerate(datafile.tables(data, "model", where), start=1):
        here = where.at(f"[[model]] {index}")
        datafile.only_keys(entry, MODEL_KEYS, here)
        engine = datafile.choice(entry, "engine", here, KINDS, default="")
        name = datafile.text(entry, "name", here)
        url = datafile.optional_text(entry, "url", here) or (piper_url(name) if engine == PIPER else None)
        licence = datafile.text(entry, "licence", here)
        description = datafile.text(entry, "description", here)
        size, approx = _whole(entry, "size_bytes", here), _whole(entry, "approx_bytes", here)
        language = datafile.text(entry, "language", here, default=DEFAULT_LANGUAGE)
        info = ModelInfo(name, engine, licence, description, url, size, language, approx)
        if datafile.flag(entry, "default", here):
            if engine in defaults:
                raise here.refuse(f"{defaults[engine].name} is al de standaard voor {engine}", "default")
            defaults[engine] = info
        models.append(info)
    missing = [kind for kind in KINDS if kind not in defaults]
    if missing:
        raise where.refuse(f"geen standaardmodel (default = true) voor {', '.join(missing)}")
    return tuple(models), defaults


def _whole(entry: Mapping[str, Any], key: str, where: datafile.Where) -> int | None:
    """A count of bytes: a whole number of at least 1, or None when the entry has none."""
    if key not in entry:
        return None
    value = datafile.number(entry, key, where, minimum=1)
    if not value.is_integer():
        raise where.refuse(f"een aantal bytes is een heel getal, niet {entry[key]!r}", key)
    return int(value)


@cache
def _catalogue() -> tuple[tuple[ModelInfo, ...], dict[str, ModelInfo]]:
    # Read when first asked, not on import: a broken file is then one clear line from the command.
    return load_catalogue(language_dir() / CATALOGUE_FILE)


def known_models() -> tuple[ModelInfo, ...]:
    """Every model of the catalogue, in its order (`vertraag model list`)."""
    return _catalogue()[0]


def find(name: str) -> ModelInfo | None:
    """The known model called `name` (also accepts a Whisper model's folder name), else None."""
    for info in known_models():
        if name in (info.name, info.dir_name):
            return info
    return None


def default_for(engine: str) -> ModelInfo:
    """The model of `engine` that vertraag uses when none is named."""
    return _catalogue()[1][engine]
