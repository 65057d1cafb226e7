"""`facequest evaluate`: the shipped pipeline on every image of labelled folders.

Classification (accuracy, balanced accuracy, recall, confusion) comes from the model's
arg-max; verification comes from the game's own target score
(`game.vision.scoring.score_target` over the model's probabilities and `check_actions`):
for each expression, the ROC AUC of its target score one-vs-rest and the hit rate (share of
its images scoring at least the threshold).

Raw mode scores against the population's neutral (what the game does before calibration).
Calibrated mode gives each subject a `NeutralBaseline` made of that subject's neutral
images (for a neutral image: the subject's *other* neutral images) and uses a "delta"
model; subjects without a neutral image are counted separately.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from game.expressions import Expression
from game.training.dataset import load_folders
from game.training.feature_cache import extract
from game.training.metrics import roc_auc, summarise
from game.vision.calibration import NeutralBaseline
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
from game.vision.model import ExpressionModel, ModelError, fuse_log_mean
from game.vision.pipeline import raw_companion_path
from game.vision.records import FeatureVector
from game.vision.score_map import ScoreMap
from game.vision.scoring import check_actions, score_target

logger = logging.getLogger(__name__)

DEFAULT_THRESHOLD = 0.6  # the level schema's default target-score threshold


class EvaluationError(ValueError):
    """The model and the requested mode do not fit (e.g. a raw model for --calibrated)."""


def feature_vector(values: np.ndarray) -> FeatureVector:
    return FeatureVector(np.asarray(values, np.float32), FEATURE_NAMES, FEATURE_SPEC_VERSION)


def subject_baselines(
    features: np.ndarray, labels: tuple[str, ...], subjects: tuple[str, ...]
) -> tuple[dict[int, NeutralBaseline], tuple[str, ...]]:
    """Row -> the baseline to score it against; and the subjects without a neutral image."""
    baselines: dict[int, NeutralBaseline] = {}
    without: list[str] = []
    labels_a = np.asarray(labels)
    subjects_a = np.asarray(subjects)
    for subject in dict.fromkeys(subjects):
        rows = np.flatnonzero(subjects_a == subject)
        neutral = rows[labels_a[rows] == Expression.NEUTRAL.value]
        if len(neutral) == 0:
            without.append(subject)
            continue
        shared = NeutralBaseline.from_vectors([feature_vector(features[i]) for i in neutral])
        for row in rows:
            if labels_a[row] != Expression.NEUTRAL.value:
                baselines[int(row)] = shared
            elif len(neutral) > 1:
                others = [feature_vector(features[i]) for i in neutral if i != row]
                baselines[int(row)] = NeutralBaseline.from_vectors(others)
    return baselines, tuple(without)


def verification(
    labels: list[str],
    probabilities: np.ndarray,
    classes: tuple[Expression, ...],
    vectors: list[FeatureVector],
    baselines: list[NeutralBaseline | None],
    threshold: float,
    score_map: ScoreMap | None = None,
) -> tuple[dict[str, float], dict[str, float], dict[str, float]]:
    """Per target: ROC AUC of the target score, hit rate and false-alarm rate at threshold.

    `score_map`: the scored model's fitted map (None: the default map)."""
    truth = np.asarray(labels)
    auc: dict[str, float] = {}
    hits: dict[str, float] = {}
    false_alarms: dict[str, float] = {}
    for target in Expression:
        if not (truth == target.value).any():
            continue
        scores = np.array(
            [
                score_target(
                    dict(zip(classes, row.tolist(), strict=True)),
                    check_actions(vector, baseline, target),
                    target,
                    score_map,
                )
                for row, vector, baseline in zip(probabilities, vectors, baselines, strict=True)
            ]
        )
        positive = truth == target.value
        value = roc_auc(positive, scores)
        if value is not None:
            auc[target.value] = value
        hits[target.value] = float((scores[positive] >= threshold).mean())
        if (~positive).any():
            false_alarms[target.value] = float((scores[~positive] >= threshold).mean())
    return auc, hits, false_alarms


def _fused_with_raw_twin(
    model: ExpressionModel, probabilities: np.ndarray, raw_features: np.ndarray
) -> np.ndarray:
    """`probabilities` of a delta model marked `fuse_with_raw`, fused with its raw twin's.

    Raises:
        EvaluationError: the raw twin is missing or does not fit.
    """
    twin_path = raw_companion_path(model.path)
    try:
        twin = ExpressionModel.load(twin_path)
    except ModelError as exc:
        raise EvaluationError(
            f"{model.path} is scored together with its raw model, which cannot be used: {exc}"
        ) from None
    if twin.input_kind != "raw" or set(twin.classes) != set(model.classes):
        raise EvaluationError(f"{twin_path} is not the raw model of {model.path}")
    columns = [twin.classes.index(c) for c in model.classes]
    return fuse_log_mean([probabilities, twin.predict(raw_features)[:, columns]])


def evaluate(
    data_dirs: list[Path],
    model_path: Path,
    calibrated: bool = False,
    threshold: float = DEFAULT_THRESHOLD,
    cache_dir: Path | None = None,
    progress: bool | None = None,
) -> dict[str, Any]:
    """The evaluation report (JSON-ready dict; shape in the module docstring of metrics)."""
    model = ExpressionModel.load(model_path)
    wanted = "delta" if calibrated else "raw"
    if model.input_kind != wanted:
        raise EvaluationError(
            f"{model_path} takes {model.input_kind!r} features but "
            f"{'--calibrated' if calibrated else 'raw evaluation'} needs a {wanted!r} model"
        )
    data = extract(load_folders(data_dirs), cache_dir=cache_dir, progress=progress)
    rows = list(range(len(data)))
    baselines: list[NeutralBaseline | None] = [None] * len(data)
    report_extra: dict[str, Any] = {}
    if calibrated:
        by_row, without = subject_baselines(data.features, data.labels, data.subjects)
        rows = sorted(by_row)
        baselines = [by_row[i] for i in rows]
        report_extra["uncalibrated"] = {
            "subjects_without_neutral": len(without),
            "images": len(data) - len(rows),
        }
    if not rows:
        raise EvaluationError("no image could be scored (no face found, or no neutral images)")
    features = data.features[rows]
    if calibrated:
        features = features - np.stack(
            [b.values_for(FEATURE_NAMES) for b in baselines if b is not None]
        )
    probabilities = model.predict(features)
    if model.fuse_with_raw:  # scored as the game scores a calibrated child
        probabilities = _fused_with_raw_twin(model, probabilities, data.features[rows])
    labels = [data.labels[i] for i in rows]
    class_names = tuple(c.value for c in model.classes)
    report = summarise(labels, probabilities, class_names)
    report["model_auc"] = report.pop("auc")
    vectors = [feature_vector(data.features[i]) for i in rows]
    auc, hits, false_alarms = verification(
        labels,
        probabilities,
        model.classes,
        vectors,
        baselines,
        threshold,
        ScoreMap.for_model(model_path),
    )
    ordered: dict[str, Any] = {
        "n": report["n"],
        "accuracy": report["accuracy"],
        "balanced_accuracy": report["balanced_accuracy"],
        "recall": report["recall"],
        "auc": auc,
        "confusion": report["confusion"],
        "missed_faces": len(data.missed),
        "hit_rate": hits,
        "false_alarm_rate": false_alarms,
        "threshold": threshold,
        "model_auc": report["model_auc"],
        "model": str(model_path),
        "mode": "calibrated" if calibrated else "raw",
        "fused_with": str(raw_companion_path(model.path)) if model.fuse_with_raw else None,
        "trained_on_these_sets": sets_trained_on(model.trained_on, data.datasets),
    }
    ordered.update(report_extra)
    sets = list(dict.fromkeys(data.datasets[i] for i in rows))
    if len(sets) > 1:
        ordered["datasets"] = {}
        for name in sets:
            mask = np.array([data.datasets[i] == name for i in rows])
            picked = np.flatnonzero(mask)
            part_labels = [labels[i] for i in picked]
            part = summarise(part_labels, probabilities[mask], class_names)
            part_auc, part_hits, part_false = verification(
                part_labels,
                probabilities[mask],
                model.classes,
                [vectors[i] for i in picked],
                [baselines[i] for i in picked],
                threshold,
                ScoreMap.for_model(model_path),
            )
            ordered["datasets"][name] = {
                **{k: part[k] for k in ("n", "accuracy", "balanced_accuracy", "recall")},
                "auc": part_auc,
                "hit_rate": part_hits,
                "false_alarm_rate": part_false,
                "confusion": part["confusion"],
            }
    return ordered


def sets_trained_on(trained_on: str, datasets: Sequence[str]) -> list[str]:
    """The data-set names of `datasets` that the model's `trained_on` metadata names ("name:
    N images, ..." parts joined by "; ", as `facequest train` writes it): figures on those
    faces flatter the model, which learnt them."""
    named = {part.split(":", 1)[0].strip() for part in trained_on.split(";") if ":" in part}
    return [name for name in dict.fromkeys(datasets) if name in named]


def plot_confusion(report: dict[str, Any], path: Path) -> Path:
    """Save the confusion matrix (row-normalised colours, counts written) as PNG or SVG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = report["confusion"]["labels"]
    matrix = np.asarray(report["confusion"]["matrix"], dtype=float)
    shares = matrix / np.maximum(matrix.sum(axis=1, keepdims=True), 1)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(shares, cmap="Blues", vmin=0, vmax=1)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
    ax.set_yticks(range(len(labels)), labels)
    ax.set_xlabel("predicted")
    ax.set_ylabel("posed label")
    for i in range(len(labels)):
        for j in range(len(labels)):
            colour = "white" if shares[i, j] > 0.5 else "black"
            ax.text(j, i, str(int(matrix[i, j])), ha="center", va="center", color=colour)
    ax.set_title(
        f"{report.get('mode', '')} accuracy {report['accuracy']:.2f}, "
        f"balanced {report['balanced_accuracy']:.2f} (n={report['n']})"
    )
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path
