"""The `vertraag` command: parses flags, hands over to one subcommand module, turns UserErrors into one line.

Subcommands live in their own modules (`cli_run.py`, `cli_scan.py`, `cli_model.py`, `cli_report.py`); each
offers `register(subparsers)` and sets `func(args) -> exit code`.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from typing import NoReturn

from vertraag import (
    __version__,
    cli_bench,
    cli_devices,
    cli_model,
    cli_report,
    cli_run,
    cli_scan,
    cli_service,
    cli_start,
)
from vertraag.errors import EXIT_INTERRUPTED, EXIT_USER_ERROR, UserError

log = logging.getLogger(__name__)


class _Parser(argparse.ArgumentParser):
    """argparse, but a wrong flag is one line (with where to find help), like every other refusal."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USER_ERROR, f"{self.prog}: {message} (zie {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="vertraag",
        description="Vertraag: een rustig, gestructureerd gesprek voor twee (offline, in het Nederlands).",
    )
    parser.add_argument("--version", action="version", version=f"vertraag {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="count", default=0, help="meer details in het logboek (stderr)"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (cli_start, cli_run, cli_scan, cli_model, cli_devices, cli_service, cli_report, cli_bench):
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = logging.WARNING if args.verbose == 0 else logging.INFO if args.verbose == 1 else logging.DEBUG
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USER_ERROR
    try:
        return int(args.func(args))
    except UserError as exc:
        print(" ".join(exc.message.split("\n")), file=sys.stderr)  # one line, whatever it quotes
        return exc.exit_code
    except KeyboardInterrupt:
        print("Gestopt.", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`): nothing more to say.
        return 0
