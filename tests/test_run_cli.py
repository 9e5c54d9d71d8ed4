"""`vertraag run --input FILE.wav --json`, end to end, as a user runs it: a real process, real WAV files.

These are the issue's acceptance checks for the foundation: calm speech gives no raised voice, a +10 dB second
half does (in time), loud noise never does, and bad input gets one clear line and the right exit code.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests import audio_gen as ag
from vertraag.audio.frames import SAMPLE_RATE

# Runs write a session report into the user's data folder: in the tests that is a folder of their own.
TEST_DATA_HOME = tempfile.mkdtemp(prefix="vertraag-test-data-")
HOLD_S = 1.5  # the default hold time of the raised-voice detector
LATENCY_BUDGET_S = 0.3  # the allowance on top of the hold time
RAISE_DB = 10.0


def run_cli(
    *args: str | Path, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != "VERTRAAG_MODEL"}  # the test decides the model
    defaults = {"VERTRAAG_CONFIG": "/nonexistent-on-purpose.toml", "XDG_DATA_HOME": TEST_DATA_HOME}
    full_env = {**base, **defaults, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "vertraag", *map(str, args)],
        capture_output=True,
        text=True,
        input=stdin,
        env=full_env,
        timeout=300,
    )


def run_json(path: Path, *extra: str) -> list[dict[str, Any]]:
    proc = run_cli("run", "--input", path, "--json", "--engine", "none", *extra)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def of_type(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


def first_sound_after(x: np.ndarray, index: int, *, floor_dbfs: float = -50.0) -> int:
    """Index of the first audible sample at or after `index`: where a rise can first be heard."""
    floor = 32768.0 * 10 ** (floor_dbfs / 20)
    loud = np.flatnonzero(np.abs(x[index:].astype(np.float64)) > floor)
    return index + int(loud[0])


@pytest.fixture(scope="module")
def calm() -> np.ndarray:
    """About 20 s of calm espeak-ng Dutch: two passes over the calm sentences."""
    return ag.espeak_conversation(ag.CALM_SENTENCES * 2)


def test_calm_speech_has_speech_events_and_no_raised_voice(tmp_path: Path, calm: np.ndarray) -> None:
    events = run_json(ag.write_wav(tmp_path / "calm.wav", calm))
    assert of_type(events, "speech_start"), events
    assert len(of_type(events, "speech_start")) == len(of_type(events, "speech_end"))
    assert not of_type(events, "raised_voice")
    times = [e["t"] for e in events]
    assert all(0 <= t <= len(calm) / SAMPLE_RATE + 0.1 for t in times)
    for start, end in zip(of_type(events, "speech_start"), of_type(events, "speech_end"), strict=True):
        assert end["t"] > start["t"] and end["duration"] > 0


def test_louder_second_half_gives_raised_voice_in_time(tmp_path: Path, calm: np.ndarray) -> None:
    half = len(calm) // 2
    rise_s = first_sound_after(calm, half) / SAMPLE_RATE
    scene = np.concatenate([calm[:half], ag.scale_db(calm[half:], RAISE_DB)])
    raised = of_type(run_json(ag.write_wav(tmp_path / "raised.wav", scene)), "raised_voice")
    assert raised, "no raised_voice after a +10 dB rise"
    first = raised[0]
    assert rise_s <= first["t"] <= rise_s + HOLD_S + LATENCY_BUDGET_S, first
    assert rise_s - LATENCY_BUDGET_S <= first["onset"] <= first["t"]
    assert 7.0 <= first["rise_db"] <= 13.0, first


@pytest.mark.parametrize(
    "noise",
    [
        pytest.param(lambda: ag.white_noise(2.0, dbfs=-6.0, seed=1), id="loud-noise"),
        pytest.param(lambda: ag.clapping(2.0, dbfs=-3.0, seed=2), id="clapping"),
        pytest.param(lambda: np.concatenate([ag.bang(dbfs=-3.0, seed=3), ag.silence(1.5)]), id="bang"),
        pytest.param(lambda: np.concatenate([ag.pan_drop(dbfs=-3.0, seed=4), ag.silence(0.5)]), id="pan"),
        pytest.param(lambda: ag.running_water(2.0, dbfs=-10.0, seed=5), id="water"),
    ],
)
def test_loud_noise_is_never_a_raised_voice(tmp_path: Path, calm: np.ndarray, noise: Any) -> None:
    third = len(calm) // 3
    scene = np.concatenate([calm[: 2 * third], ag.silence(0.3), noise(), ag.silence(0.3), calm[2 * third :]])
    events = run_json(ag.write_wav(tmp_path / "noise.wav", scene))
    assert not of_type(events, "raised_voice"), events


def test_readable_output_is_dutch(tmp_path: Path, calm: np.ndarray) -> None:
    proc = run_cli(
        "run", "--input", ag.write_wav(tmp_path / "calm.wav", calm[: SAMPLE_RATE * 6]), "--engine", "none"
    )
    assert proc.returncode == 0, proc.stderr
    assert "er wordt gesproken" in proc.stdout
    assert "stilte" in proc.stdout
    assert "Klaar" in proc.stderr


def test_missing_file(tmp_path: Path) -> None:
    proc = run_cli("run", "--input", tmp_path / "bestaat-niet.wav", "--json")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="zero-bytes"),
        pytest.param(b"dit is gewoon tekst, geen geluid\n" * 20, id="text"),
        pytest.param(b"RIFF\x24\x00\x00\x00WAVEfmt ", id="truncated-header"),
    ],
)
def test_not_audio(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "kapot.wav"
    path.write_bytes(content)
    proc = run_cli("run", "--input", path, "--json")
    assert proc.returncode == 2, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_empty_wav_has_nothing_to_report(tmp_path: Path) -> None:
    path = ag.write_wav(tmp_path / "leeg.wav", np.zeros(0, dtype=np.int16))
    proc = run_cli("run", "--input", path, "--json")
    assert proc.returncode == 0
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_all_silent_recording_has_nothing_to_report(tmp_path: Path) -> None:
    path = ag.write_wav(tmp_path / "stil.wav", ag.silence(5.0))
    proc = run_cli("run", "--input", path, "--json", "--engine", "none")
    assert proc.returncode == 0
    # Only the session's frame (the free conversation began, the recording ended) and the loudness readings:
    # nothing was heard or said.
    kinds = [json.loads(line)["type"] for line in proc.stdout.splitlines()]
    assert [k for k in kinds if k != "level"] == ["phase", "session_end"]
    assert kinds.count("level") == 5  # one a second
    assert "Geen spraak" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_broken_config_is_one_clear_line(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[raised_voice]\nthreshold_db = 'hard'\n")
    wav = ag.write_wav(tmp_path / "stil.wav", ag.silence(1.0))
    proc = run_cli("run", "--input", wav, "--config", config)
    assert proc.returncode == 2
    assert "threshold_db" in proc.stderr and "Traceback" not in proc.stderr


def test_without_a_model_the_run_follows_loudness_and_says_so(tmp_path: Path, calm: np.ndarray) -> None:
    wav = ag.write_wav(tmp_path / "calm.wav", calm[: SAMPLE_RATE * 5])
    proc = run_cli(
        "run", "--input", wav, "--json", env={"VERTRAAG_MODELS_DIR": str(tmp_path / "geen-modellen")}
    )
    assert proc.returncode == 0, proc.stderr
    assert "model" in proc.stderr.lower()
    assert any(json.loads(line)["type"] == "speech_start" for line in proc.stdout.splitlines())
