"""The real `SoundDevicePlayer` on the project's virtual sound card: what it plays comes out of the speaker
(recorded from the `vt_spk` monitor), `busy` lasts as long as the sound, `stop()` silences it, and a missing
or vanished speaker is a clear `PlaybackUnavailable` that the `Speaker` turns into "text only".

The module runs its own private sound server (its own VSOUND_DIR), so that nothing else played on this
machine ends up in the recordings and stopping the server disturbs no one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from tests.sound_card import client_env, vsound
from vertraag.audio.devices import import_sounddevice
from vertraag.speak.device_player import SoundDevicePlayer
from vertraag.speak.errors import PlaybackUnavailable
from vertraag.speak.sound import Sound
from vertraag.speak.speaker import Speaker
from vertraag.speak.tones import OUTPUT_RATE, breath_guide, chime
from vertraag.speak.tts import EspeakRenderer

pytestmark = pytest.mark.sound

PROMPT = "Adem rustig in."
PIPER_PROMPT = "Breathe in calmly."  # the test voice is English
SETTLE_S = "0.5"  # the private server: the recorder below waits for audio itself
RECORDER_START_S = 5.0  # parec delivers its first bytes well within this
LEAD_S = 0.3  # silence recorded before playing, to know the level of "nothing"
TAIL_S = 0.4  # keep recording after the sound: playback and capture each add some latency
BUSY_SLACK_S = 0.5  # busy may outlast the sound by the stream's latency and one buffer
HANDOFF_WITHIN_S = 0.1  # the first sample reaches the stream this soon after play()
MIN_CORRELATION = 0.9
MIN_RISE_DB = 30.0  # a prompt against digital silence
SILENT_RMS = 1e-4
CHIME_HEARD = 0.1  # the chime peaks at -12 dBFS (0.25) within its first tenth of a second
LOST_WITHIN_S = 3.0  # a vanished server ends `busy` within the stall limit and a little more
POLL_S = 0.01
BYTES_PER_SAMPLE = 2


def _reinit_portaudio() -> None:
    sd = import_sounddevice()
    sd._terminate()
    sd._initialize()


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    if shutil.which("pulseaudio") is None or shutil.which("parec") is None:
        pytest.skip("pulseaudio/parec not installed (sudo apt install pulseaudio pulseaudio-utils)")
    private = {**os.environ, "VSOUND_DIR": str(tmp_path_factory.mktemp("vs")), "VSOUND_SETTLE": SETTLE_S}
    started = vsound("start", env=private)
    assert started.returncode == 0, started.stderr
    env = client_env(private)
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    _reinit_portaudio()  # sounddevice may have been imported before this server existed
    yield {**private, **env}
    vsound("stop", env=private)
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _reinit_portaudio()


@pytest.fixture(scope="module", params=["espeak", "piper"])
def prompt(request: pytest.FixtureRequest) -> Sound:
    if request.param == "piper":  # the neural voice (the PyPI test voice), resampled to the player's rate
        from tests.piper_voice import joe_onnx
        from vertraag.speak.tts.piper_engine import PiperRenderer

        return PiperRenderer(joe_onnx()).render(PIPER_PROMPT)
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (sudo apt install espeak-ng)")
    return EspeakRenderer().render(PROMPT)


class Recorder:
    """`parec` on the speaker's monitor, 16-bit mono at the output rate, into a file."""

    def __init__(self, env: dict[str, str], path: Path) -> None:
        self._path = path
        self._file = path.open("wb")
        self._proc = subprocess.Popen(
            [
                "parec",
                "-d",
                "vt_spk.monitor",
                f"--rate={OUTPUT_RATE}",
                "--channels=1",
                "--format=s16le",
                "--latency-msec=20",
            ],
            stdout=self._file,
            env=env,
        )
        _wait_for(lambda: path.stat().st_size > 0, RECORDER_START_S)

    def stop(self) -> npt.NDArray[np.float64]:
        self._proc.terminate()
        self._proc.wait(timeout=RECORDER_START_S)
        self._file.close()
        data = self._path.read_bytes()
        return np.frombuffer(data[: len(data) // BYTES_PER_SAMPLE * BYTES_PER_SAMPLE], "<i2") / 32768.0


def _wait_for(condition: Callable[[], bool], timeout_s: float) -> float:
    started = time.monotonic()
    while not condition():
        assert time.monotonic() - started < timeout_s, "timed out"
        time.sleep(POLL_S)
    return time.monotonic() - started


def _best_alignment(heard: npt.NDArray[np.float64], clip: npt.NDArray[np.float64]) -> int:
    n = len(heard) + len(clip)
    corr = np.fft.irfft(np.fft.rfft(heard, n) * np.conj(np.fft.rfft(clip, n)), n)
    return int(np.argmax(corr[: len(heard) - len(clip) + 1]))


def _rms(x: npt.NDArray[np.float64]) -> float:
    return float(np.sqrt(np.mean(x**2))) if len(x) else 0.0


def test_a_prompt_comes_out_of_the_speaker(card: dict[str, str], prompt: Sound, tmp_path: Path) -> None:
    recorder = Recorder(card, tmp_path / "heard.raw")
    player = SoundDevicePlayer()
    try:
        player.open()
        time.sleep(LEAD_S)
        asked = time.monotonic()
        player.play(prompt)
        assert player.busy
        _wait_for(lambda: not player.busy, prompt.seconds + LOST_WITHIN_S)
        busy_s = time.monotonic() - asked
        started = player.last_started
        time.sleep(TAIL_S)
    finally:
        player.close()
        heard = recorder.stop()
    assert started is not None and started - asked < HANDOFF_WITHIN_S
    assert prompt.seconds <= busy_s <= prompt.seconds + BUSY_SLACK_S
    clip = prompt.samples.astype(np.float64)
    offset = _best_alignment(heard, clip)
    aligned = heard[offset : offset + len(clip)]
    assert np.corrcoef(aligned, clip)[0, 1] > MIN_CORRELATION
    before = heard[: offset - OUTPUT_RATE // 10]
    assert 20 * np.log10(_rms(aligned) / max(_rms(before), SILENT_RMS / 100)) > MIN_RISE_DB


def test_stop_silences_at_once(card: dict[str, str], tmp_path: Path) -> None:
    recorder = Recorder(card, tmp_path / "heard.raw")
    player = SoundDevicePlayer()
    try:
        player.play(chime())
        player.play(breath_guide(4, 6, 1))  # queued behind it: dropped too
        time.sleep(TAIL_S)
        player.stop()
        assert not player.busy
        time.sleep(2 * TAIL_S)
    finally:
        player.close()
        heard = recorder.stop()
    assert np.max(np.abs(heard)) > CHIME_HEARD  # the chime did start
    assert _rms(heard[-round(TAIL_S * OUTPUT_RATE) :]) < SILENT_RMS


@pytest.mark.parametrize("device", ["Luidspreker die er niet is", "99"])
def test_unknown_speaker_is_playback_unavailable(card: dict[str, str], device: str) -> None:
    player = SoundDevicePlayer(device=device)
    with pytest.raises(PlaybackUnavailable) as caught:
        player.play(chime())
    assert f"'{device}' niet gevonden" in caught.value.message
    assert "--output-device" in caught.value.message
    speaker = Speaker(renderer=None, player=player)
    assert speaker.say("pause_raised", 1, "Even pauze.") == chime().seconds
    assert speaker.can_play is False
    assert not player.busy


def test_a_speaker_that_vanishes_ends_busy_and_comes_back(card: dict[str, str]) -> None:
    player = SoundDevicePlayer(retry_after_s=0, reinit_interval_s=0)
    speaker = Speaker(renderer=None, player=player)
    try:
        speaker.breathe(4, 6, 1)
        _wait_for(lambda: player.started == 1, RECORDER_START_S)
        vsound("stop", env=card)
        _wait_for(lambda: not player.busy, LOST_WITHIN_S)
        speaker.chime("end")
        assert speaker.can_play is False

        assert vsound("start", env=card).returncode == 0
        speaker.chime("start")
        assert speaker.can_play is True
        _wait_for(lambda: player.started == 1 and not player.busy, RECORDER_START_S)
    finally:
        player.close()
        vsound("start", env=card)
