"""The varied training glasses (`augment.varied_glasses`, the "eyewear_varied" copies): drawn
on a real face, seeded, inside the face, unlike the measured styles; and the recipe options
that train on them (instead of the three styles, or as an extra copy of every image)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.training.augment import (
    AUGMENTATIONS,
    EYEWEAR_STYLES,
    VARIED_FRAME_SHAPES,
    augmentation,
    augmented_image,
    lens_outline,
    varied_glasses,
)
from game.training.feature_cache import FeatureCache
from game.vision.conditions import eyewear
from game.vision.face_crop import eye_line
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.records import Frame

SHA = "cd" * 32


@pytest.fixture(scope="module")
def face(astronaut_rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[float, ...]]:
    """The astronaut's image, the tracker's landmarks of her face and its box."""
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        obs = tracker.observe(Frame(0, astronaut_rgb))
    assert obs.has_face
    return astronaut_rgb, obs.landmarks, tuple(obs.face_box)


def test_varied_glasses_are_seeded_and_differ_from_seed_to_seed(
    face: tuple[np.ndarray, np.ndarray, tuple[float, ...]],
) -> None:
    image, landmarks, _ = face
    first = varied_glasses(image, landmarks, np.random.default_rng(7))
    again = varied_glasses(image, landmarks, np.random.default_rng(7))
    assert first.shape == image.shape and first.dtype == np.uint8
    assert np.array_equal(first, again)
    looks = {varied_glasses(image, landmarks, np.random.default_rng(s)).tobytes()
             for s in range(8)}
    assert len(looks) == 8
    assert np.array_equal(image, face[0])  # the input is not drawn on


def test_varied_glasses_are_drawn_over_the_eyes_inside_the_face(
    face: tuple[np.ndarray, np.ndarray, tuple[float, ...]],
) -> None:
    image, landmarks, (x0, y0, x1, y1) = face
    _, iod, _ = eye_line(landmarks)
    eyes = landmarks[[33, 133, 263, 362], :2]
    eye_y = float(eyes[:, 1].mean())
    margin = 0.12 * iod  # a rim's half-thickness and anti-aliasing past the box
    for seed in range(30):
        out = varied_glasses(image, landmarks, np.random.default_rng(seed))
        ys, xs = np.nonzero(np.any(out != image, axis=2))
        assert len(xs) > 0.02 * iod * iod  # something was drawn
        assert xs.min() >= x0 - margin and xs.max() <= x1 + margin
        assert ys.min() >= y0 and ys.max() <= y1
        assert ys.min() >= eye_y - 0.6 * iod and ys.max() <= eye_y + 0.6 * iod
        # every eye's centre is framed: pixels changed on both sides of it along the line
        for e in (eyes[:2].mean(axis=0), eyes[2:].mean(axis=0)):
            near = np.abs(ys - e[1]) < 0.5 * iod
            assert (xs[near] < e[0]).any() and (xs[near] > e[0]).any()


def test_varied_glasses_are_not_the_measured_styles(
    face: tuple[np.ndarray, np.ndarray, tuple[float, ...]],
) -> None:
    image, landmarks, _ = face
    for seed in range(5):
        varied = varied_glasses(image, landmarks, np.random.default_rng(seed))
        for style in EYEWEAR_STYLES:
            measured = eyewear(image, landmarks, style, np.random.default_rng(seed))
            assert not np.array_equal(varied, measured)


def test_lens_outlines_take_their_shape() -> None:
    rng = np.random.default_rng(0)
    for shape in VARIED_FRAME_SHAPES:
        points = lens_outline(shape, 20.0, 12.0, rng)
        assert points.shape[1] == 2 and np.isfinite(points).all()
        assert np.abs(points[:, 0]).max() <= 20.0 * 1.13
    oval = lens_outline("oval", 20.0, 12.0, rng)
    cat = lens_outline("cat_eye", 20.0, 12.0, rng)
    square = lens_outline("rectangular", 20.0, 12.0, rng)
    outer_top = (cat[:, 0] > 10) & (cat[:, 1] < 0)
    assert cat[outer_top, 1].min() < oval[:, 1].min() - 2  # the outer corner swept up
    # a rectangle fills more of its box than an ellipse (shoelace areas)
    def area(p: np.ndarray) -> float:
        x, y = p[:, 0], p[:, 1]
        return 0.5 * abs(float(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1))))
    assert area(square) > area(oval) * 1.1
    with pytest.raises(ValueError, match="round"):
        lens_outline("monocle", 20.0, 12.0, rng)


def test_eyewear_varied_is_a_training_augmentation_the_cv_does_not_score(
    face: tuple[np.ndarray, np.ndarray, tuple[float, ...]],
) -> None:
    image, landmarks, _ = face
    varied = augmentation("eyewear_varied")
    extra = augmentation("eyewear_varied-extra")
    assert varied not in AUGMENTATIONS and "eyewear_varied" not in {a.name for a in AUGMENTATIONS}
    assert varied.key != extra.key
    copy = augmented_image(image, landmarks, SHA, varied, seed=0)
    assert np.array_equal(copy, augmented_image(image, landmarks, SHA, varied, seed=0))
    # the extra copy is its own drawing, not a second row of the same image
    assert not np.array_equal(copy, augmented_image(image, landmarks, SHA, extra, seed=0))
    with pytest.raises(ValueError, match="eyewear_varied"):
        augmentation("sunglasses")


def _variants(cache_dir: Path) -> dict[str, int]:
    with FeatureCache(cache_dir) as cache:
        return cache.feature_rows_per_variant()


@pytest.mark.datasets
def test_recipe_trains_on_varied_glasses_instead_or_as_an_extra_copy(
    tiny_children: Path, tmp_path: Path
) -> None:
    from dataclasses import replace

    from game.training.copies import augmented_copies, picked_copies
    from game.training.dataset import load_folders
    from game.training.feature_cache import extract
    from game.training.recipe import Recipe

    cache = tmp_path / "cache"
    data = extract(load_folders([tiny_children]), cache_dir=cache, progress=False)
    instead = replace(Recipe(), augmentations=("eyewear_varied", "roll", "light", "lowres"))
    one = picked_copies(data, instead, cache, False, ())
    assert one is not None and one.train.all()
    assert set(one.kinds) <= {"eyewear_varied", "roll", "light", "lowres"}
    assert "eyewear_varied" in one.kinds  # 14 draws among 4 kinds
    assert len(data) - 2 <= len(one) <= len(data)
    extra = replace(instead, extra_copies=("eyewear_varied",))
    two = picked_copies(data, extra, cache, False, ())
    assert two is not None and two.train.all()
    extras = [k for k in two.kinds if k == "eyewear_varied-extra"]
    assert len(data) - 2 <= len(extras) <= len(data)  # one more copy of every image
    assert len(two) == len(one) + len(extras)
    made = _variants(cache)
    assert not any(v.startswith("aug-eyewear-v") for v in made)  # never the measured styles
    assert "one more copy of every training image per eyewear_varied" in extra.describe()
    # `facequest train`'s path adds the extra copies too
    trained = augmented_copies(data, extra, cache, False, scored=False)
    assert trained is not None
    assert trained.kinds.count("eyewear_varied-extra") == len(extras)
    assert not any(k == "eyewear" for k in trained.kinds)


def test_with_varied_glasses_swaps_the_eyewear_copy_or_adds_one() -> None:
    from game.training.recipe import Recipe, with_varied_glasses

    base = Recipe()
    instead = with_varied_glasses(base, "instead")
    assert instead.augmentations == ("eyewear_varied", "roll", "light", "lowres")
    assert instead.extra_copies == ()
    extra = with_varied_glasses(base, "extra")
    assert extra.augmentations == instead.augmentations
    assert extra.extra_copies == ("eyewear_varied",)
    assert with_varied_glasses(extra, "extra") == extra  # not added twice
    assert base.extra_copies == () and "eyewear" in base.augmentations  # shipped recipe as was
    with pytest.raises(ValueError, match="instead or extra"):
        with_varied_glasses(base, "sometimes")


@pytest.mark.slow
@pytest.mark.datasets
def test_robustness_out_of_fold_measures_the_styles_on_models_trained_on_varied_glasses(
    tiny_children: Path, tmp_path: Path
) -> None:
    from game.training.recipe import Recipe, with_varied_glasses
    from game.training.robustness import measure
    from game.vision.conditions import condition

    run = measure(
        [tiny_children], Path("unused"),
        conditions=[condition("clean"), condition("glasses_thick")],
        out_of_fold=2, cache_dir=tmp_path / "cache", eyewear_styles=(),
        recipe=with_varied_glasses(Recipe(), "extra"),
    )
    assert run.out_of_fold is not None
    description = run.out_of_fold["description"]
    assert "no copy has glasses of the measured styles" in description
    assert "varied training family, one more copy of every image" in description
    made = _variants(tmp_path / "cache")
    assert any(v.startswith("aug-eyewear_varied-extra-") for v in made)
    assert not any(v.startswith("aug-eyewear-v") for v in made)
    clean, thick = run.conditions
    assert clean.images == thick.images == 14
    assert clean.found > 0.8 and thick.found > 0.8
