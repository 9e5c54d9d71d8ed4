"""`vertraag devices`: the microphones this machine offers, by number and name (for `--device`)."""

from __future__ import annotations

import argparse
from typing import Any

from vertraag.errors import UserError


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "devices",
        help="toon de microfoons (voor --device)",
        description="Toon de microfoons van deze computer.",
    )
    parser.set_defaults(func=devices_command)


def devices_command(args: argparse.Namespace) -> int:
    from vertraag.audio.mic_source import list_input_devices

    inputs = list_input_devices()
    if not inputs:
        raise UserError("Geen microfoon gevonden: sluit er een aan en probeer het opnieuw.")
    for index, name in inputs:
        print(f"{index:3d}  {name}")
    return 0
