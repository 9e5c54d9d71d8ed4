"""The project's virtual sound card (scripts/vsound.sh) for tests: start it, read its client environment."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

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
