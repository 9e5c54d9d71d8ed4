"""`vertraag scan` as a user runs it: a real process, text on stdin or as arguments, JSON lines out."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

ONE_MB = 1 << 20
# A guard against a hang, not a speed test: a 1 MB line takes a few seconds (see bench/bench_words.py).
HANG_GUARD_S = 120


def scan(*args: str, stdin: bytes = b"") -> list[dict[str, Any]]:
    done = subprocess.run(
        [sys.executable, "-m", "vertraag", "scan", *args],
        input=stdin,
        capture_output=True,
        timeout=HANG_GUARD_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode(errors="replace")
    return [json.loads(line) for line in done.stdout.decode("utf-8").splitlines()]


def test_the_new_user_examples_from_the_issue() -> None:
    [record] = scan(stdin=b"je luistert ook nooit\n")
    assert record["text"] == "je luistert ook nooit"
    [finding] = record["findings"]
    assert finding["category"] == "absolute" and finding["reframe"].startswith("Probeer het eens")
    assert record["text"][finding["start"] : finding["end"]] == finding["match"] == "nooit"
    assert scan(stdin=b"ik wil je nooit kwijt\n") == [{"text": "ik wil je nooit kwijt", "findings": []}]


def test_one_object_per_line_in_input_order_with_i_messages() -> None:
    lines = ["Je bent lui.", "", "ik voel me alleen", "hou je mond", "het regent altijd in april"]
    records = scan(stdin=("\n".join(lines) + "\n").encode())
    assert [r["text"] for r in records] == lines
    assert [sorted({f["category"] for f in r["findings"]}) for r in records] == [
        ["attack"],
        [],
        ["i_message"],
        ["command"],
        [],
    ]
    assert set(records[2]["findings"][0]) == {"category", "match", "start", "end", "reframe", "rule"}
    assert records[0]["findings"][0]["rule"] == "attack-you-are"


def test_sentences_as_arguments() -> None:
    records = scan("stel je niet aan", "stel je voor")
    assert [[f["category"] for f in r["findings"]] for r in records] == [["contempt"], []]


def test_junk_and_any_unicode_neither_crash_nor_hang() -> None:
    junk = b"\xff\xfe\x00\x01 bytes \xc3\x28 \r\n" + "e\u0301\u05e9\u05dc\u05d5\u05dd 😀\u200f\x00\n".encode()
    records = scan(stdin=junk + "Jij bent een sukkel 😀\n".encode())
    assert len(records) == 3
    assert [f["category"] for f in records[2]["findings"]] == ["attack"]


def test_a_one_megabyte_line_ends() -> None:
    sentence = "Je luistert ook nooit, jij bent een egoïst 😀 en \u05e9\u05dc\u05d5\u05dd. "
    line = (sentence * (ONE_MB // len(sentence.encode()) + 1)).encode()[:ONE_MB].decode(errors="ignore")
    records = scan(stdin=(line + "\nhou je mond\n").encode())
    assert len(records) == 2
    assert {"absolute", "attack"} <= {f["category"] for f in records[0]["findings"]}
    assert [f["category"] for f in records[1]["findings"]] == ["command"]


def test_explain_names_the_rule_its_file_and_the_words() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vertraag", "scan", "--explain",
         "je bent te dom", "ik pak morgen mijn koffers", "het regent"],
        capture_output=True,
        timeout=HANG_GUARD_S,
        check=True,
    )  # fmt: skip
    out = done.stdout.decode("utf-8").splitlines()
    assert out[0] == "je bent te dom"
    assert out[1].startswith('  attack: "je bent te dom" <- regel attack-you-are in rules-attack.toml')
    assert out[2] == "ik pak morgen mijn koffers"
    assert "regel threat-packing in rules-threat.toml" in out[3] and '"pak morgen mijn koffers"' in out[3]
    assert out[4:] == ["het regent", "  (niets gevonden)"]
