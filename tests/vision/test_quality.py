"""Quality flags on real faces: clean, missing, dark, rotated, small, doubled."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.expressions import QualityFlag
from game.vision.face_tracker import FaceTracker
from game.vision.features import extract_features
from game.vision.quality import MIN_FACE_BRIGHTNESS, MIN_FACE_CONTRAST, quality_flags
from game.vision.records import Frame
from tests.vision.images import darkened, in_frame, rotated, two_faces


def test_astronaut_has_no_quality_problem(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    obs = image_tracker.observe(Frame(0, in_frame(astronaut_rgb)))
    assert quality_flags(obs) == frozenset()


def test_blank_frame_is_no_face(image_tracker: FaceTracker, blank_rgb: np.ndarray) -> None:
    assert quality_flags(image_tracker.observe(Frame(0, blank_rgb))) == {QualityFlag.NO_FACE}


def test_dark_frame_is_flagged_too_dark(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    obs = image_tracker.observe(Frame(0, darkened(in_frame(astronaut_rgb), 0.15)))
    flags = quality_flags(obs)
    assert obs.contrast is not None
    assert obs.contrast < MIN_FACE_CONTRAST or obs.brightness < MIN_FACE_BRIGHTNESS
    assert QualityFlag.TOO_DARK in flags


def test_a_dim_face_with_its_detail_is_scored(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    from game.vision.face_crop import EXPOSURE_TARGET, face_images

    dim = darkened(in_frame(astronaut_rgb), 0.45)
    obs = image_tracker.observe(Frame(0, dim))
    assert obs.brightness < 90
    assert QualityFlag.TOO_DARK not in quality_flags(obs)
    # A dim face's images are brought up towards a normal exposure before the models see them.
    bright = face_images(dim, obs.landmarks, brightness=EXPOSURE_TARGET / 2)
    plain = face_images(dim, obs.landmarks, brightness=EXPOSURE_TARGET)
    assert float(bright.crop.mean()) > 1.6 * float(plain.crop.mean())
    assert float(bright.mouth.mean()) > 1.6 * float(plain.mouth.mean())


def test_a_hand_over_the_mouth_is_named_and_glasses_are_not(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    from game.vision.conditions import eyewear, occluded

    clean = image_tracker.observe(Frame(0, astronaut_rgb))
    covered_flags = []
    for seed in range(6):
        rng = np.random.default_rng(seed)
        kind = ("hand", "cloth", "toy")[seed % 3]
        image = occluded(astronaut_rgb, clean.landmarks, "mouth", kind, rng)
        covered_flags.append(quality_flags(image_tracker.observe(Frame(0, image))))
    assert sum(QualityFlag.MOUTH_COVERED in f for f in covered_flags) >= 5, covered_flags
    for style in ("thin", "thick", "tinted"):
        image = eyewear(astronaut_rgb, clean.landmarks, style, np.random.default_rng(0))
        flags = quality_flags(image_tracker.observe(Frame(0, image)))
        assert not flags & {QualityFlag.EYES_COVERED, QualityFlag.MOUTH_COVERED}, style


def test_rotated_face_is_found_and_roll_cancels(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    upright = image_tracker.observe(Frame(0, in_frame(astronaut_rgb)))
    tilted = image_tracker.observe(Frame(0, rotated(in_frame(astronaut_rgb), 25)))
    assert tilted.has_face
    assert QualityFlag.HEAD_TURNED not in quality_flags(tilted)
    a, b = extract_features(upright), extract_features(tilted)
    assert abs(b.get("pose_roll") - a.get("pose_roll")) == pytest.approx(25, abs=6)
    # Geometry is measured in the face's own frame: the eye-line rotation cancels.
    for name in ("geo_mouth_width", "geo_brow_gap", "geo_chin_to_nose"):
        assert b.get(name) == pytest.approx(a.get(name), rel=0.08), name


def test_far_away_face_is_too_small(image_tracker: FaceTracker, astronaut_rgb: np.ndarray) -> None:
    obs = image_tracker.observe(Frame(0, in_frame(astronaut_rgb, height=110)))
    flags = quality_flags(obs)
    assert flags & {QualityFlag.FACE_TOO_SMALL, QualityFlag.NO_FACE}


def test_two_faces_are_advisory(image_tracker: FaceTracker, astronaut_rgb: np.ndarray) -> None:
    flags = quality_flags(image_tracker.observe(Frame(0, two_faces(astronaut_rgb))))
    assert QualityFlag.SEVERAL_FACES in flags
    assert QualityFlag.NO_FACE not in flags


@pytest.mark.datasets
def test_dataset_faces_pass_quality(
    image_tracker: FaceTracker, children_dir: Path, performers_dir: Path
) -> None:
    from game.vision.population import pad_crop
    from game.vision.sources import read_image

    for root in (children_dir, performers_dir):
        files = sorted((root / "images").iterdir())[::60][:8]
        for path in files:
            obs = image_tracker.observe(Frame(0, pad_crop(read_image(path))))
            assert obs.has_face, path.name
            assert not (quality_flags(obs) - {QualityFlag.SEVERAL_FACES}), path.name


def test_quality_flags_of_empty_observation_in_the_dark() -> None:
    from game.vision.records import FaceObservation

    obs = FaceObservation.empty(0, (640, 480), brightness=5.0)
    assert quality_flags(obs) == {QualityFlag.NO_FACE, QualityFlag.TOO_DARK}
    assert np.isfinite(obs.brightness)
