"""`vertraag start`: the main job. Checks the sound devices and the model, asks the names once (or takes them
from the config or the couple's profile), calibrates (or reuses the calibration), then runs the chosen
protocol live on the terminal screen, or as plain Dutch lines when the output is not a terminal.

Everything a user can meet before the start (no microphone, no model) is one clear message; after the start,
the session itself never ends in a traceback (start/live.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from vertraag import known
from vertraag.cli_flags import add_voice_flags, with_voice_flags
from vertraag.config import Settings, load_settings, override
from vertraag.errors import EXIT_OK, UserError
from vertraag.models.catalog import ENGINE_CHOICES
from vertraag.phrases import message, protocol_names, screen_text

if TYPE_CHECKING:
    from vertraag.audio.source import AudioSource
    from vertraag.recognize.base import Recognizer
    from vertraag.session.state import SessionConfig
    from vertraag.start.live import Choice, LiveSession

log = logging.getLogger(__name__)

YES = ("", "j", "ja", "y", "yes")
LOG_FILE = "vertraag.log"  # with -v, what would have been printed under the screen goes here


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "start",
        help="het begeleide gesprek: kalibratie, dan het gesprek op het scherm",
        description="Begin een begeleid gesprek aan tafel: namen, kalibratie, dan het gesprek.",
    )
    parser.add_argument("--input-device", "--device", dest="device", help="microfoon: naam (deel) of nummer")
    parser.add_argument("--output-device", help="luidspreker: naam (deel ervan) of nummer")
    parser.add_argument("--config", type=Path, help="instellingenbestand (TOML)")
    parser.add_argument("--protocol", choices=protocol_names(), help="het gesprek (standaard: vertraag)")
    parser.add_argument("--engine", choices=ENGINE_CHOICES, help="spraakherkenner (standaard: vosk)")
    parser.add_argument("--model", help="map of naam van het spraakmodel")
    add_voice_flags(parser)
    parser.add_argument(
        "--recalibrate", action="store_true", help="opnieuw kalibreren, ook als er een profiel is"
    )
    parser.add_argument("--plain", action="store_true", help="gewone regels in plaats van het scherm")
    parser.add_argument("--json", action="store_true", help="zonder scherm: één JSON-object per regel")
    parser.add_argument("--yes", action="store_true", help="niets vragen (zonder model: alleen stemvolume)")
    parser.set_defaults(func=start_command)


def start_command(args: argparse.Namespace) -> int:
    from vertraag.assemble import session_config
    from vertraag.start.lock import live_session_lock
    from vertraag.start.signals import StoppedBeforeTheSession, stopped_before_the_session

    settings = _settings(args)
    # The conversation's data is checked first: a broken protocol or prompt file is said before anything.
    config = session_config(settings, live=True)
    try:
        with stopped_before_the_session(), live_session_lock():  # one live session per user holds the mic
            return _start(args, settings, config)
    except StoppedBeforeTheSession:
        raise UserError(message("start_stopped"), exit_code=EXIT_OK) from None


def _start(args: argparse.Namespace, settings: Settings, config: SessionConfig) -> int:
    from vertraag.start.live import END
    from vertraag.start.signals import ended_by_signals

    screen = sys.stdout.isatty() and sys.stdin.isatty() and not (args.plain or args.json)
    if screen:
        from vertraag.audio.alsa_quiet import quiet_alsa

        quiet_alsa()  # ALSA writes its complaints straight onto the screen otherwise
    _check_devices(settings)
    recognizer = _recognizer(settings, ask=screen and not args.yes)
    live = _live_session(settings, recognizer, config)
    defaults = _defaults(settings, args, live, ask=screen)
    if not screen:
        from vertraag.display.plain import run_plain

        with ended_by_signals(lambda: live.send(END)):
            model = run_plain(live, defaults, sys.stdout, json_lines=args.json)
    else:
        from vertraag.display.app import VertraagApp, end_reason
        from vertraag.display.terminal import own_terminal

        with own_terminal(Path(LOG_FILE) if args.verbose else None), ended_by_signals(lambda: live.send(END)):
            app = VertraagApp(live, defaults)
            app.run()
        model = app.model
        if app.choice is None:  # closed from the form: the session never ran, so nothing closed the devices
            live.source.close()
            live.voice.close()
            print(message("start_stopped"), file=sys.stderr)
            return 0
        if model.ended is not None:
            print(screen_text("ended", reason=end_reason(model.ended)))
    for line in live.report_lines:  # the closing words (after Ctrl-C) and where the report is
        print(line, file=sys.stderr)
    if model.error:
        raise UserError(model.error)
    return 0


def _settings(args: argparse.Namespace) -> Settings:
    names = known.names()
    settings = load_settings(args.config, names=names)
    settings = override(settings, "recognizer", names=names, engine=args.engine, model=args.model)
    settings = override(settings, "audio", names=names, device=args.device, output_device=args.output_device)
    settings = override(settings, "protocol", names=names, name=args.protocol)
    return with_voice_flags(settings, args, names)


def _check_devices(settings: Settings) -> None:
    """No microphone: one message that lists what was found. No speaker: said, and the text is on screen."""
    from vertraag.audio.devices import list_devices

    found = list_devices()
    inputs = [d for d in found if d.inputs > 0]
    if not inputs:
        listed = ", ".join(d.label for d in found) or message("start_no_devices")
        raise UserError(f"{message('start_no_input')} {message('start_devices', devices=listed)}")
    if not any(d.outputs > 0 for d in found):
        print(message("start_no_output"), file=sys.stderr)


def _recognizer(settings: Settings, *, ask: bool) -> Recognizer | None:
    """The Dutch recogniser; without a model: one sentence on how to get it, then loudness only if wanted."""
    from vertraag.assemble import open_recognizer

    def without_model(problem: UserError) -> None:
        print(message("start_no_model"), file=sys.stderr)
        if ask and input(message("start_loudness_only")).strip().lower() not in YES:
            raise UserError(message("start_stopped"), exit_code=0) from problem

    return open_recognizer(settings, threaded=True, verbose=False, without_model=without_model)


def _live_session(settings: Settings, recognizer: Recognizer | None, config: SessionConfig) -> LiveSession:
    from vertraag.assemble import open_voice, word_detector
    from vertraag.audio.mic_source import MicLost, MicSource
    from vertraag.audio.reconnect import ReconnectingSource
    from vertraag.start.live import LiveSession

    holder: list[LiveSession] = []  # the source reports to the session, which needs the source: tie late
    mic = MicSource(device=settings.audio.device, block_ms=settings.audio.block_ms)
    source: AudioSource = ReconnectingSource(
        mic,
        lost=MicLost,
        on_problem=lambda reason: holder[0].source_lost(reason),
        on_back=lambda: holder[0].source_back(),
    )
    try:
        voice, _ = open_voice(settings, live=True, speak_to=None, config=config)
    except BaseException:
        source.close()
        raise
    from vertraag.enroll import new_tracker

    words = word_detector(recognizer)
    holder.append(
        LiveSession(
            settings,
            source=source,
            voice=voice,
            recognizer=recognizer,
            word_detector=words,
            tracker=new_tracker(),
            report=True,
        )
    )
    return holder[0]


def _defaults(settings: Settings, args: argparse.Namespace, live: LiveSession, *, ask: bool) -> Choice:
    """Names from the config, else from the last couple's profile, else the config's defaults."""
    from vertraag.assemble import LIVE_PROTOCOL
    from vertraag.config import ProtocolSettings
    from vertraag.start.live import Choice
    from vertraag.start.profile import latest_profile

    protocol = settings.protocol
    names = (protocol.partner_a, protocol.partner_b)
    pause_word = protocol.pause_word
    unnamed = names == (ProtocolSettings().partner_a, ProtocolSettings().partner_b)
    last = latest_profile(live.profiles) if unnamed else None
    if last is not None:
        names, pause_word = last.names, last.pause_word
    elif unnamed and ask:
        names = ("", "")  # the form asks; plain lines go on with the config's "partner een", "partner twee"
    session = settings.session
    return Choice(
        name_a=names[0],
        name_b=names[1],
        pause_word=pause_word,
        protocol=protocol.name or LIVE_PROTOCOL,
        raised_voice=session.raised_voice,
        words=session.words,
        speech_rate=session.speech_rate,
        reuse_profile=not args.recalibrate,
    )
