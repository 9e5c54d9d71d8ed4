"""Text to speech: `Renderer`s that turn a Dutch prompt into a `Sound`, and the cache in front of them.

Piper, a neural voice (`PiperRenderer`), the `espeak-ng` program (`EspeakRenderer`) and pyttsx3
(`Pyttsx3Renderer`); `choose_renderer()` takes the chosen one (`--tts`) or the first that works.
Recordings of a real voice (`--voice DIR`) are in
`vertraag.speak.voice_folder` and take precedence over any of these in the `Speaker`.
"""

from vertraag.speak.tts.base import CALM_RATE_WPM, DUTCH_VOICE, Renderer, SpeakingStyle
from vertraag.speak.tts.cache import CachedRenderer
from vertraag.speak.tts.choose import choose_renderer, default_renderer
from vertraag.speak.tts.espeak import EspeakRenderer
from vertraag.speak.tts.pyttsx3_engine import Pyttsx3Renderer
from vertraag.speak.voice_folder import VoiceFolder

__all__ = [
    "CALM_RATE_WPM",
    "DUTCH_VOICE",
    "CachedRenderer",
    "EspeakRenderer",
    "Pyttsx3Renderer",
    "Renderer",
    "SpeakingStyle",
    "VoiceFolder",
    "choose_renderer",
    "default_renderer",
]
