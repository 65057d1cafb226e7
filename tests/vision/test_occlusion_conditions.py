"""The pacifier and the natural looks the occlusion model must not call covered (fringes,
beards, darker skin, side light, a cheap webcam, a dim room), on real faces; a chin cut by
the frame's bottom edge is out of view, never covered."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.expressions import QualityFlag
from game.vision import conditions as cond
from game.vision.face_crop import eye_line
from game.vision.face_tracker import FaceTracker
from game.vision.quality import MAX_OUT_BELOW, out_of_view, quality_flags
from game.vision.records import FaceObservation, Frame

COVERED = {QualityFlag.MOUTH_COVERED, QualityFlag.EYES_COVERED}


def _rows_changed(before: np.ndarray, after: np.ndarray) -> np.ndarray:
    """The row indices where `after` differs from `before` by more than 2 grey levels."""
    diff = np.abs(after.astype(np.int16) - before.astype(np.int16)).max(axis=(1, 2))
    return np.flatnonzero(diff > 2)


def test_a_pacifier_covers_the_mouth_only_and_is_seeded(
    astronaut_observation: FaceObservation, astronaut_rgb: np.ndarray
) -> None:
    lm = astronaut_observation.landmarks
    centre, iod, _ = eye_line(lm)
    for style in cond.PACIFIER_STYLES:
        once = cond.pacifier(astronaut_rgb, lm, np.random.default_rng(5), style)
        again = cond.pacifier(astronaut_rgb, lm, np.random.default_rng(5), style)
        assert np.array_equal(once, again), style
        rows = _rows_changed(astronaut_rgb, once)
        assert len(rows), style
        # drawn from below the eyes (the shield's top edge) to the chin, never at the eyes
        assert rows.min() > centre[1] + 0.3 * iod, style
        assert rows.max() < centre[1] + 2.6 * iod, style
    with pytest.raises(ValueError, match="pacifier style"):
        cond.pacifier(astronaut_rgb, lm, np.random.default_rng(0), "square")


def test_the_natural_looks_change_their_own_part_of_the_face(
    astronaut_observation: FaceObservation, astronaut_rgb: np.ndarray
) -> None:
    lm = astronaut_observation.landmarks
    centre, iod, _ = eye_line(lm)
    rng = np.random.default_rng(1)
    fringed = _rows_changed(astronaut_rgb, cond.fringe(astronaut_rgb, lm, rng))
    assert len(fringed) and fringed.max() < centre[1] - 0.1 * iod  # above the eyes
    bearded = _rows_changed(astronaut_rgb, cond.beard(astronaut_rgb, lm, rng))
    assert len(bearded) and bearded.min() > centre[1] + 0.3 * iod  # below the nose's bridge
    x0, y0, x1, y1 = (int(v) for v in cond.face_box(lm))
    darker = cond.darker_skin(astronaut_rgb, lm, rng)
    face = (slice(y0 + (y1 - y0) // 4, y1 - (y1 - y0) // 4), slice(x0 + 20, x1 - 20))
    assert darker[face].mean() < 0.75 * astronaut_rgb[face].mean()
    assert np.array_equal(darker[:5, :5], astronaut_rgb[:5, :5])  # the background stays
    lit = cond.side_lit(astronaut_rgb, lm, rng).astype(np.float32)
    left = lit[y0:y1, x0:(x0 + x1) // 2].mean() / astronaut_rgb[y0:y1, x0:(x0 + x1) // 2].mean()
    right = lit[y0:y1, (x0 + x1) // 2:x1].mean() / astronaut_rgb[y0:y1, (x0 + x1) // 2:x1].mean()
    assert max(left, right) > 2 * min(left, right)
    cheap = cond.cheap_webcam(astronaut_rgb, lm, rng)
    assert cheap.shape == (240, 320, 3) and cheap.dtype == np.uint8
    assert cond.dim(astronaut_rgb, rng).mean() < 0.5 * astronaut_rgb.mean()


def test_the_new_conditions_are_in_the_catalogue() -> None:
    assert cond.condition("mouth_pacifier").occludes == "mouth"
    for name in ("dim", "side_light", "webcam_320"):
        assert cond.condition(name).occludes is None


# -- real faces ---------------------------------------------------------------------------


def _faces(image_tracker: FaceTracker, root: Path, count: int) -> list[tuple[str, np.ndarray,
                                                                             FaceObservation]]:
    from game.vision.sources import read_image

    faces = []
    for path in sorted((root / "images").iterdir())[::53][:count]:
        image = read_image(path)
        obs = image_tracker.observe(Frame(0, image))
        assert obs.has_face, path.name
        faces.append((path.name, image, obs))
    return faces


@pytest.mark.datasets
def test_pacifiers_on_real_faces_are_called_covered(
    image_tracker: FaceTracker, children_dir: Path, performers_dir: Path
) -> None:
    """The shipped model, on faces of both sets, each pacifier style (seeded). These people
    trained it; on people it never saw a pacifier is flagged 61-69% (docs/robustness.md),
    the previous model flagged 9 of these 24."""
    seen = flagged = 0
    for root in (children_dir, performers_dir):
        for k, (_, image, obs) in enumerate(_faces(image_tracker, root, 4)):
            for s, style in enumerate(cond.PACIFIER_STYLES):
                dummy = cond.pacifier(image, obs.landmarks, np.random.default_rng([k, s]), style)
                found = image_tracker.observe(Frame(0, dummy))
                if found.has_face:
                    seen += 1
                    flagged += QualityFlag.MOUTH_COVERED in quality_flags(found)
    assert seen >= 20
    assert flagged >= 0.8 * seen, (flagged, seen)


@pytest.mark.datasets
def test_real_faces_in_webcam_light_or_with_natural_looks_are_not_called_covered(
    image_tracker: FaceTracker, children_dir: Path, performers_dir: Path
) -> None:
    looks = {
        "side_light": lambda im, lm, rng: cond.side_lit(im, lm, rng),
        "webcam_320": lambda im, lm, rng: cond.cheap_webcam(im, lm, rng),
        "dim": lambda im, lm, rng: cond.dim(im, rng),
        "fringe": cond.fringe,
        "beard": cond.beard,
        "darker_skin": cond.darker_skin,
    }
    called: list[tuple[str, str]] = []
    judged = 0
    for root in (children_dir, performers_dir):
        for k, (name, image, obs) in enumerate(_faces(image_tracker, root, 4)):
            for look, make in looks.items():
                version = make(image, obs.landmarks, np.random.default_rng(k))
                found = image_tracker.observe(Frame(0, np.ascontiguousarray(version)))
                if found.has_face:
                    judged += 1
                    if quality_flags(found) & COVERED:
                        called.append((name, look))
    assert judged >= 40
    assert len(called) <= 1, called


@pytest.mark.datasets
@pytest.mark.parametrize("below", [0.1, 0.2, 0.3])
def test_a_real_face_cut_at_the_bottom_is_out_of_view_never_covered(
    image_tracker: FaceTracker, children_dir: Path, performers_dir: Path, below: float
) -> None:
    """Children and adults, the chin `below` of the face's height past the frame's bottom
    edge: never "cover your mouth"; past `MAX_OUT_BELOW`, "move so I can see your face"."""
    measured = 0
    for root in (children_dir, performers_dir):
        for k, (name, image, obs) in enumerate(_faces(image_tracker, root, 3)):
            cut = cond.partly_out(image, obs.landmarks, np.random.default_rng(k), 0.0, below)
            seen = image_tracker.observe(Frame(0, cut))
            if not seen.has_face:
                continue
            measured += 1
            flags = quality_flags(seen)
            assert not flags & COVERED, (name, below, flags)
            if out_of_view(seen)[1] > MAX_OUT_BELOW:
                assert QualityFlag.PARTLY_OUT_OF_VIEW in flags, (name, below)
    assert measured >= 4


def test_a_covered_or_cut_off_face_hears_kind_words_in_both_languages() -> None:
    from game.phrases import quality_key, text

    for flag in (*COVERED, QualityFlag.PARTLY_OUT_OF_VIEW):
        for lang in ("en", "zh-CN"):
            words = text(quality_key(flag), lang)
            assert words.strip() and "（" not in words and "）" not in words
