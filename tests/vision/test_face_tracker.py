"""The real MediaPipe face tracker on real images."""

from __future__ import annotations

import numpy as np
import pytest

from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.features import FEATURE_NAMES, extract_features
from game.vision.records import Frame


@pytest.fixture(scope="module")
def image_tracker():
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


def test_blank_image_is_the_empty_observation(
    image_tracker: FaceTracker, blank_rgb: np.ndarray
) -> None:
    obs = image_tracker.observe(Frame(0, blank_rgb))
    assert not obs.has_face
    assert obs.faces_seen == 0
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
