"""Builds the recogniser the settings ask for. Engine modules are imported here, only when chosen.

`create_recognizer(settings, model_dir)` gives a `Recognizer` for engine "vosk" (default, streaming),
"whisper" (extra `whisper`) or "none" (recognises nothing: loudness-only use). Live audio should pass
`threaded=True`: Vosk then decodes on its own thread (`RecognizerWorker`) so the pipeline never waits on it;
Whisper always decodes on its own thread. Resolving a model name to a directory is model management's job.
"""

from __future__ import annotations

import logging
from pathlib import Path

from vertraag.audio.frames import Frame
from vertraag.config import RecognizerSettings
from vertraag.errors import UserError
from vertraag.models.catalog import DEFAULT_ENGINE, ENGINE_CHOICES, NO_ENGINE, VOSK, WHISPER
from vertraag.recognize.base import Recognizer, RecognizerEvent
from vertraag.recognize.worker import RecognizerWorker

log = logging.getLogger(__name__)

# Packages an engine needs, with how to get them.
VOSK_MISSING = "Vosk is niet geïnstalleerd: installeer het met pip install vosk."
WHISPER_MISSING = "faster-whisper is niet geïnstalleerd: installeer met pip install 'vertraag[whisper]'."


class NullRecognizer:
    """Engine "none": hears every frame, recognises nothing."""

    def accept(self, frame: Frame, *, is_speech: bool) -> list[RecognizerEvent]:
        return []

    def finish(self) -> list[RecognizerEvent]:
        return []

    def close(self) -> None:
        return None


def create_recognizer(
    settings: RecognizerSettings,
    model_dir: Path,
    *,
    threaded: bool = False,
    verbose: bool = False,
    word_timestamps: bool = False,
) -> Recognizer:
    """The recogniser for `settings.engine` with the model in `model_dir`; UserError if it cannot be made."""
    engine = engine_of(settings)
    if engine == VOSK:
        return _vosk(settings, model_dir, threaded=threaded, verbose=verbose)
    if engine == WHISPER:
        return _whisper(model_dir, word_timestamps=word_timestamps, wait=not threaded)
    if engine == NO_ENGINE:
        return NullRecognizer()
    raise UserError(f"Onbekende herkenner '{settings.engine}': kies uit {', '.join(ENGINE_CHOICES)}.")


def engine_of(settings: RecognizerSettings) -> str:
    """The engine the settings choose; not set: the default (vosk)."""
    return (settings.engine or DEFAULT_ENGINE).strip().lower()


def _vosk(settings: RecognizerSettings, model_dir: Path, *, threaded: bool, verbose: bool) -> Recognizer:
    try:
        from vertraag.recognize.vosk_engine import VoskRecognizer  # only when chosen
    except ModuleNotFoundError as exc:
        if exc.name != "vosk":
            raise
        raise UserError(VOSK_MISSING) from exc
    recognizer = VoskRecognizer(model_dir, partial_interval_ms=settings.partial_interval_ms, verbose=verbose)
    return RecognizerWorker(recognizer, name="vosk") if threaded else recognizer


def _whisper(model_dir: Path, *, word_timestamps: bool, wait: bool) -> Recognizer:
    try:
        from vertraag.recognize.whisper_engine import WhisperRecognizer  # only when chosen
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in ("faster_whisper", "ctranslate2"):
            raise
        raise UserError(WHISPER_MISSING) from exc
    return WhisperRecognizer(model_dir, word_timestamps=word_timestamps, wait=wait)
