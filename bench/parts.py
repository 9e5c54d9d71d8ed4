"""The benchmark's parts. Each runs in its own process (`vertraag bench --part NAME`), so that its CPU time
and peak memory are its own, and returns a dict of figures.

- `listen`: the pipeline and session without recognition, as fast as it goes: CPU per second of audio
  (median of LISTEN_REPEATS passes) and the raised-voice decision latency (audio time: the same however fast).
- `engine`: one recogniser, threaded as live, paced at real time: word decision latency, CPU, peak memory.
- `playback`: pre-rendered prompts on the sound card: from `say` to the first sample handed to the stream.
- `soak`: the full session with Whisper on looped audio, as fast as it goes: memory, events, errors.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import logging
import os
import random
import statistics
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from bench import latency
from bench.compose import REPO_ROOT
from bench.measure import cpu_seconds, peak_rss_mb, rss_mb, spread
from bench.scenes import Mark
from bench.session_runs import BLOCK_SAMPLES, Emitted, TriggerStandIn, run_scene
from vertraag.audio.frames import SAMPLE_RATE, Frame, frames_from_blocks
from vertraag.config import RecognizerSettings, Settings
from vertraag.recognize.base import Recognizer

log = logging.getLogger(__name__)

LISTEN_REPEATS = 3  # CPU on a shared machine is noisy: the median of three passes
WORD_WAV, RAISED_WAV, MARKS_JSON = "words.wav", "raised.wav", "marks.json"
MS_PER_S = 1000.0
SECONDS_PER_HOUR = 3600.0
# Playback: pause between trials, drawn at random so the trials fall at every phase of the output buffer.
TRIAL_PAUSE_S = (0.15, 0.45)
STARTED_TIMEOUT_S = 3.0  # a sound not started by then did not play
POLL_S = 0.001
PLAYBACK_PROMPTS = ("stem", "pauze", "adem")  # prompt ids tried, the ones the data has
MAX_ERROR_MESSAGES = 5
# The soak loops the first minute of each scene (triggers and a raised voice included): a short loop, so
# that memory after the first pass (warm: every buffer allocated once) is known early.
SOAK_LOOP_PART_S = 60.0
NO_ESCALATION = 1_000_000  # raised voices before a time-out is proposed: never, for the latency scene
WORD_ROUNDS = 30  # passes over the tuning sentences: a stable figure in a few seconds
# A long junk line (a pasted text, a runaway recogniser) must not stall the detector: 64 KB (1 MB took about
# a minute on the shared 2-core machine, too long for a quick benchmark).
JUNK_BYTES = 1 << 16
JUNK_LINE = "je luistert ook nooit, jij bent een egoïst 😀 "


def read_marks(scene_dir: Path, name: str) -> tuple[Mark, ...]:
    data = json.loads((scene_dir / MARKS_JSON).read_text(encoding="utf-8"))
    return tuple(Mark(**m) for m in data[name])


def _frames(path: Path, *, paced: bool) -> Iterator[Frame]:
    from vertraag.audio.wav_source import WavSource

    return WavSource(path, realtime=paced, block_samples=BLOCK_SAMPLES).frames()


def _seconds(path: Path) -> float:
    return float(sf.info(str(path)).duration)


def listen(scene_dir: Path) -> dict[str, Any]:
    settings = Settings()
    words = scene_dir / WORD_WAV
    shares = []
    for _ in range(LISTEN_REPEATS):
        started = cpu_seconds()
        run_scene(_frames(words, paced=False), settings, recognizer=None)
        shares.append((cpu_seconds() - started) / _seconds(words))
    # Every passage is answered: without this the third one in five minutes starts a time-out, and the
    # session (rightly) answers nothing during the break.
    calm_session = dataclasses.replace(settings.session, escalation_count=NO_ESCALATION)
    raised = dataclasses.replace(settings, session=calm_session)
    emitted = run_scene(_frames(scene_dir / RAISED_WAV, paced=False), raised, recognizer=None)
    hold_s = settings.raised_voice.hold_ms / MS_PER_S
    return {
        "cpu_per_audio_s": round(statistics.median(shares), 5),
        "cpu_passes": [round(s, 5) for s in shares],
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "raised_voice": latency.raised_latency(emitted, read_marks(scene_dir, "raised"), hold_s=hold_s),
    }


def engine(scene_dir: Path, name: str, model_dir: Path) -> dict[str, Any]:
    """Paced and threaded as live; then once more unpaced with every decode waited for, which leaves only
    the audio-time rules (end-of-utterance silences) in the latency: the rest of the live figure is decoding
    and waiting for the CPU."""
    started = time.monotonic()
    recognizer = _recognizer(name, model_dir, threaded=True)
    load_s = time.monotonic() - started
    words = scene_dir / WORD_WAV
    cpu_before = cpu_seconds()
    emitted = run_scene(_frames(words, paced=True), Settings(), recognizer=recognizer)
    cpu = (cpu_seconds() - cpu_before) / _seconds(words)
    rules = run_scene(_frames(words, paced=False), Settings(), recognizer=_recognizer(name, model_dir))
    decided, rules_only = (_decisions(name, run, scene_dir) for run in (emitted, rules))
    return {
        "cpu_per_audio_s": round(cpu, 5),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "load_s": round(load_s, 3),
        "audio_s": round(_seconds(words), 1),
        "decision": {**decided, "rules_only": {k: rules_only[k] for k in ("n", "p50", "p95", "max")}},
    }


def _recognizer(name: str, model_dir: Path, *, threaded: bool = False) -> Recognizer:
    from vertraag.recognize.factory import create_recognizer

    recognizer = create_recognizer(RecognizerSettings(engine=name), model_dir, threaded=threaded)
    return TriggerStandIn(recognizer) if name == "vosk" else recognizer


def _decisions(name: str, emitted: list[Emitted], scene_dir: Path) -> dict[str, Any]:
    if name == "vosk":
        return latency.stand_in_latency(emitted)
    return latency.word_latency(emitted, read_marks(scene_dir, "words"))


def playback(trials: int, device: str | None) -> dict[str, Any]:
    from vertraag.session.prompts import load_prompts
    from vertraag.speak.device_player import SoundDevicePlayer
    from vertraag.speak.errors import PlaybackUnavailable, SpeechUnavailable
    from vertraag.speak.speaker import Speaker
    from vertraag.speak.tts.choose import default_renderer

    player = SoundDevicePlayer(device=device)
    try:
        player.open()
        renderer = default_renderer(rate_wpm=Settings().voice.rate_wpm)
    except (PlaybackUnavailable, SpeechUnavailable) as exc:
        return {**spread([]), "error": exc.message}
    speaker = Speaker(renderer=renderer, player=player)
    data = load_prompts()
    prompts = [
        (pid, v, data.render(pid, v, {}).say)
        for pid in PLAYBACK_PROMPTS
        if pid in data.variants
        for v in range(data.count(pid))
    ]
    speaker.prepare((pid, v + 1, text) for pid, v, text in prompts)  # pre-rendered, as a session does
    pauses = random.Random(0)
    latencies = []
    try:
        for trial in range(trials):
            time.sleep(pauses.uniform(*TRIAL_PAUSE_S))
            prompt_id, variant, text = prompts[trial % len(prompts)]
            before = player.started
            decided = time.monotonic()
            speaker.say(prompt_id, variant + 1, text)
            while player.started == before and time.monotonic() - decided < STARTED_TIMEOUT_S:
                time.sleep(POLL_S)
            if player.started != before and player.last_started is not None:
                latencies.append(player.last_started - decided)
            speaker.stop()
        fmt = player.format
    finally:
        speaker.close()
    return {
        **spread(latencies),
        "trials": trials,
        "device": None if fmt is None else f"{fmt.name} ({fmt.rate} Hz)",
        "from": "the decision (Speaker.say) to the first sample handed to the output stream",
    }


class _Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter[str] = Counter()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.levelname.lower()] += 1
        if len(self.messages) < MAX_ERROR_MESSAGES:
            self.messages.append(f"{record.levelname} {record.name}: {record.getMessage()}")


def soak(scene_dir: Path, seconds: float, model_dir: Path) -> dict[str, Any]:
    from vertraag.recognize.factory import create_recognizer

    errors = _Errors()
    logging.getLogger().addHandler(errors)
    pieces = [sf.read(str(scene_dir / f), dtype="int16")[0] for f in (WORD_WAV, RAISED_WAV)]
    loop = np.concatenate([piece[: int(SOAK_LOOP_PART_S * SAMPLE_RATE)] for piece in pieces])
    # Not threaded: each decode is waited for, so the soak goes as fast as the machine and never falls behind.
    recognizer = create_recognizer(RecognizerSettings(engine="whisper"), model_dir)
    rss: dict[str, float] = {"start": rss_mb()}
    total = int(seconds * SAMPLE_RATE)

    def blocks() -> Iterator[np.ndarray]:
        sent = 0
        for passes in itertools.count():
            if passes == 1:
                rss["after_first_pass"] = rss_mb()
            for i in range(0, len(loop), BLOCK_SAMPLES):
                if sent >= total:
                    return
                block = loop[i : min(i + BLOCK_SAMPLES, i + total - sent)]
                sent += len(block)
                yield block

    started = time.monotonic()
    failure = None
    emitted = []
    try:
        emitted = run_scene(frames_from_blocks(blocks()), Settings(), recognizer=recognizer)
    except Exception as exc:  # a soak reports what broke rather than stopping the benchmark
        log.exception("soak failed")
        failure = f"{type(exc).__name__}: {exc}"
    rss["end"] = rss_mb()
    hours = seconds / SECONDS_PER_HOUR
    by_type = Counter(e.event.type for e in emitted)
    warm = rss.get("after_first_pass", rss["start"])
    return {
        "audio_s": seconds,
        "wall_s": round(time.monotonic() - started, 1),
        "rss_mb": {key: round(value, 1) for key, value in rss.items()},
        "rss_growth_mb": round(rss["end"] - warm, 1),
        "events_per_hour": {k: round(v / hours, 1) for k, v in sorted(by_type.items())},
        "errors": {"failure": failure, **dict(errors.counts), "first": errors.messages},
        "loop_s": round(len(loop) / SAMPLE_RATE, 1),
    }


def words() -> dict[str, Any]:
    """The word detector on one core: utterances a second over the labelled sentences of the tuning sets
    (arguments and calm lines alike), and one long junk line."""
    from vertraag.detect.words import WordDetector

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as on a busy Raspberry Pi
    started = time.perf_counter()
    detector = WordDetector.load()
    load_s = time.perf_counter() - started
    texts = tuning_sentences()
    for text in texts:  # warm-up (the word normalisation cache)
        detector.find(text)
    started, cpu_started = time.perf_counter(), cpu_seconds()
    for _ in range(WORD_ROUNDS):
        for text in texts:
            detector.find(text)
    elapsed = time.perf_counter() - started
    cpu = cpu_seconds() - cpu_started  # steadier than the wall clock when other work shares the core
    line = (JUNK_LINE * (JUNK_BYTES // len(JUNK_LINE)))[:JUNK_BYTES]
    started = time.perf_counter()
    detector.find(line)
    count = WORD_ROUNDS * len(texts)
    return {
        "load_s": round(load_s, 3),
        "utterances_per_s": round(count / elapsed),
        "utterances_per_cpu_s": round(count / cpu),
        "us_per_utterance": round(elapsed / count * 1e6, 1),
        "words_per_utterance": round(sum(len(t.split()) for t in texts) / len(texts), 1),
        "junk_line_64kb_s": round(time.perf_counter() - started, 3),
    }


def tuning_sentences() -> list[str]:
    """Every sentence of the sets listed in tests/data/tuning-sets.txt (never the blind one)."""
    data = REPO_ROOT / "tests" / "data"
    names = [
        line.strip()
        for line in (data / "tuning-sets.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    out = []
    for name in names:
        for line in (data / name).read_text(encoding="utf-8").splitlines():
            if line.strip() and not line.startswith("#"):
                out.append(line.split("\t")[1])
    return out
