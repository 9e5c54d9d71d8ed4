"""Thin entry kept for habit: the listening pipeline's figures (CPU per second of audio, raised-voice decision
latency, memory) from `vertraag bench`, without the recognisers, start-up and playback.

    .venv/bin/python bench/bench_listen.py        # = vertraag bench --quick --skip vosk,whisper,... --table
"""

import sys

from vertraag.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "--quick", "--skip", "vosk,whisper,startup,playback", "--table", *sys.argv[1:]]))
