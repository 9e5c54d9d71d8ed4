"""`vertraag start`, `devices` and `service` as a user meets them: one clear message, never a traceback."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from vertraag.cli import main

NO_SERVER = {"PULSE_SERVER": "unix:/nonexistent-on-purpose"}


def _vertraag(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    client = tmp_path / "client.conf"
    client.write_text("autospawn = no\n")  # never start a sound server of our own
    env = {**os.environ, **NO_SERVER, "PULSE_CLIENTCONFIG": str(client), "XDG_DATA_HOME": str(tmp_path)}
    return subprocess.run(
        [sys.executable, "-m", "vertraag", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_without_any_sound_device_start_says_so_in_one_message_that_lists_what_was_found(
    tmp_path: Path,
) -> None:
    done = _vertraag(tmp_path, "start", "--plain", "--yes", "--engine", "none")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if not line.startswith("ALSA lib")]
    assert len(lines) == 1, done.stderr
    assert "Geen microfoon gevonden" in lines[0] and "Gevonden geluidsapparaten: geen" in lines[0]
    devices = _vertraag(tmp_path, "devices")
    assert devices.returncode == 2 and "Geen geluidsapparaten gevonden" in devices.stderr


def test_service_install_writes_a_unit_that_systemd_accepts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert main(["service", "install", "--input-device", "USB Mic"]) == 0
    unit = tmp_path / "systemd" / "user" / "vertraag.service"
    text = unit.read_text()
    assert 'start --plain --yes --input-device "USB Mic"' in text
    assert "KillSignal" not in text and "TimeoutStopSec=30" in text  # systemd's SIGTERM ends it in seconds
    assert "enable-linger" in capsys.readouterr().out
    if shutil.which("systemd-analyze"):
        verify = subprocess.run(
            ["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, check=False
        )
        assert verify.returncode == 0, verify.stderr
    assert main(["service", "remove"]) == 0 and not unit.exists()
