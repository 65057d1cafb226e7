"""Score maps beside their models, and the switch to the calibrated model on calibration."""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.expressions import ADVISORY_FLAGS, Expression
from game.paths import DEFAULT_MODEL_PATH, REPO_ROOT
from game.vision.calibration import NeutralBaseline
from game.vision.features import extract_features
from game.vision.model import ExpressionModel
from game.vision.pipeline import calibrated_model_path, load_calibrated_companion
from game.vision.records import FaceObservation
from game.vision.score_map import ScoreMap, file_sha256, score_map_path
from game.vision.scoring import Scorer
from tests.vision.model_factory import write_model


def test_score_map_round_trips_and_rejects_malformed_data() -> None:
    fitted = ScoreMap({Expression.SAD: 0.61, Expression.HAPPY: -0.2}, 1.0, "ab" * 32, "x")
    assert ScoreMap.from_dict(json.loads(json.dumps(fitted.to_dict()))) == fitted
    assert fitted.fitted and not ScoreMap.default().fitted
    for bad in ({}, {"offsets": {"bored": 1.0}}, {"offsets": {"sad": 1}, "anchor_score": 0.5}):
        with pytest.raises(ValueError):
            ScoreMap.from_dict(bad)


def test_a_missing_or_stale_map_falls_back_to_the_default_with_one_warning(
    tmp_path: Path, tiny_model_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = Path(shutil.copy(tiny_model_path, tmp_path / "m.onnx"))
    with caplog.at_level(logging.WARNING, logger="game.vision.score_map"):
        assert ScoreMap.for_model(model) == ScoreMap.default()
    assert len(caplog.records) == 1
    ScoreMap({Expression.HAPPY: 1.5}, model_sha256=file_sha256(model)).write(score_map_path(model))
    assert ScoreMap.for_model(model).offset(Expression.HAPPY) == 1.5
    ScoreMap({Expression.HAPPY: 1.5}, model_sha256="0" * 64).write(score_map_path(model))
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="game.vision.score_map"):
        assert ScoreMap.for_model(model) == ScoreMap.default()
    (record,) = caplog.records
    assert "another" in record.getMessage() and "\n" not in record.getMessage()


def test_shipped_models_have_fitted_maps_for_every_expression() -> None:
    for path in (DEFAULT_MODEL_PATH, calibrated_model_path(DEFAULT_MODEL_PATH)):
        stored = ScoreMap.from_dict(json.loads(score_map_path(path).read_text("utf-8")))
        assert stored.model_sha256 == file_sha256(path), f"refit the score map of {path.name}"
        assert set(stored.offsets) == set(Expression)
        assert all(-3.0 < v < 4.0 for v in stored.offsets.values())


def test_calibrated_companion_path_matches_the_trainers() -> None:
    from game.training.train import calibrated_path

    assert calibrated_model_path(DEFAULT_MODEL_PATH) == calibrated_path(DEFAULT_MODEL_PATH)


def test_scorer_uses_the_calibrated_model_while_a_baseline_is_set(
    tmp_path: Path, tiny_model_path: Path, astronaut_observation: FaceObservation
) -> None:
    features = extract_features(astronaut_observation)
    raw_path = shutil.copy(tiny_model_path, tmp_path / "expression.onnx")
    raw = ExpressionModel.load(raw_path)
    assert load_calibrated_companion(raw) is None  # none shipped beside it yet
    write_model(calibrated_model_path(Path(raw_path)), features.values, input_kind="delta")
    delta = load_calibrated_companion(raw)
    assert delta is not None and delta.input_kind == "delta"
    assert load_calibrated_companion(delta) is None

    scorer = Scorer(raw, target=Expression.HAPPY, calibrated_model=delta)
    assert scorer.model is raw
    before, _ = scorer.score(astronaut_observation)
    assert before.probabilities == raw.probabilities(features)
    own = NeutralBaseline.from_vectors([features])
    scorer.set_baseline(own)
    assert scorer.model is delta
    after, _ = scorer.score(astronaut_observation)
    expected = delta.probabilities(features, own.values_for(delta.feature_names))
    assert after.probabilities == expected
    # no change from its own neutral: the delta model does not see a smile
    assert max(expected, key=lambda e: expected[e]) is not Expression.HAPPY
    assert after.raw_score < before.raw_score
    scorer.set_baseline(None)
    assert scorer.model is raw
    with pytest.raises(ValueError):
        Scorer(raw, calibrated_model=raw)


def test_shipped_calibrated_model_scores_a_face_against_its_own_neutral(
    astronaut_observation: FaceObservation,
) -> None:
    raw = ExpressionModel.load(DEFAULT_MODEL_PATH)
    delta = load_calibrated_companion(raw)
    assert delta is not None
    scorer = Scorer(raw, target=Expression.HAPPY, calibrated_model=delta)
    assert scorer.score_map.fitted
    smiling, _ = scorer.score(astronaut_observation)
    assert smiling.raw_score > 0.7
    scorer.set_baseline(NeutralBaseline.from_vectors([extract_features(astronaut_observation)]))
    assert scorer.model is delta and scorer.score_map.fitted
    same_face, _ = scorer.score(astronaut_observation)
    # a face unchanged from its neutral: the calibrated model (the delta model fused with the
    # raw one, which still sees the smile) is far less sure of a smile than the raw model
    assert same_face.probabilities[Expression.HAPPY] < 0.6
    assert same_face.raw_score < smiling.raw_score - 0.2


def test_watch_scores_the_astronaut_happy_with_the_shipped_model(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    """Issue 3's done-criterion, end to end with the shipped model and score map."""
    from tests.vision.test_sources import write_png

    png = write_png(tmp_path / "astronaut.png", astronaut_rgb)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "game",
            "watch",
            "--json",
            "--target",
            "happy",
            "--source",
            str(png),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO_ROOT,
        env=dict(os.environ, GLOG_minloglevel="2"),
    )
    assert done.returncode == 0, done.stderr
    (record,) = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert record["target"] == "happy" and record["trusted"] is True
    assert record["target_score"] > 0.7
    assert set(record["flags"]) <= {f.value for f in ADVISORY_FLAGS}
    assert "score map" not in done.stderr and "lacks" not in done.stderr


def test_a_score_map_is_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "expression.scoring.json"
    ScoreMap({Expression.HAPPY: 1.5}).write(path)
    before = path.read_bytes()

    def crash(src: str, dst: str) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk gone"):
        ScoreMap({Expression.HAPPY: -2.0}).write(path)
    assert path.read_bytes() == before  # the old map, whole
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temporary left
    monkeypatch.undo()
    ScoreMap({Expression.HAPPY: -2.0}).write(path)
    assert ScoreMap.from_dict(json.loads(path.read_text("utf-8"))).offsets[Expression.HAPPY] == -2.0
    assert path.stat().st_mode & 0o077 == 0  # a new file: private to the user
    path.chmod(0o644)  # a shipped file others read keeps its permissions when replaced
    ScoreMap({Expression.HAPPY: 1.0}).write(path)
    assert path.stat().st_mode & 0o777 == 0o644
