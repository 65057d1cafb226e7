"""Probability calibration, fitted and measured out of fold.

What "calibrated" means here is Guo, Pleiss, Sun & Weinberger 2017, "On Calibration of
Modern Neural Networks" (ICML): among the faces whose top class the model gives probability
p, about a share p is right.

- `expected_calibration_error`: ECE over `ECE_BINS` (15) equal-width bins of the top-class
  probability (Guo et al., eq. 3): sum over bins of |bin| / n * |accuracy - mean confidence|.
- `reliability`: the bins themselves (for the reliability diagram, `plot_reliability`).
- `fit_temperature`: one temperature T minimising the negative log-likelihood of
  softmax(log p / T) on out-of-fold probabilities (temperature scaling, Guo et al. section
  4.2); it never changes the top class. The game applies it through the model's scoring file
  (`game.vision.score_map.ScoreMap.temperature`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

from game.vision.score_map import LOG_FLOOR, temper_array

ECE_BINS = 15
T_BOUNDS = (0.05, 20.0)


@dataclass(frozen=True, slots=True)
class ReliabilityBin:
    """One equal-width confidence bin: (low, high], its faces, mean confidence, accuracy."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


def _top(probabilities: np.ndarray, truth: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    p = np.asarray(probabilities, np.float64)
    if p.ndim != 2 or len(p) != len(truth):
        raise ValueError("probabilities must be (N, C) with one class index per row")
    return p.max(axis=1), p.argmax(axis=1) == np.asarray(truth)


def reliability(
    probabilities: np.ndarray, truth: np.ndarray, bins: int = ECE_BINS
) -> list[ReliabilityBin]:
    """The `bins` equal-width bins of the top-class probability over (0, 1] (a confidence
    of exactly 0 joins the first bin), empty ones included (count 0, confidence and
    accuracy 0). `truth` holds each row's class index (columns of `probabilities`)."""
    confidence, correct = _top(probabilities, truth)
    edges = np.linspace(0.0, 1.0, bins + 1)
    index = np.clip(np.ceil(confidence * bins).astype(int) - 1, 0, bins - 1)
    out = []
    for b in range(bins):
        mask = index == b
        n = int(mask.sum())
        out.append(ReliabilityBin(
            float(edges[b]), float(edges[b + 1]), n,
            float(confidence[mask].mean()) if n else 0.0,
            float(correct[mask].mean()) if n else 0.0,
        ))
    return out


def expected_calibration_error(
    probabilities: np.ndarray, truth: np.ndarray, bins: int = ECE_BINS
) -> float:
    """ECE (Guo et al. 2017, eq. 3) of (N, C) probabilities against class indices `truth`."""
    table = reliability(probabilities, truth, bins)
    n = sum(b.count for b in table)
    if n == 0:
        raise ValueError("no faces to measure")
    return float(sum(b.count / n * abs(b.accuracy - b.confidence) for b in table))


def negative_log_likelihood(probabilities: np.ndarray, truth: np.ndarray) -> float:
    p = np.asarray(probabilities, np.float64)
    picked = p[np.arange(len(p)), np.asarray(truth)]
    return float(-np.log(np.clip(picked, LOG_FLOOR, 1.0)).mean())


def fit_temperature(probabilities: np.ndarray, truth: np.ndarray) -> float:
    """The temperature T (within `T_BOUNDS`) minimising the mean negative log-likelihood of
    softmax(log p / T) on (N, C) probabilities with true class indices `truth`. Fit it on
    out-of-fold probabilities (people the model did not train on), never on training faces."""
    if len(truth) == 0:
        raise ValueError("no faces to fit a temperature on")
    p = np.asarray(probabilities, np.float64)

    def loss(log_t: float) -> float:
        return negative_log_likelihood(temper_array(p, float(np.exp(log_t))), truth)

    found = minimize_scalar(loss, bounds=tuple(np.log(T_BOUNDS)), method="bounded",
                            options={"xatol": 1e-4})
    return float(np.exp(found.x))


def untemper(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """The probabilities before temperature scaling by `temperature` (its exact inverse)."""
    return temper_array(probabilities, 1.0 / temperature)


def plot_reliability(
    curves: dict[str, list[ReliabilityBin]], eces: dict[str, float], path: Path, title: str
) -> Path:
    """The reliability diagram (accuracy against mean confidence per bin, one line per
    curve, the diagonal, and each bin's share of faces as bars) saved as PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax, bar) = plt.subplots(
        2, 1, figsize=(5.5, 6.2), sharex=True, gridspec_kw={"height_ratios": [3, 1]}
    )
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfectly calibrated")
    width = 1.0 / max(len(next(iter(curves.values()))), 1)
    for k, (name, table) in enumerate(curves.items()):
        used = [b for b in table if b.count]
        ax.plot([b.confidence for b in used], [b.accuracy for b in used], marker="o",
                label=f"{name} (ECE {eces[name]:.3f})")
        n = sum(b.count for b in table)
        offset = (k - (len(curves) - 1) / 2) * width / len(curves)
        bar.bar([(b.low + b.high) / 2 + offset for b in table],
                [b.count / n for b in table], width=width / len(curves), label=name)
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_ylabel("accuracy of the top class")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    bar.set_xlabel(f"top-class probability ({ECE_BINS} equal-width bins)")
    bar.set_ylabel("share of faces")
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
