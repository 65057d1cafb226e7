"""The occlusion model: the shipped file, its JSON round trip, a damaged file, real faces."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from game.vision.face_tracker import FaceTracker
from game.vision.occlusion import (
    OCCLUSION_MODEL_PATH,
    PARTS,
    OcclusionModel,
    OcclusionModelError,
    default_occlusion_model,
    part_features,
)
from game.vision.records import Frame


def test_the_shipped_model_has_both_parts_and_its_out_of_fold_figures() -> None:
    model = default_occlusion_model()
    assert model is not None and set(model.parts) == set(PARTS)
    cv = model.info["cv"]
    assert isinstance(cv, dict)
    for part in PARTS:
        # people the model never saw, every covered version (held-out pacifier styles too)
        assert cv[part]["hit_rate"] >= 0.75 and cv[part]["false_flag_rate"] <= 0.01
        p = model.parts[part]
        assert p.mean.shape == p.scale.shape and p.hidden is not None
        assert p.hidden[0].shape == p.mean.shape + p.coef.shape
        assert 0.0 < p.threshold < 1.0
    measured = model.info["out_of_fold"]
    assert isinstance(measured, dict) and measured["folds"] == 5
    for per_set in measured["false_flags"]["clean"].values():
        flagged, faces = per_set
        assert faces >= 100 and flagged <= 0.01 * faces


def test_save_and_load_give_the_same_probabilities(
    tmp_path: Path, image_tracker: FaceTracker, astronaut_rgb: np.ndarray
) -> None:
    crop = image_tracker.observe(Frame(0, astronaut_rgb)).face_crop
    model = OcclusionModel.load(OCCLUSION_MODEL_PATH)
    model.save(tmp_path / "o.json")
    again = OcclusionModel.load(tmp_path / "o.json")
    for part, p in model.probabilities(crop).items():
        assert again.probabilities(crop)[part] == pytest.approx(p, abs=1e-4)
    assert model.covered(crop) == frozenset()  # the astronaut's face is uncovered
    assert part_features(crop, "mouth").dtype == np.float32


def test_a_damaged_model_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "occlusion.json"
    bad.write_text('{"parts": {"mouth": {"mean": [1]}}}')
    with pytest.raises(OcclusionModelError, match=r"occlusion\.json: not a readable"):
        OcclusionModel.load(bad)
    with pytest.raises(OcclusionModelError):
        OcclusionModel.load(tmp_path / "missing.json")
    data = json.loads(OCCLUSION_MODEL_PATH.read_text())
    data["parts"]["mouth"]["hidden"]["biases"].append(0.0)  # one unit too many
    bad.write_text(json.dumps(data))
    with pytest.raises(OcclusionModelError, match="hidden layer"):
        OcclusionModel.load(bad)


@pytest.mark.datasets
def test_train_occlusion_end_to_end_on_a_few_children(
    tmp_path: Path, children_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.cli import main

    rows = (children_dir / "labels.csv").read_text().splitlines()
    by_subject: dict[str, str] = {}
    for row in rows[1:]:
        file, _label, subject = row.split(",")
        by_subject.setdefault(subject, file)
    folder = tmp_path / "few"
    folder.mkdir()
    (folder / "images").symlink_to(children_dir / "images")
    chosen = list(by_subject.items())[:12]
    (folder / "labels.csv").write_text(
        "file,label,subject\n" + "".join(f"{f},neutral,{s}\n" for s, f in chosen)
    )
    out, cache, report = tmp_path / "occlusion.json", tmp_path / "crops", tmp_path / "oof.json"
    cache.mkdir()
    args = ["train-occlusion", "--data", str(folder), "--out", str(out), "--out-of-fold", "4",
            "--samples-dir", str(cache), "--report", str(report)]
    assert main(args) == 0
    printed = capsys.readouterr().out
    assert "mouth: hit rate" in printed and "eyes: hit rate" in printed
    assert "People never seen by the occlusion model: 12 people in 4" in printed
    assert "| clean |" in printed and "| pacifier_" in printed
    model = OcclusionModel.load(out)
    assert set(model.parts) == set(PARTS)
    cv = model.info["cv"]
    assert isinstance(cv, dict)
    for part in PARTS:
        assert 0.0 <= cv[part]["false_flag_rate"] <= 1.0
    # the tracked crops are kept privately and reused: the second run gives the same model
    (kept,) = cache.iterdir()
    assert kept.stat().st_mode & 0o777 == 0o600
    first = out.read_text()
    assert main(args) == 0
    assert out.read_text() == first
    measured = json.loads(report.read_text())
    assert measured["folds"] == 4 and measured["false_flags"]["clean"]["few"][1] == 12


def test_train_occlusion_bad_input_is_one_sentence(
    tmp_path: Path, astronaut_rgb: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.cli import main
    from tests.vision.test_sources import write_png

    folder = tmp_path / "two"
    folder.mkdir()
    write_png(folder / "a.png", astronaut_rgb)
    write_png(folder / "b.png", np.ascontiguousarray(astronaut_rgb[:, ::-1]))
    (folder / "labels.csv").write_text("file,label,subject\na.png,happy,A\nb.png,happy,B\n")
    out = tmp_path / "o.json"
    cases = [
        (["--out", str(tmp_path / "nowhere" / "o.json")], "does not exist"),
        (["--out", str(out), "--seed", "-1"], "--seed"),
        (["--out", str(out)], "at least 5 people"),
        (["--out", str(out), "--out-of-fold", "1"], "--out-of-fold"),
        (["--out", str(out), "--every", "few"], "--every"),
        (["--out", str(out), "--samples-dir", str(tmp_path / "no")], "--samples-dir"),
        (["--out", str(out), "--drawn-pacifiers", "2"], "--drawn-pacifiers"),
    ]
    for args, words in cases:
        assert main(["train-occlusion", "--data", str(folder), *args]) == 2, args
        err = capsys.readouterr().err
        assert words in err and err.count("facequest:") == 1, (args, err)
    assert not out.exists()
