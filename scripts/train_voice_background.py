"""Train the voice background model (64 diagonal Gaussians over MFCC 1-19 + deltas) shipped with vertraag.

    .venv/bin/python scripts/train_voice_background.py [--out src/vertraag/voices/background.npz]

Reproducible: fixed reader split (scripts/voice_readers.py), fixed seed, plain EM. Reads the LibriSpeech
readers from the local mirror of github resemble-ai/Resemblyzer (CC BY 4.0); only readers that no test or
measure uses train. Writes numbers only (an .npz without pickles).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from voice_readers import audio, readers, split

from vertraag.voices.features import features
from vertraag.voices.gmm import Mixture, logsumexp_rows

COMPONENTS = 64  # the prototype's size: enough for 38-dim features from ~50 minutes of speech
SEED = 15  # issue 15
ITERATIONS = 25  # EM's log-likelihood changes by < 0.01 per frame after about 20
VARIANCE_FLOOR = 1e-3  # relative to the global variance: no component collapses onto a few frames
KMEANS_ROUNDS = 10
OUT = Path(__file__).resolve().parents[1] / "src" / "vertraag" / "voices" / "background.npz"


def kmeans_start(rows: np.ndarray, rng: np.random.Generator) -> Mixture:
    centres = rows[rng.choice(len(rows), COMPONENTS, replace=False)]
    for _ in range(KMEANS_ROUNDS):
        dist = (rows**2).sum(1)[:, None] - 2 * rows @ centres.T + (centres**2).sum(1)[None, :]
        nearest = dist.argmin(axis=1)
        centres = np.array(
            [rows[nearest == c].mean(0) if np.any(nearest == c) else centres[c] for c in range(COMPONENTS)]
        )
    variances = np.tile(rows.var(axis=0), (COMPONENTS, 1))
    return Mixture(np.full(COMPONENTS, 1.0 / COMPONENTS), centres, variances)


def em(rows: np.ndarray, mixture: Mixture) -> Mixture:
    floor = VARIANCE_FLOOR * rows.var(axis=0)
    for step in range(ITERATIONS):
        joint = mixture.component_log_likelihoods(rows)
        total = logsumexp_rows(joint)
        resp = np.exp(joint - total[:, None])
        counts = resp.sum(axis=0) + 1e-10
        means = resp.T @ rows / counts[:, None]
        variances = np.maximum(resp.T @ rows**2 / counts[:, None] - means**2, floor)
        mixture = Mixture(counts / counts.sum(), means, variances)
        print(f"EM {step + 1:2d}: mean log-likelihood {total.mean():.3f} per frame", flush=True)
    return mixture


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    train, _, _ = split(readers())
    rows = np.vstack([features(audio(reader)) for reader in train])
    print(f"{len(train)} readers, {len(rows)} feature rows ({len(rows) / 100 / 60:.1f} min of voiced speech)")
    rng = np.random.default_rng(SEED)
    mixture = em(rows, kmeans_start(rows, rng))
    np.savez_compressed(
        args.out,
        weights=mixture.weights.astype(np.float32),
        means=mixture.means.astype(np.float32),
        variances=mixture.variances.astype(np.float32),
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
