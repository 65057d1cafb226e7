"""The classifier FaceQuest trains: what it is, and how it is fitted.

One scikit-learn pipeline over the full feature vector, exportable to ONNX by skl2onnx:
standardise -> PCA (whitened) of the face-shape block, the other features passed through ->
standardise -> a soft vote of a few one-hidden-layer MLPs that differ only in their random
start (a large L2 penalty keeps each small; averaging them removes most of the seed-to-seed
noise).

Training data is doubled with left-right mirrored faces (`game.vision.features.
mirror_features`): an expression is the same expression flipped, and the mirrored copies
halve the model's appetite for one-sided quirks of the few subjects it sees.

Spec 3 adds the HOG descriptor of the aligned face crop: a second model, a standardised
L2-penalised logistic regression over the HOG columns only, is fused with the landmark vote
by averaging the two models' log-probabilities (a normalised geometric mean,
`FusedClassifier`). The landmark model reads only the landmark columns, so it is the same
model as before. On the same subject-wise folds the fusion raised the children's raw
accuracy 0.745 -> 0.779 and the lowest one-vs-rest AUC 0.928 -> 0.936 (experiment with
skimage's HOG; the shipped CV figures are in models/MODEL_CARD.md).

Spec 4 adds a third model, a logistic regression over the embedding of a pretrained
face-expression network (`game.vision.face_net`), and fuses the three with equal weights
(no weight was tuned: equal is the prior choice for three independent views of the face).
On the same folds, landmarks + HOG(128 crop) + embedding reached 0.815 / 0.712 (children /
adults) against 0.788 / 0.699 for spec 3's pair; the embedding alone 0.734 / 0.617. The
mirrored rows' embedding is the network's embedding of the flipped patch (carried in the
`emb_mirror_` columns, which the model never reads otherwise).

Chosen by subject-wise CV on the dev sets (see models/MODEL_CARD.md, "what was tried"): a
class-balanced logistic regression over all 1,558 spec-2 features, alone or in the vote, scored
lower than the MLP vote on the children's set and took 15x longer to fit.
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

from game.vision.features import (
    FEATURE_NAMES,
    LANDMARK_FEATURE_NAMES,
    SHAPE_NAMES,
    block_columns,
    mirror_features,
)
from game.vision.model import fuse_log_mean

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
    hog_c: float = 0.0003
    embedding_c: float = 0.003
    # a logistic regression over the mouth crop's HOG (feature spec 6) joins the models of
    # these inputs ("raw" and "delta": both models): in the calibrated model children's
    # calibrated mean hit rate 0.829 -> 0.851, adults calibrated 0.744 -> 0.756 on
    # subject-wise CV; in the raw model (2026-12-07, 3 subject-wise folds through the game's
    # chain, three sets with the copies) children's closed-mouth angry hit rate 0.62 -> 0.69,
    # confident wrong 0.117 -> 0.102, adults' accuracy 0.679 -> 0.674 (in the two-set
    # search without the copies it had cost the adults 0.708 -> 0.69; models/MODEL_CARD.md)
    mouth_c: float = 0.001
    mouth_inputs: tuple[str, ...] = ("raw", "delta")
    augmentations: tuple[str, ...] = ("eyewear", "roll", "light", "lowres")
    # augmentations of which every training image gets one more copy, beside the one drawn
    # among `augmentations` (e.g. "eyewear_varied": each image also wears varied glasses)
    extra_copies: tuple[str, ...] = ()
    n_jobs: int = 1  # processes fitting the MLPs of the vote (the same models either way)
    # the calibrated model's probabilities are fused with the raw model's (log-mean): on
    # subject-wise CV, children 0.800 -> 0.806, adults 0.723 -> 0.744 (models/MODEL_CARD.md)
    calibrated_fuses_raw: bool = True

    def describe(self) -> str:
        return (
            "equal-weight fusion (log-probabilities averaged) of "
            + _members_word(self.mouth_inputs)
            + ": a soft vote of "
            + f"{self.members} MLPs ({self.mlp_hidden} hidden units, alpha={self.mlp_alpha}, "
            f"seeds {self.seed}-{self.seed + self.members - 1}) over the standardised landmark "
            f"features with the face shape reduced to {self.shape_components} whitened PCA "
            f"components; a logistic regression (C={self.hog_c}) over the standardised HOG of "
            f"the aligned face; a logistic regression (C={self.embedding_c}) over the "
            f"standardised face-network embedding; "
            + (
                f"in the {' and '.join(_INPUT_WORDS[k] for k in self.mouth_inputs)} model "
                f"also a logistic regression (C={self.mouth_c}) over the standardised HOG of "
                f"the mouth crop (the mouth at twice the face crop's scale); "
                if self.mouth_inputs
                else ""
            )
            + f"{'with' if self.mirror else 'without'} left-right mirror augmentation; "
            + (
                f"plus one webcam-condition copy of every training image, its augmentation "
                f"drawn among {', '.join(self.augmentations)} (game.training.augment)"
                if self.augmentations
                else "no webcam-condition copies"
            )
            + (
                f"; and one more copy of every training image per {', '.join(self.extra_copies)}"
                if self.extra_copies
                else ""
            )
            + (
                "; a calibrated child is scored by the calibrated (delta) model fused with the "
                "raw one (log-probabilities averaged)"
                if self.calibrated_fuses_raw
                else ""
            )
        )


def _members_word(mouth_inputs: tuple[str, ...]) -> str:
    """How many models each of the raw and calibrated models fuses."""
    if set(INPUT_KINDS) <= set(mouth_inputs):
        return "four models"
    if not mouth_inputs:
        return "three models"
    kinds = " and ".join(_INPUT_WORDS[k] for k in mouth_inputs)
    return f"three models (four in the {kinds} model)"


VARIED_GLASSES_MODES = ("instead", "extra")


def with_varied_glasses(recipe: Recipe, how: str) -> Recipe:
    """`recipe` whose glasses copies wear the varied training family ("eyewear_varied",
    `game.training.augment.varied_glasses`) and never the measured styles: `how` "instead"
    draws it as the image's one copy where the recipe drew "eyewear"; "extra" also gives
    every training image one more copy wearing it. Raises ValueError for another `how`."""
    if how not in VARIED_GLASSES_MODES:
        raise ValueError(f"varied glasses go {' or '.join(VARIED_GLASSES_MODES)}, not {how!r}")
    return replace(
        recipe,
        augmentations=tuple(dict.fromkeys(
            "eyewear_varied" if a == "eyewear" else a for a in recipe.augmentations)),
        extra_copies=tuple(dict.fromkeys(
            (*recipe.extra_copies, "eyewear_varied") if how == "extra" else recipe.extra_copies)),
    )


MEMBERS = ("landmarks", "hog", "embedding")
INPUT_KINDS = ("raw", "delta")
_INPUT_WORDS = {"raw": "raw", "delta": "calibrated (delta)"}


class FusedClassifier:
    """Fitted classifiers over the same full feature vector, fused by an equal-weight log-mean.

    Each member reads its own block of columns (a ColumnTransformer selects them):
    probabilities are softmax(mean_k log p_k), a normalised geometric mean.
    """

    def __init__(self, members: dict[str, Pipeline]) -> None:
        if not members:
            raise ValueError("a fusion needs at least one model")
        first = next(iter(members.values()))
        if any(list(m.classes_) != list(first.classes_) for m in members.values()):
            raise ValueError("the fused models must share their classes")
        self.members = dict(members)
        self.classes_ = first.classes_

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return fuse_probabilities([m.predict_proba(features) for m in self.members.values()])

    def predict(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(np.asarray(self.classes_)[self.predict_proba(features).argmax(axis=1)])


def fuse_probabilities(probabilities: list[np.ndarray]) -> np.ndarray:
    """softmax(mean_k log p_k), row by row (`game.vision.model.fuse_log_mean`: the game fuses
    a calibrated model with its raw twin the same way)."""
    return fuse_log_mean(probabilities)


def build_classifier(recipe: Recipe, n_features: int = len(LANDMARK_FEATURE_NAMES)) -> Pipeline:
    """The unfitted landmark classifier: it reads the first `n_features` columns (laid out as
    `LANDMARK_FEATURE_NAMES`) and ignores any after them (the appearance ones)."""
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
            (
                "vote",
                VotingClassifier(
                    mlps, voting="soft", flatten_transform=False, n_jobs=recipe.n_jobs
                ),
            ),
        ]
    )


def build_block_classifier(block: str, c: float) -> Pipeline:
    """The unfitted logistic regression over one block of `FEATURE_NAMES` ("hog",
    "embedding" or "mouth"), standardised."""
    columns = list(block_columns(block))
    return Pipeline(
        [
            ("columns", ColumnTransformer([(block, StandardScaler(), columns)])),
            ("logistic", LogisticRegression(C=c, max_iter=3000)),
        ]
    )


def augment(
    features: np.ndarray, labels: np.ndarray, recipe: Recipe
) -> tuple[np.ndarray, np.ndarray]:
    """The training rows, with their mirrored copies appended when the recipe says so."""
    if not recipe.mirror:
        return features, labels
    return np.vstack([features, mirror_features(features)]), np.concatenate([labels, labels])


def fit(
    features: np.ndarray,
    labels: np.ndarray,
    recipe: Recipe,
    copies: tuple[np.ndarray, np.ndarray] | None = None,
    input_kind: str = "raw",
) -> FusedClassifier:
    """Fit the recipe's classifier on (N, F) features (`FEATURE_NAMES`) and N class labels.

    `input_kind`: "raw" features or "delta" (features minus the subject's neutral); the
    mouth member joins when the recipe's `mouth_inputs` names it.

    `copies`: (M, F) features and M labels of augmented training copies (`game.training.
    augment`), appended after the mirror augmentation (a copy is mirrored, or not, when it
    is picked: `game.training.cv.pick_copies`).
    """
    x, y = augment(np.asarray(features, np.float32), np.asarray(labels), recipe)
    if copies is not None and len(copies[1]):
        x = np.vstack([x, np.asarray(copies[0], np.float32)])
        y = np.concatenate([y, np.asarray(copies[1])])
    components = min(recipe.shape_components, len(x) - 1, len(SHAPE_NAMES))
    if components != recipe.shape_components:
        logger.info("only %d training rows: PCA keeps %d components", len(x), components)
        recipe = replace(recipe, shape_components=components)
    if x.shape[1] != len(FEATURE_NAMES):
        raise ValueError(f"expected {len(FEATURE_NAMES)} feature columns, got {x.shape[1]}")
    if input_kind not in INPUT_KINDS:
        raise ValueError(f"input_kind must be one of {INPUT_KINDS}, not {input_kind!r}")
    members = {
        "landmarks": build_classifier(recipe, len(LANDMARK_FEATURE_NAMES)),
        "hog": build_block_classifier("hog", recipe.hog_c),
        "embedding": build_block_classifier("embedding", recipe.embedding_c),
    }
    if input_kind in recipe.mouth_inputs:
        members["mouth"] = build_block_classifier("mouth", recipe.mouth_c)
    for name, member in members.items():
        logger.debug("fitting the %s model", name)
        member.fit(x, y)
    return FusedClassifier(members)
