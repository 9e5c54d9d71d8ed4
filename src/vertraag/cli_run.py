"""`vertraag run`: listen to a recording (`--input FILE.wav`) or the microphone and print what it notices.

With --json every event is one JSON object per line (see README, "Event stream"); without it, one readable
Dutch line per event. Partial hypotheses are only shown with --json or -v.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from vertraag import events as ev
from vertraag import known
from vertraag.audio.source import AudioSource
from vertraag.cli_flags import add_voice_flags, with_voice_flags
from vertraag.config import Settings, load_settings, override
from vertraag.errors import EXIT_INTERRUPTED, EXIT_OK, NothingToReport, UserError
from vertraag.events import Event
from vertraag.models.catalog import ENGINE_CHOICES
from vertraag.phrases import message, protocol_names
from vertraag.render import render
from vertraag.report.session import SessionReport
from vertraag.voices import PARTNERS

if TYPE_CHECKING:
    pass

log = logging.getLogger(__name__)

LEVEL_EVERY_S = 1.0  # one `level` event per second of audio: the report's loudness over time
# Shown only with --json or -v: the recogniser's running guesses and the loudness readings.
QUIET_TYPES = frozenset({ev.PARTIAL, ev.LEVEL, ev.VOICE})


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "run",
        help="luister naar de microfoon of een opname en meld wat er gebeurt",
        description=(
            "Luister naar de microfoon (of --input FILE.wav) en meld spraak, stemmen die omhooggaan "
            "en woorden."
        ),
    )
    parser.add_argument("--input", "-i", type=Path, help="een WAV-bestand in plaats van de microfoon")
    parser.add_argument("--json", action="store_true", help="één JSON-object per regel (voor programma's)")
    parser.add_argument("--realtime", action="store_true", help="speel het bestand af in echte tijd")
    parser.add_argument(
        "--calibration",
        nargs=2,
        type=Path,
        metavar=("A.wav", "B.wav"),
        help="rustige spraak van elke partner (eerst wie begint): daaraan herkent vertraag de stemmen",
    )
    parser.add_argument("--names", help="de namen van de partners, bijvoorbeeld Anna,Bram (eerst wie begint)")
    parser.add_argument("--config", type=Path, help="instellingenbestand (TOML)")
    parser.add_argument("--engine", choices=ENGINE_CHOICES, help="spraakherkenner (standaard: vosk)")
    parser.add_argument("--model", help="map of naam van het spraakmodel (ook: VERTRAAG_MODEL)")
    parser.add_argument("--device", help="microfoon: naam (deel ervan) of nummer")
    parser.add_argument("--baseline-db", type=float, help="rustig stemvolume in dBFS (anders zelf geleerd)")
    parser.add_argument(
        "--threshold-db",
        type=float,
        help="zoveel dB boven het rustige niveau telt als een stem die omhooggaat",
    )
    parser.add_argument("--hold-ms", type=int, help="zo lang moet de stem omhoog blijven (ms audio)")
    parser.add_argument(
        "--protocol",
        choices=protocol_names(),
        help="het gesprek (standaard: vrij bij een opname, vertraag live)",
    )
    parser.add_argument("--turn-seconds", type=int, help="spreekbeurt in seconden (vertraag: 120)")
    parser.add_argument("--output-device", help="luidspreker: naam (deel ervan) of nummer")
    add_voice_flags(parser)
    parser.add_argument(
        "--speak-to", type=Path, help="schrijf de opname met de prompts erin gemengd naar dit WAV-bestand"
    )
    parser.add_argument(
        "--report-dir", type=Path, help="map voor het verslag (standaard ~/.local/share/vertraag/verslagen)"
    )
    parser.add_argument("--record", action="store_true", help="bewaar ook het geluid (WAV) bij het verslag")
    parser.add_argument(
        "--transcript", action="store_true", help="bewaar ook wat er gezegd is (standaard niet)"
    )
    parser.set_defaults(func=run_command)


def run_command(args: argparse.Namespace) -> int:
    """SIGTERM is Ctrl-C here (a live run ends with its report, a recording stops and keeps nothing
    partial); a live run holds the one-live-session lock (start/lock.py), a recording takes none."""
    import signal

    previous = signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        if args.input is not None:
            return _run(args)
        from vertraag.start.lock import live_session_lock

        with live_session_lock():
            return _run(args)
    finally:
        signal.signal(signal.SIGTERM, previous)


def _run(args: argparse.Namespace) -> int:
    from vertraag import assemble  # heavy (numpy, VAD, engines): only when running
    from vertraag.enroll import enroll_files, new_tracker
    from vertraag.pipeline import Pipeline

    settings = _settings(args)
    live = args.input is None
    # The conversation's data is checked first: a broken protocol or prompt file is said before anything.
    config = assemble.session_config(settings, live=live)
    out: TextIO = sys.stdout
    partners = {PARTNERS[0]: settings.protocol.partner_a, PARTNERS[1]: settings.protocol.partner_b}

    def write(event: Event) -> None:
        out.write((event.to_json() if args.json else render(event, partners)) + "\n")
        out.flush()

    def source_problem(reason: str) -> None:
        write(Event(ev.SOURCE_PROBLEM, pipeline.summary.audio_seconds, {"reason": reason}))

    if args.speak_to is not None:
        check_writable(args.speak_to)  # before the recording is heard, not after
    source = _open_source(args, settings, source_problem)  # bad input is said first, before any model loads
    explicit_engine = args.engine is not None or args.model is not None
    threaded = live or args.realtime  # decoding must never hold up live audio
    try:
        # Without a Dutch model the run goes on with loudness only, unless the user asked for an engine or
        # model explicitly (then the missing model is an error they need to see).
        recognizer = assemble.open_recognizer(
            settings,
            threaded=threaded,
            verbose=args.verbose > 0,
            without_model=None if explicit_engine or settings.recognizer.model else _no_model,
        )
        tracker = new_tracker()
        # With --calibration each partner's voice and calm level are known from the start; without it the
        # tracker learns the voices as it goes and each voice's calm level is learned from its own speech.
        calm = enroll_files(tracker, args.calibration, settings) if args.calibration else None
        pipeline = Pipeline(
            settings,
            recognizer=recognizer,
            word_detector=assemble.word_detector(recognizer),
            level_every_s=LEVEL_EVERY_S,
            tracker=tracker,
        )
        for key, level in zip(PARTNERS, calm or (), strict=False):
            given = settings.raised_voice.baseline_db  # --baseline-db wins over the calibration
            pipeline.calibrate_talker(key, baseline_db=given if given is not None else level, calm_wps=None)
        voice, recorder = assemble.open_voice(settings, live=live, speak_to=args.speak_to, config=config)
        session = SessionReport.begin(args.report_dir, live=live, transcript=args.transcript, names=partners)
        session.notify = lambda line: print(line, file=sys.stderr)
    except BaseException:
        source.close()
        raise
    runner = assemble.build_runner(pipeline, config, voice, settings, live=live, closing=session.closing)
    show_partials = args.json or args.verbose > 0
    if live and not args.json:
        print(message("listening"), file=sys.stderr)
    interrupted = False
    frames = source.frames() if recorder is None else recorder.frames(source.frames())
    if args.record:
        frames = session.record(frames)
    try:
        for event in runner.run(frames):
            session.collector.add(event)
            if event.type in QUIET_TYPES and not show_partials:
                continue
            write(event)
    except KeyboardInterrupt:
        if args.input is not None:
            session.discard_recording()  # a recording cut short is not kept
            raise
        interrupted = True  # Ctrl-C is how a live session ends: the summary follows, then exit code 130
    except BaseException:
        session.discard_recording()
        raise
    finally:
        source.close()
        voice.close()
        session.stop_recording()
    if recorder is not None and args.speak_to is not None:
        from vertraag.speak.mixdown import mix, write_mixdown

        try:
            write_mixdown(args.speak_to, mix(recorder.audio(), getattr(voice, "placed", [])))
            session.audio_kept.append(args.speak_to)
        except UserError as exc:  # the report is still saved below
            print(exc.message, file=sys.stderr)
    if pipeline.summary.speech_seconds == 0.0:
        name = args.input.name if args.input is not None else "de microfoon"
        if not interrupted:
            raise NothingToReport(message("no_speech", name=name))
        print(message("no_speech", name=name), file=sys.stderr)
        return EXIT_INTERRUPTED
    if not args.json:
        summary = pipeline.summary
        print(message("summary", audio=summary.audio_seconds, speech=summary.speech_seconds), file=sys.stderr)
    for line in session.save(until=pipeline.summary.audio_seconds):
        print(line, file=sys.stderr)
    return EXIT_INTERRUPTED if interrupted else EXIT_OK


def _settings(args: argparse.Namespace) -> Settings:
    names = known.names()
    settings = load_settings(args.config, names=names)
    settings = override(settings, "recognizer", names=names, engine=args.engine, model=args.model)
    settings = override(settings, "audio", names=names, device=args.device, output_device=args.output_device)
    settings = override(settings, "protocol", names=names, name=args.protocol, turn_seconds=args.turn_seconds)
    if args.names is not None:
        settings = override(settings, "protocol", names=names, **_partner_names(args.names))
    settings = with_voice_flags(settings, args, names)
    return override(
        settings,
        "raised_voice",
        names=names,
        baseline_db=args.baseline_db,
        threshold_db=args.threshold_db,
        hold_ms=args.hold_ms,
    )


def _partner_names(given: str) -> dict[str, str]:
    """`--names Anna,Bram` -> partner_a Anna, partner_b Bram."""
    names = [name.strip() for name in given.split(",")]
    if len(names) != len(PARTNERS) or not all(names):
        raise UserError(
            f"Geef bij --names twee namen met een komma ertussen, bijvoorbeeld Anna,Bram (niet '{given}')."
        )
    return {"partner_a": names[0], "partner_b": names[1]}


def check_writable(path: Path) -> None:
    """A file we will write at the end can be written: its folder exists and takes files, it is no folder."""
    import os

    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise UserError(f"{path} is een map; geef bij --speak-to een bestandsnaam op (bijvoorbeeld uit.wav).")
    if not folder.is_dir():
        raise UserError(f"De map {folder} bestaat niet; maak hem eerst, of kies bij --speak-to een andere.")
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UserError(f"Kan {path} niet schrijven: geen toestemming in {folder}.")


def _open_source(args: argparse.Namespace, settings: Settings, emit: Callable[[str], None]) -> AudioSource:
    if args.input is not None:
        from vertraag.audio.wav_source import WavSource

        return WavSource(args.input, realtime=args.realtime)
    from vertraag.audio.mic_source import MicLost, MicSource
    from vertraag.audio.reconnect import ReconnectingSource

    mic = MicSource(device=settings.audio.device, block_ms=settings.audio.block_ms, on_problem=emit)
    return ReconnectingSource(mic, lost=MicLost, on_problem=emit)


def _no_model(problem: UserError) -> None:
    print(message("no_model_fallback"), file=sys.stderr)
