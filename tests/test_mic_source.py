"""MicSource on the project's virtual sound card (scripts/vsound.sh): it hears what is played into `vt_mic`,
names the devices when the user picks a wrong one, and says so when the microphone goes away."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
import soundfile as sf

from tests.sound_card import client_env, vsound
from vertraag.audio.devices import import_sounddevice, list_devices
from vertraag.audio.frames import SAMPLE_RATE, Frame
from vertraag.audio.mic_source import MicLost, MicSource
from vertraag.errors import UserError

ROOT = Path(__file__).resolve().parent.parent
CLIP = ROOT / "tests" / "data" / "speech-nl" / "nathalie_85.wav"
LEAD_IN_FRAMES = 8  # capture this much before playing, to know the level of "nothing"
TAIL_SECONDS = 1.0  # keep listening after the clip: playback and capture each add some latency
MIN_CORRELATION = 0.8
MIN_RISE_DB = 20.0  # speech against digital silence: far more than this in practice
LOST_WITHIN_S = 5.0  # generous: the user should hear about a lost microphone in seconds, not never
PRIVATE_SETTLE_S = "0.5"
SMALL_QUEUE_S = 0.2  # room for a few blocks only
SLOW_PIPELINE_S = 0.1  # per 32 ms frame: a pipeline three times slower than real time
BEHIND_FOR_S = 3.0
REPORT_EVERY_S = 1.0  # the throw-away server need not settle: MicSource waits for its first block

pytestmark = pytest.mark.sound


def _reinit_portaudio() -> None:
    sd = import_sounddevice()
    sd._terminate()
    sd._initialize()


@pytest.fixture(scope="session")
def sound_card() -> Iterator[dict[str, str]]:
    if shutil.which("pulseaudio") is None:
        pytest.skip(
            "pulseaudio is not installed (apt install pulseaudio pulseaudio-utils libasound2-plugins)"
        )
    was_running = vsound("status").returncode == 0
    started = vsound("start")
    assert started.returncode == 0, started.stderr
    env = client_env()
    saved = {key: os.environ.get(key) for key in env}
    os.environ.update(env)
    _reinit_portaudio()
    yield env
    if not was_running:
        vsound("stop")
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
    _reinit_portaudio()


def _listen_while_playing(mic: MicSource, clip: Path) -> npt.NDArray[np.int16]:
    frames: list[Frame] = []
    player: subprocess.Popen[bytes] | None = None
    stop_at = float("inf")
    try:
        for frame in mic.frames():
            frames.append(frame)
            if len(frames) == LEAD_IN_FRAMES:
                player = subprocess.Popen(["paplay", "-d", "vt_mic", str(clip)])
                stop_at = frame.t_end + sf.info(str(clip)).duration + TAIL_SECONDS
            if frame.t_end >= stop_at:
                break
    finally:
        mic.close()
        if player is not None:
            player.wait(timeout=10)
    return np.concatenate([f.samples for f in frames])


def _best_alignment(heard: npt.NDArray[np.float64], clip: npt.NDArray[np.float64]) -> int:
    """Offset of `clip` in `heard` by FFT cross-correlation."""
    n = len(heard) + len(clip)
    corr = np.fft.irfft(np.fft.rfft(heard, n) * np.conj(np.fft.rfft(clip, n)), n)
    return int(np.argmax(corr[: len(heard) - len(clip) + 1]))


@pytest.mark.parametrize("capture_rate", [None, 48_000], ids=["16k-native", "48k-resampled"])
def test_mic_hears_what_is_played(sound_card: dict[str, str], capture_rate: int | None) -> None:
    clip, rate = sf.read(CLIP, dtype="int16")
    assert rate == SAMPLE_RATE
    mic = MicSource(sample_rate=capture_rate)
    heard = _listen_while_playing(mic, CLIP).astype(np.float64)

    offset = _best_alignment(heard, clip.astype(np.float64))
    aligned = heard[offset : offset + len(clip)]
    assert np.corrcoef(aligned, clip)[0, 1] > MIN_CORRELATION
    before = heard[: offset // 2]
    rise_db = 10 * np.log10(np.mean(aligned**2) / max(float(np.mean(before**2)), 1.0))
    assert rise_db > MIN_RISE_DB
    assert mic.dropped_blocks == 0


def test_device_by_index_string_and_by_name(sound_card: dict[str, str]) -> None:
    devices = [(d.index, d.name) for d in list_devices() if d.inputs > 0]
    assert devices, "the virtual sound card offers no input device"
    index, name = devices[-1]
    for spec in (str(index), name):
        mic = MicSource(device=spec)
        assert (mic.format.index, mic.format.name) == (index, name)
        mic.close()


@pytest.mark.parametrize("device", ["USB Mic die er niet is", "99"])
def test_unknown_device_lists_the_microphones(sound_card: dict[str, str], device: str) -> None:
    with pytest.raises(UserError) as caught:
        MicSource(device=device)
    message = caught.value.message
    assert f"'{device}' niet gevonden" in message
    for index, name in [(d.index, d.name) for d in list_devices() if d.inputs > 0]:
        assert f"{index}: {name}" in message


def test_lost_server_raises_mic_lost_and_reopen_recovers(sound_card: dict[str, str], tmp_path: Path) -> None:
    """A private sound server, so that killing it cannot disturb anything else using the shared one."""
    private = {**os.environ, "VSOUND_DIR": str(tmp_path / "vs"), "VSOUND_SETTLE": PRIVATE_SETTLE_S}
    assert vsound("start", env=private).returncode == 0
    os.environ.update(client_env(private))
    try:
        _reinit_portaudio()
        mic = MicSource()
        frames = mic.frames()
        next(frames)  # audio flows
        vsound("stop", env=private)
        stopped = time.monotonic()
        with pytest.raises(MicLost, match="weggevallen"):
            for _ in frames:
                pass
        assert time.monotonic() - stopped < LOST_WITHIN_S

        _reinit_portaudio()
        with pytest.raises(UserError, match="Geen microfoon gevonden"):
            MicSource()

        assert vsound("start", env=private).returncode == 0
        mic.reopen()
        resumed = next(mic.frames())
        assert resumed.start > 0  # audio time goes on after a reconnect
        mic.close()
    finally:
        vsound("stop", env=private)
        os.environ.update(sound_card)
        _reinit_portaudio()


def test_lost_audio_is_reported_counted_not_per_block(sound_card: dict[str, str]) -> None:
    """A pipeline that falls behind a tiny queue loses blocks: told as counts, a few times, not per block."""
    problems: list[str] = []
    mic = MicSource(queue_seconds=SMALL_QUEUE_S, on_problem=problems.append, report_every_s=REPORT_EVERY_S)
    started = time.monotonic()
    try:
        for _ in mic.frames():
            time.sleep(SLOW_PIPELINE_S)  # far slower than real time: the queue fills up
            if time.monotonic() - started > BEHIND_FOR_S:
                break
    finally:
        mic.close()
    assert mic.dropped_blocks > len(problems) >= 1
    assert len(problems) <= BEHIND_FOR_S / REPORT_EVERY_S + 1
    assert "blok(ken) weggegooid" in problems[0]
    reported = sum(int(p.split(" blok(ken)")[0].rsplit(" ", 1)[1]) for p in problems)
    assert reported <= mic.dropped_blocks


def test_importing_vertraag_does_not_need_portaudio() -> None:
    code = "import sys, vertraag.audio.mic_source; print('sounddevice' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"
