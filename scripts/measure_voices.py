"""Attribution accuracy on real voices: right / unsure / wrong per segment length, pair kind and condition.

    .venv/bin/python scripts/measure_voices.py                       # the test readers in tests/data/voices
    .venv/bin/python scripts/measure_voices.py --readers DIR         # e.g. the 40 measure readers:
    .venv/bin/python scripts/prepare_voice_test_data.py --export measure DIR

Every pair of readers is calibrated with the first 8 s of each reader's clip and judged on segments cut from
the rest (never heard in calibration), as the tracker judges a whole segment; a cut that is mostly a pause
between sentences is left out (a VAD would not give it as a segment). Conditions: clean; real kitchen
noise (doing_the_dishes.wav, CC BY 4.0) under the judged segment at 20 dB SNR; the judged voice 8 dB louder
than in its calibration. Methods: the GMM-UBM alone, the GE2E encoder alone, and the GMM with GE2E asked only
where the GMM is unsure (what `voices.second_opinion = true` does). The Dutch pair (tests/data/speech-nl,
CC0, a man and a woman) is measured on its own. Prints a Markdown table and the CPU per audio second.
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import soundfile as sf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
from bench.compose import clips, concat_with_silence, rms_dbfs, scale_db  # noqa: E402
from tests.voice_scenes import CALIBRATION_S, VOICES_DIR  # noqa: E402

from vertraag.audio.frames import SAMPLE_RATE  # noqa: E402
from vertraag.voices.features import HOP_SAMPLES, features  # noqa: E402
from vertraag.voices.gmm import load_background  # noqa: E402
from vertraag.voices.judge import Evidence, lead  # noqa: E402
from vertraag.voices.second import COSINE_MARGIN, MAX_SECONDS, SURE_MARGIN, combine  # noqa: E402

LENGTHS_S = (1.0, 2.0, 4.0)
CONDITIONS = ("clean", "kitchen 20 dB", "+8 dB")
METHODS = ("GMM", "GE2E", "GMM+GE2E")
NOISE_SNR_DB, LOUDER_DB, SEED = 20.0, 8.0, 15
MIN_VOICED_SHARE = 0.5  # a judged piece is at least half voice, as a VAD segment would be
DUTCH_SECONDS = 60.0  # of each Dutch speaker: 8 s calibrate, the rest is judged


@dataclass
class Speaker:
    name: str
    kind: str  # gender, or "nl-<gender>" for the Dutch pair
    samples: np.ndarray
    model: object = None
    embedding: np.ndarray | None = None
    pieces: dict[tuple[float, str], list[tuple[dict[str, float], int, np.ndarray | None]]] = field(
        default_factory=dict
    )


def load_speakers(folder: Path, dutch: bool) -> tuple[list[Speaker], np.ndarray]:
    found = [
        Speaker(p.stem, p.stem.split("_")[1], sf.read(p, dtype="int16")[0])
        for p in sorted(folder.glob("*_[FM].wav"))
    ]
    if dutch:
        for name, gender in (("flemishguy", "M"), ("nathalie", "F")):
            joined = concat_with_silence((c.samples() for c in clips(name)), gap_s=0.3)
            found.append(Speaker(name, f"nl-{gender}", joined[: int(DUTCH_SECONDS * SAMPLE_RATE)]))
    noise_file = (
        folder / "kitchen_noise.wav"
        if (folder / "kitchen_noise.wav").exists()
        else VOICES_DIR / "kitchen_noise.wav"
    )
    return found, sf.read(noise_file, dtype="int16")[0]


def condition(piece: np.ndarray, name: str, noise: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if name == "+8 dB":
        return scale_db(piece, LOUDER_DB)
    if name.startswith("kitchen"):
        start = int(rng.integers(0, len(noise) - len(piece)))
        bit = scale_db(
            noise[start : start + len(piece)],
            rms_dbfs(piece) - NOISE_SNR_DB - rms_dbfs(noise[start : start + len(piece)]),
        )
        return np.clip(piece.astype(np.int32) + bit, -32768, 32767).astype(np.int16)
    return piece


def prepare(speakers: list[Speaker], noise: np.ndarray, encoder: object | None) -> dict[str, float]:
    """Models, embeddings and every judged piece's evidence; returns CPU seconds per audio second."""
    background = load_background()
    rng = np.random.default_rng(SEED)
    cpu = {"gmm": 0.0, "ge2e": 0.0, "audio": 0.0}
    for s in speakers:
        s.model = background.adapted(features(s.samples[: int(CALIBRATION_S * SAMPLE_RATE)]))
        if encoder is not None:
            s.embedding = encoder.embed_speaker(s.samples[: int(CALIBRATION_S * SAMPLE_RATE)])
    for s, length, cond in itertools.product(speakers, LENGTHS_S, CONDITIONS):
        rest, size = s.samples[int(CALIBRATION_S * SAMPLE_RATE) :], int(length * SAMPLE_RATE)
        judged = []
        for start in range(0, len(rest) - size + 1, size):
            piece = condition(rest[start : start + size], cond, noise, rng)
            started = time.process_time()
            rows = features(piece)
            if len(rows) < size / HOP_SAMPLES * MIN_VOICED_SHARE:
                continue  # mostly a pause between sentences: the VAD would not give this as a segment
            base = background.log_likelihoods(rows)
            shared = time.process_time()
            llr = {o.name: float((o.model.log_likelihoods(rows) - base).sum()) for o in speakers}
            per_model = (time.process_time() - shared) / len(speakers)
            cpu["gmm"] += shared - started + 2 * per_model  # the tracker scores two partners, not everyone
            started = time.process_time()
            embedding = (
                encoder.embed(piece[: int(MAX_SECONDS * SAMPLE_RATE)]) if encoder is not None else None
            )
            cpu["ge2e"] += time.process_time() - started
            cpu["audio"] += length
            judged.append((llr, len(rows), embedding))
        s.pieces[(length, cond)] = judged
    return {"gmm": cpu["gmm"] / cpu["audio"], "ge2e": cpu["ge2e"] / cpu["audio"]}


def judge(
    truth: Speaker, other: Speaker, llr: dict[str, float], rows: int, emb: np.ndarray | None, margin: float
) -> dict[str, str | None]:
    names = {truth.name: "t", other.name: "o"}
    evidence = Evidence(rows=rows, llr={names[n]: llr[n] for n in names})
    best, gmm_lead = lead(evidence, frozenset({"t", "o"}))
    gmm = combine(best, gmm_lead, None)
    ge2e = None
    if emb is not None and truth.embedding is not None and other.embedding is not None:
        cosine_lead = float(emb @ truth.embedding - emb @ other.embedding)
        ge2e = "t" if cosine_lead >= margin else "o" if cosine_lead <= -margin else None
    asked = best is not None and gmm_lead < SURE_MARGIN
    return {
        "GMM": gmm,
        "GE2E": ge2e,
        "GMM+GE2E": combine(best, gmm_lead, ge2e) if asked else gmm,
        "asked": asked,
    }


def pair_kind(a: Speaker, b: Speaker) -> str | None:
    if a.kind.startswith("nl") != b.kind.startswith("nl"):
        return None
    if a.kind.startswith("nl"):
        return "Dutch mixed"
    return "same gender" if a.kind == b.kind else "mixed gender"


def tally(speakers: list[Speaker], margin: float) -> dict[tuple[str, float, str, str], list[int]]:
    counts: dict[tuple[str, float, str, str], list[int]] = defaultdict(
        lambda: [0, 0, 0]
    )  # right, unsure, wrong
    for a, b in itertools.combinations(speakers, 2):
        kind = pair_kind(a, b)
        if kind is None:
            continue
        for truth, other in ((a, b), (b, a)):
            for (length, cond), judged in truth.pieces.items():
                for llr, rows, emb in judged:
                    said = judge(truth, other, llr, rows, emb, margin)
                    for method in METHODS:
                        counts[(kind, length, cond, method)][
                            0 if said[method] == "t" else 1 if said[method] is None else 2
                        ] += 1
                    counts[("asked", 0.0, "", "")][0 if said["asked"] else 1] += 1
    return counts


def table(counts: dict[tuple[str, float, str, str], list[int]], methods: tuple[str, ...]) -> str:
    methods_head = " | ".join(f"{m} right / unsure / wrong %" for m in methods)
    lines = [f"| pairs | segment | condition | n | {methods_head} |", "|" + "---|" * (4 + len(methods))]
    kinds = sorted(
        {k[0] for k in counts if k[0] != "asked"}, key=["mixed gender", "same gender", "Dutch mixed"].index
    )
    for kind, length, cond in itertools.product(kinds, LENGTHS_S, CONDITIONS):
        cells = []
        for method in methods:
            right, unsure, wrong = counts[(kind, length, cond, method)]
            total = max(right + unsure + wrong, 1)
            cells.append(
                f"{100 * right / total:.1f} / {100 * unsure / total:.1f} / {100 * wrong / total:.1f}"
            )
        judged = sum(counts[(kind, length, cond, methods[0])])
        lines.append(f"| {kind} | {length:.0f} s | {cond} | {judged} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=Path, default=VOICES_DIR)
    parser.add_argument("--no-ge2e", action="store_true", help="the GMM only (no Resemblyzer wheel needed)")
    parser.add_argument("--no-dutch", action="store_true", help="leave out the Dutch pair")
    parser.add_argument(
        "--cosine-margin",
        type=float,
        nargs="+",
        default=[COSINE_MARGIN],
        help="GE2E margins to try (dev readers)",
    )
    args = parser.parse_args()
    encoder = None
    if not args.no_ge2e:
        from vertraag.voices.ge2e.encoder import Ge2eEncoder

        encoder = Ge2eEncoder()
    speakers, noise = load_speakers(args.readers, not args.no_dutch)
    cpu = prepare(speakers, noise, encoder)
    methods = METHODS if encoder is not None else ("GMM",)
    for margin in args.cosine_margin:
        print(f"\nGE2E cosine margin {margin}\n" if len(args.cosine_margin) > 1 else "")
        counts = tally(speakers, margin)
        print(table(counts, methods))
        asked, not_asked = counts[("asked", 0.0, "", "")][:2]
        share = asked / max(asked + not_asked, 1)
        print(f"\nGE2E asked for {100 * share:.1f}% of segments (all pairs, lengths and conditions)")
    print(
        f"\n{len(speakers)} speakers; CPU per audio second: GMM {100 * cpu['gmm']:.2f}% of a core"
        + (f", GE2E {100 * cpu['ge2e']:.2f}% (when asked)" if encoder is not None else "")
    )


if __name__ == "__main__":
    main()
