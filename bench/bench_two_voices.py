"""Interventions per minute on a calm two-voice recording in the free protocol (issue 15's before/after).

Two real calm voices (tests/data/speech-nl, CC0: a man and a woman; the second 7.5 dB louder, as one partner
sits nearer the microphone) take turns for `--seconds`; vertraag listens without a recogniser. Printed: the
interventions per minute measured as one voice for the room (no voice tracker: what vertraag did before it
told the voices apart) and per attributed voice (the GMM tracker learning the voices as it goes). A calm
conversation should draw none. Asserts nothing.

    .venv/bin/python bench/bench_two_voices.py [--seconds 120] [--apart-db 7.5]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


from bench import compose  # noqa: E402
from bench.two_voices import Partner, conversation  # noqa: E402
from vertraag import assemble  # noqa: E402
from vertraag.audio.frames import SAMPLE_RATE, frames_from_blocks  # noqa: E402
from vertraag.config import ProtocolSettings, Settings  # noqa: E402
from vertraag.enroll import new_tracker  # noqa: E402
from vertraag.pipeline import Pipeline  # noqa: E402

QUIET_DBFS = -34.0  # the trial: calm levels -34.3 and -26.6 dBFS
BLOCK_SAMPLES = 1024  # as a sound card hands them over
GUIDANCE = ("protocol", "command", "i_message", "summary")
SECONDS_PER_MINUTE = 60.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=120.0)
    parser.add_argument("--apart-db", type=float, default=7.5)
    args = parser.parse_args()
    a = [c.samples() for c in compose.clips("flemishguy")]
    b = [c.samples() for c in compose.clips("nathalie")]
    audio, _ = conversation(
        Partner(a, QUIET_DBFS), Partner(b, QUIET_DBFS + args.apart_db), seconds=args.seconds
    )
    minutes = len(audio) / SAMPLE_RATE / SECONDS_PER_MINUTE
    settings = dataclasses.replace(Settings(), protocol=ProtocolSettings(name="vrij"))
    print(f"calm two-voice recording: {minutes:.1f} min, voices {args.apart_db:.1f} dB apart, protocol vrij")
    for label, tracker in (("one voice for the room", None), ("per attributed voice", new_tracker())):
        pipeline = Pipeline(settings, tracker=tracker)
        runner = assemble.recording_runner(settings, pipeline=pipeline)
        events = list(runner.run(frames_from_blocks(compose.blocks(audio, BLOCK_SAMPLES))))
        said = [e for e in events if e.type == "prompt" and e.data["reason"] not in GUIDANCE]
        reasons = ", ".join(sorted({str(e.data["reason"]) for e in said})) or "-"
        print(f"  {label:24s} {len(said) / minutes:5.2f} interventions/min ({len(said)}: {reasons})")


if __name__ == "__main__":
    main()
