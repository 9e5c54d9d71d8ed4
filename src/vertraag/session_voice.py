"""Which voice a run gets: the speaker live, nothing for a recording, rendered sounds for --speak-to.

Kept apart from cli_run so that the speech engines (pyttsx3, sounddevice) load only when a run needs them.
"""

from __future__ import annotations

import logging
from pathlib import Path

from vertraag.config import Settings
from vertraag.session.mixdown import Recorder
from vertraag.session.voice import MixdownVoice, SilentVoice, SpeakerVoice, Voice

log = logging.getLogger(__name__)


def open_voice(settings: Settings, *, live: bool, speak_to: Path | None) -> tuple[Voice, Recorder | None]:
    """The voice for this run, and a recorder of the input when the user asked for a mixdown."""
    if not live and speak_to is None:
        return SilentVoice(settings.voice.rate_wpm), None
    from vertraag.speak.player import NullPlayer, Player
    from vertraag.speak.speaker import Speaker

    player: Player = NullPlayer()
    if live:
        from vertraag.speak.device_player import SoundDevicePlayer

        player = SoundDevicePlayer(device=settings.audio.output_device)
    speaker = Speaker(renderer=_renderer(settings), player=player, voice_folder=_voice_folder(settings))
    if live:
        return SpeakerVoice(speaker), None
    return MixdownVoice(speaker), Recorder()


def _renderer(settings: Settings):  # type: ignore[no-untyped-def]
    from vertraag.speak.errors import SpeechUnavailable
    from vertraag.speak.tts.choose import default_renderer

    try:
        return default_renderer(rate_wpm=settings.voice.rate_wpm)
    except SpeechUnavailable as exc:
        log.warning("no synthetic voice: %s", exc.message)
        return None


def _voice_folder(settings: Settings):  # type: ignore[no-untyped-def]
    if settings.voice.folder is None:
        return None
    from vertraag.speak.voice_folder import VoiceFolder

    return VoiceFolder(Path(settings.voice.folder))
