"""Thin entry kept for habit: the word detector's utterances per second on one core, from `vertraag bench`
(also in its JSON as `word_detector`).

    .venv/bin/python bench/bench_words.py         # = vertraag bench --part words
"""

import sys

from vertraag.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", "--part", "words"]))
