"""Which voice a run gets: the speaker live, nothing for a recording, rendered sounds for --speak-to.

Kept apart from cli_run so that the speech engines (pyttsx3, sounddevice) load only when a run needs them.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from vertraag.config import Settings
from vertraag.session.ahead import texts_ahead
from vertraag.session.mixdown import Recorder
from vertraag.session.state import SessionConfig, initial_state
from vertraag.session.talk import foreseeable_prompts
from vertraag.session.voice import MixdownVoice, SilentVoice, SpeakerVoice, Voice

if TYPE_CHECKING:
    from vertraag.speak.speaker import Speaker
    from vertraag.speak.tts.base import Renderer
    from vertraag.speak.voice_folder import VoiceFolder

log = logging.getLogger(__name__)


def open_voice(
    settings: Settings, *, live: bool, speak_to: Path | None, config: SessionConfig
) -> tuple[Voice, Recorder | None]:
    """The voice for this run, and a recorder of the input when the user asked for a mixdown. Everything
    the session can say without a live word in it is rendered ahead on a thread, so a prompt starts soon
    after its decision."""
    if not live and speak_to is None:
        return SilentVoice(settings.voice.rate_wpm), None
    from vertraag.speak.player import NullPlayer, Player
    from vertraag.speak.speaker import Speaker

    player: Player = NullPlayer()
    if live:
        from vertraag.speak.device_player import SoundDevicePlayer

        player = SoundDevicePlayer(device=settings.audio.output_device)
    speaker = Speaker(renderer=_renderer(settings), player=player, voice_folder=_voice_folder(settings))
    state = initial_state(config)
    ahead = (foreseeable_prompts(state), texts_ahead(state))
    threading.Thread(target=render_ahead, args=(speaker, *ahead), name="render-ahead", daemon=True).start()
    if live:
        return SpeakerVoice(speaker), None
    return MixdownVoice(speaker), Recorder()


def render_ahead(speaker: Speaker, prompts: list[tuple[str, int, str]], texts: list[str]) -> float:
    """Render what can be rendered ahead; logs and returns how long it took (seconds)."""
    started = time.perf_counter()
    count = speaker.prepare(prompts, texts)
    took = time.perf_counter() - started
    log.info("rendered %d sentences ahead in %.1f s", count, took)
    return took


def _renderer(settings: Settings) -> Renderer | None:
    """The chosen speech engine or the first that works after it; None (a chime and the text) if none."""
    from vertraag.speak.errors import SpeechUnavailable
    from vertraag.speak.tts.choose import choose_renderer

    voice = settings.voice
    try:
        return choose_renderer(voice.tts, rate_wpm=voice.rate_wpm, piper_voice=voice.piper_voice).renderer
    except SpeechUnavailable as exc:
        log.warning("no synthetic voice: %s", exc.message)
        return None


def _voice_folder(settings: Settings) -> VoiceFolder | None:
    if settings.voice.folder is None:
        return None
    from vertraag.speak.voice_folder import VoiceFolder

    return VoiceFolder(Path(settings.voice.folder))
