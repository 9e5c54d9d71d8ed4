"""The session with the real Whisper engine on composed conversations of real and synthetic Dutch, run as a
user runs it (`vertraag run --input X.wav --json --engine whisper`): prompts at the right places, none in a
calm conversation, and the `--speak-to` mix with vertraag's voice where the prompts are."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf

from tests import audio_gen as ag
from tests.test_run_cli import run_cli
from tests.test_run_engines import events_of

pytestmark = pytest.mark.slow

CALM_MINUTES = 5.0
# espeak-ng voices and speeds whose Dutch Whisper base hears right (measured; espeak is robotic, so not all
# combinations are understood): each trigger sentence with the voice that says it.
TRIGGERS = {
    "absolute": ("Je bent er nooit voor mij.", "nl", 130),
    "threat": ("Als je dat nog een keer doet, dan ga ik weg.", "nl+f2", 120),
    "safety": ("Ik ben bang voor jou.", "nl", 130),
}
GAP_S = 1.5  # between sentences: a breath, and long enough for Whisper's cutter to end an utterance
SPACING_S = 25.0  # between triggers: more than the 20 s between two interventions


def _calm_conversation(seconds: float) -> ag.Audio:
    """Real Dutch of two speakers taking turns (read prompts: ordinary sentences, some with altijd/nooit)."""
    her, him = ag.clips("nathalie"), ag.clips("flemishguy")
    turns = [c for pair in zip(her, him, strict=False) for c in pair]
    parts, total = [], 0.0
    for clip in turns:
        parts.append(ag.at_level(clip.samples(), ag.CALM_SPEECH_DBFS))
        total += clip.duration_s + GAP_S
        if total >= seconds:
            break
    return ag.concat_with_silence(parts, gap_s=GAP_S)


def _trigger(kind: str) -> ag.Audio:
    text, voice, speed = TRIGGERS[kind]
    return ag.at_level(ag.espeak_nl(text, voice=voice, speed=speed), ag.CALM_SPEECH_DBFS)


def _prompts(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """What vertraag said during the conversation (the closing words at the end are not a prompt about it)."""
    return [e for e in events if e["type"] == "prompt" and e["reason"] != "summary"]


def test_a_calm_five_minute_conversation_gets_no_prompt(whisper_base_dir: Path, tmp_path: Path) -> None:
    wav = ag.write_wav(tmp_path / "rustig.wav", _calm_conversation(CALM_MINUTES * 60))
    proc = run_cli("run", "--engine", "whisper", "--model", whisper_base_dir, "--input", wav, "--json")
    assert proc.returncode == 0, proc.stderr
    events = events_of(proc.stdout)
    said = " ".join(e["text"].lower() for e in events if e["type"] == "utterance")
    assert "altijd" in said or "nooit" in said  # the benign absolutes were heard ...
    assert _prompts(events) == []  # ... and nothing was said about them


def test_prompts_come_after_their_triggers_in_a_composed_conversation(
    whisper_base_dir: Path, tmp_path: Path
) -> None:
    calm = _calm_conversation(12.0)
    loud = ag.scale_db(_calm_conversation(6.0), 10.0)
    spans: dict[str, tuple[float, float]] = {}
    parts: list[ag.Audio] = [calm]

    def add(kind: str, audio: ag.Audio) -> None:
        start = sum(len(p) for p in parts) / ag.SAMPLE_RATE + GAP_S
        parts.extend([ag.silence(GAP_S), audio])
        spans[kind] = (start, start + len(ag.trim_silence(audio)) / ag.SAMPLE_RATE)
        parts.extend([ag.silence(GAP_S), ag.silence(SPACING_S - 8.0), _calm_conversation(6.0)])

    add("absolute", _trigger("absolute"))
    add("raised_voice", loud)
    add("threat", _trigger("threat"))
    add("safety", _trigger("safety"))
    parts.append(ag.silence(3.0))
    wav = ag.write_wav(tmp_path / "ruzie.wav", np.concatenate(parts))
    mix = tmp_path / "met-vertraag.wav"
    proc = run_cli(
        "run", "--engine", "whisper", "--model", whisper_base_dir, "--input", wav, "--json", "--speak-to", mix
    )
    assert proc.returncode == 0, proc.stderr
    prompts = _prompts(events_of(proc.stdout))
    by_reason = {p["reason"]: p for p in prompts}
    assert set(by_reason) <= set(spans), prompts  # nothing in the calm parts
    assert len(by_reason) >= 3, prompts  # Whisper on espeak-ng: at least three of the four heard
    for reason, prompt in by_reason.items():
        start, end = spans[reason]
        assert start - 0.5 <= prompt["trigger_t"] <= end + 1.5, (reason, prompt, spans[reason])
        assert prompt["t"] >= prompt["trigger_t"]
        if reason == "absolute":
            assert prompt["t"] >= end + 0.6  # after the sentence, at the pause
    if "safety" in by_reason:
        assert "0800-2000" in by_reason["safety"]["text"]
    # The mix: the recording with vertraag's voice where the prompts are, readable by the user alone.
    assert stat.S_IMODE(os.stat(mix).st_mode) == 0o600
    audio, rate = sf.read(str(mix), dtype="float32")
    original, _ = sf.read(str(wav), dtype="float32")
    original = np.pad(original, (0, max(0, len(audio) - len(original))))
    for prompt in prompts:
        at = int(prompt["t"] * rate)
        added = audio[at : at + 2 * rate] - original[at : at + 2 * rate]
        assert np.sqrt(np.mean(added**2)) > 0.01, prompt  # something was said there
