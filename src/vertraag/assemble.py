"""One place that puts a session together: the recogniser, the voice, the pipeline and the runner.

Used by `vertraag run` (cli_run.py), `vertraag start` (cli_start.py, start/live.py), the bench and the tests,
so that a session over a recording and a live one are built the same way. The engines (Vosk, Whisper,
Piper, pyttsx3, sounddevice) load only when a run needs them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from vertraag.config import Settings
from vertraag.errors import UserError
from vertraag.models.catalog import NO_ENGINE
from vertraag.recognize.factory import engine_of
from vertraag.session.ahead import texts_ahead
from vertraag.session.runner import Closing, SessionRunner
from vertraag.session.state import SessionConfig, initial_state
from vertraag.session.talk import foreseeable_prompts
from vertraag.speak.voice import MixdownVoice, SilentVoice, SpeakerVoice, Voice

if TYPE_CHECKING:
    from vertraag.detect.words import WordDetector
    from vertraag.pipeline import Pipeline
    from vertraag.recognize.base import Recognizer
    from vertraag.speak.mixdown import Recorder
    from vertraag.speak.speaker import Speaker
    from vertraag.speak.tts.base import Renderer
    from vertraag.speak.voice_folder import VoiceFolder

log = logging.getLogger(__name__)

LIVE_PROTOCOL = "vertraag"  # a live couple is guided through the slowed-down dialogue
RECORDING_PROTOCOL = "vrij"  # a recording has no one to guide: listen only
MS_PER_S = 1000.0


def session_config(settings: Settings, *, live: bool) -> SessionConfig:
    """The conversation's data, checked (a broken protocol or prompt file is a UserError naming it)."""
    default = LIVE_PROTOCOL if live else RECORDING_PROTOCOL
    return SessionConfig.load(settings.protocol, settings.session, default_protocol=default)


def open_recognizer(
    settings: Settings,
    *,
    threaded: bool,
    verbose: bool = False,
    without_model: Callable[[UserError], None] | None = None,
) -> Recognizer | None:
    """The configured recogniser, or None (engine "none"). Without its model: a UserError, unless
    `without_model` is given: it is told (and may raise) and the session goes on with loudness only.
    Live audio passes `threaded=True`, so decoding never holds up the audio."""
    engine = engine_of(settings.recognizer)
    if engine == NO_ENGINE:
        return None
    from vertraag.models.store import resolve_model
    from vertraag.recognize.factory import create_recognizer

    try:
        model_dir = resolve_model(engine, settings.recognizer.model)
    except UserError as exc:
        if without_model is None:
            raise
        log.info("no model for %s: %s", engine, exc.message)
        without_model(exc)
        return None
    return create_recognizer(settings.recognizer, model_dir, threaded=threaded, verbose=verbose)


def word_detector(recognizer: Recognizer | None) -> WordDetector | None:
    """The word detector, only when there are words to read."""
    if recognizer is None:
        return None
    from vertraag.detect.words import WordDetector

    return WordDetector.load()


def open_voice(
    settings: Settings, *, live: bool, speak_to: Path | None, config: SessionConfig
) -> tuple[Voice, Recorder | None]:
    """The voice for this run (the speaker live, nothing for a recording, rendered sounds for --speak-to),
    and a recorder of the input when the user asked for a mixdown. Everything the session can say without a
    live word in it is rendered ahead on a thread, so a prompt starts soon after its decision."""
    if not live and speak_to is None:
        return SilentVoice(settings.voice.rate_wpm), None
    from vertraag.speak.mixdown import Recorder
    from vertraag.speak.player import NullPlayer, Player
    from vertraag.speak.speaker import Speaker as SpeakerClass

    player: Player = NullPlayer()
    if live:
        from vertraag.speak.device_player import SoundDevicePlayer

        player = SoundDevicePlayer(device=settings.audio.output_device)
    folder = _voice_folder(settings)
    speaker = SpeakerClass(renderer=_renderer(settings), player=player, voice_folder=folder)
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


def build_runner(
    pipeline: Pipeline,
    config: SessionConfig,
    voice: Voice,
    settings: Settings,
    *,
    live: bool,
    closing: Closing | None = None,
) -> SessionRunner:
    """The runner: pipeline + engine + voice. Live, it stops when the session has ended; over a recording
    it listens to the end."""
    tail_s = settings.session.half_duplex_tail_ms / MS_PER_S
    return SessionRunner(pipeline, config, voice, tail_s=tail_s, stop_when_ended=live, closing=closing)


def recording_runner(
    settings: Settings,
    *,
    recognizer: Recognizer | None = None,
    voice: Voice | None = None,
    pipeline: Pipeline | None = None,
) -> SessionRunner:
    """A session over recorded frames with these settings (protocol `vrij` unless they name another), for
    the bench and the tests: the pipeline with the word detector when there are words (or the one given, e.g.
    with a voice tracker), a silent voice."""
    from vertraag.pipeline import Pipeline

    if pipeline is None:
        pipeline = Pipeline(settings, recognizer=recognizer, word_detector=word_detector(recognizer))
    chosen = voice if voice is not None else SilentVoice(settings.voice.rate_wpm)
    return build_runner(pipeline, session_config(settings, live=False), chosen, settings, live=False)


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


def who_speaks(config: Path | None = None) -> str:
    """One Dutch line for `vertraag devices` and `model list`: which voice will speak with these settings
    (judged without loading an engine; a broken settings file is judged as the defaults)."""
    from vertraag import known
    from vertraag.config import load_settings
    from vertraag.speak.tts.choose import describe

    try:
        voice = load_settings(config, names=known.names()).voice
    except UserError as exc:
        log.info("who speaks, judged on the default settings: %s", exc.message)
        voice = Settings().voice
    return describe(voice.tts, piper_voice=voice.piper_voice, folder=voice.folder)
