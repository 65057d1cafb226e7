"""Score maps fitted on what the game sees: pictures read as video (`game.training.video_reads`),
on real faces."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from game.paths import DEFAULT_MODEL_PATH
from game.training.dataset import load_folders
from game.training.feature_cache import FeatureCache, extract, file_sha256
from game.training.robustness_reads import found_faces, read_last
from game.training.video_reads import VARIANT, VideoReads, read_as_video
from game.vision.features import FEATURE_NAMES, extract_features
from game.vision.pipeline import VisionChain, calibrated_model_path
from game.vision.score_map import ScoreMap, score_map_path


def test_video_reads_check_their_shape() -> None:
    with pytest.raises(ValueError, match="VideoReads"):
        VideoReads(np.zeros((2, 3), np.float32), np.ones(2, bool))


@pytest.mark.datasets
def test_a_picture_is_read_as_robustness_reads_it_and_cached(
    tiny_children: Path, tmp_path: Path
) -> None:
    items = load_folders([tiny_children])[:4]
    paths = [item.path for item in items]
    reads = read_as_video(paths, items, tmp_path)
    assert reads.features.shape == (4, len(FEATURE_NAMES)) and reads.found.all()
    # the same features as robustness's clean condition: found face, 4 video frames
    faces, _ = found_faces(items[:1])
    with VisionChain.create(None, mode="video") as chain:
        observation = read_last(chain, [faces[0][1][0]])
    assert np.allclose(reads.features[0], extract_features(observation).values, atol=1e-6)
    # a still read (padded, IMAGE mode) of the same picture is not the same read
    still = extract(items, cache_dir=tmp_path, progress=False)
    assert not np.allclose(still.features[0], reads.features[0], atol=1e-3)
    with FeatureCache(tmp_path) as cache:  # kept under its own variant
        cached = cache.get_features(file_sha256(paths[2]), VARIANT)
    assert isinstance(cached, np.ndarray) and np.array_equal(cached, reads.features[2])
    again = read_as_video(paths[::-1], items, tmp_path)  # from the cache, in the order asked
    assert np.array_equal(again.features, reads.features[::-1])


@pytest.mark.datasets
@pytest.mark.slow
def test_fold_maps_fitted_on_video_reads_differ_from_still_ones(
    tiny_adults: Path, feature_cache_dir: Path, tmp_path: Path
) -> None:
    from game.training.out_of_fold import build_fold_models

    items = load_folders([tiny_adults])
    fits = {}
    for kind in ("still", "video"):
        folds = build_fold_models(items, 2, tmp_path / kind, cache_dir=feature_cache_dir,
                                  with_copies=False, calibrated=True, maps_on=kind)
        assert folds.maps_on == kind and f"of {kind} reads" in folds.describe()
        assert folds.calibrated_fit_all is not None
        fits[kind] = (folds.fit_all, folds.calibrated_fit_all)
        for path in folds.models:  # each file says what it was fitted on
            assert f"({kind} reads)" in ScoreMap.for_model(path).calibration_note
            assert f"({kind} reads)" in ScoreMap.for_model(
                calibrated_model_path(path)).calibration_note
    # the same fold models (the same still features train them), other maps
    assert fits["still"][0].temperature != pytest.approx(fits["video"][0].temperature)
    assert fits["still"][1].offsets != fits["video"][1].offsets
    with pytest.raises(ValueError, match="video or still reads, not 'frames'"):
        build_fold_models(items, 2, tmp_path / "x", cache_dir=feature_cache_dir,
                          with_copies=False, maps_on="frames")


@pytest.mark.datasets
@pytest.mark.slow
def test_write_scoring_writes_the_calibrated_companions_file_too(
    tiny_adults: Path, feature_cache_dir: Path, tmp_path: Path
) -> None:
    from game.training.evaluate_oof import evaluate_out_of_fold

    model = tmp_path / "expression.onnx"
    shutil.copy(DEFAULT_MODEL_PATH, model)
    companion = calibrated_model_path(model)
    shutil.copy(calibrated_model_path(DEFAULT_MODEL_PATH), companion)
    report = evaluate_out_of_fold([tiny_adults], 2, cache_dir=feature_cache_dir,
                                  progress=False, with_copies=False, write_scoring_to=model)
    assert report["fit_all"]["maps_on"] == "video"
    assert report["calibrated_scoring_file"] == str(score_map_path(companion))
    written = json.loads(score_map_path(companion).read_text("utf-8"))
    assert written["note"].startswith("calibrated (fused with raw)")
    fitted = report["fit_all"]["calibrated"]  # the companions' fit on everyone, not the raw one
    assert written["temperature"] == pytest.approx(fitted["temperature"], abs=1e-3)
    assert written["offsets"] == pytest.approx(fitted["offsets"], abs=1e-3)
    assert ScoreMap.for_model(companion).temperature == pytest.approx(written["temperature"])
    assert ScoreMap.for_model(model).temperature != pytest.approx(written["temperature"])


@pytest.mark.datasets
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.usefixtures("shared_fits")
def test_trains_maps_score_each_video_read_by_the_cv_model_that_never_saw_its_person(
    tiny_adults: Path, feature_cache_dir: Path
) -> None:
    from sklearn.model_selection import GroupKFold

    from game.training import cv as cv_module
    from game.training.cv import class_order, out_of_fold
    from game.training.evaluate import subject_baselines
    from game.training.train import _video_evidence, _with_video_reads
    from tests.training.test_train_roundtrip import SMALL

    items = load_folders([tiny_adults])
    data = extract(items, cache_dir=feature_cache_dir, progress=False)
    copies = _with_video_reads(data, items, None, feature_cache_dir)
    assert not copies.train.any()  # no model trains on a read
    oof = out_of_fold(data.features, data.labels, data.subjects, SMALL, 3, copies)
    raw = _video_evidence(oof, False)
    video = read_as_video(data.paths, items, feature_cache_dir)
    assert video.found.all() and raw.labels.tolist() == list(data.labels)
    # by hand: each CV fold's model (same split, same fit) on its held-out people's reads
    classes = class_order(data.labels)
    y = np.array([classes.index(label) for label in data.labels])
    none = (np.zeros((0, len(FEATURE_NAMES)), np.float32), np.zeros(0, int))
    for train, test in GroupKFold(n_splits=3).split(data.features, y, data.subjects):
        fit = cv_module.fit  # type: ignore[attr-defined]  # the session's shared fit
        model = fit(data.features[train], y[train], SMALL, none, "raw")
        columns = [int(c) for c in model.classes_]
        assert np.allclose(raw.probabilities[np.ix_(test, columns)],
                           model.predict_proba(video.features[test]), atol=1e-6)
    calibrated = _video_evidence(oof, True)
    baselines, _ = subject_baselines(video.features, data.labels, data.subjects)
    assert len(calibrated.labels) == len(baselines) > 0  # each read against its own neutral
    with_baseline = sorted(baselines)  # the calibrated rows, in order, with their people
    assert calibrated.labels.tolist() == [data.labels[i] for i in with_baseline]
    assert calibrated.subjects.tolist() == [data.subjects[i] for i in with_baseline]
    assert np.allclose(calibrated.probabilities.sum(axis=1), 1.0, atol=1e-5)


@pytest.mark.datasets
@pytest.mark.slow
def test_write_scoring_without_a_neutral_picture_is_refused_and_writes_nothing(
    tiny_children: Path, feature_cache_dir: Path, tmp_path: Path
) -> None:
    import csv

    from game.training.evaluate import EvaluationError
    from game.training.evaluate_oof import evaluate_out_of_fold

    folder = tmp_path / "no_neutral"  # the same people, their neutral pictures left out
    folder.mkdir()
    with (tiny_children / "labels.csv").open(newline="", encoding="utf-8") as fh:
        rows = [row for row in csv.DictReader(fh) if row["label"] != "neutral"]
    with (folder / "labels.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, ["file", "label", "subject"])
        writer.writeheader()
        for row in rows:
            link = folder / row["file"]
            link.parent.mkdir(parents=True, exist_ok=True)
            link.symlink_to((tiny_children / row["file"]).resolve())
            writer.writerow({k: row[k] for k in ("file", "label", "subject")})
    model = tmp_path / "expression.onnx"
    shutil.copy(DEFAULT_MODEL_PATH, model)
    companion = calibrated_model_path(model)
    shutil.copy(calibrated_model_path(DEFAULT_MODEL_PATH), companion)
    for path in (model, companion):
        shutil.copy(score_map_path(DEFAULT_MODEL_PATH.with_name(path.name)),
                    score_map_path(path))
    before = [score_map_path(path).read_bytes() for path in (model, companion)]
    # the model scores neutral, these fold models never learnt it: its offset would be lost
    with pytest.raises(EvaluationError, match="missing: neutral"):
        evaluate_out_of_fold([folder], 2, cache_dir=feature_cache_dir, progress=False,
                             with_copies=False, write_scoring_to=model)
    assert [score_map_path(path).read_bytes() for path in (model, companion)] == before


def test_the_text_report_names_the_scoring_files_written() -> None:
    from game.cli.evaluate_cmd import _text
    from game.paths import REPO_ROOT

    report = json.loads((REPO_ROOT / "models" / "out_of_fold.json").read_text("utf-8"))
    report["calibrated_scoring_file"] = "/x/expression_calibrated.scoring.json"
    report["fit_all"]["calibrated"] = {"temperature": 0.66, "offsets": {}}
    text = _text(report)
    written = f"wrote {report['scoring_file']} (temperature 0.75, offsets fitted on video reads)"
    assert written in text
    assert "wrote /x/expression_calibrated.scoring.json (temperature 0.66" in text
