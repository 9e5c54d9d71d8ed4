"""`vertraag devices`: the microphones and speakers this machine offers, by number and name (for
`--input-device` / `--device` and `--output-device`), and which voice will speak."""

from __future__ import annotations

import argparse
from typing import Any

from vertraag.errors import UserError
from vertraag.phrases import message


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "devices",
        help="toon de microfoons en luidsprekers (voor --input-device en --output-device)",
        description="Toon de microfoons en luidsprekers van deze computer.",
    )
    parser.set_defaults(func=devices_command)


def devices_command(args: argparse.Namespace) -> int:
    from vertraag.audio.devices import list_devices

    found = list_devices()
    if not found:
        raise UserError(message("devices_none"))
    for title, devices in (
        (message("devices_inputs"), [d for d in found if d.inputs > 0]),
        (message("devices_outputs"), [d for d in found if d.outputs > 0]),
    ):
        print(title)
        for device in devices:
            print(f"{device.index:3d}  {device.name}")
        if not devices:
            print(f"     {message('start_no_devices')}")
    print(_who_speaks())
    return 0


def _who_speaks() -> str:
    """Which voice will speak with the current settings (judged without loading an engine)."""
    from vertraag.assemble import who_speaks

    return who_speaks()
