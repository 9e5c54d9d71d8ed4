"""`vertraag bench` keeps working: on a few seconds of composed conversation (not timed, nothing asserted
about speed) it prints one JSON object with every key, and numbers where it measured something. Start-up
and playback need a sound card and are left out here; the full command measures them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.models_fixture import vosk_ko_model_dir, whisper_base_dir  # noqa: F401 (fixtures)
from tests.test_run_cli import run_cli

pytestmark = pytest.mark.slow

TOP_KEYS = {
    "quick", "machine", "note", "decision_latency_s", "playback_latency_s", "cpu_per_audio_s", "peak_rss_mb",
    "startup_s", "word_detector", "voices", "tts", "soak", "audio_s", "errors", "targets",
}  # fmt: skip
SPREAD_KEYS = {"n", "p50", "p95", "max"}
TARGETS = {
    "vosk_word_p95_s", "whisper_word_p95_s", "raised_voice_p95_s", "listen_cpu_share", "soak_rss_growth_mb",
    "voices_cpu_share", "voices_decision_s",
}  # fmt: skip


def test_bench_prints_every_key(vosk_ko_model_dir: Path, whisper_base_dir: Path) -> None:  # noqa: F811
    proc = run_cli(
        "bench", "--quick", "--seconds", "3", "--skip", "startup,playback",
        "--whisper-model", whisper_base_dir, "--table",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    figures = json.loads(proc.stdout)
    assert set(figures) == TOP_KEYS
    assert figures["errors"] == {}, figures["errors"]
    decisions = figures["decision_latency_s"]
    assert set(decisions) == {"vosk", "whisper", "raised_voice"}
    for name in ("vosk", "whisper"):
        assert SPREAD_KEYS | {"rules_only"} <= set(decisions[name])
    assert decisions["vosk"]["vosk_ko_stand_in"] is True
    assert set(decisions["raised_voice"]) >= SPREAD_KEYS
    for key in ("cpu_per_audio_s", "peak_rss_mb"):
        assert set(figures[key]) == {"none", "vosk", "whisper"}
        assert all(isinstance(v, float) and v > 0 for v in figures[key].values()), figures[key]
    assert set(figures["startup_s"]) == {"none", "vosk", "whisper"}
    assert figures["word_detector"]["utterances_per_s"] > 0
    voices = figures["voices"]
    assert voices["gmm"]["cpu_per_audio_s"] > 0 and voices["gmm"]["segments"] > 0
    assert set(voices["gmm"]["decision_after_end_s"]) == SPREAD_KEYS
    assert figures["targets"]["voices_cpu_share"]["measured"] is not None
    tts = figures["tts"]  # the voice a session would speak with (espeak-ng here: no Dutch Piper voice)
    assert tts["voice"] and tts["prompts"] > 0 and 0 < tts["per_prompt_median_s"] <= tts["per_prompt_max_s"]
    assert tts["render_ahead_sentences"] > 0
    assert set(figures["targets"]) == TARGETS
    assert all({"target", "measured", "met", "over_by"} <= set(t) for t in figures["targets"].values())
    assert "targets" in proc.stderr  # the readable table


def test_bench_outside_a_checkout_says_it_needs_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An installed wheel has no bench/, tests/data or scripts/: one sentence, exit code 2."""
    from vertraag import cli, cli_bench
    from vertraag.errors import EXIT_USER_ERROR

    monkeypatch.setattr(cli_bench, "CHECKOUT", tmp_path)
    assert cli.main(["bench", "--quick"]) == EXIT_USER_ERROR
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "checkout" in err, err
