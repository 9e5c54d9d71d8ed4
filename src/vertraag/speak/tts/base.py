"""What every text-to-speech renderer shares: the `Renderer` protocol and the calm speaking rate."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from vertraag.speak.sound import Sound

# espeak-ng speaks 175 words per minute by default; about 130 sounds unhurried without pulling words apart.
# A calm voice is half of what a prompt says.
CALM_RATE_WPM = 130
DUTCH_VOICE = "nl"  # espeak-ng's Dutch voice (also known as "gmw/nl")
# Rendering takes ~10 ms per prompt on a laptop and a few times that on a Pi: far more than this means the
# engine hangs, and the session must go on without speech rather than wait.
RENDER_TIMEOUT_S = 5.0
# Starting an engine reads its voice data from disk once (slow on a Pi's SD card).
START_TIMEOUT_S = 15.0
WARM_UP_TEXT = "Hallo."  # rendered once at start, never played: proves the engine and the voice work


@dataclass(frozen=True)
class SpeakingStyle:
    """How espeak-ng speaks, as a program (espeak.py) or under pyttsx3 (pyttsx3_engine.py): which of its
    voices, how fast, and how long one render may take before the engine counts as hanging."""

    rate_wpm: int = CALM_RATE_WPM
    espeak_voice: str = DUTCH_VOICE
    timeout_s: float = RENDER_TIMEOUT_S


class Renderer(Protocol):
    """Text in, speech out. Raises `SpeechUnavailable` when it cannot."""

    def render(self, text: str) -> Sound: ...


CALM_DUTCH = SpeakingStyle()  # espeak-ng's Dutch voice at the calm rate
