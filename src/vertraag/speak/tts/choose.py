"""`default_renderer()`: the best text-to-speech that works on this machine, or one clear reason why none."""

from __future__ import annotations

import logging

from vertraag.speak.errors import SpeechUnavailable
from vertraag.speak.tts.base import CALM_RATE_WPM, DUTCH_VOICE, Renderer
from vertraag.speak.tts.espeak import EspeakRenderer
from vertraag.speak.tts.pyttsx3_engine import Pyttsx3Renderer

log = logging.getLogger(__name__)


def default_renderer(*, rate_wpm: int = CALM_RATE_WPM, voice: str = DUTCH_VOICE) -> Renderer:
    """pyttsx3 when it works, else the espeak-ng program; `SpeechUnavailable` naming both reasons."""
    try:
        return Pyttsx3Renderer(rate_wpm=rate_wpm, voice=voice)
    except SpeechUnavailable as first:
        log.warning("pyttsx3 unavailable (%s); trying the espeak-ng program", first.message)
        try:
            return EspeakRenderer(rate_wpm=rate_wpm, voice=voice)
        except SpeechUnavailable as second:
            raise SpeechUnavailable(
                f"Geen spraak beschikbaar: {first.message} En: {second.message}"
            ) from second
