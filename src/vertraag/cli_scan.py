"""`vertraag scan`: runs the word detector over lines of text and prints one JSON object per line.

    echo "je luistert ook nooit" | vertraag scan
    vertraag scan "je bent lui" "ik hou van je"

Each input line gives `{"text": ..., "findings": [{"category", "match", "start", "end", "reframe", "rule"}]}`,
in input order, i_message findings included. Any bytes are accepted: invalid UTF-8 is replaced, not fatal.

    vertraag scan --explain "je bent te dom"

prints readable lines instead: per finding the category, the words it matched, the rule's id, its file in
phrases/nl/ and the pattern that matched: why a sentence was nudged, and where to change that.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from vertraag.detect.words import WordDetector
from vertraag.errors import EXIT_OK

_ENCODING = "utf-8"


DESCRIPTION = (
    "Leest zinnen (één per regel op stdin, of als argumenten) en schrijft per zin één JSON-regel "
    "met wat de woorddetector vond: categorie, woorden, positie en een voorstel om het anders "
    "te zeggen."
)


def register(subparsers: Any) -> None:
    parser: argparse.ArgumentParser = subparsers.add_parser(
        "scan",
        help="zoek onveilige taal in zinnen (stdin of argumenten) en stel een ik-boodschap voor",
        description=DESCRIPTION,
    )
    parser.add_argument("text", nargs="*", help="zinnen om te bekijken; zonder zinnen leest scan van stdin")
    parser.add_argument(
        "--explain",
        action="store_true",
        help="leesbaar in plaats van JSON: per vondst de regel, het bestand en de woorden waarop hij paste",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    detector = WordDetector.load()
    lines = (_clean(text) for text in args.text) if args.text else _stdin_lines(sys.stdin.buffer)
    (explain if args.explain else write)(detector, lines, sys.stdout.buffer)
    return EXIT_OK


def write(detector: WordDetector, lines: Iterable[str], out: BinaryIO) -> None:
    """One JSON object per line, flushed as it goes so an interactive user sees each answer at once."""
    for line in lines:
        record = {"text": line, "findings": [f.to_dict() for f in detector.find(line)]}
        out.write(json.dumps(record, ensure_ascii=False).encode(_ENCODING) + b"\n")
        out.flush()


def explain(detector: WordDetector, lines: Iterable[str], out: BinaryIO) -> None:
    """Per line: the text, then one indented line per finding (or "(niets gevonden)")."""
    for line in lines:
        findings = detector.find(line)
        rows = [line, *(f"  {f.explain()}" for f in findings)] if findings else [line, "  (niets gevonden)"]
        out.write(("\n".join(rows) + "\n").encode(_ENCODING))
        out.flush()


def _stdin_lines(stream: BinaryIO) -> Iterator[str]:
    for raw in stream:
        yield raw.rstrip(b"\n").rstrip(b"\r").decode(_ENCODING, errors="replace")


def _clean(text: str) -> str:
    """Command-line arguments may carry undecodable bytes (as surrogates): make them printable."""
    try:
        raw = text.encode(_ENCODING, errors="surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (not from argv, but possible)
        raw = text.encode(_ENCODING, errors="replace")
    return raw.decode(_ENCODING, errors="replace")
