"""Gaussian mixtures over voice features: the background model and the partners adapted from it (GMM-UBM).

The background model (`background.npz`, trained offline by scripts/train_voice_background.py on LibriSpeech
readers that the tests and measures do not use) describes voices in general. Each partner's model moves only
the means of the background model towards that partner's calibration speech (MAP adaptation, Reynolds et al.
2000); weights and variances stay shared. A stretch of speech is judged by how much better each partner's
model explains it than the background does, frame by frame.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.float64]

BACKGROUND_FILE = "background.npz"
# How many frames' worth of evidence a component needs before its adapted mean trusts the partner's data
# more than the background (the relevance factor of Reynolds et al.; 16 is the value they found best).
RELEVANCE_FACTOR = 16.0
LOG_2PI = float(np.log(2.0 * np.pi))


@dataclass(frozen=True)
class Mixture:
    """A diagonal-covariance Gaussian mixture: weights (C), means (C x D), variances (C x D)."""

    weights: Floats
    means: Floats
    variances: Floats

    def __post_init__(self) -> None:
        components, dim = self.means.shape
        if self.weights.shape != (components,) or self.variances.shape != (components, dim):
            raise ValueError("mixture: weights, means and variances do not fit together")
        if not (np.all(np.isfinite(self.means)) and np.all(self.variances > 0) and np.all(self.weights > 0)):
            raise ValueError("mixture: means must be finite, weights and variances positive")

    @property
    def dim(self) -> int:
        return int(self.means.shape[1])

    def component_log_likelihoods(self, rows: Floats) -> Floats:
        """log(w_c * N(x | mu_c, var_c)) for every row and component (rows x C)."""
        precision = 1.0 / self.variances
        const = (
            np.log(self.weights)
            - 0.5 * (self.dim * LOG_2PI + np.log(self.variances).sum(axis=1))
            - 0.5 * (self.means**2 * precision).sum(axis=1)
        )
        quadratic = (rows**2) @ precision.T - 2.0 * rows @ (self.means * precision).T
        return np.asarray(const[None, :] - 0.5 * quadratic)

    def log_likelihoods(self, rows: Floats) -> Floats:
        """log p(x) of every row."""
        return logsumexp_rows(self.component_log_likelihoods(rows))

    def adapted(self, rows: Floats) -> Mixture:
        """This mixture with its means MAP-adapted towards `rows` (a partner's speech)."""
        return self.with_means(adapted_means(self, rows))

    def with_means(self, means: Floats) -> Mixture:
        return Mixture(weights=self.weights, means=means, variances=self.variances)


def logsumexp_rows(values: Floats) -> Floats:
    top = values.max(axis=1)
    return np.asarray(top + np.log(np.exp(values - top[:, None]).sum(axis=1)))


def posteriors(mixture: Mixture, rows: Floats) -> Floats:
    """Each row's responsibility over the components (rows x C)."""
    joint = mixture.component_log_likelihoods(rows)
    return np.asarray(np.exp(joint - logsumexp_rows(joint)[:, None]))


def sufficient_stats(background: Mixture, rows: Floats) -> tuple[Floats, Floats]:
    """Zeroth (C) and first-order (C x D) statistics of `rows` against the background's components."""
    if len(rows) == 0:
        return np.zeros(len(background.weights)), np.zeros_like(background.means)
    resp = posteriors(background, rows)
    return resp.sum(axis=0), resp.T @ rows


def means_from_stats(background: Mixture, counts: Floats, sums: Floats) -> Floats:
    """MAP means from accumulated statistics: the data mean where there is much data, the prior where not."""
    alpha = counts / (counts + RELEVANCE_FACTOR)
    data_mean = sums / np.maximum(counts, np.finfo(np.float64).tiny)[:, None]
    return np.asarray(alpha[:, None] * data_mean + (1.0 - alpha[:, None]) * background.means)


def adapted_means(background: Mixture, rows: Floats) -> Floats:
    counts, sums = sufficient_stats(background, rows)
    return means_from_stats(background, counts, sums)


def load_background() -> Mixture:
    """The background model shipped inside the package (numbers only, no pickle)."""
    with resources.files("vertraag.voices").joinpath(BACKGROUND_FILE).open("rb") as handle:
        data = np.load(handle, allow_pickle=False)
        return Mixture(
            weights=np.asarray(data["weights"], dtype=np.float64),
            means=np.asarray(data["means"], dtype=np.float64),
            variances=np.asarray(data["variances"], dtype=np.float64),
        )
