"""The real MediaPipe face tracker on real images."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.features import FEATURE_NAMES, extract_features
from game.vision.records import Frame


@pytest.fixture(scope="module")
def image_tracker() -> Iterator[FaceTracker]:
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        yield tracker


def test_astronaut_is_one_smiling_face(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    obs = image_tracker.observe(Frame(0, astronaut_rgb))
    assert obs.faces_seen == 1
    assert obs.blendshapes["mouthSmileLeft"] > 0.5
    x0, y0, x1, y1 = obs.face_box
    assert 0 <= x0 < x1 <= 512 and 0 <= y0 < y1 <= 512
    features = extract_features(obs)
    assert features.names == FEATURE_NAMES
    assert np.isfinite(features.values).all()
    assert abs(features.get("pose_roll")) < 30
    assert obs.face_crop.shape == (128, 128) and obs.face_crop.dtype == np.uint8
    assert obs.face_patch.shape == (112, 112, 3) and obs.face_patch.dtype == np.uint8
    assert 30 < float(obs.face_crop.mean()) < 225 and float(obs.face_crop.std()) > 10


def test_face_crop_puts_the_eyes_level_at_fixed_points(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    import cv2

    from game.vision.face_crop import CROP_EYE_Y, align_face

    h, w = astronaut_rgb.shape[:2]
    turn = cv2.getRotationMatrix2D((w / 2, h / 2), 15.0, 1.0)
    tilted = np.ascontiguousarray(cv2.warpAffine(astronaut_rgb, turn, (w, h)))
    plain = image_tracker.observe(Frame(0, astronaut_rgb))
    rotated = image_tracker.observe(Frame(0, tilted))
    assert rotated.has_face and rotated.face_crop.shape == (128, 128)
    # Roll cancels: the two crops agree far better than the crop and its shifted copy.
    a, b = plain.face_crop.astype(float), rotated.face_crop.astype(float)
    shifted = np.roll(a, 6, axis=0)
    assert np.abs(a - b).mean() < 0.5 * np.abs(a - shifted).mean()
    assert np.array_equal(align_face(astronaut_rgb, plain.landmarks), plain.face_crop)
    assert CROP_EYE_Y < 64  # eyes in the upper half


def test_blank_image_is_the_empty_observation(
    image_tracker: FaceTracker, blank_rgb: np.ndarray
) -> None:
    obs = image_tracker.observe(Frame(0, blank_rgb))
    assert not obs.has_face
    assert obs.faces_seen == 0
    assert obs.face_crop.size == 0
    with pytest.raises(ValueError, match="no face"):
        extract_features(obs)


def test_two_faces_side_by_side_are_counted(
    image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    # The landmarker's detector is short-range: crop so each face fills a good part of the frame.
    crop = astronaut_rgb[0:300, 110:370]
    pair = np.ascontiguousarray(np.concatenate([crop, crop[:, ::-1]], axis=1))
    obs = image_tracker.observe(Frame(0, pair))
    assert obs.faces_seen == 2


def test_video_mode_tracks_across_frames(astronaut_rgb: np.ndarray) -> None:
    with FaceTracker(TrackerSettings(mode="video")) as tracker:
        results = [tracker.observe(Frame(t, astronaut_rgb)) for t in (0, 33, 66, 66)]
    assert all(r.has_face for r in results)


def test_face_crop_shape_is_checked(image_tracker: FaceTracker, astronaut_rgb: np.ndarray) -> None:
    from dataclasses import replace

    from game.vision.records import FaceObservation

    obs = image_tracker.observe(Frame(0, astronaut_rgb))
    with pytest.raises(ValueError, match="face_crop"):
        replace(obs, face_crop=np.zeros((64, 64), np.uint8))
    with pytest.raises(ValueError, match="face_crop"):
        replace(obs, face_crop=obs.face_crop.astype(np.float32))
    with pytest.raises(ValueError, match="no face crop"):
        FaceObservation(0, (10, 10), 0, face_crop=obs.face_crop)
    with pytest.raises(ValueError, match="face_patch"):
        replace(obs, face_patch=np.zeros((112, 112), np.uint8))
    with pytest.raises(ValueError, match="no face crop"):
        FaceObservation(0, (10, 10), 0, face_patch=obs.face_patch)
    without = replace(obs, face_crop=np.zeros((0, 0), np.uint8))
    assert not without.has_crop
    assert not replace(obs, face_patch=np.zeros((0, 0, 3), np.uint8)).has_crop
    assert obs.mouth_crop.shape == (128, 192) and obs.has_crop
    with pytest.raises(ValueError, match="mouth_crop"):
        replace(obs, mouth_crop=np.zeros((128, 128), np.uint8))
    with pytest.raises(ValueError, match="no face crop"):
        FaceObservation(0, (10, 10), 0, mouth_crop=obs.mouth_crop)
    assert not replace(obs, mouth_crop=np.zeros((0, 0), np.uint8)).has_crop
    with pytest.raises(ValueError, match="no face crop"):
        extract_features(without)
