"""Thin entry kept for habit: CPU, peak memory and word decision latency per recogniser, from `vertraag bench`
(start-up and playback left out). Keyword accuracy is the tests' job (tests/test_recognize_*.py).

    .venv/bin/python bench/bench_recognize.py     # = vertraag bench --quick --skip startup,playback --table
"""

import sys

from vertraag.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "--quick", "--skip", "startup,playback", "--table", *sys.argv[1:]]))
