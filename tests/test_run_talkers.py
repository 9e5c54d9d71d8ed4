"""`vertraag run` with two partners' voices (issue 15): `--calibration A.wav B.wav` knows each voice from the
start, `--names` names them, and bad input to either is one clear line. Real Dutch clips (CC0)."""

from __future__ import annotations

import json
from pathlib import Path

from bench.two_voices import Partner, conversation

from tests import audio_gen as ag
from tests.test_run_cli import of_type, run_cli, run_json

QUIET_DBFS, LOUD_DBFS = -34.0, -26.0


def clips(speaker: str, picks: slice) -> list[ag.Audio]:
    return [c.samples() for c in ag.clips(speaker)][picks]


def calm_speech(speaker: str, level: float) -> ag.Audio:
    """Two or three calm sentences, as a therapist would cut from a known couple's recording."""
    return ag.concat_with_silence(
        ag.at_level(ag.trim_silence(c), level) for c in clips(speaker, slice(40, 43))
    )


def test_calibration_files_name_each_voice_from_the_first_word(tmp_path: Path) -> None:
    anna = ag.write_wav(tmp_path / "anna.wav", calm_speech("flemishguy", QUIET_DBFS))
    bram = ag.write_wav(tmp_path / "bram.wav", calm_speech("nathalie", LOUD_DBFS))
    audio, script = conversation(
        Partner(clips("nathalie", slice(0, 12)), LOUD_DBFS),  # Bram happens to speak first here
        Partner(clips("flemishguy", slice(0, 12)), QUIET_DBFS),
        seconds=40.0,
    )
    wav = ag.write_wav(tmp_path / "gesprek.wav", audio)
    events = run_json(
        wav, "--calibration", str(anna), str(bram), "--names", "Anna,Bram", "--report-dir", str(tmp_path)
    )
    ends = of_type(events, "speech_end")
    first = ends[0]
    assert first["talker"] == "b"  # known from the calibration, not "the first voice heard"
    wrong = 0
    for end in ends:
        middle = end["t"] - end["duration"] / 2
        said = [who for s, e, who in script if s - 0.5 <= middle < e + 0.5]
        expected = {"a": "b", "b": "a"}[said[0]] if said else None  # the script's a is Bram here
        wrong += end["talker"] is not None and expected is not None and end["talker"] != expected
    assert wrong == 0
    assert not of_type(events, "raised_voice")
    report = json.loads(next(tmp_path.glob("*.json")).read_text())
    assert [p["name"] for p in report["speaking"]] == ["Anna", "Bram"]
    assert all(p["speech_s"] > 5 for p in report["speaking"]), report["speaking"]


def test_bad_names_and_calibration_files_are_one_clear_line(tmp_path: Path) -> None:
    wav = ag.write_wav(tmp_path / "x.wav", calm_speech("nathalie", LOUD_DBFS))
    names = run_cli("run", "--input", wav, "--engine", "none", "--names", "Anna")
    assert names.returncode == 2 and "--names" in names.stderr and "Traceback" not in names.stderr
    silent = ag.write_wav(tmp_path / "stil.wav", ag.silence(3.0))
    quiet = run_cli("run", "--input", wav, "--engine", "none", "--calibration", str(silent), str(wav))
    assert quiet.returncode == 2 and "te weinig rustige spraak" in quiet.stderr, quiet.stderr
    missing = run_cli(
        "run", "--input", wav, "--engine", "none", "--calibration", str(tmp_path / "nee.wav"), str(wav)
    )
    assert missing.returncode == 2 and "bestaat niet" in missing.stderr and "Traceback" not in missing.stderr
