"""`facequest train` writes each model's target-score map and a card that reports it."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.expressions import Expression
from game.training.cv import out_of_fold
from game.training.dataset import load_labels
from game.training.feature_cache import extract
from game.training.score_fit import evidence, evidence_from_cv
from game.training.train import calibrated_path
from game.vision.score_map import ScoreMap, file_sha256, score_map_path
from tests.training.test_model_card import notes_shown_unmarked, unmarked_sections
from tests.training.test_train_roundtrip import SMALL


@pytest.mark.datasets
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.usefixtures("shared_fits")
def test_train_writes_models_score_maps_and_card(
    tiny_adults: Path,
    feature_cache_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("game.training.train.Recipe", lambda: SMALL)  # a quick recipe
    out = tmp_path / "expression.onnx"
    cv_json = tmp_path / "cv.json"
    base = ["train", "--data", str(tiny_adults), "--out", str(out)]
    base += ["--cache-dir", str(feature_cache_dir)]
    assert main([*base, "--folds", "3", "--cv-json", str(cv_json)]) == 0
    printed = capsys.readouterr().out
    models = (out, calibrated_path(out))
    for model in models:
        stored = json.loads(score_map_path(model).read_text("utf-8"))
        assert stored["model_sha256"] == file_sha256(model)
        fitted = ScoreMap.for_model(model)  # what the game loads: fitted, not the default
        assert fitted.fitted and set(fitted.offsets) == set(Expression)
        # fitted on the pictures read as the game reads them (video), as the notes say
        assert stored["note"].endswith("(video reads)")
        assert stored["calibration_note"].endswith("(video reads)")
        assert str(score_map_path(model)) in printed

    report = json.loads(cv_json.read_text("utf-8"))["target_score"]
    assert set(report["modes"]) == {"raw", "calibrated"}
    raw = report["modes"]["raw"]
    assert raw["reads"] == report["modes"]["calibrated"]["reads"] == "video"
    stored_offsets = ScoreMap.for_model(out).offsets
    assert raw["offsets"] == {
        t.value: pytest.approx(v, abs=1e-3) for t, v in stored_offsets.items()
    }
    # the temperature is fitted with the map and stored in it (issue 22: calibrated
    # probabilities), with its out-of-fold expected calibration error
    assert ScoreMap.for_model(out).temperature == pytest.approx(raw["temperature"], abs=1e-3)
    assert 0.0 <= raw["ece"]["after_nested"] <= 1.0
    ((set_name, nested),) = raw["nested"].items()  # one data set
    assert set(nested) == {e.value for e in Expression}

    card = (tmp_path / "MODEL_CARD.md").read_text("utf-8")
    for section in (
        "## Training data",
        "## Method",
        "### Raw",
        "### Calibrated",
        "### Target score (verification)",
        "## Development history",
        "## Retraining on a clinic's own data",
    ):
        assert section in card, section
    assert "`expression.scoring.json`" in card and "`expression_calibrated.scoring.json`" in card
    happy = nested["happy"]
    cell = f"**{happy['auc']:.2f}/{happy['hit_rate']:.2f}/{happy['false_alarm_rate']:.2f}**"
    row = next(
        line for line in card.splitlines() if line.startswith(f"| {set_name} |") and "→" in line
    )
    assert cell in row  # the card shows the fitted maps' nested figures
    assert "Hand-written" not in card
    # what it did not compute is headed with the date it was measured
    assert unmarked_sections(card) == [] and notes_shown_unmarked(card) == []
    assert "The weakest classes of this build's cross-validation" in card
    assert f"tempered by T = {raw['temperature']:.2f}" in card

    # retrained without CV, the old maps no longer fit the new files: none is left behind
    assert main([*base, "--folds", "0"]) == 0
    assert not any(score_map_path(m).exists() for m in models)
    assert ScoreMap.for_model(out) == ScoreMap.default()


@pytest.mark.datasets
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.usefixtures("shared_fits")
def test_maps_from_the_cv_use_the_same_evidence_as_score_fit(
    tiny_adults: Path, feature_cache_dir: Path
) -> None:
    data = extract(load_labels(tiny_adults), cache_dir=feature_cache_dir, progress=False)
    fields = (data.features, data.labels, data.subjects, data.datasets)
    oof = out_of_fold(data.features, data.labels, data.subjects, SMALL, 3)
    for calibrated in (False, True):
        shared = evidence_from_cv(oof, *fields, calibrated=calibrated)
        own = evidence(*fields, SMALL, calibrated, n_splits=3)
        assert shared.labels.tolist() == own.labels.tolist()
        assert np.allclose(shared.probabilities, own.probabilities, atol=1e-6)
        assert np.array_equal(shared.actions, own.actions)
