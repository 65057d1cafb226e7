"""`facequest train`: features -> subject-wise CV -> final models -> ONNX files + model card.

Two models are made from the same data: the raw model (`--out`, loaded by the game before
and without calibration) and the calibrated model (same name + `_calibrated`, metadata
"facequest.input" = "delta"), trained on features minus each subject's own neutral, which is
what the game can use once a child's neutral face is recorded.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.training.cv import class_order, cross_validate, neutral_deltas
from game.training.dataset import load_folders
from game.training.export import export_onnx
from game.training.feature_cache import ExtractedSet, extract
from game.training.model_card import write_model_card
from game.training.recipe import Recipe, fit

logger = logging.getLogger(__name__)


def calibrated_path(raw_path: Path) -> Path:
    """Where the calibrated ("delta") model goes beside the raw one."""
    return raw_path.with_name(f"{raw_path.stem}_calibrated{raw_path.suffix}")


@dataclass(frozen=True, slots=True)
class TrainingResult:
    raw_model: Path
    calibrated_model: Path | None
    card: Path | None
    cv: dict[str, Any] | None
    n_images: int


def summary_text(data: ExtractedSet) -> str:
    """One line describing the training data (stored in the model's metadata)."""
    parts = []
    for name in dict.fromkeys(data.datasets):
        mask = [d == name for d in data.datasets]
        subjects = {s for s, m in zip(data.subjects, mask, strict=True) if m}
        parts.append(f"{name}: {sum(mask)} images, {len(subjects)} subjects")
    counts = Counter(data.labels)
    per_label = ", ".join(f"{e} {counts[e]}" for e in class_order(data.labels))
    return "; ".join(parts) + f" (per label: {per_label})"


def train(
    data_dirs: list[Path],
    out: Path,
    recipe: Recipe | None = None,
    cache_dir: Path | None = None,
    folds: int = 5,
    card: Path | None = None,
    calibrated: bool = True,
    progress: bool | None = None,
) -> TrainingResult:
    """Train and export the models; run subject-wise CV first when `folds` > 1.

    `card` is the model card to write (None: no card).
    """
    recipe = recipe or Recipe()
    items = load_folders(data_dirs)
    data = extract(items, cache_dir=cache_dir, progress=progress)
    if len(data) == 0:
        raise ValueError("no face was found in any training image")
    classes = class_order(data.labels)
    trained_on = summary_text(data)
    cv = None
    if folds > 1:
        logger.info("subject-wise %d-fold cross-validation ...", folds)
        cv = cross_validate(data.features, data.labels, data.subjects, data.datasets, recipe, folds)
    y = np.array([classes.index(label) for label in data.labels])
    raw = fit(data.features, y, recipe)
    export_onnx(raw, out, classes, "raw", trained_on)
    cal_path = None
    if calibrated:
        deltas = neutral_deltas(data.features, data.labels, data.subjects)
        if len(deltas.rows):
            labels = [data.labels[i] for i in deltas.rows]
            cal_classes = class_order(labels)
            yd = np.array([cal_classes.index(label) for label in labels])
            delta_model = fit(deltas.values, yd, recipe)
            cal_path = export_onnx(
                delta_model,
                calibrated_path(out),
                cal_classes,
                "delta",
                trained_on + "; features minus each subject's neutral median",
            )
        else:
            logger.warning("no subject has a neutral image: no calibrated model")
    if card is not None:
        write_model_card(
            card,
            raw_model=out,
            calibrated_model=cal_path,
            data=data,
            trained_on=trained_on,
            recipe=recipe,
            cv=cv,
            data_dirs=data_dirs,
        )
    return TrainingResult(out, cal_path, card, cv, len(data))
