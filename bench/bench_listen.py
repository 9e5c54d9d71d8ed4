"""Speed and memory of the listening steps without a recogniser: framing, level, Silero voice activity,
speech loudness and the raised-voice detector, over the real Dutch speech corpus (`tests/data/speech-nl`).

Prints audio seconds, processing time, real-time factor (processing time / audio time; below 1 keeps up
with live audio), the mean and worst time per 32 ms frame (the delay a frame adds before its decision), and
peak resident memory. Asserts nothing: speed depends on the machine.

    .venv/bin/python bench/bench_listen.py [--repeat N]
"""

from __future__ import annotations

import argparse
import resource
import time
from pathlib import Path

import numpy as np
import soundfile as sf

from vertraag.audio.frames import FRAME_SECONDS, frames_from_blocks
from vertraag.config import Settings
from vertraag.pipeline import Pipeline

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "speech-nl"
KB_PER_MB = 1024  # ru_maxrss is in kilobytes on Linux
MS = 1000.0


def corpus_audio() -> np.ndarray:
    return np.concatenate([sf.read(str(p), dtype="int16")[0] for p in sorted(CORPUS.glob("*.wav"))])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=1, help="pass over the corpus this many times")
    args = parser.parse_args()
    audio = np.concatenate([corpus_audio()] * args.repeat)
    frames = list(frames_from_blocks([audio]))
    pipeline = Pipeline(Settings())
    per_frame: list[float] = []
    events = 0
    started = time.perf_counter()
    for frame in frames:
        t0 = time.perf_counter()
        events += len(pipeline.process(frame))
        per_frame.append(time.perf_counter() - t0)
    total = time.perf_counter() - started
    seconds = len(frames) * FRAME_SECONDS
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KB_PER_MB
    print(f"audio              {seconds:8.1f} s ({len(frames)} frames, {events} events)")
    print(f"processing         {total:8.2f} s")
    print(f"real-time factor   {total / seconds:8.4f}")
    print(f"per frame, mean    {np.mean(per_frame) * MS:8.3f} ms of {FRAME_SECONDS * MS:.0f} ms audio")
    print(f"per frame, p99     {np.percentile(per_frame, 99) * MS:8.3f} ms")
    print(f"per frame, worst   {max(per_frame) * MS:8.3f} ms")
    print(f"peak RSS           {peak_mb:8.1f} MB")


if __name__ == "__main__":
    main()
