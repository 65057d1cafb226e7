"""Train on a tiny real subset, export to ONNX, load with the game's ExpressionModel."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression
from game.training.cv import cross_validate, neutral_deltas
from game.training.dataset import load_labels
from game.training.feature_cache import extract
from game.training.recipe import Recipe
from game.training.train import calibrated_path, train
from game.vision.model import ExpressionModel

SMALL = Recipe(members=2, mlp_hidden=8, shape_components=10)


@pytest.mark.datasets
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.usefixtures("shared_fits")
def test_train_export_load_predict(
    tiny_adults: Path, feature_cache_dir: Path, tmp_path: Path
) -> None:
    out = tmp_path / "expression.onnx"
    card = tmp_path / "MODEL_CARD.md"
    result = train(
        [tiny_adults], out, recipe=SMALL, cache_dir=feature_cache_dir, folds=0, card=card
    )
    model = ExpressionModel.load(out)
    assert model.input_kind == "raw"
    assert model.classes == tuple(Expression)
    data = extract(load_labels(tiny_adults), cache_dir=feature_cache_dir, progress=False)
    probabilities = model.predict(data.features)
    assert probabilities.shape == (len(data), 7)
    assert np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-4)
    # the model learnt its training faces (a broken export would be near chance)
    predicted = [model.classes[i].value for i in probabilities.argmax(axis=1)]
    assert np.mean([p == t for p, t in zip(predicted, data.labels, strict=True)]) > 0.8
    calibrated = ExpressionModel.load(calibrated_path(out))
    assert calibrated.input_kind == "delta"
    assert result.calibrated_model == calibrated_path(out)
    text = card.read_text(encoding="utf-8")
    assert "research" in text and "facequest train --data" in text
    assert out.stat().st_size < 5_000_000


@pytest.mark.datasets
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.usefixtures("shared_fits")
def test_subject_wise_cv_keeps_subjects_apart(tiny_adults: Path, feature_cache_dir: Path) -> None:
    data = extract(load_labels(tiny_adults), cache_dir=feature_cache_dir, progress=False)
    result = cross_validate(
        data.features, data.labels, data.subjects, data.datasets, SMALL, n_splits=3
    )
    (raw,) = result["raw"].values()  # one data set
    assert raw["n"] == len(data)
    assert set(raw["auc"]) == {e.value for e in Expression}
    assert set(raw["target_auc"]) == {e.value for e in Expression}  # the game's target score
    assert all(0.0 <= v <= 1.0 for v in raw["hit_rate"].values())
    assert result["calibrated"] and result["calibrated_skipped"]["images"] == 0
    with pytest.raises(ValueError, match="subject-wise folds"):
        cross_validate(data.features, data.labels, data.subjects, data.datasets, SMALL, 4)


def test_neutral_deltas_use_the_subjects_other_neutral_images() -> None:
    features = np.array([[1.0], [3.0], [10.0], [5.0], [7.0]])
    labels = ("neutral", "neutral", "happy", "neutral", "sad")
    subjects = ("a", "a", "a", "b", "c")
    deltas = neutral_deltas(features, labels, subjects)
    assert deltas.rows.tolist() == [0, 1, 2]
    assert deltas.values[:, 0].tolist() == [1.0 - 3.0, 3.0 - 1.0, 10.0 - 2.0]
    assert deltas.uncalibrated_subjects == ("c",)
    assert deltas.uncalibrated_rows.tolist() == [3, 4]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_fused_export_matches_the_python_fusion(tmp_path: Path) -> None:
    from game.training.export import export_onnx
    from game.training.recipe import fit, fuse_probabilities
    from game.vision.features import FEATURE_NAMES, LANDMARK_FEATURE_NAMES, block_columns

    rng = np.random.default_rng(0)
    y = np.arange(60) % 3
    x = rng.normal(size=(60, len(FEATURE_NAMES))).astype(np.float32)
    x[:, len(LANDMARK_FEATURE_NAMES) + 5] += 3.0 * y  # the HOG block carries the class too
    x[:, block_columns("embedding").start + 7] -= 2.0 * y  # and so does the embedding
    model = fit(x, y, SMALL)
    assert list(model.members) == ["landmarks", "hog", "embedding", "mouth"]
    each = [m.predict_proba(x) for m in model.members.values()]
    expected = fuse_probabilities(each)
    assert np.allclose(model.predict_proba(x), expected)
    for alone in each:
        assert not np.allclose(expected, alone, atol=1e-3)
    path = export_onnx(model, tmp_path / "m.onnx", ("neutral", "happy", "sad"), "raw", "test")
    loaded = ExpressionModel.load(path)
    assert np.allclose(loaded.predict(x), expected, atol=1e-5)


@pytest.mark.datasets
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_the_delta_model_adds_the_mouth_member_and_exports_it(tmp_path: Path) -> None:
    from game.training.export import export_onnx
    from game.training.recipe import fit, fuse_probabilities
    from game.vision.features import FEATURE_NAMES, block_columns

    rng = np.random.default_rng(1)
    y = np.arange(60) % 3
    x = rng.normal(size=(60, len(FEATURE_NAMES))).astype(np.float32)
    x[:, block_columns("mouth").start + 11] += 3.0 * y  # only the mouth block carries the class
    calibrated_only = replace(SMALL, mouth_inputs=("delta",))
    assert list(fit(x, y, calibrated_only).members) == ["landmarks", "hog", "embedding"]
    assert list(fit(x, y, SMALL).members) == ["landmarks", "hog", "embedding", "mouth"]
    model = fit(x, y, calibrated_only, input_kind="delta")
    assert list(model.members) == ["landmarks", "hog", "embedding", "mouth"]
    mouth = model.members["mouth"].predict_proba(x)
    assert np.mean(mouth.argmax(axis=1) == y) > 0.9  # the mouth member reads its own block
    expected = fuse_probabilities([m.predict_proba(x) for m in model.members.values()])
    path = export_onnx(
        model, tmp_path / "d.onnx", ("neutral", "happy", "sad"), "delta", "test",
        fuse_with_raw=True,
    )
    assert np.allclose(ExpressionModel.load(path).predict(x), expected, atol=1e-5)
    without = fit(x, y, replace(SMALL, mouth_inputs=()), input_kind="delta")
    assert "mouth" not in without.members
    with pytest.raises(ValueError, match="input_kind"):
        fit(x, y, SMALL, input_kind="calibrated")
