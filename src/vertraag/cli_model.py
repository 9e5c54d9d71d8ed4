"""`vertraag model`: placeholder until its issue lands (replaced by the real module)."""

from __future__ import annotations

import argparse
from typing import Any


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser("model", help="(nog niet beschikbaar)")
    parser.set_defaults(func=lambda args: 2)
