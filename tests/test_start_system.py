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
import shutil
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests import audio_gen as ag
from tests.sound_card import client_env, vsound
from tests.start_process import POLL_S, WAIT_S, StartProcess

pytestmark = pytest.mark.sound

RATE = 16000
RAISE_DB = 10.0
DOWN_S = 2.0  # the sound server is away this long (the scenario, not a wait)
PROMPT_HEARD_S = 2.0  # at least this much of the prompt is loud on the speaker sink
LOUD_DBFS = -45.0
BLOCK = 512  # samples per loudness block read from the speaker sink (32 ms)
# vertraag has finished speaking when its sink has been quiet this long after its prompt was loud: longer
# than the pauses between a prompt's sentences, and than the half-duplex tail after it (0.5 s).
QUIET_AFTER_S = 1.5
HEARD_WITHIN_S = 2.0  # speech_start follows the start of a played sentence within 0.2 s (start_ms) + decoding
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


class Session(StartProcess):
    """`vertraag start` with this test's config and data folder; the free protocol unless one is given."""

    def __init__(
        self,
        env: dict[str, str],
        tmp_path: Path,
        *,
        extra: tuple[str, ...] | list[str] = (),
        config_text: str = CONFIG,
    ) -> None:
        config = tmp_path / "config.toml"
        config.write_text(config_text)
        protocol = [] if "--protocol" in extra else ["--protocol", "vrij"]
        super().__init__({**env, "XDG_DATA_HOME": str(tmp_path / "data")}, config, [*protocol, *extra])

    def stop(self) -> tuple[int, str]:
        self.proc.send_signal(signal.SIGINT)
        self.wait_for(lambda e: e["type"] == "session_end", "session end")
        out, err = self.proc.communicate(timeout=WAIT_S)
        for line in out.splitlines():
            self.events.append(json.loads(line))
        return self.proc.returncode, err


class SpeakerSink:
    """The speaker sink's monitor, read on a thread in blocks: what vertraag played, in audio time."""

    def __init__(self, env: dict[str, str]) -> None:
        self.loud: list[bool] = []  # one per block, in order
        self._proc = subprocess.Popen(
            ["parec", "-d", "vt_spk.monitor", "--format=s16le", f"--rate={RATE}", "--channels=1", "--raw"],
            stdout=subprocess.PIPE, env=env,
        )  # fmt: skip
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        while chunk := self._proc.stdout.read(BLOCK * 2):
            samples = np.frombuffer(chunk[: len(chunk) // 2 * 2], dtype=np.int16).astype(np.float64)
            rms = np.sqrt((samples**2).mean()) + 1e-9 if len(samples) else 1e-9
            self.loud.append(bool(20 * np.log10(rms / 32768.0) > LOUD_DBFS))

    @property
    def mark(self) -> int:
        """Where the sink is now (a block count), to wait for what comes after it."""
        return len(self.loud)

    def loud_seconds(self, since: int = 0) -> float:
        return sum(self.loud[since:]) * BLOCK / RATE

    def wait(self, done: Callable[[], bool], what: str) -> None:
        deadline = time.monotonic() + WAIT_S
        while not done():
            if time.monotonic() > deadline:
                raise AssertionError(f"no {what} on the speaker sink within {WAIT_S:.0f} s")
            time.sleep(POLL_S)

    def said_and_done(self, since: int) -> None:
        """Wait until vertraag has spoken after `since` (take it when the prompt's event arrives: the sound
        starts with it) and has been quiet since (it finished speaking)."""
        quiet_blocks = round(QUIET_AFTER_S * RATE / BLOCK)

        def done() -> bool:
            heard = self.loud[since:]
            return any(heard) and len(heard) >= quiet_blocks and not any(heard[-quiet_blocks:])

        self.wait(done, "prompt followed by quiet")

    def close(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=10)


def _speech(speaker: str, picks: slice) -> np.ndarray:
    """Real calm sentences of one speaker (tests/data/speech-nl) at the calm test level."""
    clips = [c.samples() for c in ag.clips(speaker)][picks]
    level = ag.CALM_SPEECH_DBFS
    return ag.concat_with_silence((ag.at_level(ag.trim_silence(c), level) for c in clips), gap_s=0.5)


def _play(env: dict[str, str], wav: Path) -> None:
    subprocess.run(["paplay", "-d", "vt_mic", str(wav)], env=env, check=True, timeout=WAIT_S)


def _prompt(prompt_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda e: e["type"] == "prompt" and e["id"] == prompt_id


def test_calibrate_prompt_on_the_speaker_survive_a_sound_server_restart_and_stop(
    tmp_path: Path, card: dict[str, str]
) -> None:
    # Two real voices (vertraag tells them apart): each partner's calm sentences, and Anna's voice rising.
    calm = _speech("flemishguy", slice(0, 6))
    sentences = {
        name: ag.write_wav(tmp_path / f"{name}.wav", _speech(speaker, slice(40, 43)))
        for name, speaker in (("Anna", "flemishguy"), ("Bram", "nathalie"))
    }
    sentence = sentences["Anna"]
    scene = ag.write_wav(tmp_path / "ruzie.wav", np.concatenate([calm, ag.scale_db(calm, RAISE_DB)]))
    sink = SpeakerSink(card)
    session = Session(card, tmp_path)
    try:
        # The calibration: each partner answers the request, once it has been said, with calm sentences.
        asking = _prompt("kalibratie_zin")
        for name in ("Anna", "Bram"):
            session.wait_for(lambda e, n=name: asking(e) and n in e["text"], name)
            sink.said_and_done(sink.mark)  # the request is being said: wait until it has been said
            _play(card, sentences[name])
        done = session.wait_for(lambda e: e["type"] == "calibration" and e["step"] == "done", "calibration")
        levels = [e for e in session.events if e["type"] == "calibration" and e["step"] in ("a", "b")]
        assert all(e["baseline_db"] is not None for e in levels), levels
        session.wait_for(lambda e: e["type"] == "phase", "the session's start")
        assert done["t"] > 0
        assert (tmp_path / "data" / "vertraag" / "profiles" / "anna--bram.json").stat().st_mode & 0o077 == 0

        # A raised voice: a prompt after the trigger, heard on the speaker sink.
        mark = sink.mark
        _play(card, scene)
        prompt = session.wait_for(lambda e: e.get("reason") == "raised_voice", "a prompt")
        sink.wait(lambda: sink.loud_seconds(mark) >= PROMPT_HEARD_S, f"{PROMPT_HEARD_S:g} s of the prompt")
        raised = next(e for e in session.events if e["type"] == "raised_voice")
        assert prompt["t"] >= raised["onset"]

        # The sound server goes away and comes back: the session pauses, says so, recovers, goes on.
        sink.close()
        assert vsound("stop", env=card).returncode == 0
        session.wait_for(lambda e: e["type"] == "source_problem", "source problem")
        session.wait_for(_prompt("microfoon_weg"), "the spoken notice")
        time.sleep(DOWN_S)
        assert vsound("start", env=card).returncode == 0
        sink = SpeakerSink(card)
        back = session.wait_for(_prompt("microfoon_terug"), "the microphone back")

        # The sentence is said again until the session hears it (it is deaf while it says it is back; its
        # speaker may still be reopening, so the sink is no sure sign of when it is done).
        def heard_again(event: dict[str, Any]) -> bool:
            return bool(event["type"] == "speech_start" and event["t"] > back["t"])

        deadline = time.monotonic() + WAIT_S
        while session.seen(heard_again, within_s=HEARD_WITHIN_S) is None:
            assert time.monotonic() < deadline, f"no speech heard after {back} in {session.events}"
            _play(card, sentence)
        session.wait_for(lambda e: e["type"] == "speech_end" and e["t"] > back["t"], "the end of that speech")

        code, err = session.stop()
    finally:
        session.kill()
        sink.close()
    assert code == 0 and "Traceback" not in err, err
    assert session.events[-1]["type"] == "session_end" and session.events[-1]["reason"] == "stopped"
