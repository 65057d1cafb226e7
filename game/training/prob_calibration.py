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
- `confidence_frontier`: what no single temperature can do. A temperature moves every
  top-class probability at once, so it trades the share of confident wrong readings against
  the calibration error; the frontier gives both for a grid of extra temperatures applied
  on top of the fitted one, and the lowest confident-wrong share any of them reaches while
  the ECE stays within a limit. When that lowest share is over the target, no single
  temperature of the grid meets both (the lowest is picked on the very readings it is
  measured on, so it flatters the temperature, not the model).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.optimize import minimize_scalar

from game.vision.score_map import LOG_FLOOR, temper_array

ECE_BINS = 15
T_BOUNDS = (0.05, 20.0)
# Extra temperatures the frontier tries on top of the fitted one (1.0: as fitted):
# sharper (< 1) to softer (> 1).
FRONTIER_FACTORS = tuple(round(0.5 + 0.05 * i, 2) for i in range(51))  # 0.5 ... 3.0
FRONTIER_ECE_LIMIT = 0.05  # issue 22's line: ECE <= 0.05 ...
CONFIDENT = 0.6  # a top-class probability at least this high is a confident reading


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


@dataclass(frozen=True, slots=True)
class FrontierPoint:
    """One extra temperature `factor` (on top of the fitted one) and what it gives: the ECE
    of the readings and the share of confident wrong readings."""

    factor: float
    ece: float
    confident_wrong: float


@dataclass(frozen=True, slots=True)
class ConfidenceFrontier:
    """`confidence_frontier`'s grid, and its point with the lowest confident-wrong share
    among those whose ECE is within `ece_limit` (None when none is)."""

    points: tuple[FrontierPoint, ...]
    ece_limit: float
    lowest: FrontierPoint | None

    def as_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return {
            "ece_limit": self.ece_limit,
            "confident": CONFIDENT,
            "lowest_confident_wrong": None if self.lowest is None else asdict(self.lowest),
            "points": [asdict(p) for p in self.points],
        }


def confidence_frontier(
    probabilities: np.ndarray,
    truth: np.ndarray,
    counted: np.ndarray | None = None,
    total: int | None = None,
    factors: tuple[float, ...] = FRONTIER_FACTORS,
    ece_limit: float = FRONTIER_ECE_LIMIT,
) -> ConfidenceFrontier:
    """The ECE and confident-wrong share of (N, C) `probabilities` (class indices `truth`)
    after each extra temperature in `factors` (softmax(log p / factor); the top class never
    changes, so accuracy does not move either).

    The ECE is over all N rows (`ECE_BINS` bins). Confident wrong: rows in `counted` (a bool
    mask, default all: e.g. only the trusted readings) whose top class is wrong with
    probability >= `CONFIDENT`, over `total` (default N: e.g. every image measured,
    found or not), as `facequest robustness` and `evaluate` count it.
    Raises ValueError for no rows or mismatched shapes."""
    p = np.asarray(probabilities, np.float64)
    truth = np.asarray(truth)
    if p.ndim != 2 or len(p) == 0 or len(p) != len(truth):
        raise ValueError("probabilities must be (N, C), N >= 1, with one class index per row")
    mask = np.ones(len(p), bool) if counted is None else np.asarray(counted, bool)
    if mask.shape != (len(p),):
        raise ValueError("counted must hold one flag per row")
    denominator = len(p) if total is None else total
    if denominator < len(p):
        raise ValueError("total must count at least every row")
    wrong = mask & (p.argmax(axis=1) != truth)
    points = []
    for factor in factors:
        q = temper_array(p, factor)
        confident_wrong = float((wrong & (q.max(axis=1) >= CONFIDENT)).sum())
        points.append(FrontierPoint(float(factor), expected_calibration_error(q, truth),
                                    confident_wrong / denominator))
    within = [pt for pt in points if pt.ece <= ece_limit]
    lowest = min(within, key=lambda pt: (pt.confident_wrong, abs(pt.factor - 1.0)),
                 default=None)
    return ConfidenceFrontier(tuple(points), ece_limit, lowest)
