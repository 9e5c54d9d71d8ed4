"""`vertraag service install | remove | show`: start `vertraag start` at boot, as a systemd user service.

At boot there is no one at a keyboard: the service runs `vertraag start --plain --yes` (Dutch lines in the
journal, names and choices from the config, the couple's saved calibration). systemd stops it with SIGINT,
which asks for the closing, like Ctrl-C. A user service starts at boot only when the user may linger
(`sudo loginctl enable-linger USER`); `install` says what to run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path
from typing import Any

from vertraag.phrases import message

UNIT_NAME = "vertraag.service"
UNIT_MODE = 0o644
# The sound server of Raspberry Pi OS bookworm (PipeWire, or PulseAudio) runs in the user's session; wait
# for it when it is there. Stop with SIGINT (the closing) and give the closing time to be spoken.
UNIT = """\
[Unit]
Description=vertraag: a guided, slowed-down conversation (offline, Dutch)
After=pipewire.service pipewire-pulse.service pulseaudio.service sound.target

[Service]
ExecStart={command}
KillSignal=SIGINT
TimeoutStopSec=120
Restart=on-failure
RestartSec=10

[Install]
WantedBy=default.target
"""


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "service",
        help="start vertraag bij het opstarten (systemd)",
        description="Installeer of verwijder de systemd-dienst die 'vertraag start' bij het opstarten start.",
    )
    parser.add_argument("action", choices=("install", "remove", "show"))
    parser.add_argument("--config", type=Path, help="instellingenbestand (TOML) voor de dienst")
    parser.add_argument("--input-device", help="microfoon: naam (deel) of nummer")
    parser.add_argument("--output-device", help="luidspreker: naam (deel ervan) of nummer")
    parser.set_defaults(func=service_command)


def unit_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def unit_text(args: argparse.Namespace) -> str:
    beside = Path(sys.executable).with_name("vertraag")  # the installation that runs this command
    program = str(beside) if beside.exists() else shutil.which("vertraag") or "vertraag"
    parts = [program, "start", "--plain", "--yes"]
    for flag, value in (("--config", args.config), ("--input-device", args.input_device),
                        ("--output-device", args.output_device)):  # fmt: skip
        if value is not None:
            parts += [flag, _quoted(str(value.resolve() if isinstance(value, Path) else value))]
    return UNIT.format(command=" ".join(parts))


def _quoted(value: str) -> str:
    """systemd's quoting: double quotes around a value with spaces."""
    return f'"{value}"' if any(c.isspace() for c in value) else value


def service_command(args: argparse.Namespace) -> int:
    path = unit_dir() / UNIT_NAME
    if args.action == "show":
        print(unit_text(args), end="")
    elif args.action == "install":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(unit_text(args), encoding="utf-8")
        path.chmod(UNIT_MODE)
        print(message("service_installed", path=path, user=os.environ.get("USER", "$USER")))
    else:
        path.unlink(missing_ok=True)
        print(message("service_removed", path=path))
    return 0
