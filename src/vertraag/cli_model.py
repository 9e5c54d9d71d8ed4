"""`vertraag model list | download | install | verify | path`: getting and checking speech models and
vertraag's own voices (Piper)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from vertraag.errors import EXIT_OK, UserError
from vertraag.models import catalog, download, install, store, voices
from vertraag.models.catalog import PIPER, VOSK, WHISPER
from vertraag.models.folder import mb
from vertraag.models.progress import ProgressBar

log = logging.getLogger(__name__)

ENGINE_HELP = "welke soort model (standaard: afgeleid uit de naam of de map)"
ONNX_SUFFIX = ".onnx"


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "model", help="spraakmodellen en stemmen tonen, downloaden, installeren en controleren"
    )
    actions = parser.add_subparsers(dest="model_command", metavar="ACTIE", required=True)

    listing = actions.add_parser(
        "list", help="bekende en geïnstalleerde modellen en stemmen, waar ze staan, en welke stem spreekt"
    )
    listing.set_defaults(func=run_list)

    fetch = actions.add_parser(
        "download", help="een model of stem downloaden en installeren (standaard: Nederlands Vosk)"
    )
    fetch.add_argument("name", nargs="?", metavar="NAAM")  # none: the default Dutch Vosk model
    fetch.add_argument("--url", help="een ander adres (spiegel) voor het zip- of .onnx-bestand")
    fetch.add_argument(
        "--timeout",
        type=float,
        default=download.DOWNLOAD_TIMEOUT_S,
        metavar="SECONDEN",
        help="opgeven als de verbinding zo lang stilvalt",
    )
    fetch.set_defaults(func=run_download)

    install = actions.add_parser(
        "install", help="een model (zip) of stem (.onnx met .onnx.json ernaast) installeren die u al hebt"
    )
    install.add_argument("zip_file", type=Path, metavar="BESTAND.zip|BESTAND.onnx")
    install.add_argument(
        "--name", metavar="NAAM", help="de mapnaam van het model (standaard: uit het bestand)"
    )
    install.set_defaults(func=run_install)

    verify = actions.add_parser("verify", help="controleren of een model compleet is en laadt")
    verify.add_argument("model", nargs="?", metavar="NAAM|PAD")
    verify.add_argument("--engine", choices=catalog.KINDS, help=ENGINE_HELP)
    verify.set_defaults(func=run_verify)

    where = actions.add_parser("path", help="de map van een model, of zonder NAAM de modellenmap")
    where.add_argument("model", nargs="?", metavar="NAAM")
    where.add_argument("--engine", choices=catalog.KINDS, help=ENGINE_HELP)
    where.set_defaults(func=run_path)


# ---- list ------------------------------------------------------------------------------------------


def run_list(args: argparse.Namespace) -> int:
    folder = store.models_dir()
    print(f"Modellenmap: {folder}")
    known_dirs = set()
    for info in catalog.known_models():
        path = store.installed_path(info)
        known_dirs.add(info.dir_name)
        default = "*" if catalog.default_for(info.engine) is info else " "
        if path is not None and store.detect_engine(path) == info.engine:
            status = f"geïnstalleerd, {mb(store.folder_size(path))}"
        elif path is not None:
            status = "onvolledig: installeer opnieuw"
        elif info.size_bytes or info.approx_bytes:
            approx = "" if info.size_bytes else "ca. "
            status = f"niet geïnstalleerd, download {approx}{mb(info.size_bytes or info.approx_bytes or 0)}"
        else:
            status = "niet geïnstalleerd"
        columns = f"{info.name:<26} {info.engine:<8} {info.language:<10} {status:<42} {info.licence:<14}"
        print(f"{default} {columns} {info.description}")
    for model in store.installed_models(folder):
        if model.name in known_dirs:
            continue
        engine = model.engine or "?"
        onnx = store.piper_onnx(model.path) if model.engine == PIPER else None
        language = voices.voice_language(onnx) if onnx is not None else "?"
        status = f"geïnstalleerd, {mb(model.size_bytes)}" if model.engine else "geen bruikbaar model"
        print(f"  {model.name:<26} {engine:<8} {language:<10} {status}")
    print("* = standaard voor die soort. Downloaden: `vertraag model download [NAAM]`.")
    print(_who_speaks(args))
    return EXIT_OK


def _who_speaks(args: argparse.Namespace) -> str:
    from vertraag.assemble import who_speaks

    return who_speaks(getattr(args, "config", None))


# ---- download and install --------------------------------------------------------------------------


def run_download(args: argparse.Namespace) -> int:
    name = args.name or catalog.default_for(VOSK).name
    info = catalog.find(name)
    if info is not None and args.url is None:
        path = store.installed_path(info)
        if path is not None and store.detect_engine(path) == info.engine:
            print(f"{info.name} is al geïnstalleerd: {path}")
            return EXIT_OK
    progress = ProgressBar(sys.stderr, label=f"Downloaden {name}")
    path = download.download_model(name, url=args.url, progress=progress, timeout_s=args.timeout)
    print(f"Geïnstalleerd: {path}")
    return EXIT_OK


def run_install(args: argparse.Namespace) -> int:
    source = args.zip_file.expanduser()
    if source.suffix.lower() == ONNX_SUFFIX:
        path = install.install_voice(source, name=args.name)
    else:
        path = install.install_zip(source, name=args.name)
    print(f"Geïnstalleerd: {path}")
    return EXIT_OK


# ---- verify and path -------------------------------------------------------------------------------


def run_verify(args: argparse.Namespace) -> int:
    engine = args.engine or _engine_for(args.model)
    path = _voice_file(args.model) or store.resolve_model(engine, args.model)
    if engine == PIPER:
        _load_voice(path)  # its own clear line when it does not load
    else:
        _load(engine, path)
    size = path.stat().st_size if path.is_file() else store.folder_size(path)
    print(f"In orde: {path} ({engine}-model, {mb(size)})")
    return EXIT_OK


def run_path(args: argparse.Namespace) -> int:
    if args.model is None:
        print(store.models_dir())
        return EXIT_OK
    engine = args.engine or _engine_for(args.model)
    print(_voice_file(args.model) or store.resolve_model(engine, args.model))
    return EXIT_OK


def _voice_file(name_or_path: str | None) -> Path | None:
    """A Piper voice given as its .onnx file (checked to exist), else None."""
    if name_or_path is None or not name_or_path.endswith(ONNX_SUFFIX):
        return None
    path = Path(name_or_path).expanduser()
    if not path.is_file():
        raise UserError(f"Bestand niet gevonden: {path}")
    return path


def _engine_for(name_or_path: str | None) -> str:
    """The engine a model name or folder belongs to; the default engine (Vosk) when it cannot be told."""
    if name_or_path is None:
        return VOSK
    if name_or_path.endswith(ONNX_SUFFIX):
        return PIPER
    info = catalog.find(name_or_path)
    if info is not None:
        return info.engine
    for candidate in (Path(name_or_path).expanduser(), store.models_dir() / name_or_path):
        engine = store.detect_engine(candidate)
        if engine is not None:
            return engine
    return VOSK


def _load_voice(path: Path) -> None:
    """A Piper voice loads and says a word (SpeechUnavailable is a UserError with the clear line)."""
    from vertraag.speak.tts.piper_engine import PiperRenderer

    onnx = store.piper_onnx(path) if path.is_dir() else path
    PiperRenderer(onnx if onnx is not None else path)


def _load(engine: str, path: Path) -> None:
    """Load the model with its engine: the final proof that it works (imports the engine lazily)."""
    try:
        if engine == VOSK:
            import vosk

            from vertraag.recognize.vosk_engine import KALDI_LOG_QUIET

            vosk.SetLogLevel(KALDI_LOG_QUIET)  # keep Kaldi's own log lines off the terminal
            vosk.Model(str(path))
        elif engine == WHISPER:
            from faster_whisper import WhisperModel

            from vertraag.recognize.whisper_engine import COMPUTE_TYPE

            WhisperModel(str(path), device="cpu", compute_type=COMPUTE_TYPE)
    except ImportError as exc:
        raise UserError(
            f"De herkenner '{engine}' is niet geïnstalleerd: installeer die (voor Whisper: "
            "`pip install 'vertraag[whisper]'`) en probeer het opnieuw."
        ) from exc
    except Exception as exc:  # the engines raise plain Exception/RuntimeError on a broken model
        log.info("loading %s model %s failed: %r", engine, path, exc)
        raise UserError(
            f"Het model in {path} is compleet maar laadt niet ({exc}): installeer het opnieuw."
        ) from exc
