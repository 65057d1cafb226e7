"""Classification and verification figures, in the JSON shape `facequest evaluate` prints.

`{"n", "accuracy", "balanced_accuracy", "recall": {label: r}, "auc": {label: a},
"confusion": {"labels": [...], "matrix": [[...]]}}` (rows: true label, columns: predicted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np


def roc_auc(positive: np.ndarray, score: np.ndarray) -> float | None:
    """Area under the ROC curve of `score` for the boolean `positive` (ties count half);
    None when one side is empty."""
    positive = np.asarray(positive, bool)
    score = np.asarray(score, np.float64)
    n_pos, n_neg = int(positive.sum()), int((~positive).sum())
    if n_pos == 0 or n_neg == 0:
        return None
    order = np.argsort(score, kind="mergesort")
    ranks = np.empty(len(score))
    sorted_scores = score[order]
    # average ranks over ties
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    for start, count in zip(first, counts, strict=True):
        ranks[order[start : start + count]] = start + (count + 1) / 2
    return float((ranks[positive].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def classification_summary(
    true: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, Any]:
    """n, accuracy, balanced accuracy (mean recall over labels present), recall, confusion."""
    labels = list(labels)
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for t, p in zip(true, predicted, strict=True):
        matrix[index[t], index[p]] += 1
    support = matrix.sum(axis=1)
    recall = {
        label: float(matrix[i, i] / support[i]) for i, label in enumerate(labels) if support[i]
    }
    n = int(matrix.sum())
    return {
        "n": n,
        "accuracy": float(np.trace(matrix) / n) if n else 0.0,
        "balanced_accuracy": float(np.mean(list(recall.values()))) if recall else 0.0,
        "recall": recall,
        "confusion": {"labels": labels, "matrix": matrix.tolist()},
    }


def summarise(
    true: Sequence[str], probabilities: np.ndarray, classes: Sequence[str]
) -> dict[str, Any]:
    """`classification_summary` of the arg-max class plus one-vs-rest AUC of each column."""
    probabilities = np.asarray(probabilities, np.float64)
    classes = list(classes)
    predicted = [classes[i] for i in probabilities.argmax(axis=1)]
    labels = classes + sorted({t for t in true} - set(classes))
    summary = classification_summary(true, predicted, labels)
    truth = np.asarray(true)
    summary["auc"] = {
        label: auc
        for k, label in enumerate(classes)
        if (auc := roc_auc(truth == label, probabilities[:, k])) is not None
    }
    return summary


def confusion_text(summary: dict[str, Any]) -> str:
    """The confusion matrix as aligned text (rows true, columns predicted)."""
    labels = summary["confusion"]["labels"]
    matrix = summary["confusion"]["matrix"]
    short = [label[:5] for label in labels]
    width = max(5, *(len(str(v)) for row in matrix for v in row))
    head = "true\\pred  " + " ".join(f"{s:>{width}}" for s in short)
    lines = [head]
    for label, row in zip(labels, matrix, strict=True):
        lines.append(f"{label:<10} " + " ".join(f"{v:>{width}}" for v in row))
    return "\n".join(lines)
