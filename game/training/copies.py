"""The webcam-condition copies a training run adds to the photos (`augmented_copies`).

Shared by `train` and `out_of_fold` (which trains each fold's model with the shipped recipe),
so neither imports the other. `picked_copies` makes only the copy each image trains on, and
can leave an eyewear style out of the training copies (leave-one-style-out).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

from game.training.augment import (
    AUGMENTATIONS,
    EYEWEAR_STYLES,
    augmentation,
    extra_copy,
    eyewear_among,
)
from game.training.cv import Copies, make_copies
from game.training.feature_cache import ExtractedSet, extract_augmented
from game.training.recipe import Recipe

T = TypeVar("T")


def augmented_copies(
    data: ExtractedSet,
    recipe: Recipe,
    cache_dir: Path | None,
    progress: bool | None,
    scored: bool,
) -> Copies | None:
    """The webcam-condition copies of `data` (`game.training.augment`): the recipe's
    augmentations for training and, when `scored` (a CV will score them), every known
    augmentation, so the card shows each condition on held-out people. None when there is
    nothing to make."""
    kinds = [augmentation(name) for name in recipe.augmentations]
    if scored:
        kinds += [a for a in AUGMENTATIONS if a.name not in recipe.augmentations]
    if not kinds:
        return None
    aug = extract_augmented(data, kinds, seed=recipe.seed, cache_dir=cache_dir, progress=progress)
    made = make_copies(
        aug.features, aug.source, aug.augmentations, data.labels, data.subjects,
        data.datasets, recipe.augmentations, recipe.seed,
    )
    return _with_extra_copies(made, data, recipe, cache_dir, progress)


def _with_extra_copies(
    copies: Copies | None,
    data: ExtractedSet,
    recipe: Recipe,
    cache_dir: Path | None,
    progress: bool | None,
) -> Copies | None:
    """`copies` and, per name of `recipe.extra_copies`, one more training copy of every
    image (`augment.extra_copy`: its own seeded drawing, mirrored half of the time). Raises
    ValueError for an unknown augmentation."""
    if not recipe.extra_copies:
        return copies
    parts = [] if copies is None else [copies]
    for n, name in enumerate(recipe.extra_copies):
        aug = extra_copy(augmentation(name))
        made = extract_augmented(data, [aug], seed=recipe.seed, cache_dir=cache_dir,
                                 progress=progress)
        if len(made):
            parts.append(make_copies(
                made.features, made.source, made.augmentations, data.labels, data.subjects,
                data.datasets, (aug.name,), recipe.seed + 1 + n,
            ))
    if not parts:
        return None
    return Copies(
        np.vstack([p.features for p in parts]),
        tuple(v for p in parts for v in p.labels),
        tuple(v for p in parts for v in p.subjects),
        tuple(v for p in parts for v in p.datasets),
        tuple(v for p in parts for v in p.kinds),
        np.concatenate([p.train for p in parts]),
    )


def picked_copies(
    data: ExtractedSet,
    recipe: Recipe,
    cache_dir: Path | None,
    progress: bool | None,
    eyewear_styles: Sequence[str] = EYEWEAR_STYLES,
) -> Copies | None:
    """The recipe's training copies of `data`, one per image, its augmentation drawn
    (seeded) among the recipe's *before* any copy is made, so only the copy a model trains
    on is extracted (a quarter of `augmented_copies`' work with four augmentations, which
    makes every kind for every image because a CV scores them all). An "eyewear" copy's
    glasses are drawn among `eyewear_styles` (`augment.eyewear_among`: all three are the
    recipe's own copies; none: no eyewear copy, the image's copy drawn among the recipe's
    other augmentations). Copies whose face the tracker missed are left out; every row is a
    training row, mirrored half of the time as `make_copies` does; `recipe.extra_copies`
    adds one more copy of every image per name. None when the recipe makes no copies.

    Raises ValueError for an unknown style."""
    kinds = [eyewear_among(eyewear_styles) if name == "eyewear" else augmentation(name)
             for name in recipe.augmentations if name != "eyewear" or eyewear_styles]
    if len(data) == 0:
        return None
    if not kinds:
        return _with_extra_copies(None, data, recipe, cache_dir, progress)
    drawn = np.random.default_rng(recipe.seed).integers(len(kinds), size=len(data))
    features: list[np.ndarray] = []
    source: list[np.ndarray] = []
    names: list[str] = []
    for k, aug in enumerate(kinds):
        rows = np.flatnonzero(drawn == k)
        if not len(rows):
            continue
        made = extract_augmented(_rows_of(data, rows), [aug], seed=recipe.seed,
                                 cache_dir=cache_dir, progress=progress)
        features.append(made.features)
        source.append(rows[made.source])
        names += [aug.name] * len(made)
    if not names:
        return _with_extra_copies(None, data, recipe, cache_dir, progress)
    order = np.argsort(np.concatenate(source), kind="stable")
    kinds_made = tuple(names[i] for i in order)
    picked = make_copies(
        np.vstack(features)[order], np.concatenate(source)[order], kinds_made, data.labels,
        data.subjects, data.datasets, tuple(dict.fromkeys(kinds_made)), recipe.seed,
    )
    return _with_extra_copies(picked, data, recipe, cache_dir, progress)


def _rows_of(data: ExtractedSet, rows: np.ndarray) -> ExtractedSet:
    """The rows `rows` of an extracted set (its misses are not carried)."""
    return ExtractedSet(
        data.features[rows], _pick(data.labels, rows), _pick(data.subjects, rows),
        _pick(data.datasets, rows), _pick(data.paths, rows), (),
        _pick(data.observations, rows) if data.observations else (),
    )


def _pick(seq: tuple[T, ...], rows: np.ndarray) -> tuple[T, ...]:
    return tuple(seq[int(i)] for i in rows)
