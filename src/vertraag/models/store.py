"""Where models live, what a usable model folder contains, and which folder a run uses.

The models folder is `$VERTRAAG_MODELS_DIR` when set; else `models/` of the checkout when running from one
(the folder next to `pyproject.toml`, above `src/vertraag`); else the user's data folder
`$XDG_DATA_HOME/vertraag/models` (`~/.local/share/vertraag/models`).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from vertraag.errors import UserError
from vertraag.models import catalog
from vertraag.models.catalog import PIPER, PIPER_CONFIG_SUFFIX, VOSK, WHISPER, ModelInfo

log = logging.getLogger(__name__)

MODELS_DIR_ENV = "VERTRAAG_MODELS_DIR"
# Hidden working files of an unfinished download or install start with this; they are never models.
TEMP_PREFIX = "."

# What Vosk (0.3.45, model.cc) needs to load a model in the current layout: the acoustic model, the
# feature and decoder settings, and a decoding graph (a static HCLG, or the lookahead pair HCLr + Gr that
# the small models use). `ivector/` is optional: some models work without speaker adaptation.
VOSK_REQUIRED_FILES = ("am/final.mdl", "conf/model.conf", "conf/mfcc.conf")
VOSK_STATIC_GRAPH = "graph/HCLG.fst"
VOSK_LOOKAHEAD_GRAPH = ("graph/HCLr.fst", "graph/Gr.fst")
# What faster-whisper / CTranslate2 needs offline: the weights, the model config, the tokenizer (without it
# faster-whisper fetches one from the internet) and the vocabulary in either of its two formats.
WHISPER_REQUIRED_FILES = ("model.bin", "config.json", "tokenizer.json")
WHISPER_VOCABULARY = ("vocabulary.txt", "vocabulary.json")


@dataclass(frozen=True)
class InstalledModel:
    name: str
    path: Path
    engine: str | None  # None: the folder is not a usable model
    size_bytes: int


def models_dir() -> Path:
    """The folder that holds installed models (it may not exist yet)."""
    override = os.environ.get(MODELS_DIR_ENV)
    if override:
        return Path(override).expanduser()
    checkout = checkout_models_dir()
    if checkout is not None:
        return checkout
    data_home = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data_home) / "vertraag" / "models"


def checkout_models_dir() -> Path | None:
    """`models/` of the source checkout this package runs from, or None when installed as a package."""
    package_dir = Path(__file__).resolve().parent.parent  # src/vertraag
    src_dir = package_dir.parent
    root = src_dir.parent
    if src_dir.name == "src" and (root / "pyproject.toml").is_file():
        return root / "models"
    return None


# ---- structure checks ------------------------------------------------------------------------------


def _missing(path: Path, names: tuple[str, ...]) -> list[str]:
    """The files of `names` that are absent or empty below `path` (an empty file is a broken copy)."""
    return [name for name in names if not _non_empty_file(path / name)]


def _non_empty_file(path: Path) -> bool:
    return path.is_file() and path.stat().st_size > 0


def vosk_problems(path: Path) -> list[str]:
    """What keeps `path` from being a Vosk model: missing files, named relative to it. Empty = fine."""
    problems = _missing(path, VOSK_REQUIRED_FILES)
    if not _non_empty_file(path / VOSK_STATIC_GRAPH) and _missing(path, VOSK_LOOKAHEAD_GRAPH):
        problems.append(f"{VOSK_STATIC_GRAPH} of {' + '.join(VOSK_LOOKAHEAD_GRAPH)}")
    return problems


def whisper_problems(path: Path) -> list[str]:
    """What keeps `path` from being a faster-whisper (CTranslate2) model. Empty = fine."""
    problems = _missing(path, WHISPER_REQUIRED_FILES)
    if not any(_non_empty_file(path / name) for name in WHISPER_VOCABULARY):
        problems.append(" of ".join(WHISPER_VOCABULARY))
    return problems


def piper_onnx(path: Path) -> Path | None:
    """The voice network in a Piper voice folder (the one `*.onnx` in it), or None."""
    found = sorted(path.glob("*.onnx")) if path.is_dir() else []
    return found[0] if len(found) == 1 else None


def piper_problems(path: Path) -> list[str]:
    """What keeps `path` from being a Piper voice folder: one `NAME.onnx` with its `NAME.onnx.json`."""
    onnx = piper_onnx(path)
    if onnx is None:
        return ["één NAAM.onnx"]
    return _missing(path, (onnx.name, onnx.name + PIPER_CONFIG_SUFFIX))


_PROBLEMS = {VOSK: vosk_problems, WHISPER: whisper_problems, PIPER: piper_problems}


def detect_engine(path: Path) -> str | None:
    """The engine whose model `path` is, or None."""
    for engine, problems in _PROBLEMS.items():
        if path.is_dir() and not problems(path):
            return engine
    return None


def check_model(engine: str, path: Path) -> Path:
    """`path` when it is a usable model folder for `engine`; otherwise a UserError that says what to do."""
    _check_engine(engine)
    if path.is_file() and path.suffix.lower() == ".zip":
        raise UserError(
            f"{path} is nog een zip-bestand: installeer het eerst met `vertraag model install {path}`."
        )
    if not path.exists():
        raise UserError(
            f"De modelmap {path} bestaat niet: controleer het pad, of installeer een model met "
            "`vertraag model download` (`vertraag model list` toont wat er is)."
        )
    if not path.is_dir():
        raise UserError(f"{path} is geen map: geef de map van een uitgepakt model op.")
    if not any(path.iterdir()):
        raise UserError(
            f"De modelmap {path} is leeg: installeer het model opnieuw met `vertraag model download` "
            "of `vertraag model install BESTAND.zip`."
        )
    problems = _PROBLEMS[engine](path)
    if not problems:
        return path
    raise UserError(_not_a_model_message(engine, path, problems))


def _not_a_model_message(engine: str, path: Path, problems: list[str]) -> str:
    other = detect_engine(path)
    if other is not None and other != engine:
        return (
            f"{path} is een {other}-model, geen {engine}-model: "
            f"gebruik --engine {other} of kies een ander model."
        )
    inner = [child for child in path.iterdir() if child.is_dir() and detect_engine(child) == engine]
    if len(inner) == 1:
        return f"{path} is zelf geen {engine}-model, maar bevat er een: gebruik --model {inner[0]}."
    return (
        f"{path} is geen bruikbaar {engine}-model (ontbreekt of leeg: {', '.join(problems)}): "
        "installeer het model opnieuw met `vertraag model download` of `vertraag model install BESTAND.zip`."
    )


def _check_engine(engine: str) -> None:
    if engine not in catalog.KINDS:
        raise UserError(f"Onbekende spraakherkenner of stem '{engine}': kies uit {', '.join(catalog.KINDS)}.")


# ---- what is installed -----------------------------------------------------------------------------


def folder_size(path: Path) -> int:
    """Bytes of all files below `path` (symlinks not followed)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            file = Path(root) / name
            if not file.is_symlink():
                total += file.stat().st_size
    return total


def installed_models(folder: Path | None = None) -> list[InstalledModel]:
    """Every model folder in the models folder, usable or not, by name."""
    folder = models_dir() if folder is None else folder
    if not folder.is_dir():
        return []
    found = []
    for child in sorted(folder.iterdir()):
        if child.is_dir() and not child.name.startswith(TEMP_PREFIX):
            found.append(InstalledModel(child.name, child, detect_engine(child), folder_size(child)))
    return found


def installed_path(info: ModelInfo) -> Path | None:
    """Where the known model `info` is on this machine, or None when it is not."""
    local = models_dir() / info.dir_name
    if local.exists():
        return local
    if info.engine == WHISPER:
        return whisper_cache_path(info.name)
    return None


def whisper_cache_path(name: str) -> Path | None:
    """A Whisper model that faster-whisper already downloaded into the Hugging Face cache, or None."""
    try:
        from faster_whisper.utils import download_model
    except ImportError:
        return None
    try:
        return Path(download_model(name, local_files_only=True))
    except (OSError, ValueError) as exc:  # not in the cache (huggingface_hub raises an OSError subclass)
        log.debug("Whisper model %s not in the Hugging Face cache: %s", name, exc)
        return None


# ---- which model a run uses ------------------------------------------------------------------------


def resolve_model(engine: str, name_or_path: str | None) -> Path:
    """The model folder for `engine`: a path, a known or installed name, or (None) the engine's default.

    Raises a UserError that says what to do when the model is missing, empty or not a model for `engine`.
    """
    _check_engine(engine)
    if name_or_path is None:
        return _resolve_known(catalog.default_for(engine), engine)
    if _looks_like_path(name_or_path):
        return check_model(engine, Path(name_or_path).expanduser())
    info = catalog.find(name_or_path)
    if info is not None:
        return _resolve_known(info, engine)
    installed = models_dir() / name_or_path
    if installed.exists():
        return check_model(engine, installed)
    if Path(name_or_path).exists():
        return check_model(engine, Path(name_or_path))
    raise UserError(
        f"Onbekend model '{name_or_path}': geef een modelmap op of een naam uit `vertraag model list`."
    )


def _looks_like_path(text: str) -> bool:
    return os.sep in text or "/" in text or text.startswith(("~", "."))


def _resolve_known(info: ModelInfo, engine: str) -> Path:
    if info.engine != engine:
        raise UserError(
            f"'{info.name}' is een {info.engine}-model: "
            f"gebruik --engine {info.engine} of kies een {engine}-model."
        )
    path = installed_path(info)
    if path is not None:
        return check_model(engine, path)
    if info.engine == PIPER:
        raise UserError(
            f"De stem {info.name} is niet geïnstalleerd: voer `vertraag model download {info.name}` uit, of "
            f"download {info.url} en het .onnx.json-bestand ernaast op een andere computer, kopieer ze "
            f"hierheen en voer `vertraag model install {info.name}.onnx` uit."
        )
    if info.engine == VOSK:
        raise UserError(
            f"Het spraakmodel {info.name} is niet geïnstalleerd: voer `vertraag model download` uit, "
            f"of download {info.url} op een andere computer, kopieer het zip-bestand hierheen "
            f"en voer `vertraag model install {info.name}.zip` uit."
        )
    raise UserError(
        f"Het Whisper-model '{info.name}' is niet aanwezig: voer met internet `vertraag model download "
        f"{info.name}` uit, of geef een map met een faster-whisper-model op met --model."
    )
