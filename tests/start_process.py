"""`vertraag start --json` as a child process for system tests: its events read on a thread, waited for with
a deadline (never a sleep)."""

from __future__ import annotations

import json
import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

WAIT_S = 60.0  # the longest any one expected event may take (calibration, a prompt, the closing)
POLL_S = 0.05  # how often a wait looks again at the reading thread's queue

Match = Callable[[dict[str, Any]], bool]


class StartProcess:
    """`vertraag start --json --yes --engine none --config CONFIG *extra` in `env`."""

    def __init__(self, env: dict[str, str], config: Path, extra: Sequence[str] = ()) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vertraag", "start", "--json", "--yes", "--engine", "none",
             "--config", str(config), *extra],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        self.events: list[dict[str, Any]] = []
        self._new: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._new.put(json.loads(line))
        self._new.put(None)

    def wait_for(self, match: Match, what: str) -> dict[str, Any]:
        found = self.seen(match, within_s=WAIT_S)
        if found is None:
            raise AssertionError(f"no {what} in {self.events}; stderr: {self.stderr()}")
        return found

    def seen(self, match: Match, *, within_s: float) -> dict[str, Any] | None:
        """The first event that matches, waiting at most `within_s` for it; None if none came."""
        deadline = time.monotonic() + within_s
        for event in self.events:
            if match(event):
                return event
        while time.monotonic() < deadline:
            try:
                event = self._new.get(timeout=POLL_S)
            except queue.Empty:
                continue
            if event is None:
                break
            self.events.append(event)
            if match(event):
                return event
        return None

    def drain(self) -> None:
        """After the process ended: every event it still printed."""
        while (event := self._new.get(timeout=5)) is not None:
            self.events.append(event)

    def stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
