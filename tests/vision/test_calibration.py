"""Neutral calibration: robust baselines, rejected frames, clear failure, serialisation."""

from __future__ import annotations

import base64
import json
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.expressions import QualityFlag
from game.vision.calibration import (
    CalibrationError,
    CalibrationState,
    NeutralBaseline,
    NeutralCalibrator,
)
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION, extract_features
from game.vision.records import FaceObservation, FeatureVector

NAMES = ("a", "b", "c")


def _vec(values: list[float]) -> FeatureVector:
    return FeatureVector(np.asarray(values, np.float32), NAMES, FEATURE_SPEC_VERSION)


rows = st.lists(
    st.lists(st.floats(-5, 5, allow_nan=False, width=32), min_size=3, max_size=3),
    min_size=1,
    max_size=40,
)


@given(rows, st.randoms())
def test_baseline_is_the_median_whatever_the_order(data: list[list[float]], rnd: random.Random
) -> None:
    vectors = [_vec(r) for r in data]
    shuffled = list(vectors)
    rnd.shuffle(shuffled)
    a, b = NeutralBaseline.from_vectors(vectors), NeutralBaseline.from_vectors(shuffled)
    assert a.medians == pytest.approx(b.medians)
    expected = np.median(np.asarray(data, np.float32).astype(np.float64), axis=0)
    assert a.medians == pytest.approx(tuple(expected), abs=1e-6)
    assert all(s >= 0 for s in a.spreads)


@given(rows)
def test_baseline_survives_a_json_round_trip(data: list[list[float]]) -> None:
    baseline = NeutralBaseline.from_vectors([_vec(r) for r in data])
    again = NeutralBaseline.from_dict(json.loads(json.dumps(baseline.to_dict())))
    assert again == baseline


@settings(max_examples=40)
@given(
    st.lists(st.sampled_from(["good", "no_face", "turned", "several"]), min_size=1, max_size=60),
    st.integers(min_value=1, max_value=20),
)
def test_calibrator_keeps_only_good_frames(kinds: list[str], minimum: int) -> None:
    calibrator = NeutralCalibrator(start_ms=1000, duration_ms=3000, min_good_frames=minimum)
    good_values = []
    for i, kind in enumerate(kinds):
        t = 1000 + i * 40
        value = [float(i), 1.0, -float(i)]
        if kind == "no_face":
            status = calibrator.add(None, frozenset({QualityFlag.NO_FACE}), t)
        elif kind == "turned":
            status = calibrator.add(_vec([99.0] * 3), frozenset({QualityFlag.HEAD_TURNED}), t)
        else:
            flags = frozenset({QualityFlag.SEVERAL_FACES}) if kind == "several" else frozenset()
            status = calibrator.add(_vec(value), flags | {QualityFlag.NOT_CALIBRATED}, t)
            good_values.append(value)
        assert status.state is CalibrationState.COLLECTING
        assert 0.0 <= status.progress < 1.0
    final = calibrator.status(4000)
    assert final.good_frames == len(good_values)
    assert final.rejected_frames == len(kinds) - len(good_values)
    if len(good_values) >= minimum:
        assert final.state is CalibrationState.DONE and final.baseline is not None
        assert final.baseline.medians == pytest.approx(
            tuple(np.median(np.asarray(good_values), axis=0)), abs=1e-4
        )
    else:
        assert final.state is CalibrationState.FAILED and final.baseline is None
        assert final.message.startswith("not enough good frames")


def test_failure_names_the_main_problem() -> None:
    calibrator = NeutralCalibrator(start_ms=0, duration_ms=1000, min_good_frames=5)
    for t in range(0, 1000, 100):
        calibrator.add(None, frozenset({QualityFlag.NO_FACE, QualityFlag.TOO_DARK}), t)
    calibrator.add(None, frozenset({QualityFlag.TOO_DARK}), 500)
    status = calibrator.add(None, frozenset(), 1200)
    assert status.state is CalibrationState.FAILED
    assert status.main_problem is QualityFlag.TOO_DARK
    assert "too_dark" in status.message


def test_real_face_baseline_gives_its_own_values(astronaut_observation: FaceObservation) -> None:
    features = extract_features(astronaut_observation)
    calibrator = NeutralCalibrator(start_ms=0, duration_ms=3000)
    for t in range(0, 3000, 100):
        calibrator.add(features, frozenset(), t)
    status = calibrator.finish()
    assert status.state is CalibrationState.DONE and status.baseline is not None
    assert status.baseline.values_for(FEATURE_NAMES) == pytest.approx(features.values)
    assert status.baseline.is_current


def test_malformed_stored_baselines_are_refused() -> None:
    with pytest.raises(CalibrationError, match="malformed"):
        NeutralBaseline.from_dict({"features": {"a": [1.0]}, "spec_version": "1", "frames": 3})
    with pytest.raises(CalibrationError, match="malformed"):
        NeutralBaseline.from_dict({"spec_version": "1"})
    baseline = NeutralBaseline.from_vectors([_vec([1, 2, 3])])
    with pytest.raises(CalibrationError, match="lacks features"):
        baseline.values_for(("a", "zzz"))


def test_stored_baseline_is_compact_and_older_forms_still_load() -> None:
    values = np.linspace(-1.0, 1.0, len(FEATURE_NAMES)).astype(np.float32)
    vector = FeatureVector(values=values, names=FEATURE_NAMES, spec_version=FEATURE_SPEC_VERSION)
    baseline = NeutralBaseline.from_vectors([vector, vector])
    stored = baseline.to_dict()
    assert stored["names"] == "feature_spec"  # the current spec's names are not written out
    text = json.dumps(stored)
    assert len(text) < 12 * len(FEATURE_NAMES)  # ~11 bytes a feature (float32), was ~40
    assert NeutralBaseline.from_dict(json.loads(text)) == baseline
    older = {
        "spec_version": FEATURE_SPEC_VERSION,
        "frames": 2,
        "source": "child",
        "features": {
            n: [m, s]
            for n, m, s in zip(baseline.names, baseline.medians, baseline.spreads, strict=True)
        },
    }
    assert NeutralBaseline.from_dict(older) == baseline
    with pytest.raises(CalibrationError, match="feature spec 0"):
        NeutralBaseline.from_dict({**stored, "spec_version": "0"})
    with pytest.raises(CalibrationError, match="malformed"):
        NeutralBaseline.from_dict({**stored, "medians": "not base64!"})
    with pytest.raises(CalibrationError, match="one median"):
        one = base64.b64encode(np.zeros(1, "<f4").tobytes()).decode("ascii")
        NeutralBaseline.from_dict({**stored, "spreads": one})
    # written before spec 6: float64 numbers and no "number_format"
    as_float64 = {
        k: v for k, v in stored.items() if k not in ("number_format", "medians", "spreads")
    }
    for key, numbers in (("medians", baseline.medians), ("spreads", baseline.spreads)):
        as_float64[key] = base64.b64encode(np.asarray(numbers, "<f8").tobytes()).decode("ascii")
    assert NeutralBaseline.from_dict(as_float64) == baseline
    with pytest.raises(CalibrationError, match="number format"):
        NeutralBaseline.from_dict({**stored, "number_format": "float16"})
    other = NeutralBaseline(("a", "b"), (1.0, 2.0), (0.5, 0.25), "3", 4)
    assert other.to_dict()["names"] == ["a", "b"]
    assert NeutralBaseline.from_dict(json.loads(json.dumps(other.to_dict()))) == other
