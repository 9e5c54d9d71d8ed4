"""Benchmark: how many utterances a second the Dutch word detector handles on one core.

    .venv/bin/python bench/bench_words.py

Prints figures; asserts nothing about speed. The utterances are the labelled sentences of tests/data
(typical spoken lengths, arguments and calm lines alike). Also times one 1 MB junk line.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from vertraag.detect.words import WordDetector

DATA = Path(__file__).resolve().parents[1] / "tests" / "data"
ROUNDS = 30  # passes over the sentences: enough for a stable figure in a few seconds
ONE_MB = 1 << 20


def sentences() -> list[str]:
    """Every sentence of the tuning sets listed in tests/data/tuning-sets.txt (never the blind one)."""
    names = [
        line.strip()
        for line in (DATA / "tuning-sets.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    out = []
    for name in names:
        for line in (DATA / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(line.split("\t")[1])
    return out


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as on a busy Raspberry Pi
    started = time.perf_counter()
    detector = WordDetector.load()
    print(f"load: {(time.perf_counter() - started) * 1000:.0f} ms")
    texts = sentences()
    for text in texts:  # warm-up (word normalisation cache)
        detector.find(text)
    started, cpu_started = time.perf_counter(), time.process_time()
    for _ in range(ROUNDS):
        for text in texts:
            detector.find(text)
    elapsed = time.perf_counter() - started
    cpu = time.process_time() - cpu_started  # CPU time of this process: steadier on a shared, busy machine
    count = ROUNDS * len(texts)
    words = sum(len(t.split()) for t in texts) / len(texts)
    print(f"{count / elapsed:,.0f} utterances/s on one core ({words:.1f} words each, {count} utterances)")
    print(f"{count / cpu:,.0f} utterances per CPU second (compare this one when other work shares the core)")
    print(f"{elapsed / count * 1e6:.0f} µs per utterance")
    line = ("je luistert ook nooit, jij bent een egoïst 😀 " * (ONE_MB // 40))[:ONE_MB]
    started = time.perf_counter()
    found = detector.find(line)
    print(f"one 1 MB line: {time.perf_counter() - started:.2f} s, {len(found)} findings")


if __name__ == "__main__":
    main()
