"""Metrics against hand-worked values."""

from __future__ import annotations

import numpy as np
import pytest

from game.training.metrics import classification_summary, confusion_text, roc_auc, summarise


def test_roc_auc_counts_pairs_and_ties() -> None:
    positive = np.array([True, True, False, False])
    assert roc_auc(positive, np.array([0.9, 0.8, 0.1, 0.2])) == 1.0
    assert roc_auc(positive, np.array([0.1, 0.2, 0.9, 0.8])) == 0.0
    # pairs (pos, neg): (0.5,0.5) tie -> 0.5, (0.5,0.1) -> 1, (0.3,0.5) -> 0, (0.3,0.1) -> 1
    assert roc_auc(positive, np.array([0.5, 0.3, 0.5, 0.1])) == pytest.approx(2.5 / 4)
    assert roc_auc(np.array([True, True]), np.array([0.1, 0.2])) is None


def test_summary_shape_and_values() -> None:
    true = ["happy", "happy", "sad", "neutral"]
    predicted = ["happy", "sad", "sad", "happy"]
    s = classification_summary(true, predicted, ["neutral", "happy", "sad"])
    assert s["n"] == 4
    assert s["accuracy"] == 0.5
    assert s["recall"] == {"neutral": 0.0, "happy": 0.5, "sad": 1.0}
    assert s["balanced_accuracy"] == pytest.approx(0.5)
    assert s["confusion"]["matrix"] == [[0, 1, 0], [0, 1, 1], [0, 0, 1]]
    assert "neutral" in confusion_text(s)


def test_summarise_adds_one_vs_rest_auc() -> None:
    probabilities = np.array([[0.8, 0.2], [0.3, 0.7], [0.6, 0.4]])
    s = summarise(["happy", "sad", "happy"], probabilities, ["happy", "sad"])
    assert s["auc"] == {"happy": 1.0, "sad": 1.0}
    assert s["accuracy"] == 1.0
