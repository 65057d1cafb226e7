"""The classifier FaceQuest trains: what it is, and how it is fitted.

A soft-voting ensemble of two scikit-learn pipelines over the full feature vector, both
exportable to ONNX by skl2onnx:

- standardise -> class-balanced logistic regression, strongly regularised (C=0.05): the
  1,558 features outnumber the training faces, and the linear model is the steadiest;
- standardise -> PCA (whitened) of the face-shape block, the other features passed through
  -> standardise -> one-hidden-layer MLP with a large L2 penalty.

Training data is doubled with left-right mirrored faces (`game.vision.features.
mirror_features`): an expression is the same expression flipped, and the mirrored copies
halve the model's appetite for one-sided quirks of the few subjects it sees.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import VotingClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from game.vision.features import FEATURE_NAMES, SHAPE_NAMES, mirror_features

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Recipe:
    """The knobs of the classifier (defaults: the values chosen by subject-wise CV)."""

    logistic_c: float = 0.05
    mlp_hidden: int = 64
    mlp_alpha: float = 3.0
    shape_components: int = 60
    mirror: bool = True
    seed: int = 0

    def describe(self) -> str:
        return (
            f"soft vote of logistic regression (C={self.logistic_c}, class-balanced) and an "
            f"MLP ({self.mlp_hidden} hidden, alpha={self.mlp_alpha}) over "
            f"PCA-{self.shape_components} of the face shape + the other features; "
            "standardised inputs; "
            f"{'with' if self.mirror else 'without'} mirror augmentation"
        )


def build_classifier(recipe: Recipe, n_features: int = len(FEATURE_NAMES)) -> VotingClassifier:
    """An unfitted classifier for `n_features` inputs laid out as `FEATURE_NAMES`."""
    first_shape = n_features - len(SHAPE_NAMES)
    if first_shape < 0:
        raise ValueError(f"{n_features} features cannot hold the {len(SHAPE_NAMES)} shape ones")
    logistic = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "logistic",
                LogisticRegression(C=recipe.logistic_c, class_weight="balanced", max_iter=3000),
            ),
        ]
    )
    columns = ColumnTransformer(
        [
            ("other", StandardScaler(), list(range(first_shape))),
            (
                "shape",
                Pipeline(
                    [
                        ("scale", StandardScaler()),
                        (
                            "pca",
                            PCA(recipe.shape_components, whiten=True, random_state=recipe.seed),
                        ),
                    ]
                ),
                list(range(first_shape, n_features)),
            ),
        ]
    )
    mlp = Pipeline(
        [
            ("columns", columns),
            ("scale", StandardScaler()),
            (
                "mlp",
                MLPClassifier(
                    (recipe.mlp_hidden,),
                    alpha=recipe.mlp_alpha,
                    max_iter=1000,
                    random_state=recipe.seed,
                ),
            ),
        ]
    )
    return VotingClassifier(
        [("logistic", logistic), ("mlp", mlp)], voting="soft", flatten_transform=False
    )


def augment(
    features: np.ndarray, labels: np.ndarray, recipe: Recipe
) -> tuple[np.ndarray, np.ndarray]:
    """The training rows, with their mirrored copies appended when the recipe says so."""
    if not recipe.mirror:
        return features, labels
    return np.vstack([features, mirror_features(features)]), np.concatenate([labels, labels])


def fit(features: np.ndarray, labels: np.ndarray, recipe: Recipe) -> VotingClassifier:
    """Fit the recipe's classifier on (N, F) features and N integer class labels."""
    x, y = augment(np.asarray(features, np.float32), np.asarray(labels), recipe)
    components = min(recipe.shape_components, len(x) - 1, len(SHAPE_NAMES))
    if components != recipe.shape_components:
        logger.info("only %d training rows: PCA keeps %d components", len(x), components)
        recipe = replace(recipe, shape_components=components)
    model = build_classifier(recipe, x.shape[1])
    model.fit(x, y)
    return model
