"""What can go wrong when vertraag speaks: no voice to render with, or nothing to play on.

Both carry one clear Dutch sentence that says what to do (the user may see it); the details go to the log.
The `Speaker` catches both, so a session goes on with text on screen when either happens.
"""

from __future__ import annotations

from vertraag.errors import UserError


class SpeechUnavailable(UserError):
    """Text cannot be turned into speech: no TTS engine, no Dutch voice, or the engine hung."""


class PlaybackUnavailable(UserError):
    """Sound cannot be played: no output device, an unknown `--output-device`, or the device went away."""
