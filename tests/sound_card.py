"""The project's virtual sound card (scripts/vsound.sh) for tests: start it, read its client environment."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
VSOUND = ROOT / "scripts" / "vsound.sh"
VSOUND_TIMEOUT_S = 30


def vsound(command: str, *, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run `scripts/vsound.sh COMMAND` (start | stop | status | env)."""
    return subprocess.run(
        [str(VSOUND), command], env=env, capture_output=True, text=True, check=False, timeout=VSOUND_TIMEOUT_S
    )


def client_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """The variables `vsound.sh env` exports, parsed from its output."""
    out = vsound("env", env=env).stdout
    pairs = [word.split("=", 1) for word in shlex.split(out) if "=" in word]
    return {key: value for key, value in pairs}


@pytest.fixture(scope="module")
def card_env() -> Iterator[dict[str, str]]:
    """The shared virtual sound card for a module's tests: started if needed (and stopped again then), and
    the environment a client needs to reach it."""
    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.skip("pulseaudio/paplay not installed (apt install pulseaudio pulseaudio-utils)")
    was_running = vsound("status").returncode == 0
    started = vsound("start")
    assert started.returncode == 0, started.stderr
    yield {**os.environ, **client_env()}
    if not was_running:
        vsound("stop")
