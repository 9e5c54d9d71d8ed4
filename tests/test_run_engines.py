"""`vertraag run` with the real recognisers: Whisper base on real Dutch speech, Vosk on the packaged model.

These are the issue's "done when" checks, run as a user runs them: a real process, real models, real audio.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests import audio_gen as ag
from tests.test_run_cli import run_cli

pytestmark = pytest.mark.slow

# Clips whose transcripts are ordinary sentences; one has "altijd" in it.
CLIPS = ("nathalie_85.wav", "flemishguy_717.wav", "nathalie_953.wav")
MIN_WORD_OVERLAP = 0.6  # Whisper base on real speech: most words right, an odd one misheard
KOREAN = "오늘 오후에 하우스 파티가 있습니다 우리는 학교에 갑니다"


def words_of(text: str) -> list[str]:
    return re.findall(r"[\wÀ-ÿ]+", text.lower())


def events_of(stdout: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stdout.splitlines()]


@pytest.fixture(scope="module")
def dutch_scene(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[ag.Clip]]:
    by_name = {c.file: c for c in ag.clips()}
    chosen = [by_name[name] for name in CLIPS]
    audio = ag.concat_with_silence((c.samples() for c in chosen), gap_s=1.5, edge_s=0.5)
    return ag.write_wav(tmp_path_factory.mktemp("scene") / "drie-zinnen.wav", audio), chosen


def test_whisper_utterances_follow_the_transcripts(
    whisper_base_dir: Path, dutch_scene: tuple[Path, list[ag.Clip]]
) -> None:
    wav, chosen = dutch_scene
    proc = run_cli("run", "--engine", "whisper", "--model", whisper_base_dir, "--input", wav, "--json")
    assert proc.returncode == 0, proc.stderr
    events = events_of(proc.stdout)
    utterances = [e for e in events if e["type"] == "utterance"]
    assert len(utterances) == len(chosen), utterances
    previous_end = 0.0
    for utterance, clip in zip(utterances, chosen, strict=True):
        heard, said = set(words_of(utterance["text"])), set(words_of(clip.transcript))
        assert len(heard & said) / len(said) >= MIN_WORD_OVERLAP, (utterance["text"], clip.transcript)
        assert previous_end <= utterance["start"] < utterance["end"]
        times = [(w["start"], w["end"]) for w in utterance["words"]]
        assert times == sorted(times)
        assert all(utterance["start"] - 0.01 <= s <= e <= utterance["end"] + 0.01 for s, e in times)
        previous_end = utterance["end"]
    # Read prompts are not accusations: no nudge, even for the clip with "altijd".
    nudges = [e for e in events if e["type"] == "finding" and e["category"] != "i_message"]
    assert not nudges, nudges


def test_whisper_model_from_the_environment(whisper_base_dir: Path, tmp_path: Path) -> None:
    clip = next(c for c in ag.clips() if c.file == CLIPS[0])
    proc = run_cli(
        "run", "--engine", "whisper", "--input", clip.path, env={"VERTRAAG_MODEL": str(whisper_base_dir)}
    )
    assert proc.returncode == 0, proc.stderr
    assert "«" in proc.stdout and "slapen" in proc.stdout.lower()


def test_engine_and_model_from_the_config_file(whisper_base_dir: Path, tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text(f'[recognizer]\nengine = "whisper"\nmodel = "{whisper_base_dir}"\n', encoding="utf-8")
    clip = next(c for c in ag.clips() if c.file == CLIPS[0])
    proc = run_cli("run", "--config", config, "--input", clip.path, "--json")
    assert proc.returncode == 0, proc.stderr
    assert any(e["type"] == "utterance" for e in events_of(proc.stdout))


def test_vosk_partials_then_utterance_with_word_times(vosk_ko_model_dir: Path, tmp_path: Path) -> None:
    speech = ag.espeak_nl(KOREAN, voice="ko")
    audio = ag.concat_with_silence([speech], edge_s=1.5)
    wav = ag.write_wav(tmp_path / "korean.wav", audio)
    proc = run_cli("run", "--engine", "vosk", "--model", vosk_ko_model_dir, "--input", wav, "--json")
    assert proc.returncode == 0, proc.stderr
    events = events_of(proc.stdout)
    kinds = [e["type"] for e in events]
    assert "partial" in kinds and "utterance" in kinds
    assert kinds.index("partial") < kinds.index("utterance")
    utterance = next(e for e in events if e["type"] == "utterance")
    assert utterance["words"], utterance
    starts = [w["start"] for w in utterance["words"]]
    assert starts == sorted(starts)
    assert all(0.0 <= w["start"] <= w["end"] <= len(audio) / ag.SAMPLE_RATE for w in utterance["words"])
    assert all(0.0 <= w.get("conf", 1.0) <= 1.0 for w in utterance["words"])


def test_silence_gives_no_utterance(vosk_ko_model_dir: Path, tmp_path: Path) -> None:
    wav = ag.write_wav(tmp_path / "stil.wav", np.zeros(ag.SAMPLE_RATE * 3, dtype=np.int16))
    proc = run_cli("run", "--engine", "vosk", "--model", vosk_ko_model_dir, "--input", wav, "--json")
    assert proc.returncode == 0
    # Only the free conversation's frame (it began, the recording ended) and the loudness readings: nothing
    # heard, nothing said.
    kinds = [e["type"] for e in events_of(proc.stdout)]
    assert [k for k in kinds if k != "level"] == ["phase", "session_end"], proc.stdout


@pytest.mark.parametrize("engine", ["vosk", "whisper"])
def test_a_bad_model_path_is_one_clear_line(engine: str, tmp_path: Path) -> None:
    wav = ag.write_wav(tmp_path / "stil.wav", ag.silence(1.0))
    empty = tmp_path / "leeg-model"
    empty.mkdir()
    proc = run_cli("run", "--engine", engine, "--model", empty, "--input", wav, "--json")
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "model" in proc.stderr.lower()
