"""Leave-one-style-out eyewear on real faces: the fold models' training copies are made one
per image (only the picked copy is extracted), without the held-out style, and `robustness`
out of fold measures that style on people no fold model saw, per data set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.training.augment import EYEWEAR_STYLES
from game.training.copies import picked_copies
from game.training.dataset import load_folders
from game.training.feature_cache import FeatureCache, extract
from game.training.recipe import Recipe

pytestmark = pytest.mark.datasets


def _variants(cache_dir: Path) -> dict[str, int]:
    with FeatureCache(cache_dir) as cache:
        return cache.feature_rows_per_variant()


def test_picked_copies_make_one_copy_per_image_without_the_held_out_style(
    tiny_children: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    data = extract(load_folders([tiny_children]), cache_dir=cache, progress=False)
    recipe = Recipe()
    copies = picked_copies(data, recipe, cache, False, ("thick", "tinted"))
    assert copies is not None
    assert copies.train.all()  # every copy made is a training row
    assert len(copies) <= len(data) and len(copies) >= len(data) - 2  # a missed face at most
    assert set(copies.kinds) <= {"eyewear-thick-tinted", "roll", "light", "lowres"}
    assert "eyewear-thick-tinted" in copies.kinds  # 14 draws among 4 kinds
    made = _variants(cache)
    assert sum(made.values()) == len(data)  # only the picked copy of each image was made
    assert not any(v.startswith("aug-eyewear-v") for v in made)  # never the recipe's glasses
    # no glasses at all: every image's copy is drawn among the other augmentations
    none = picked_copies(data, recipe, cache, False, ())
    assert none is not None and not any(k.startswith("eyewear") for k in none.kinds)
    # all three styles: the recipe's own eyewear copies, seeded as before
    again = picked_copies(data, recipe, cache, False, EYEWEAR_STYLES)
    same = picked_copies(data, recipe, cache, False, EYEWEAR_STYLES)
    assert again is not None and same is not None
    assert np.array_equal(again.features, same.features) and again.kinds == same.kinds
    assert "eyewear" in again.kinds


@pytest.mark.slow
def test_robustness_out_of_fold_holds_a_style_out_and_reports_per_set(
    tiny_children: Path, tmp_path: Path
) -> None:
    from game.training.robustness import measure
    from game.vision.conditions import condition

    run = measure(
        [tiny_children], Path("unused"),
        conditions=[condition("clean"), condition("glasses_thin")],
        out_of_fold=2, cache_dir=tmp_path / "cache", eyewear_styles=("thick", "tinted"),
    )
    assert run.out_of_fold is not None
    assert "no copy has thin glasses (held out)" in run.out_of_fold["description"]
    assert run.by_set is not None and list(run.by_set) == [tiny_children.name]
    for pooled, in_set in zip(run.conditions, run.by_set[tiny_children.name], strict=True):
        assert pooled == in_set  # one data set: the pooled figures are the set's
    clean, thin = run.conditions
    assert clean.images == thin.images == 14
    assert clean.found > 0.8 and thin.found > 0.8
