"""Small labelled folders built from a few real dataset images (no image is copied: the
labels.csv in tmp_path points at the shared dataset files by absolute path)."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression
from game.training.recipe import FusedClassifier, Recipe


def write_subset(source: Path, dest: Path, subjects: int, per_label: int = 1) -> Path:
    """A labels.csv in `dest` naming up to `per_label` images per (subject, label) for the
    first `subjects` subjects of `source` that pose every expression."""
    with (source / "labels.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    by_subject: dict[str, list[dict[str, str]]] = {}
    for row in rows:
        by_subject.setdefault(row["subject"], []).append(row)
    everything = {e.value for e in Expression}
    chosen = [s for s, r in by_subject.items() if {x["label"] for x in r} == everything]
    dest.mkdir(parents=True, exist_ok=True)
    with (dest / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["file", "label", "subject"])
        for subject in chosen[:subjects]:
            seen: dict[str, int] = {}
            for row in by_subject[subject]:
                if seen.get(row["label"], 0) < per_label:
                    seen[row["label"]] = seen.get(row["label"], 0) + 1
                    link = dest / row["file"]  # a link, never a copy of the image
                    if not link.exists():
                        link.parent.mkdir(parents=True, exist_ok=True)
                        link.symlink_to(source / row["file"])
                    writer.writerow([row["file"], row["label"], subject])
    return dest


@pytest.fixture(scope="session")
def tiny_adults(performers_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """3 performers x 7 expressions x 2 images = 42 real images."""
    return write_subset(performers_dir, tmp_path_factory.mktemp("tiny_adults"), 3, 2)


@pytest.fixture(scope="session")
def feature_cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("feature_cache")


@pytest.fixture(scope="session")
def tiny_children(children_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2 children x 7 expressions x 1 image = 14 real images."""
    return write_subset(children_dir, tmp_path_factory.mktemp("tiny_children"), 2, 1)


def _fit_key(
    features: np.ndarray,
    labels: np.ndarray,
    recipe: Recipe,
    copies: tuple[np.ndarray, np.ndarray] | None,
    input_kind: str,
) -> str:
    """A digest of everything `fit` reads: the same key means the same fitted model."""
    digest = hashlib.blake2b(digest_size=20)
    arrays = [np.asarray(features, np.float32), np.asarray(labels)]
    if copies is not None:
        arrays += [np.asarray(copies[0], np.float32), np.asarray(copies[1])]
    for array in arrays:
        digest.update(f"{array.dtype.str}{array.shape}".encode())
        digest.update(np.ascontiguousarray(array).tobytes())
    digest.update(f"{recipe!r}|{copies is None}|{input_kind}".encode())
    return digest.hexdigest()


@pytest.fixture(scope="session")
def _fitted_models() -> dict[str, FusedClassifier]:
    return {}


@pytest.fixture
def shared_fits(
    _fitted_models: dict[str, FusedClassifier], monkeypatch: pytest.MonkeyPatch
) -> dict[str, FusedClassifier]:
    """`game.training.recipe.fit`, fitted once per session for each distinct input.

    The fit is seeded, so fitting the same rows, labels, recipe, copies and input kind again
    gives the same model: the CV of `cross_validate`, `out_of_fold`, `score_fit.evidence` and
    `train` on the tiny sets repeat many of the same folds, and each fit of them takes
    seconds. Any different input (another fold, other rows, another recipe) is fitted for
    real. The models are only read (predict_proba, export), never changed, so sharing them
    leaks nothing between tests. Returns the cache (digest -> model)."""
    from game.training import cv, out_of_fold, train, transfer
    from game.training.recipe import fit

    def cached(
        features: np.ndarray,
        labels: np.ndarray,
        recipe: Recipe,
        copies: tuple[np.ndarray, np.ndarray] | None = None,
        input_kind: str = "raw",
    ) -> FusedClassifier:
        key = _fit_key(features, labels, recipe, copies, input_kind)
        if key not in _fitted_models:
            _fitted_models[key] = fit(features, labels, recipe, copies, input_kind)
        return _fitted_models[key]

    for module in (cv, out_of_fold, train, transfer):
        monkeypatch.setattr(module, "fit", cached)
    return _fitted_models
