"""`vertraag bench`: latency, CPU, memory, start-up and soak figures as one JSON object (see README,
"Performance"). The work is in `bench`; this module only reads the flags."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from vertraag.errors import UserError

CHECKOUT = Path(__file__).resolve().parents[2]  # src/vertraag/cli_bench.py in a checkout


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "bench",
        help="meet vertragingen, CPU, geheugen en opstarttijd (vanuit een checkout, met de testmodellen)",
        description="Meet beslis- en afspeelvertraging, CPU, geheugen, opstarttijd en (--soak) stabiliteit.",
    )
    parser.add_argument("--quick", action="store_true", help="minder audio: klaar in een paar minuten")
    parser.add_argument("--table", action="store_true", help="ook een korte leesbare tabel (op stderr)")
    parser.add_argument("--soak", help="ook een duurtest met Whisper van deze lengte audio, bv. 2h of 5m")
    parser.add_argument("--whisper-model", type=Path, help="map met een faster-whisper-model")
    parser.add_argument("--output-device", help="luidspreker voor de afspeelvertraging")
    # Internal: shorter scenes (the test), parts to leave out, and one part in its own process.
    parser.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--skip", default="", help=argparse.SUPPRESS)
    parser.add_argument("--part", nargs="?", help=argparse.SUPPRESS)
    parser.add_argument("--scene-dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--model", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--trials", type=int, default=1, help=argparse.SUPPRESS)
    parser.add_argument("--soak-seconds", type=float, help=argparse.SUPPRESS)
    parser.set_defaults(func=bench_command)


def bench_command(args: argparse.Namespace) -> int:
    _find_bench()
    if args.part:
        print(json.dumps(_part(args)))
        return 0
    from bench.run import FULL, QUICK, Plan, parse_duration, run_bench
    from bench.table import render_table

    sizes = dict(QUICK if args.quick else FULL)
    if args.seconds is not None:
        sizes["word_s"] = sizes["raised_s"] = args.seconds
    plan = Plan(
        word_s=sizes["word_s"],
        raised_s=sizes["raised_s"],
        playback_trials=int(sizes["playback_trials"]),
        soak_s=parse_duration(args.soak) if args.soak else None,
        skip=frozenset(s.strip() for s in args.skip.split(",") if s.strip()),
        whisper_model=args.whisper_model,
        output_device=args.output_device,
    )
    figures = run_bench(plan, quick=args.quick)
    print(json.dumps(figures))
    if args.table:
        print(render_table(figures), file=sys.stderr)
    return 0


def _part(args: argparse.Namespace) -> dict[str, Any]:
    from bench import parts

    if args.part == "listen":
        return parts.listen(args.scene_dir)
    if args.part in ("vosk", "whisper"):
        return parts.engine(args.scene_dir, args.part, args.model)
    if args.part == "playback":
        return parts.playback(args.trials, args.output_device)
    if args.part == "words":
        return parts.words()
    if args.part == "voices":
        from bench.voices import voices

        return voices()
    if args.part == "soak":
        return parts.soak(args.scene_dir, args.soak_seconds, args.model)
    if args.part == "tts":
        from bench.bench_tts import tts_figures

        figures = tts_figures("auto")
        return figures if isinstance(figures, dict) else {"error": figures}
    raise ValueError(f"unknown part {args.part}")


NO_CHECKOUT = (
    "vertraag bench meet vanuit een checkout van de repository (bench/, tests/data, scripts/): "
    "clone hem, installeer met 'make install' en draai het daar."
)


def _find_bench() -> None:
    """Make the checkout's `bench` importable, or say that `vertraag bench` needs a checkout."""
    if not (CHECKOUT / "bench" / "run.py").is_file():
        raise UserError(NO_CHECKOUT)
    if str(CHECKOUT) not in sys.path:
        sys.path.insert(0, str(CHECKOUT))
