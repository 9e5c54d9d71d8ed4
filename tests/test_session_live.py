"""System test: the live session on the virtual sound card. A raised voice played into the microphone sink
gets a spoken prompt on the speaker sink, after the trigger, and the program's own voice heard back through an
echo path (module-loopback) triggers nothing more."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests import audio_gen as ag
from tests.test_run_cli import TEST_DATA_HOME

pytestmark = pytest.mark.sound

RAISE_DB = 10.0
STARTUP_GRACE_S = 4.0
AFTER_S = 8.0  # the prompt is spoken within the hold time of the rise, then it takes a few seconds
TIMEOUT_S = 90
RATE = 16000
CALM_GAP_S = 0.8  # longer than the voice activity's stop_ms (0.6 s): the sentences are segments of their own


def _session(env: dict[str, str], wav: Path, speaker_raw: Path) -> tuple[list[dict[str, Any]], str, float]:
    recorder = subprocess.Popen(
        ["parec", "-d", "vt_spk.monitor", "--format=s16le", f"--rate={RATE}", "--channels=1", "--raw"],
        stdout=speaker_raw.open("wb"),
        env=env,
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "vertraag", "run", "--json", "--engine", "none", "--protocol", "vrij"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "VERTRAAG_CONFIG": "/nonexistent-on-purpose.toml", "XDG_DATA_HOME": TEST_DATA_HOME},
    )
    try:
        time.sleep(STARTUP_GRACE_S)
        assert proc.poll() is None, proc.communicate()[1]
        played_at = time.monotonic()
        subprocess.run(["paplay", "-d", "vt_mic", str(wav)], env=env, check=True, timeout=TIMEOUT_S)
        time.sleep(AFTER_S)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=TIMEOUT_S)
    finally:
        for p in (proc, recorder):
            if p.poll() is None:
                p.kill() if p is proc else p.terminate()
        recorder.wait(timeout=10)
    return [json.loads(line) for line in out.splitlines()], err, played_at


def calm_then() -> np.ndarray:
    """Calm sentences with the pauses of a conversation (0.8 s: each its own speech segment). Without a
    calibration vertraag learns the voice from its first segment (voices/), so a first segment that ran on
    for the whole scene would be measured only at its end."""
    return ag.espeak_conversation(ag.CALM_SENTENCES, gap_s=CALM_GAP_S)


def _loud_seconds(raw: Path) -> float:
    audio = np.frombuffer(raw.read_bytes(), dtype=np.int16).astype(np.float64)
    frames = audio[: len(audio) // 512 * 512].reshape(-1, 512)
    rms = np.sqrt((frames**2).mean(axis=1)) + 1e-9
    return float((20 * np.log10(rms / 32768.0) > -45.0).sum() * 512 / RATE)


def test_a_raised_voice_is_answered_by_a_prompt_on_the_speaker(
    tmp_path: Path, card_env: dict[str, str]
) -> None:
    scene = np.concatenate([calm_then(), ag.silence(0.3), ag.scale_db(ag.espeak_conversation(), RAISE_DB)])
    wav = ag.write_wav(tmp_path / "ruzie.wav", scene)
    events, err, _ = _session(card_env, wav, tmp_path / "speaker.raw")
    assert "Traceback" not in err, err
    prompts = [e for e in events if e["type"] == "prompt"]
    assert [p["reason"] for p in prompts] == ["raised_voice"], events
    raised = next(e for e in events if e["type"] == "raised_voice")
    assert prompts[0]["t"] >= raised["onset"]  # after the trigger, never before
    assert _loud_seconds(tmp_path / "speaker.raw") >= 2.0  # the prompt was heard on the speaker sink


def test_its_own_voice_through_an_echo_path_triggers_nothing(
    tmp_path: Path, card_env: dict[str, str]
) -> None:
    loop = subprocess.run(
        ["pactl", "load-module", "module-loopback", "source=vt_spk.monitor", "sink=vt_mic",
         "latency_msec=20"],
        env=card_env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    try:
        loud = ag.scale_db(ag.espeak_conversation(), RAISE_DB)
        scene = np.concatenate([calm_then(), ag.silence(0.3), loud, ag.silence(25.0)])
        wav = ag.write_wav(tmp_path / "ruzie.wav", scene)
        events, err, _ = _session(card_env, wav, tmp_path / "speaker.raw")
    finally:
        subprocess.run(["pactl", "unload-module", loop.stdout.strip()], env=card_env, check=False)
    assert "Traceback" not in err, err
    prompts = [e for e in events if e["type"] == "prompt"]
    assert [p["reason"] for p in prompts] == ["raised_voice"], events  # not one for its own voice
    # Its own voice is not learned as the calm level either: one baseline, from the couple's speech.
    assert len([e for e in events if e["type"] == "baseline"]) == 1
