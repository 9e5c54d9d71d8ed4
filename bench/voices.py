"""The cost of telling the two voices apart (`vertraag bench`, part `voices`).

A conversation of two real Dutch voices (tests/data/speech-nl: a man and a woman taking turns of two or
three sentences) is fed to the tracker frame by frame with its speech segments marked, as the pipeline
feeds it behind the VAD. Measured: CPU per second of audio (the VAD and the rest of listening are in the
`listen` part), and how soon each segment's whole attribution is there: in audio time after the segment's
last frame (the tracker answers on the first frame after it), and the compute time of that answer, which a
live session adds on top. With the GE2E second opinion (when the Resemblyzer wheel is installed) also in real
kitchen noise at 20 dB SNR, where the GMM is unsure more often and the encoder is asked more.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import soundfile as sf

from bench.compose import REPO_ROOT, Audio, clips, concat_with_silence, rms_dbfs, scale_db
from bench.measure import cpu_seconds, spread
from vertraag.audio.frames import FRAME_SAMPLES, SAMPLE_RATE, Frame
from vertraag.voices import Attribution
from vertraag.voices.tracker import GmmTracker

SPEAKERS = ("flemishguy", "nathalie")
CALIBRATION_CLIPS = 3  # about 8 s of each voice, as `vertraag start` calibrates
TURNS = 16  # turns in the conversation: about 90 s of audio
CLIPS_PER_TURN = 2
PAUSE_S = 0.7  # between turns
NOISE_FILE = REPO_ROOT / "tests" / "data" / "voices" / "kitchen_noise.wav"
NOISE_SNR_DB = 20.0
REPEATS = 3  # CPU on a shared machine is noisy: the median of three passes
HISS_STD = 3.0  # int16 units: a quiet room between turns, not digital silence


def _conversation() -> tuple[dict[str, Audio], Audio, list[tuple[int, int]]]:
    """Calibration audio per voice, the conversation, and its speech segments as (start, end) samples."""
    calibration: dict[str, Audio] = {}
    turns: list[list[Audio]] = []
    for index, speaker in enumerate(SPEAKERS):
        said = [c.samples() for c in clips(speaker)]
        calibration["ab"[index]] = concat_with_silence(said[:CALIBRATION_CLIPS], gap_s=0.3)
        rest = said[CALIBRATION_CLIPS:]
        turns.append(
            [concat_with_silence(rest[i : i + CLIPS_PER_TURN], gap_s=0.2) for i in range(0, len(rest), 2)]
        )
    rng = np.random.default_rng(0)
    pieces: list[Audio] = []
    segments: list[tuple[int, int]] = []
    at = 0
    for turn in range(TURNS):
        pause = rng.normal(0.0, HISS_STD, int(PAUSE_S * SAMPLE_RATE)).astype(np.int16)
        speech = turns[turn % 2][turn // 2]
        pieces += [pause, speech]
        segments.append((at + len(pause), at + len(pause) + len(speech)))
        at += len(pause) + len(speech)
    pieces.append(rng.normal(0.0, HISS_STD, int(PAUSE_S * SAMPLE_RATE)).astype(np.int16))
    return calibration, np.concatenate(pieces), segments


def _with_noise(audio: Audio, segments: list[tuple[int, int]]) -> Audio:
    noise, _ = sf.read(NOISE_FILE, dtype="int16")
    speech_db = rms_dbfs(np.concatenate([audio[s:e] for s, e in segments]))
    repeated = np.resize(np.asarray(noise, dtype=np.int16), len(audio))
    bed = scale_db(repeated, speech_db - NOISE_SNR_DB - rms_dbfs(repeated))
    return np.asarray(np.clip(audio.astype(np.int32) + bed, -32768, 32767), dtype=np.int16)


def _frames(audio: Audio, segments: list[tuple[int, int]]) -> Iterator[tuple[Frame, bool]]:
    for start in range(0, len(audio) - FRAME_SAMPLES + 1, FRAME_SAMPLES):
        middle = start + FRAME_SAMPLES // 2
        yield Frame(audio[start : start + FRAME_SAMPLES], start), any(s <= middle < e for s, e in segments)


def _run(
    tracker: GmmTracker, audio: Audio, segments: list[tuple[int, int]]
) -> tuple[float, list[Attribution], list[float]]:
    """CPU seconds, the whole-segment attributions, and the compute time of each."""
    frames = list(_frames(audio, segments))
    decided: list[Attribution] = []
    compute: list[float] = []
    started = cpu_seconds()
    for frame, in_segment in frames:
        tick = time.perf_counter()
        for attribution in tracker.update(frame, in_segment=in_segment):
            if attribution.whole_segment:
                decided.append(attribution)
                compute.append(time.perf_counter() - tick)
    return cpu_seconds() - started, decided, compute


def _measure(
    make: Any, calibration: dict[str, Audio], audio: Audio, segments: list[tuple[int, int]]
) -> dict[str, Any]:
    shares: list[float] = []
    decided: list[Attribution] = []
    compute: list[float] = []
    for _ in range(REPEATS):
        tracker = make()
        for talker, samples in calibration.items():
            tracker.enroll(talker, samples)
        cpu, decided, compute = _run(tracker, audio, segments)
        shares.append(cpu / (len(audio) / SAMPLE_RATE))
    truth = ["ab"[i % 2] for i in range(len(segments))]
    after_end = [a.end - e / SAMPLE_RATE for a, (_, e) in zip(decided, segments, strict=True)]
    return {
        "cpu_per_audio_s": round(statistics.median(shares), 5),
        "decision_after_end_s": spread([max(0.0, x) for x in after_end]),
        "decision_compute_s": spread(compute),
        "right": sum(a.talker == t for a, t in zip(decided, truth, strict=True)),
        "unsure": sum(a.talker is None for a in decided),
        "segments": len(segments),
    }


def voices() -> dict[str, Any]:
    calibration, audio, segments = _conversation()
    figures: dict[str, Any] = {"audio_s": round(len(audio) / SAMPLE_RATE, 1)}
    figures["gmm"] = _measure(GmmTracker, calibration, audio, segments)
    try:
        from vertraag.voices.ge2e.weights import WeightsMissing
        from vertraag.voices.second import Ge2eOpinion

        opinion = Ge2eOpinion()
    except WeightsMissing as missing:
        figures["ge2e"] = {"error": str(missing)}
        return figures
    with_second = lambda: GmmTracker(second_opinion=opinion)  # noqa: E731  (one encoder for every pass)
    figures["gmm_ge2e"] = _measure(with_second, calibration, audio, segments)
    noisy = _with_noise(audio, segments)
    figures["gmm_kitchen"] = _measure(GmmTracker, calibration, noisy, segments)
    figures["gmm_ge2e_kitchen"] = _measure(with_second, calibration, noisy, segments)
    return figures
