"""System test: `vertraag run --json` live on the virtual sound card, as at the kitchen table.

The real program listens to the default microphone (the monitor of the virtual sink `vt_mic`) through the
real sounddevice stream; the test plays calm speech and then the same speech 10 dB louder into that sink, as
a couple would speak into the microphone, and stops the program with Ctrl-C.
"""

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
from vertraag.errors import EXIT_INTERRUPTED

pytestmark = pytest.mark.sound

RAISE_DB = 10.0
STARTUP_GRACE_S = 3.0  # the program loads the VAD and opens the stream before it hears anything
END_GRACE_S = 2.5  # speech_end is reported stop_ms after the last word, plus capture latency
PROCESS_TIMEOUT_S = 60
CALM_GAP_S = 0.8  # longer than the voice activity's stop_ms (0.6 s)


def play_into_mic(path: Path, env: dict[str, str]) -> None:
    subprocess.run(["paplay", "-d", "vt_mic", str(path)], env=env, check=True, timeout=PROCESS_TIMEOUT_S)


def listen_live(env: dict[str, str], wav: Path) -> tuple[list[dict[str, Any]], str, int]:
    proc = subprocess.Popen(
        # vrij: listening only (the live default, vertraag, speaks a welcome while the microphone is deaf)
        [sys.executable, "-m", "vertraag", "run", "--json", "--engine", "none", "--protocol", "vrij"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "VERTRAAG_CONFIG": "/nonexistent-on-purpose.toml", "XDG_DATA_HOME": TEST_DATA_HOME},
    )
    try:
        time.sleep(STARTUP_GRACE_S)
        assert proc.poll() is None, proc.communicate()[1]
        play_into_mic(wav, env)
        time.sleep(END_GRACE_S)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=PROCESS_TIMEOUT_S)
    finally:
        if proc.poll() is None:
            proc.kill()
    return [json.loads(line) for line in out.splitlines()], err, proc.returncode


def test_live_microphone_hears_speech_and_a_raised_voice(tmp_path: Path, card_env: dict[str, str]) -> None:
    # Calm sentences with a conversation's pauses (each its own speech segment): vertraag learns the voice
    # from its first segment (voices/), so one segment over the whole scene would be measured only at its end.
    calm = ag.espeak_conversation(ag.CALM_SENTENCES, gap_s=CALM_GAP_S)
    scene = np.concatenate([calm, ag.silence(0.3), ag.scale_db(ag.espeak_conversation(), RAISE_DB)])
    wav = ag.write_wav(tmp_path / "keukentafel.wav", scene)
    events, err, code = listen_live(card_env, wav)
    assert code == EXIT_INTERRUPTED, err  # Ctrl-C ends a live run: the shell's convention, as the README says
    assert "Traceback" not in err
    kinds = [e["type"] for e in events]
    assert "speech_start" in kinds and "speech_end" in kinds, (kinds, err)
    raised = [e for e in events if e["type"] == "raised_voice"]
    assert len(raised) == 1, events  # one rise, one prompt-worthy event: the cool-down holds the rest
    assert raised[0]["rise_db"] >= RAISE_DB - 3.0
    # Audio time: the raise happens in the second half of what was played, after the calm part.
    first_speech = min(e["t"] for e in events if e["type"] == "speech_start")
    assert raised[0]["onset"] - first_speech >= len(calm) / ag.SAMPLE_RATE - 0.5
