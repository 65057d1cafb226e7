"""The webcam-condition copies a training run adds to the photos (`augmented_copies`).

Shared by `train` and `out_of_fold` (which trains each fold's model with the shipped recipe),
so neither imports the other.
"""

from __future__ import annotations

from pathlib import Path

from game.training.augment import AUGMENTATIONS, augmentation
from game.training.cv import Copies, make_copies
from game.training.feature_cache import ExtractedSet, extract_augmented
from game.training.recipe import Recipe


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
    return make_copies(
        aug.features, aug.source, aug.augmentations, data.labels, data.subjects,
        data.datasets, recipe.augmentations, recipe.seed,
    )
