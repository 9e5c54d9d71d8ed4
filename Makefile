# The two things people do: `make run` (set up and start a guided conversation: `vertraag start`) and
# `make test` (set up and check everything).
# Both are thin wrappers around scripts/setup.sh, which works without make too.

.PHONY: run test install install-dev bench lint clean

run:
	scripts/setup.sh run $(ARGS)

test:
	scripts/setup.sh test $(ARGS)

install:
	scripts/setup.sh install

install-dev:
	scripts/setup.sh install-dev

bench:
	.venv/bin/python bench/bench_listen.py
	.venv/bin/python bench/bench_words.py
	.venv/bin/python bench/bench_recognize.py

lint:
	.venv/bin/ruff check src tests scripts bench
	.venv/bin/mypy

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
