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

# The figures in README "Performance": latency, CPU, memory, start-up (~18 min; ARGS="--quick" for ~5 min,
# ARGS="--soak 2h" adds the soak). Playback and start-up use the virtual sound card.
bench:
	scripts/vsound.sh start || true
	eval "$$(scripts/vsound.sh env)"; .venv/bin/vertraag bench --table $(ARGS)

lint:
	.venv/bin/ruff check src tests scripts bench
	.venv/bin/mypy

clean:
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
