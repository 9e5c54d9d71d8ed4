"""The screen once in a real terminal: `vertraag start` in tmux (80x24) on a private virtual sound card.
Keys are sent with `tmux send-keys`, the screen is read with `tmux capture-pane`."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.sound_card import client_env, vsound
from tests.voice_profile import calibrated_profile
from vertraag.start.profile import save_profile

pytestmark = pytest.mark.sound

WAIT_S = 40.0
POLL_S = 0.3
STOP_WITHIN_S = 5.0  # systemd's stop (SIGTERM) ends the session within seconds (issue 17)
SETTLE_S = 0.5  # the screen is drawn: let its key bindings settle too


class Terminal:
    def __init__(self, tmux: Callable[..., subprocess.CompletedProcess[str]]) -> None:
        self._tmux = tmux

    def keys(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "vt", *keys)

    def capture(self) -> str:
        return self._tmux("capture-pane", "-p", "-t", "vt").stdout

    def until(self, text: str) -> str:
        deadline = time.monotonic() + WAIT_S
        screen = ""
        while time.monotonic() < deadline:
            screen = self.capture()
            if text in screen:
                return screen
            time.sleep(POLL_S)
        raise AssertionError(f"'{text}' never on screen:\n{screen}")


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    if shutil.which("tmux") is None or shutil.which("pulseaudio") is None:
        pytest.skip("tmux/pulseaudio not installed (apt install tmux pulseaudio pulseaudio-utils)")
    private = {**os.environ, "VSOUND_DIR": str(tmp_path / "vs"), "VSOUND_SETTLE": "0.5"}
    assert vsound("start", env=private).returncode == 0
    env = {**client_env(private), "XDG_DATA_HOME": str(tmp_path / "data"), "VERTRAAG_CONFIG": "/none.toml",
           "PYTHONPATH": os.environ.get("PYTHONPATH", "src")}  # fmt: skip
    socket = str(tmp_path / "tmux.sock")
    last = calibrated_profile("Anna", "Bram", "stoplicht")
    save_profile(last, tmp_path / "data" / "vertraag" / "profiles")  # the last couple

    def tmux(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["tmux", "-S", socket, *args], capture_output=True, text=True, check=False)

    exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
    command = (
        f"env {exports} {sys.executable} -m vertraag start --yes --engine none --protocol vrij; echo EXIT=$?"
    )
    started = tmux("new-session", "-d", "-s", "vt", "-x", "80", "-y", "24", f"{command}; sleep 60")
    assert started.returncode == 0, started.stderr

    yield Terminal(tmux)
    tmux("kill-server")
    vsound("stop", env=private)


def test_the_screen_in_tmux_keys_and_the_closing(terminal: Terminal, tmp_path: Path) -> None:
    form = terminal.until("stoplicht")
    assert "Anna" in form and "Bram" in form and "stoplicht" in form  # the last couple, offered again
    terminal.keys("Enter")
    screen = terminal.until("q stoppen")
    assert "VRIJ" in screen and "q stoppen" in screen and "space volgende" in screen
    assert all(len(line) <= 80 for line in screen.splitlines()) and len(screen.splitlines()) <= 24
    time.sleep(SETTLE_S)
    terminal.keys("p")
    paused = terminal.until("pauze · druk p")
    assert "Pauze" in paused  # the reply, shown as the last prompt
    (tmp_path / "screen.txt").write_text(paused)
    terminal.keys("q")
    closing = terminal.until("EXIT=")
    assert "Het gesprek is afgerond (gestopt)" in closing and "EXIT=0" in closing
    assert "Traceback" not in closing


def test_the_screen_in_tmux_stopped_by_sigterm_closes_at_once(terminal: Terminal) -> None:
    from vertraag.start.lock import LOCK_FILE, runtime_dir

    terminal.until("stoplicht")
    terminal.keys("Enter")
    terminal.until("q stoppen")
    pid = int((runtime_dir() / LOCK_FILE).read_text())  # the session holding the microphone
    sent = time.monotonic()
    os.kill(pid, signal.SIGTERM)
    closing = terminal.until("EXIT=")
    assert time.monotonic() - sent < STOP_WITHIN_S
    assert "Het gesprek is afgerond (gestopt)" in closing and "EXIT=0" in closing
    assert "Traceback" not in closing
