"""`robustness --per-set N` picks N images of each data set, spread over its subjects."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from game.expressions import Expression
from game.training.dataset import LabelledImage
from game.training.robustness import pick_images


def _items(dataset: str, subjects: int, per_subject: int) -> list[LabelledImage]:
    return [
        LabelledImage(Path(f"/{dataset}/{s}_{k}.png"), Expression.HAPPY, f"{dataset}/{s}", dataset)
        for s in range(subjects)
        for k in range(per_subject)
    ]


def test_per_set_picks_that_many_of_each_set_one_per_subject_first() -> None:
    items = _items("children", 3, 4) + _items("adults", 5, 2)
    picked = pick_images(items, 2, seed=0)
    assert Counter(i.dataset for i in picked) == {"children": 2, "adults": 2}
    assert len({i.subject for i in picked}) == 4  # no subject twice while others have none
    assert pick_images(items, 2, seed=0) == picked  # seeded

    for seed in range(10):  # whichever images the seed draws first
        four = pick_images(items, 4, seed=seed)
        by_subject = Counter(i.subject for i in four if i.dataset == "children")
        assert sorted(by_subject.values()) == [1, 1, 2]  # a second round after every subject
        assert Counter(i.dataset for i in four) == {"children": 4, "adults": 4}


def test_per_set_beyond_a_sets_size_takes_all_of_it_and_none_takes_everything() -> None:
    items = _items("small", 1, 2) + _items("big", 4, 3)
    picked = pick_images(items, 5, seed=0)
    assert Counter(i.dataset for i in picked) == {"small": 2, "big": 5}
    assert len({i.path for i in picked}) == 7  # the small set's two images, not one twice
    assert pick_images(items, None, seed=0) == items


def test_no_image_is_picked_twice_when_a_subject_has_several() -> None:
    items = _items("performers", 3, 4)
    for per_set in (5, 12, 150):
        picked = pick_images(items, per_set, seed=0)
        assert len(picked) == min(per_set, len(items))
        assert len({i.path for i in picked}) == len(picked)  # distinct images
    assert set(pick_images(items, 150, seed=0)) == set(items)
