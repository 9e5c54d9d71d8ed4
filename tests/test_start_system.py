"""System test of `vertraag start` on the virtual sound card, with the real sounddevice input and output.

A private sound server (its own VSOUND_DIR: restarting it disturbs no one else's tests) carries a Dutch
conversation into the microphone sink. The test goes through the calibration (each partner says the sentence
vertraag asks for), then a calm conversation whose voice rises: a prompt must follow the trigger and be heard
on the speaker sink. Then the sound server is stopped and started again mid-session: the session must say the
microphone is gone, come back by itself, and go on hearing speech. Ctrl-C ends it cleanly.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests import audio_gen as ag
from tests.sound_card import client_env, vsound
from vertraag.speak.voice import spoken_seconds

pytestmark = pytest.mark.sound

RATE = 16000
RAISE_DB = 10.0
VOICE_WPM = 140  # vertraag's calm rate ([voice] rate_wpm)
AFTER_PROMPT_S = 2.0  # the partner answers this long after vertraag's request is estimated to end
WAIT_S = 60.0
DOWN_S = 2.0  # the sound server is away this long
PROMPT_HEARD_S = 2.0  # at least this much of the prompt is loud on the speaker sink
LOUD_DBFS = -45.0
SENTENCE = "Vandaag heb ik boodschappen gedaan en daarna een stukje gewandeld."
CONFIG = '[protocol]\npartner_a = "Anna"\npartner_b = "Bram"\n'


@pytest.fixture
def card(tmp_path: Path) -> Iterator[dict[str, str]]:
    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.skip("pulseaudio/paplay not installed (apt install pulseaudio pulseaudio-utils)")
    private = {**os.environ, "VSOUND_DIR": str(tmp_path / "vs"), "VSOUND_SETTLE": "0.5"}
    started = vsound("start", env=private)
    assert started.returncode == 0, started.stderr
    yield {**private, **client_env(private)}
    vsound("stop", env=private)


class Session:
    """`vertraag start --json` as a child process, its events read on a thread."""

    def __init__(self, env: dict[str, str], tmp_path: Path) -> None:
        config = tmp_path / "config.toml"
        config.write_text(CONFIG)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "vertraag", "start", "--json", "--yes", "--engine", "none",
             "--protocol", "vrij", "--config", str(config)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            env={**env, "XDG_DATA_HOME": str(tmp_path / "data")},
        )  # fmt: skip
        self.events: list[dict[str, Any]] = []
        self._new: queue.Queue[dict[str, Any] | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._new.put(json.loads(line))
        self._new.put(None)

    def wait_for(self, match: Callable[[dict[str, Any]], bool], what: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT_S
        for event in self.events:
            if match(event):
                return event
        while time.monotonic() < deadline:
            try:
                event = self._new.get(timeout=0.5)
            except queue.Empty:
                continue
            if event is None:
                break
            self.events.append(event)
            if match(event):
                return event
        raise AssertionError(f"no {what} in {self.events}; stderr: {self._stderr()}")

    def _stderr(self) -> str:
        if self.proc.poll() is None:
            return "(still running)"
        assert self.proc.stderr is not None
        return self.proc.stderr.read()

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        self.wait_for(lambda e: e["type"] == "session_end", "session end")
        out, err = self.proc.communicate(timeout=WAIT_S)
        for line in out.splitlines():
            self.events.append(json.loads(line))
        return self.proc.returncode, err

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()


def _play(env: dict[str, str], wav: Path) -> None:
    subprocess.run(["paplay", "-d", "vt_mic", str(wav)], env=env, check=True, timeout=WAIT_S)


def _prompt(prompt_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["type"] == "prompt" and e["id"] == prompt_id


def _loud_seconds(raw: Path) -> float:
    audio = np.frombuffer(raw.read_bytes(), dtype=np.int16).astype(np.float64)
    frames = audio[: len(audio) // 512 * 512].reshape(-1, 512)
    rms = np.sqrt((frames**2).mean(axis=1)) + 1e-9
    return float((20 * np.log10(rms / 32768.0) > LOUD_DBFS).sum() * 512 / RATE)


def test_calibrate_prompt_on_the_speaker_survive_a_sound_server_restart_and_stop(
    tmp_path: Path, card: dict[str, str]
) -> None:
    calm = ag.espeak_conversation(ag.CALM_SENTENCES)
    sentence = ag.write_wav(tmp_path / "zin.wav", ag.at_level(ag.espeak_nl(SENTENCE), ag.CALM_SPEECH_DBFS))
    scene = ag.write_wav(tmp_path / "ruzie.wav", np.concatenate([calm, ag.scale_db(calm, RAISE_DB)]))
    session = Session(card, tmp_path)
    try:
        # The calibration: each partner answers vertraag's request with one calm sentence.
        asking = _prompt("kalibratie_zin")
        for name in ("Anna", "Bram"):
            asked = session.wait_for(lambda e, n=name: asking(e) and n in e["text"], name)
            time.sleep(spoken_seconds(asked["text"], VOICE_WPM) + AFTER_PROMPT_S)
            _play(card, sentence)
        done = session.wait_for(lambda e: e["type"] == "calibration" and e["step"] == "done", "calibration")
        levels = [e for e in session.events if e["type"] == "calibration" and e["step"] in ("a", "b")]
        assert all(e["baseline_db"] is not None for e in levels), levels
        session.wait_for(lambda e: e["type"] == "phase", "the session's start")
        assert done["t"] > 0
        assert (tmp_path / "data" / "vertraag" / "profiles" / "anna--bram.json").stat().st_mode & 0o077 == 0

        # A raised voice: a prompt after the trigger, heard on the speaker sink.
        raw = tmp_path / "speaker.raw"
        with raw.open("wb") as sink:
            recorder = subprocess.Popen(
                ["parec", "-d", "vt_spk.monitor", "--format=s16le", f"--rate={RATE}", "--channels=1",
                 "--raw"], stdout=sink, env=card,
            )  # fmt: skip
            try:
                _play(card, scene)
                prompt = session.wait_for(lambda e: e.get("reason") == "raised_voice", "a prompt")
                time.sleep(spoken_seconds(prompt["text"], VOICE_WPM) + 1.0)
            finally:
                recorder.terminate()
                recorder.wait(timeout=10)
        raised = next(e for e in session.events if e["type"] == "raised_voice")
        assert prompt["t"] >= raised["onset"]
        assert _loud_seconds(raw) >= PROMPT_HEARD_S

        # The sound server goes away and comes back: the session pauses, says so, recovers, goes on.
        assert vsound("stop", env=card).returncode == 0
        session.wait_for(lambda e: e["type"] == "source_problem", "source problem")
        session.wait_for(_prompt("microfoon_weg"), "the spoken notice")
        time.sleep(DOWN_S)
        assert vsound("start", env=card).returncode == 0
        back = session.wait_for(_prompt("microfoon_terug"), "the microphone back")
        time.sleep(spoken_seconds(back["text"], VOICE_WPM) + AFTER_PROMPT_S)
        _play(card, sentence)
        session.wait_for(lambda e: e["type"] == "speech_start" and e["t"] > back["t"], "speech after it")

        code, err = session.stop()
    finally:
        session.kill()
    assert code == 0 and "Traceback" not in err, err
    assert session.events[-1]["type"] == "session_end" and session.events[-1]["reason"] == "stopped"
