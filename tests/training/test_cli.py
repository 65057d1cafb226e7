"""`facequest train` / `facequest evaluate` from the command line, on tiny real subsets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.paths import DEFAULT_MODEL_PATH

REPORT_KEYS = {
    "n",
    "accuracy",
    "balanced_accuracy",
    "recall",
    "auc",
    "confusion",
    "missed_faces",
}


@pytest.mark.datasets
def test_evaluate_json_shape_and_plot(
    tiny_adults: Path, feature_cache_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plot = tmp_path / "confusion.png"
    code = main(
        [
            "evaluate",
            "--data",
            str(tiny_adults),
            "--json",
            "--plot",
            str(plot),
            "--cache-dir",
            str(feature_cache_dir),
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert set(report) >= REPORT_KEYS
    assert report["n"] == 42 and report["missed_faces"] == 0
    labels = report["confusion"]["labels"]
    assert len(labels) == 7 and len(report["confusion"]["matrix"]) == 7
    assert sum(map(sum, report["confusion"]["matrix"])) == 42
    assert set(report["auc"]) == set(labels) == set(report["recall"])
    assert all(0.0 <= v <= 1.0 for v in report["auc"].values())
    assert 0.0 <= report["accuracy"] <= 1.0
    assert plot.read_bytes()[:4] == b"\x89PNG"
    # tiny_adults links to tw_performers pictures, which the shipped model learnt: the report
    # says so by content, whatever the folder is called (a name check missed it)
    (name,) = report["trained_on_these_sets"]
    assert report["trained_images"] == {
        "basis": "content", "excluded": False, "datasets": {name: {"images": 42, "trained": 42}}
    }
    from game.cli.evaluate_cmd import _text

    text = _text(report)
    assert f"note: this model was trained on 42 of the 42 images of {name} (by content)" in text
    assert "flatter it" in text and "MODEL_CARD.md" in text
    assert "note:" not in _text({**report, "trained_on_these_sets": [], "trained_note": None})


def test_sets_trained_on_reads_the_model_metadata() -> None:
    from game.training.evaluate import sets_trained_on

    trained_on = (
        "cafe_children: 832 images, 112 subjects; tw_performers: 895 images, 21 subjects "
        "(per label: neutral 218, happy 472); features minus each subject's neutral median"
    )
    assert sets_trained_on(trained_on, ["ckplus48", "tw_performers", "cafe_children"]) == [
        "tw_performers", "cafe_children"
    ]
    assert sets_trained_on("", ["cafe_children"]) == []


@pytest.mark.datasets
def test_evaluate_reports_each_data_folder(
    tiny_adults: Path, tiny_children: Path, feature_cache_dir: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = ["evaluate", "--data", str(tiny_adults), "--data", str(tiny_children),
            "--cache-dir", str(feature_cache_dir)]
    assert main([*args, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    parts = report["datasets"]
    assert len(parts) == 2
    assert sum(p["n"] for p in parts.values()) == report["n"]
    for part in parts.values():
        assert set(part) >= {"accuracy", "recall", "hit_rate", "false_alarm_rate", "auc"}
    assert main(args) == 0
    text = capsys.readouterr().out
    assert all(f"{name}: n=" in text for name in parts)


@pytest.mark.datasets
def test_evaluate_calibrated_uses_each_subjects_neutral(
    tiny_adults: Path, feature_cache_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "evaluate",
            "--data",
            str(tiny_adults),
            "--calibrated",
            "--json",
            "--cache-dir",
            str(feature_cache_dir),
        ]
    )
    assert code == 0
    report = json.loads(capsys.readouterr().out)
    assert report["mode"] == "calibrated"
    assert report["n"] == 42  # two neutral images per performer: each is the other's baseline
    assert report["uncalibrated"] == {"subjects_without_neutral": 0, "images": 0}


def test_evaluate_refuses_a_raw_model_for_calibrated(
    tiny_adults: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["evaluate", "--data", str(tiny_adults), "--calibrated", "--model", str(DEFAULT_MODEL_PATH)]
    )
    assert code == 2
    assert "'delta' model" in capsys.readouterr().err


def test_train_rejects_bad_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m.txt")]) == 2
    assert ".onnx" in capsys.readouterr().err
    assert main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m.onnx")]) == 2
    assert "labels.csv not found" in capsys.readouterr().err
    code = main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m.onnx"),
                 "--map-population", "teens"])
    assert code == 2
    assert "--map-population teens is not the name of a --data folder" in (
        capsys.readouterr().err)
    code = main(["train", "--data", str(tmp_path), "--out", str(tmp_path / "m.onnx"),
                 "--folds", "0", "--maps-on", "still"])  # no CV, no map: said, not ignored
    assert code == 2
    err = capsys.readouterr().err
    assert "--maps-on needs --folds 2 or more" in err and len(err.strip().splitlines()) == 1


@pytest.mark.datasets
def test_evaluate_of_a_fused_calibrated_model_needs_its_raw_twin(
    tiny_adults: Path, feature_cache_dir: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The shipped calibrated model is fused with its raw twin; without the twin beside it,
    `evaluate --calibrated` says so in one sentence."""
    from game.vision.pipeline import calibrated_model_path, raw_companion_path

    shipped = calibrated_model_path(DEFAULT_MODEL_PATH)
    assert raw_companion_path(shipped) == DEFAULT_MODEL_PATH
    alone = tmp_path / "expression_calibrated.onnx"
    alone.write_bytes(shipped.read_bytes())
    code = main(["evaluate", "--data", str(tiny_adults), "--model", str(alone), "--calibrated",
                 "--cache-dir", str(feature_cache_dir)])
    assert code == 2
    assert "scored together with its raw model" in capsys.readouterr().err
