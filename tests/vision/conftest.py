"""Vision test fixtures: the astronaut's real observation and a tiny real ONNX model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.features import extract_features
from game.vision.records import FaceObservation, Frame
from tests.vision.model_factory import write_model


@pytest.fixture(scope="session")
def image_tracker() -> Iterator[FaceTracker]:
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        yield tracker


@pytest.fixture(scope="session")
def astronaut_observation(image_tracker: FaceTracker, astronaut_rgb: np.ndarray) -> FaceObservation:
    obs = image_tracker.observe(Frame(0, astronaut_rgb))
    assert obs.has_face
    return obs


@pytest.fixture(scope="session")
def tiny_model_path(
    tmp_path_factory: pytest.TempPathFactory, astronaut_observation: FaceObservation
) -> Path:
    values = extract_features(astronaut_observation).values
    return write_model(tmp_path_factory.mktemp("model") / "tiny.onnx", values)
