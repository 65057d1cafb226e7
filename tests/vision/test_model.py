"""ExpressionModel: loading a real ONNX file, predicting, and refusing files that do not fit."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION, extract_features
from game.vision.model import ExpressionModel, ModelError
from game.vision.records import FaceObservation
from tests.vision.model_factory import training_set, write_model


def test_loads_metadata_and_predicts_rows(
    tiny_model_path: Path, astronaut_observation: FaceObservation
) -> None:
    model = ExpressionModel.load(tiny_model_path)
    assert set(model.classes) == {Expression.HAPPY, Expression.NEUTRAL, Expression.SURPRISED}
    assert model.feature_names == FEATURE_NAMES
    assert model.spec_version == FEATURE_SPEC_VERSION
    assert model.input_kind == "raw"
    assert "astronaut" in model.trained_on
    values = extract_features(astronaut_observation).values
    single = model.predict(values)
    assert single.shape == (3,)
    assert single.sum() == pytest.approx(1.0, abs=1e-5)
    x, labels = training_set(values, seed=1)
    batch = model.predict(x)
    assert batch.shape == (len(labels), 3)
    predicted = [model.classes[i].value for i in batch.argmax(axis=1)]
    assert predicted == labels
    probs = model.probabilities(extract_features(astronaut_observation))
    assert max(probs, key=lambda e: probs[e]) is Expression.HAPPY


def test_wrong_number_of_features_is_a_clear_error(tiny_model_path: Path) -> None:
    model = ExpressionModel.load(tiny_model_path)
    with pytest.raises(ValueError, match=f"expected {len(FEATURE_NAMES)} features"):
        model.predict(np.zeros(5, np.float32))


def test_delta_model_needs_the_baseline(
    tmp_path: Path, astronaut_observation: FaceObservation
) -> None:
    features = extract_features(astronaut_observation)
    path = write_model(tmp_path / "delta.onnx", features.values, input_kind="delta")
    model = ExpressionModel.load(path)
    assert model.input_kind == "delta"
    with pytest.raises(ValueError, match="baseline"):
        model.probabilities(features)
    neutral = features.values.copy()
    for name in ("mouthSmileLeft", "mouthSmileRight", "cheekSquintLeft", "cheekSquintRight"):
        neutral[FEATURE_NAMES.index(name)] = 0.02
    probs = model.probabilities(features, baseline_values=neutral)
    assert max(probs, key=lambda e: probs[e]) is Expression.HAPPY


@pytest.mark.parametrize(
    ("metadata", "drop", "message"),
    [
        ({"facequest.feature_spec": "0-old"}, (), "feature spec '0-old'"),
        (
            {"facequest.feature_names": json.dumps([*FEATURE_NAMES[:-1], "geo_ear_size"])},
            (),
            "geo_ear_size",
        ),
        (
            {"facequest.feature_names": json.dumps(list(reversed(FEATURE_NAMES)))},
            (),
            "order differs: True",
        ),
        ({}, ("facequest.classes",), "lacks the FaceQuest metadata facequest.classes"),
        ({}, ("facequest.feature_spec", "facequest.input"), "facequest.feature_spec, facequest"),
        ({"facequest.classes": '["happy", "bored"]'}, (), "JSON list of"),
        ({"facequest.input": "relative"}, (), "must be 'raw' or 'delta'"),
    ],
)
def test_mismatched_or_missing_metadata_is_refused(
    tmp_path: Path,
    astronaut_observation: FaceObservation,
    metadata: dict[str, str],
    drop: tuple[str, ...],
    message: str,
) -> None:
    values = extract_features(astronaut_observation).values
    path = write_model(tmp_path / "bad.onnx", values, metadata=metadata, drop=drop)
    with pytest.raises(ModelError, match=message.replace("(", r"\(").replace("[", r"\[")):
        ExpressionModel.load(path)


def test_missing_and_corrupt_files_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="not found"):
        ExpressionModel.load(tmp_path / "nowhere.onnx")
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"this is not a protobuf")
    with pytest.raises(ModelError, match="not a readable ONNX model") as caught:
        ExpressionModel.load(junk)
    # one sentence: onnxruntime's error codes and its copy of the path are left out
    assert str(caught.value) == f"{junk} is not a readable ONNX model (Protobuf parsing failed)"
