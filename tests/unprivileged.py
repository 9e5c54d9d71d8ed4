"""Run a piece of Python as an unprivileged user, for tests that root would pass by its privileges alone.

Root reads files whatever their permissions, so "a file you may not read" can only be tested as someone
else. As root, `run_as_nobody` starts a fresh interpreter as `nobody` with `setpriv` (util-linux), with a copy
of the `vertraag` package in a folder that user may read (the checkout may sit in a private home folder). As
any other user it runs the code as that user: the permission bits already apply.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

import vertraag

UNPRIVILEGED = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
TIMEOUT_S = 120
WORLD_READABLE_DIR = 0o755


@contextmanager
def shared_dir() -> Iterator[Path]:
    """A folder in /tmp that an unprivileged user can read and enter (pytest's tmp_path is root-only)."""
    path = Path(tempfile.mkdtemp(prefix="vertraag-test-"))
    path.chmod(WORLD_READABLE_DIR)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def run_as_nobody(code: str, *args: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """`python -c code args...` as an unprivileged user, importing `vertraag` from a readable copy."""
    command = [sys.executable, "-c", code, *args]
    env = dict(os.environ)
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            raise RuntimeError("setpriv is missing: apt install util-linux")
        package = workdir / "pkg"
        shutil.copytree(Path(vertraag.__file__).parent, package / "vertraag")
        for folder, _, _ in os.walk(package):
            Path(folder).chmod(WORLD_READABLE_DIR)
        env["PYTHONPATH"] = str(package)
        _check_nobody_can_start(env)
        command = [*UNPRIVILEGED, *command]
    return subprocess.run(command, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False)


def _check_nobody_can_start(env: dict[str, str]) -> None:
    """The one reason left to skip: this interpreter and its packages sit where `nobody` may not read them."""
    probe = [*UNPRIVILEGED, sys.executable, "-c", "import numpy, soundfile, vertraag"]
    done = subprocess.run(probe, capture_output=True, text=True, env=env, timeout=TIMEOUT_S, check=False)
    if done.returncode != 0:
        pytest.skip(f"the Python environment is not readable by 'nobody': {done.stderr.strip()[-200:]}")
