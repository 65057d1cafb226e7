"""Feature specs 2-6: the mirror map, the Procrustes-aligned mesh and the HOG of the face crop
and of the mouth crop, checked on real faces."""

from __future__ import annotations

import numpy as np
import pytest

from game.expressions import PROTOTYPES, all_actions
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.features import (
    FEATURE_NAMES,
    HOG_NAMES,
    LANDMARK_FEATURE_NAMES,
    MOUTH_HOG_BLOCKS,
    MOUTH_HOG_NAMES,
    SHAPE_NAMES,
    block_columns,
    extract_features,
    hog_features,
    hog_mirror_index,
    landmark_mirror_pairs,
    mirror_features,
    mirror_permutation,
    mouth_hog_features,
    procrustes_landmarks,
    reference_face,
)
from game.vision.records import FaceObservation, Frame


@pytest.fixture(scope="module")
def astronaut_and_flipped(astronaut_rgb: np.ndarray) -> tuple[FaceObservation, FaceObservation]:
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        plain = tracker.observe(Frame(0, astronaut_rgb))
        flipped = tracker.observe(Frame(0, np.ascontiguousarray(astronaut_rgb[:, ::-1])))
    assert plain.has_face and flipped.has_face
    return plain, flipped


def test_names_are_unique_and_prototype_features_exist() -> None:
    assert len(set(FEATURE_NAMES)) == len(FEATURE_NAMES)
    used = {f for a in all_actions() for f in a.features}
    assert used <= set(FEATURE_NAMES)
    assert all(PROTOTYPES)  # every expression has an entry


def test_reference_face_is_symmetric_and_eye_normalised() -> None:
    ref = reference_face()
    pairs = landmark_mirror_pairs()
    assert ref.shape == (478, 3)
    assert np.array_equal(pairs[pairs], np.arange(478))  # a pairing: mirror twice = same
    assert 10 < int((pairs == np.arange(478)).sum()) < 40  # the midline points
    assert pairs[33] == 263 and pairs[61] == 291  # eye corners, mouth corners
    mirrored = ref[pairs] * np.array([-1.0, 1.0, 1.0])
    assert np.abs(mirrored - ref).max() < 0.01
    eye_r, eye_l = (ref[33] + ref[133]) / 2, (ref[263] + ref[362]) / 2
    assert np.linalg.norm((eye_l - eye_r)[:2]) == pytest.approx(1.0, abs=0.01)


def test_mirroring_twice_is_identity() -> None:
    index, sign = mirror_permutation()
    values = np.random.default_rng(0).normal(size=(3, len(FEATURE_NAMES))).astype(np.float32)
    assert np.allclose(mirror_features(mirror_features(values)), values)
    assert FEATURE_NAMES[index[FEATURE_NAMES.index("mouthSmileLeft")]] == "mouthSmileRight"
    assert FEATURE_NAMES[index[FEATURE_NAMES.index("geo_eye_open_l")]] == "geo_eye_open_r"
    assert sign[FEATURE_NAMES.index("pose_yaw")] == -1


def test_mirror_map_predicts_the_flipped_image(
    astronaut_and_flipped: tuple[FaceObservation, FaceObservation],
) -> None:
    plain, flipped = (extract_features(o).values for o in astronaut_and_flipped)
    predicted = mirror_features(plain)
    shape = slice(len(LANDMARK_FEATURE_NAMES) - len(SHAPE_NAMES), len(LANDMARK_FEATURE_NAMES))
    pose = slice(FEATURE_NAMES.index("pose_yaw"), FEATURE_NAMES.index("pose_roll") + 1)
    assert (
        np.abs(predicted[shape] - flipped[shape]).mean()
        < np.abs(plain[shape] - flipped[shape]).mean()
    )
    assert np.abs(predicted[pose] - flipped[pose]).max() < 3.0  # degrees
    assert np.abs(predicted[shape] - flipped[shape]).mean() < 0.02  # IOD units


def test_shape_features_ignore_position_size_and_head_rotation(
    astronaut_and_flipped: tuple[FaceObservation, FaceObservation],
) -> None:
    landmarks = astronaut_and_flipped[0].landmarks.astype(np.float64)
    angle = np.radians(20.0)
    yaw = np.array(
        [[np.cos(angle), 0, np.sin(angle)], [0, 1, 0], [-np.sin(angle), 0, np.cos(angle)]]
    )
    moved = (landmarks - landmarks.mean(0)) @ yaw.T * 1.7 + np.array([40.0, -25.0, 3.0])
    assert np.allclose(procrustes_landmarks(moved), procrustes_landmarks(landmarks), atol=1e-6)
    aligned = procrustes_landmarks(landmarks)
    assert np.abs(aligned - reference_face()).mean() < 0.1


def test_hog_block_follows_the_landmark_features() -> None:
    assert FEATURE_NAMES[: len(LANDMARK_FEATURE_NAMES) + len(HOG_NAMES)] == (
        LANDMARK_FEATURE_NAMES + HOG_NAMES
    )
    assert len(HOG_NAMES) == 15 * 15 * 4 * 9
    assert list(block_columns("hog")) == list(
        range(len(LANDMARK_FEATURE_NAMES), len(LANDMARK_FEATURE_NAMES) + len(HOG_NAMES))
    )
    assert HOG_NAMES[0] == "hog_0000"
    index = hog_mirror_index()
    assert np.array_equal(index[index], np.arange(len(HOG_NAMES)))
    assert sorted(index.tolist()) == list(range(len(HOG_NAMES)))


def test_hog_mirror_map_predicts_the_hog_of_the_flipped_crop(
    astronaut_and_flipped: tuple[FaceObservation, FaceObservation],
) -> None:
    crop = astronaut_and_flipped[0].face_crop
    plain = hog_features(crop)
    flipped = hog_features(np.ascontiguousarray(crop[:, ::-1]))
    predicted = plain[hog_mirror_index()]
    assert np.corrcoef(predicted, flipped)[0, 1] > 0.9
    assert np.abs(predicted - flipped).mean() < 0.5 * np.abs(plain - flipped).mean()
    values = extract_features(astronaut_and_flipped[0]).values
    hog = block_columns("hog")
    assert np.array_equal(values[hog.start : hog.stop], plain)


def test_hog_needs_a_crop_of_the_right_shape() -> None:
    with pytest.raises(ValueError, match="face crop"):
        hog_features(np.zeros((64, 64), np.uint8))


def test_mouth_block_ends_the_vector_and_mirrors_like_the_face_hog() -> None:
    assert MOUTH_HOG_BLOCKS == (23, 15)
    assert len(MOUTH_HOG_NAMES) == 23 * 15 * 4 * 9
    mouth = block_columns("mouth")
    assert FEATURE_NAMES[mouth.start : mouth.stop] == MOUTH_HOG_NAMES
    assert mouth.stop == len(FEATURE_NAMES)
    index = hog_mirror_index(MOUTH_HOG_BLOCKS)
    assert np.array_equal(index[index], np.arange(len(MOUTH_HOG_NAMES)))
    assert sorted(index.tolist()) == list(range(len(MOUTH_HOG_NAMES)))


def test_mouth_crop_is_the_mouth_and_its_mirror_map_predicts_the_flipped_face(
    astronaut_and_flipped: tuple[FaceObservation, FaceObservation],
) -> None:
    plain_obs, flipped_obs = astronaut_and_flipped
    crop = plain_obs.mouth_crop
    assert crop.shape == (128, 192) and crop.dtype == np.uint8
    # the crop's middle holds the mouth: the lips' points map near its centre
    plain = mouth_hog_features(crop)
    flipped = mouth_hog_features(flipped_obs.mouth_crop)
    predicted = plain[hog_mirror_index(MOUTH_HOG_BLOCKS)]
    assert np.corrcoef(predicted, flipped)[0, 1] > 0.8
    assert np.abs(predicted - flipped).mean() < 0.7 * np.abs(plain - flipped).mean()
    values = extract_features(plain_obs).values
    mouth = block_columns("mouth")
    assert np.array_equal(values[mouth.start : mouth.stop], plain)
    with pytest.raises(ValueError, match="mouth crop"):
        mouth_hog_features(np.zeros((128, 128), np.uint8))
