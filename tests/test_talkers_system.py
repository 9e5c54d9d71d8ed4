"""Issue 15's "done when", as a new user would try it: `vertraag start` on the virtual sound card, two real
voices of different loudness (8 dB apart) played into the microphone, the real sounddevice stream and the
real voice tracker.

The calibration asks each partner for two calm sentences; in Anna's turn Bram (the louder voice) makes one
calm remark (no pause may follow: he is measured against his own calm level), then talks over Anna for
several seconds (an `interruption` prompt must follow, naming him); Ctrl-C ends it and the report shows both
partners' speaking time. vertraag's prompts are short recorded sounds (`--voice DIR`), so the trial is not
spent listening to the synthetic voice. Run under `flock /tmp/vertraag-sound.lock`.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest
from bench.two_voices import overlay

from tests import audio_gen as ag
from tests.sound_card import client_env, vsound
from tests.test_start_system import Session, _play, _prompt
from vertraag.phrases import language_dir, load_toml

pytestmark = pytest.mark.sound

QUIET_DBFS, LOUD_DBFS = -34.0, -26.0  # Anna farther from the microphone than Bram
PROMPT_S = 0.4  # every prompt is a short soft tone (the voice folder)
AFTER_PROMPT_S = 1.0
CONFIG = """[protocol]
partner_a = "Anna"
partner_b = "Bram"
turn_seconds = 90
breathing = false
"""


@pytest.fixture
def card(tmp_path: Path):  # type: ignore[no-untyped-def]
    if shutil.which("pulseaudio") is None or shutil.which("paplay") is None:
        pytest.skip("pulseaudio/paplay not installed (apt install pulseaudio pulseaudio-utils)")
    private = {**os.environ, "VSOUND_DIR": str(tmp_path / "vs"), "VSOUND_SETTLE": "0.5"}
    assert vsound("start", env=private).returncode == 0
    yield {**private, **client_env(private)}
    vsound("stop", env=private)


def voice_folder(directory: Path) -> Path:
    """One short soft tone for every prompt id: the session's timing without minutes of synthetic speech."""
    directory.mkdir()
    t = np.arange(int(PROMPT_S * ag.SAMPLE_RATE)) / ag.SAMPLE_RATE
    tone = ag.to_int16(0.05 * np.sin(2 * np.pi * 440 * t) * np.hanning(len(t)))
    for prompt_id in load_toml(language_dir() / "prompts.toml"):
        ag.write_wav(directory / f"{prompt_id}.wav", tone)
    return directory


def speech(speaker: str, picks: slice, level: float) -> ag.Audio:
    clips = [c.samples() for c in ag.clips(speaker)][picks]
    return ag.concat_with_silence((ag.at_level(ag.trim_silence(c), level) for c in clips), gap_s=0.5)


def test_two_voices_at_the_table_no_false_pause_an_interruption_prompt_and_both_speaking_times(
    tmp_path: Path, card: dict[str, str]
) -> None:
    anna_calibration = ag.write_wav(tmp_path / "anna.wav", speech("flemishguy", slice(40, 43), QUIET_DBFS))
    bram_calibration = ag.write_wav(tmp_path / "bram.wav", speech("nathalie", slice(40, 43), LOUD_DBFS))
    anna = speech("flemishguy", slice(0, 3), QUIET_DBFS)
    remark = speech("nathalie", slice(5, 6), LOUD_DBFS)  # one calm sentence of Bram in Anna's turn
    calm = np.concatenate([anna, ag.silence(0.8), remark, ag.silence(0.8), anna]).astype(np.int16)
    calm_wav = ag.write_wav(tmp_path / "calm.wav", calm)
    bram = speech("nathalie", slice(10, 13), LOUD_DBFS)
    start = speech("flemishguy", slice(5, 8), QUIET_DBFS)
    over = overlay(start, bram, len(start) / ag.SAMPLE_RATE - 1.0)  # Bram starts before Anna has finished
    over_wav = ag.write_wav(tmp_path / "over.wav", np.concatenate([over, ag.silence(2.0)]).astype(np.int16))

    extra = ["--protocol", "vertraag", "--voice", str(voice_folder(tmp_path / "stem"))]
    session = Session(card, tmp_path, extra=extra, config_text=CONFIG)
    try:
        asking = _prompt("kalibratie_zin")
        for name, wav in (("Anna", anna_calibration), ("Bram", bram_calibration)):
            session.wait_for(lambda e, n=name: asking(e) and n in e["text"], name)
            time.sleep(PROMPT_S + AFTER_PROMPT_S)
            _play(card, wav)
        session.wait_for(lambda e: e["type"] == "calibration" and e["step"] == "done", "calibration")
        levels = {e["step"]: e.get("baseline_db") for e in session.events if e["type"] == "calibration"}
        assert levels["b"] - levels["a"] == pytest.approx(LOUD_DBFS - QUIET_DBFS, abs=3.0), levels
        session.wait_for(lambda e: e["type"] == "prompt" and e["id"] == "spreken", "Anna's turn")
        time.sleep(PROMPT_S + AFTER_PROMPT_S)

        _play(card, calm_wav)  # Anna speaks, Bram makes one calm remark: nothing to say about it
        time.sleep(2.0)
        assert not [e for e in session.events if e["type"] in ("raised_voice", "talked_over")]
        assert not [e for e in session.events if e["type"] == "prompt" and e["reason"] == "raised_voice"]

        _play(card, over_wav)  # Bram talks over Anna
        said = session.wait_for(
            lambda e: e["type"] == "prompt" and e["reason"] == "interruption", "interruption"
        )
        assert said["text"].startswith("Bram,") and "Anna" in said["text"]
        code, err = session.stop()  # Ctrl-C: the session ends, the report is saved
    finally:
        session.kill()
    assert code == 0 and "Traceback" not in err, err
    assert not [e for e in session.events if e["type"] == "raised_voice"]
    reports = sorted((tmp_path / "data" / "vertraag" / "verslagen").glob("*.json"))
    assert reports, err
    report = json.loads(reports[-1].read_text())
    speaking = {p["name"]: p["speech_s"] for p in report["speaking"]}
    assert speaking["Anna"] > 5.0 and speaking["Bram"] > 5.0, report["speaking"]
    assert report["counts"]["talked_over"] >= 1
    page = reports[-1].with_suffix(".html").read_text()
    assert "Wie hoeveel sprak" in page and "Anna" in page and "Bram" in page
