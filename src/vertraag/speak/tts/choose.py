"""Which text-to-speech speaks: one choice (`--tts`, `[voice] tts`) and the engines after it, tried in order.

By default ("auto") the first that works of: Piper with an installed Dutch voice, the espeak-ng program,
pyttsx3. A chosen engine goes first and the others follow as fallbacks, so a broken Piper voice costs one
clear log line and the next engine speaks. When none works the `Speaker` plays a chime and the screen shows
the text. (Recordings in the therapist's voice folder come before any of these, per prompt, in the Speaker.)
`describe()` says which voice will speak without loading any (for `vertraag devices` and `model list`).
"""

from __future__ import annotations

import importlib.util
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from vertraag.models.catalog import TTS_ENGINES
from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.tts.base import CALM_RATE_WPM, DUTCH_VOICE, Renderer, SpeakingStyle

log = logging.getLogger(__name__)

AUTO, PIPER, ESPEAK, PYTTSX3 = TTS_ENGINES
ENGINES = (PIPER, ESPEAK, PYTTSX3)  # the default order: the most natural voice first
ESPEAK_PROGRAM = "espeak-ng"
DEFAULT_VOICE = "nl_BE-nathalie-medium"  # the catalog's default Piper voice (models/catalog.py)


@dataclass(frozen=True)
class Chosen:
    renderer: Renderer
    engine: str  # PIPER | ESPEAK | PYTTSX3
    label: str  # Dutch, for the screen and the log: "Piper (nl_BE-nathalie-medium)"


def engine_order(tts: str) -> tuple[str, ...]:
    """The engines to try, in order: the chosen one first, then the rest of the default order."""
    if tts == AUTO:
        return ENGINES
    return (tts, *(engine for engine in ENGINES if engine != tts))


def choose_renderer(
    tts: str = AUTO,
    *,
    rate_wpm: int = CALM_RATE_WPM,
    piper_voice: str | None = None,
    models: Path | None = None,
) -> Chosen:
    """The first engine of `engine_order(tts)` that starts; `SpeechUnavailable` naming every reason."""
    reasons: list[str] = []
    openers: dict[str, Callable[[], Chosen]] = {
        PIPER: lambda: _piper(rate_wpm, piper_voice, models, any_language=tts == PIPER),
        ESPEAK: lambda: _espeak(rate_wpm),
        PYTTSX3: lambda: _pyttsx3(rate_wpm),
    }
    for engine in engine_order(tts):
        try:
            chosen = openers[engine]()
        except SpeechUnavailable as exc:
            log.warning("%s does not speak (%s); trying the next engine", engine, exc.message)
            reasons.append(exc.message)
            continue
        log.info("speaking with %s", chosen.label)
        return chosen
    raise SpeechUnavailable("Geen spraak beschikbaar: " + " En: ".join(reasons))


def default_renderer(*, rate_wpm: int = CALM_RATE_WPM, voice: str = DUTCH_VOICE) -> Renderer:
    """The first engine that works in the default order (kept for callers that need only the renderer)."""
    if voice != DUTCH_VOICE:
        from vertraag.speak.tts.espeak import EspeakRenderer

        return EspeakRenderer(SpeakingStyle(rate_wpm, voice))
    return choose_renderer(AUTO, rate_wpm=rate_wpm).renderer


def _piper(rate_wpm: int, choice: str | None, models: Path | None, *, any_language: bool) -> Chosen:
    from vertraag.models.voices import find_voice
    from vertraag.speak.tts.piper_engine import PiperRenderer

    voice = find_voice(choice, folder=models, dutch_only=not any_language and not choice)
    if voice is None:
        wanted = f"De Piper-stem '{choice}' ontbreekt" if choice else "Geen Nederlandse Piper-stem"
        raise SpeechUnavailable(f"{wanted}: voer `vertraag model download` uit (zie `vertraag model list`).")
    renderer = PiperRenderer(voice.onnx, rate_wpm=rate_wpm)
    if not voice.dutch:
        log.warning("the Piper voice %s speaks %s, not Dutch", voice.name, voice.language)
    return Chosen(renderer, PIPER, f"Piper ({voice.name})")


def _espeak(rate_wpm: int) -> Chosen:
    from vertraag.speak.tts.espeak import EspeakRenderer

    return Chosen(EspeakRenderer(SpeakingStyle(rate_wpm)), ESPEAK, "espeak-ng (nl)")


def _pyttsx3(rate_wpm: int) -> Chosen:
    from vertraag.speak.tts.pyttsx3_engine import Pyttsx3Renderer

    return Chosen(Pyttsx3Renderer(SpeakingStyle(rate_wpm)), PYTTSX3, "pyttsx3 (espeak-ng, nl)")


def describe(
    tts: str = AUTO, *, piper_voice: str | None = None, models: Path | None = None, folder: str | None = None
) -> str:
    """One Dutch line: which voice will speak, judged without loading any engine."""
    from vertraag.models.voices import find_voice

    usable: dict[str, str | None] = {
        PIPER: None,
        ESPEAK: "espeak-ng (nl)" if shutil.which(ESPEAK_PROGRAM) else None,
        PYTTSX3: "pyttsx3 (espeak-ng, nl)" if importlib.util.find_spec("pyttsx3") else None,
    }
    if importlib.util.find_spec("piper") is not None:
        voice = find_voice(piper_voice, folder=models, dutch_only=tts != PIPER and not piper_voice)
        if voice is not None:
            usable[PIPER] = f"Piper ({voice.name}, {voice.language})"
    first = next((usable[e] for e in engine_order(tts) if usable[e] is not None), None)
    spoken = f"Stem: {first}" if first else "Stem: geen (een belletje en de tekst op het scherm)"
    if folder:
        spoken += f"; opgenomen zinnen uit {folder} gaan voor"
    if first is not None and not first.startswith("Piper") and tts in (AUTO, PIPER):
        spoken += f"; een natuurlijker stem: `vertraag model download {DEFAULT_VOICE}`"
    return spoken
