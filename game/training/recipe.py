"""The classifier FaceQuest trains: what it is, and how it is fitted.

One scikit-learn pipeline over the full feature vector, exportable to ONNX by skl2onnx:
standardise -> PCA (whitened) of the face-shape block, the other features passed through ->
standardise -> a soft vote of a few one-hidden-layer MLPs that differ only in their random
start (a large L2 penalty keeps each small; averaging them removes most of the seed-to-seed
noise).

Training data is doubled with left-right mirrored faces (`game.vision.features.
mirror_features`): an expression is the same expression flipped, and the mirrored copies
halve the model's appetite for one-sided quirks of the few subjects it sees.

Chosen by subject-wise CV on the dev sets (see models/MODEL_CARD.md, "what was tried"): a
class-balanced logistic regression over all 1,558 features, alone or in the vote, scored
lower than the MLP vote on the children's set and took 15x longer to fit.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import VotingClassifier
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from game.vision.features import FEATURE_NAMES, SHAPE_NAMES, mirror_features

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Recipe:
    """The knobs of the classifier (defaults: the values chosen by subject-wise CV)."""

    members: int = 5
    mlp_hidden: int = 64
    mlp_alpha: float = 3.0
    shape_components: int = 60
    mirror: bool = True
    seed: int = 0

    def describe(self) -> str:
        return (
            f"soft vote of {self.members} MLPs ({self.mlp_hidden} hidden units, "
            f"alpha={self.mlp_alpha}, seeds {self.seed}-{self.seed + self.members - 1}) over "
            f"standardised features with the face shape reduced to {self.shape_components} "
            f"whitened PCA components; {'with' if self.mirror else 'without'} left-right "
            "mirror augmentation"
        )


def build_classifier(recipe: Recipe, n_features: int = len(FEATURE_NAMES)) -> Pipeline:
    """An unfitted classifier for `n_features` inputs laid out as `FEATURE_NAMES`."""
    first_shape = n_features - len(SHAPE_NAMES)
    if first_shape < 0:
        raise ValueError(f"{n_features} features cannot hold the {len(SHAPE_NAMES)} shape ones")
    if recipe.members < 1:
        raise ValueError("a recipe needs at least one MLP")
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
    mlps = [
        (
            f"mlp{i}",
            MLPClassifier(
                (recipe.mlp_hidden,),
                alpha=recipe.mlp_alpha,
                max_iter=1000,
                random_state=recipe.seed + i,
            ),
        )
        for i in range(recipe.members)
    ]
    return Pipeline(
        [
            ("columns", columns),
            ("scale", StandardScaler()),
            ("vote", VotingClassifier(mlps, voting="soft", flatten_transform=False)),
        ]
    )


def augment(
    features: np.ndarray, labels: np.ndarray, recipe: Recipe
) -> tuple[np.ndarray, np.ndarray]:
    """The training rows, with their mirrored copies appended when the recipe says so."""
    if not recipe.mirror:
        return features, labels
    return np.vstack([features, mirror_features(features)]), np.concatenate([labels, labels])


def fit(features: np.ndarray, labels: np.ndarray, recipe: Recipe) -> Pipeline:
    """Fit the recipe's classifier on (N, F) features and N integer class labels."""
    x, y = augment(np.asarray(features, np.float32), np.asarray(labels), recipe)
    components = min(recipe.shape_components, len(x) - 1, len(SHAPE_NAMES))
    if components != recipe.shape_components:
        logger.info("only %d training rows: PCA keeps %d components", len(x), components)
        recipe = replace(recipe, shape_components=components)
    model = build_classifier(recipe, x.shape[1])
    model.fit(x, y)
    return model
