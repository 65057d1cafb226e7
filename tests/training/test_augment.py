"""Training augmentations (game.training.augment) and their copies in the CV (game.training.cv)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from game.training import cv
from game.training.augment import AUGMENTATIONS, augmentation, augmented_image
from game.training.cv import Copies, copy_deltas, make_copies, out_of_fold_with_copies
from game.training.recipe import Recipe
from game.vision.features import FEATURE_NAMES, mirror_features

SHA = "ab" * 32


def face() -> tuple[np.ndarray, np.ndarray]:
    """A grey 240x240 image with a lighter oval 'face' and landmarks spread over it
    (eyes at the FaceMesh indices the conditions read)."""
    rng = np.random.default_rng(3)
    image = np.full((240, 240, 3), 90, np.uint8)
    yy, xx = np.mgrid[:240, :240]
    image[((xx - 120) / 60) ** 2 + ((yy - 120) / 80) ** 2 < 1] = 190
    landmarks = np.column_stack(
        [rng.uniform(70, 170, 478), rng.uniform(50, 200, 478), np.zeros(478)]
    )
    for index, (x, y) in {33: (85, 100), 133: (110, 100), 263: (155, 100), 362: (130, 100),
                          61: (100, 160), 291: (140, 160), 0: (120, 150), 17: (120, 170)}.items():
        landmarks[index, :2] = (x, y)
    return image, landmarks


@pytest.mark.parametrize("aug", AUGMENTATIONS, ids=lambda a: a.name)
def test_every_augmentation_is_seeded_keeps_the_frame_and_changes_the_face(aug: Any) -> None:
    image, landmarks = face()
    first = augmented_image(image, landmarks, SHA, aug, seed=0)
    again = augmented_image(image, landmarks, SHA, aug, seed=0)
    other_seed = augmented_image(image, landmarks, SHA, aug, seed=1)
    assert first.shape == image.shape and first.dtype == np.uint8
    assert np.array_equal(first, again)
    assert not np.array_equal(first, image)
    assert not np.array_equal(first, other_seed) or aug.name == "eyewear"


def test_unknown_augmentation_names_the_known_ones() -> None:
    with pytest.raises(ValueError, match="eyewear"):
        augmentation("sunburn")


def test_augmentations_have_distinct_cache_keys() -> None:
    assert len({a.key for a in AUGMENTATIONS}) == len(AUGMENTATIONS)


def _copies(train_kinds: tuple[str, ...]) -> Copies:
    kinds = ("eyewear", "roll", "light")
    source = np.repeat(np.arange(4), len(kinds))
    features = np.random.default_rng(0).normal(size=(len(source), len(FEATURE_NAMES)))
    return make_copies(
        features.astype(np.float32), source, kinds * 4, ("happy", "sad", "neutral", "neutral"),
        ("a", "a", "a", "b"), ("set",) * 4, train_kinds, seed=0,
    )


def test_one_training_copy_per_image_drawn_among_the_training_kinds() -> None:
    copies = _copies(("eyewear", "roll"))
    picked = np.flatnonzero(copies.train)
    assert len(picked) == 4
    assert {copies.kinds[i] for i in picked} <= {"eyewear", "roll"}
    assert not _copies(()).train.any()


def test_some_training_copies_are_mirrored_and_scored_copies_are_not() -> None:
    copies = _copies(("eyewear", "roll", "light"))
    raw = np.random.default_rng(0).normal(size=(12, len(FEATURE_NAMES))).astype(np.float32)
    for i in range(12):
        same = np.allclose(copies.features[i], raw[i])
        if not copies.train[i]:
            assert same
        elif not same:
            assert np.allclose(copies.features[i], mirror_features(raw[i]), atol=1e-5)


def test_copy_deltas_subtract_the_same_persons_neutral_under_the_same_augmentation() -> None:
    copies = _copies(())
    deltas = copy_deltas(copies)
    # subject "a" has one neutral image: its neutral copies have no other neutral to compare
    # with; its happy/sad copies use it. Subject "b" has a single neutral image too.
    assert set(deltas.labels) == {"happy", "sad"}
    assert len(deltas) == 6


class _Uniform:
    """A fitted model's stand-in: equal probabilities for the classes it saw."""

    def __init__(self, classes: np.ndarray) -> None:
        self.classes_ = classes

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        return np.full((len(features), len(self.classes_)), 1.0 / len(self.classes_))


def test_cv_trains_on_the_training_subjects_copies_only_and_scores_every_held_out_copy(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    subjects = ("s1", "s1", "s2", "s2", "s3", "s3")
    labels = ("happy", "sad") * 3
    features = np.zeros((6, 3), np.float32)
    # copy feature column 0 carries the subject's number, to see who a fold trained on
    copy_features = np.array([[1, 0, 0], [2, 0, 0], [3, 0, 0]], np.float32)
    copies = Copies(copy_features, ("happy", "sad", "happy"), ("s1", "s2", "s3"), ("x",) * 3,
                    ("roll",) * 3, np.array([True, True, True]))
    seen: list[set[float]] = []

    def fake_fit(x: np.ndarray, y: np.ndarray, recipe: Recipe,
                 extra: tuple[np.ndarray, np.ndarray] | None = None,
                 input_kind: str = "raw") -> Any:
        seen.append(set() if extra is None else set(extra[0][:, 0].tolist()))
        return _Uniform(np.unique(y))

    monkeypatch.setattr(cv, "fit", fake_fit)
    _, classes, copy_probabilities = out_of_fold_with_copies(
        features, labels, subjects, Recipe(), 3, copies
    )
    assert classes == ("happy", "sad")
    assert copy_probabilities is not None and np.allclose(copy_probabilities, 0.5)
    assert len(seen) == 3
    for trained_on in seen:
        assert len(trained_on) == 2  # two of the three subjects' copies, never the held-out


def test_eyewear_among_every_style_is_the_recipes_own_copy() -> None:
    from game.training.augment import EYEWEAR_STYLES, eyewear_among

    assert eyewear_among(EYEWEAR_STYLES) is augmentation("eyewear")
    assert eyewear_among(tuple(reversed(EYEWEAR_STYLES))) is augmentation("eyewear")


def test_eyewear_among_fewer_styles_never_draws_the_held_out_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from game.training.augment import eyewear_among
    from game.vision import conditions

    drawn: list[str] = []
    real = conditions.eyewear

    def spy(image: np.ndarray, lm: np.ndarray, style: str, rng: Any) -> np.ndarray:
        drawn.append(style)
        return np.asarray(real(image, lm, style, rng))

    monkeypatch.setattr(conditions, "eyewear", spy)
    without_thin = eyewear_among(("tinted", "thick"))
    assert without_thin.name == "eyewear-thick-tinted"
    assert without_thin.key != augmentation("eyewear").key  # its own cache entries
    image, landmarks = face()
    for n in range(40):
        out = augmented_image(image, landmarks, f"{n:02x}" * 32, without_thin, seed=0)
        assert not np.array_equal(out, image)
    assert set(drawn) == {"thick", "tinted"}


@pytest.mark.parametrize("styles", [(), ("round",), ("thin", "aviator")])
def test_eyewear_among_refuses_unknown_or_no_styles(styles: tuple[str, ...]) -> None:
    from game.training.augment import eyewear_among

    with pytest.raises(ValueError, match="eyewear styles must be some of thin"):
        eyewear_among(styles)
