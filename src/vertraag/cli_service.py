"""`vertraag service install | remove | show`: start `vertraag start` at boot, as a systemd user service.

At boot there is no one at a keyboard: the service runs `vertraag start --plain --yes` (Dutch lines in the
journal, names and choices from the config, the couple's saved calibration). systemd stops it with SIGTERM,
which ends the session within seconds with its report saved (start/signals.py). A user service starts at
boot only when the user may linger (`sudo loginctl enable-linger USER`); `install` says what to run.
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
# for it when it is there. systemd's SIGTERM ends the session within 5 s with its report saved; the stop
# timeout leaves room for a slow SD card before systemd kills it.
UNIT = """\
[Unit]
Description=vertraag: a guided, slowed-down conversation (offline, Dutch)
After=pipewire.service pipewire-pulse.service pulseaudio.service sound.target

[Service]
ExecStart={command}
TimeoutStopSec=30
Restart=on-failure
RestartSec=10

[Install]
WantedBy=default.target
"""


# Inside double quotes systemd reads C escapes; these characters must be written as escapes there.
SYSTEMD_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r"}
SYSTEMD_QUOTED = frozenset("\"'\\;")  # quotes, a backslash, a lone ";" (a command separator): always quoted


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
            parts += [flag, str(value.resolve() if isinstance(value, Path) else value)]
    return UNIT.format(command=" ".join(exec_word(part) for part in parts))


def exec_word(value: str) -> str:
    """One argument as systemd reads it back from ExecStart: `%` (specifiers such as %h) and `$` (variables
    such as $USER) doubled, and double quotes, with C escapes inside, around anything else unusual."""
    value = value.replace("%", "%%").replace("$", "$$")
    if value and not any(c.isspace() or c in SYSTEMD_QUOTED or not c.isprintable() for c in value):
        return value
    escaped = "".join(SYSTEMD_ESCAPES.get(c, c) for c in value)
    return f'"{escaped}"'


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
