"""The committed models load in the game and read a real smiling face as happy."""

from __future__ import annotations

import numpy as np

from game.expressions import Expression
from game.paths import DEFAULT_MODEL_PATH
from game.training.train import calibrated_path
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.features import FEATURE_NAMES, extract_features
from game.vision.model import ExpressionModel
from game.vision.records import Frame


def test_shipped_models_load_and_are_small() -> None:
    raw = ExpressionModel.load(DEFAULT_MODEL_PATH)
    assert raw.input_kind == "raw"
    assert raw.classes == tuple(Expression)
    assert raw.feature_names == FEATURE_NAMES
    assert "cafe_children" in raw.trained_on and "tw_performers" in raw.trained_on
    calibrated = ExpressionModel.load(calibrated_path(DEFAULT_MODEL_PATH))
    assert calibrated.input_kind == "delta"
    for path in (DEFAULT_MODEL_PATH, calibrated_path(DEFAULT_MODEL_PATH)):
        assert path.stat().st_size < 5_000_000


def test_shipped_model_reads_the_astronaut_as_happy(astronaut_rgb: np.ndarray) -> None:
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        observation = tracker.observe(Frame(0, astronaut_rgb))
    model = ExpressionModel.load(DEFAULT_MODEL_PATH)
    probabilities = model.probabilities(extract_features(observation))
    assert max(probabilities, key=lambda e: probabilities[e]) is Expression.HAPPY
    assert probabilities[Expression.HAPPY] > 0.5
