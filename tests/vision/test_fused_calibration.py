"""A calibrated ("delta") model marked `facequest.fuse_with_raw` is scored together with its
raw twin: the game, `facequest evaluate` and the training CV fuse the two the same way."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression
from game.paths import DEFAULT_MODEL_PATH
from game.vision.calibration import NeutralBaseline
from game.vision.features import extract_features
from game.vision.model import ExpressionModel, ModelError, fuse_log_mean
from game.vision.pipeline import calibrated_model_path, load_calibrated_companion
from game.vision.records import FaceObservation
from game.vision.scoring import Scorer
from tests.vision.model_factory import write_model


def test_fuse_log_mean_is_the_normalised_geometric_mean() -> None:
    a = np.array([0.7, 0.2, 0.1])
    b = np.array([0.1, 0.6, 0.3])
    fused = fuse_log_mean([a, b])
    expected = np.sqrt(a * b) / np.sqrt(a * b).sum()
    assert np.allclose(fused, expected)
    assert np.allclose(fuse_log_mean([np.vstack([a, b])]), np.vstack([a, b]))
    with pytest.raises(ValueError):
        fuse_log_mean([])


def test_a_fused_delta_model_is_scored_with_its_raw_twin(
    tmp_path: Path, tiny_model_path: Path, astronaut_observation: FaceObservation
) -> None:
    features = extract_features(astronaut_observation)
    raw = ExpressionModel.load(shutil.copy(tiny_model_path, tmp_path / "expression.onnx"))
    write_model(calibrated_model_path(raw.path), features.values, input_kind="delta",
                metadata={"facequest.fuse_with_raw": "true"})
    delta = load_calibrated_companion(raw)
    assert delta is not None and delta.fuse_with_raw
    scorer = Scorer(raw, target=Expression.HAPPY, calibrated_model=delta)
    own = NeutralBaseline.from_vectors([features])
    scorer.set_baseline(own)
    reading, _ = scorer.score(astronaut_observation)
    alone = delta.probabilities(features, own.values_for(delta.feature_names))
    twin = raw.probabilities(features)
    columns = list(delta.classes)
    expected = fuse_log_mean([np.array([alone[c] for c in columns]),
                              np.array([twin[c] for c in columns])])
    assert np.allclose([reading.probabilities[c] for c in columns], expected)
    assert reading.probabilities != alone  # the twin really took part
    with pytest.raises(ValueError, match="raw model"):
        Scorer(None, calibrated_model=delta)


@pytest.mark.parametrize(
    ("kind", "value"), [("delta", "yes"), ("raw", "true")]
)
def test_the_fusion_mark_is_checked_at_load(
    tmp_path: Path, astronaut_observation: FaceObservation, kind: str, value: str
) -> None:
    path = write_model(tmp_path / "m.onnx", extract_features(astronaut_observation).values,
                       input_kind=kind, metadata={"facequest.fuse_with_raw": value})
    with pytest.raises(ModelError, match="fuse_with_raw"):
        ExpressionModel.load(path)


def test_the_shipped_calibrated_model_is_fused_with_the_raw_one(
    astronaut_observation: FaceObservation,
) -> None:
    raw = ExpressionModel.load(DEFAULT_MODEL_PATH)
    delta = load_calibrated_companion(raw)
    assert delta is not None and delta.fuse_with_raw
    scorer = Scorer(raw, target=Expression.HAPPY, calibrated_model=delta)
    assert scorer.score_map.fitted
    smiling, _ = scorer.score(astronaut_observation)
    scorer.set_baseline(NeutralBaseline.from_vectors([extract_features(astronaut_observation)]))
    assert scorer.model is delta and scorer.score_map.fitted  # the map of the fused scores
    same_face, _ = scorer.score(astronaut_observation)
    # a smile unchanged from its "neutral": the delta half sees no change, the raw half still
    # sees the smile, so the fused model is far less sure of it than the raw model alone
    assert same_face.probabilities[Expression.HAPPY] < 0.6 < smiling.probabilities[Expression.HAPPY]
    assert same_face.raw_score < smiling.raw_score - 0.2


def test_the_game_refuses_a_calibrated_model_given_as_its_model() -> None:
    from game.vision.pipeline import VisionChain

    calibrated = calibrated_model_path(DEFAULT_MODEL_PATH)
    with pytest.raises(ModelError, match="give the raw model beside it instead"):
        VisionChain.create(calibrated)
