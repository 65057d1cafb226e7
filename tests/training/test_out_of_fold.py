"""Honest self-measurement (issue 22): subject-wise folds, the expected calibration error,
temperature scaling applied in the game's one scoring path, and an out-of-fold evaluation on
real faces."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression
from game.paths import DEFAULT_MODEL_PATH
from game.training.out_of_fold import PREVIOUS_SUFFIX, keep_previous, subject_folds
from game.training.prob_calibration import (
    CONFIDENT,
    FRONTIER_FACTORS,
    confidence_frontier,
    expected_calibration_error,
    fit_temperature,
    reliability,
    untemper,
)
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.model import ExpressionModel
from game.vision.pipeline import VisionChain
from game.vision.records import Frame
from game.vision.score_map import ScoreMap, score_map_path, temper, temper_array
from game.vision.scoring import Scorer


def test_subject_folds_never_put_one_person_on_both_sides() -> None:
    rng = np.random.default_rng(3)
    subjects = [f"set{rng.integers(2)}/p{rng.integers(40)}" for _ in range(500)]
    for k in (2, 3, 5):
        fold = subject_folds(subjects, k)
        assert set(fold.tolist()) == set(range(k))
        for person in set(subjects):
            mine = {int(f) for s, f in zip(subjects, fold, strict=True) if s == person}
            assert len(mine) == 1, person  # a person is in one fold only: never train and test
        for f in range(k):  # the people a fold model trains on never include its test people
            test = {s for s, x in zip(subjects, fold, strict=True) if x == f}
            train = {s for s, x in zip(subjects, fold, strict=True) if x != f}
            assert not test & train


def test_subject_folds_refuse_too_few_people() -> None:
    with pytest.raises(ValueError, match="2 people cannot make 3"):
        subject_folds(["a", "a", "b"], 3)
    with pytest.raises(ValueError, match="at least 2 folds"):
        subject_folds(["a", "b"], 1)


def test_ece_against_a_hand_computed_case() -> None:
    # 15 equal-width bins of the top-class probability (Guo et al. 2017, eq. 3):
    # two faces at 0.9 (bin (0.8667, 0.9333]), one right, one wrong: |0.5 - 0.9| = 0.4;
    # two at 0.6 (bin (0.5333, 0.6]), both right: |1.0 - 0.6| = 0.4;
    # one at 0.35 (bin (0.3333, 0.4]), wrong: |0.0 - 0.35| = 0.35.
    # ECE = 2/5 * 0.4 + 2/5 * 0.4 + 1/5 * 0.35 = 0.39
    p = np.array([
        [0.9, 0.1, 0.0],
        [0.9, 0.1, 0.0],
        [0.6, 0.4, 0.0],
        [0.4, 0.6, 0.0],
        [0.3, 0.35, 0.35],  # top class 1 (the first of the two), truth 2
    ])
    truth = np.array([0, 1, 0, 1, 2])
    assert expected_calibration_error(p, truth) == pytest.approx(0.39)
    bins = reliability(p, truth)
    assert len(bins) == 15 and sum(b.count for b in bins) == 5
    assert [i for i, b in enumerate(bins) if b.count] == [5, 8, 13]
    assert bins[13].accuracy == 0.5 and bins[13].confidence == pytest.approx(0.9)
    assert bins[8].accuracy == 1.0 and bins[5].accuracy == 0.0
    # a perfectly calibrated reading: ECE 0
    assert expected_calibration_error(np.array([[1.0, 0.0]]), np.array([0])) == 0.0


def test_temperature_recovers_an_overconfident_model() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(0, 1.5, (4000, 7))
    true_p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(7, p=row) for row in true_p])
    shown = temper_array(true_p, 1 / 2.5)  # sharpened: 2.5 times too sure in log-odds
    t = fit_temperature(shown, truth)
    assert t == pytest.approx(2.5, rel=0.1)
    before = expected_calibration_error(shown, truth)
    after = expected_calibration_error(temper_array(shown, t), truth)
    assert after < before / 3
    assert np.array_equal(temper_array(shown, t).argmax(1), shown.argmax(1))
    assert np.allclose(untemper(temper_array(shown, t), t), shown, atol=1e-9)


def _confident_wrong(p: np.ndarray, truth: np.ndarray) -> float:
    return float(((p.argmax(1) != truth) & (p.max(1) >= CONFIDENT)).mean())


def test_the_confidence_frontier_trades_confident_wrong_for_calibration() -> None:
    """A calibrated model that is right 70% of the time: one temperature cannot bring its
    confident wrong readings under 5% with the ECE within 0.05; a far better ranking can."""
    rng = np.random.default_rng(1)
    logits = rng.normal(0, 2.0, (3000, 7))
    true_p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(7, p=row) for row in true_p])
    frontier = confidence_frontier(true_p, truth)
    assert [pt.factor for pt in frontier.points] == list(FRONTIER_FACTORS)
    at_one = next(pt for pt in frontier.points if pt.factor == 1.0)
    assert at_one.ece == pytest.approx(expected_calibration_error(true_p, truth))
    assert at_one.confident_wrong == pytest.approx(_confident_wrong(true_p, truth))
    shares = [pt.confident_wrong for pt in frontier.points]
    assert shares == sorted(shares, reverse=True)  # softer: fewer readings reach 0.6
    assert shares[-1] < 0.01 < 0.05 < shares[0]
    lowest = frontier.lowest
    assert lowest is not None and lowest.ece <= 0.05
    assert lowest.confident_wrong == min(pt.confident_wrong for pt in frontier.points
                                         if pt.ece <= 0.05)
    assert lowest.confident_wrong > 0.05  # the line is out of a temperature's reach
    sure = np.where(np.arange(7)[None, :] == truth[:, None], 0.9, 0.1 / 6)
    assert confidence_frontier(sure, truth).lowest.confident_wrong == 0.0  # type: ignore[union-attr]
    # counted over a mask and a larger total, as robustness counts trusted readings
    half = np.arange(len(truth)) % 2 == 0
    masked = confidence_frontier(true_p, truth, half, total=2 * len(truth))
    at_one_masked = next(pt for pt in masked.points if pt.factor == 1.0)
    wrong = half & (true_p.argmax(1) != truth) & (true_p.max(1) >= CONFIDENT)
    assert at_one_masked.confident_wrong == pytest.approx(wrong.sum() / (2 * len(truth)))
    assert confidence_frontier(true_p, truth, ece_limit=0.0).lowest is None
    for bad in ((true_p[:0], truth[:0]), (true_p, truth[:5]), (true_p[0], truth[:1])):
        with pytest.raises(ValueError):
            confidence_frontier(*bad)
    with pytest.raises(ValueError):
        confidence_frontier(true_p, truth, total=10)


def test_a_replaced_scoring_file_is_kept_never_over_anything(tmp_path: Path) -> None:
    scoring = tmp_path / "expression.scoring.json"
    assert keep_previous(scoring, "20261207-120000") is None  # nothing to keep
    scoring.write_text("first fit", "utf-8")
    scoring.chmod(0o640)
    first = keep_previous(scoring, "20261207-120000")
    assert first == tmp_path / f"expression.scoring.json.20261207-120000{PREVIOUS_SUFFIX}"
    assert first.read_text("utf-8") == "first fit" and (first.stat().st_mode & 0o777) == 0o640
    scoring.write_text("second fit", "utf-8")
    second = keep_previous(scoring, "20261207-120000")  # the same second: a new name
    assert second is not None and second != first and second.name.endswith(f"-2{PREVIOUS_SUFFIX}")
    assert first.read_text("utf-8") == "first fit" and second.read_text("utf-8") == "second fit"
    # a link or a folder already named like the copy is neither followed nor replaced
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me", "utf-8")
    (tmp_path / f"expression.scoring.json.20261207-130000{PREVIOUS_SUFFIX}").symlink_to(victim)
    (tmp_path / f"expression.scoring.json.20261207-130000-2{PREVIOUS_SUFFIX}").mkdir()
    third = keep_previous(scoring, "20261207-130000")
    assert third is not None and third.name.endswith(f"-3{PREVIOUS_SUFFIX}") and third.is_file()
    assert victim.read_text("utf-8") == "keep me"


def test_a_failed_second_write_puts_the_pair_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The raw and calibrated scoring files are one change: the calibrated file's write
    failing leaves both as they were (and the copies kept)."""
    import game.training.out_of_fold as oof
    from game.training.evaluate_oof import _write_scoring

    raw, companion = tmp_path / "expression.onnx", tmp_path / "expression_calibrated.onnx"
    score_map_path(raw).write_text("old raw", "utf-8")
    score_map_path(companion).write_text("old calibrated", "utf-8")
    fitted = {raw: ScoreMap.default(), companion: ScoreMap(offsets={}, temperature=0.5)}
    monkeypatch.setattr(oof, "scoring_for", lambda path, *a, **k: fitted[path])
    real_write = ScoreMap.write

    def write(self: ScoreMap, path: Path) -> Path:
        if self is fitted[companion]:
            raise OSError(28, "No space left on device")
        return real_write(self, path)

    monkeypatch.setattr(ScoreMap, "write", write)

    class Folds:  # what _write_scoring reads of FoldModels
        calibrated_fit_all = object()

        @staticmethod
        def describe() -> str:
            return "2 folds"

    out = {"calibration": {"ece_before": 0.1, "ece_after": 0.05}}
    with pytest.raises(OSError):
        _write_scoring(raw, companion, Folds(), out)  # type: ignore[arg-type]
    assert score_map_path(raw).read_text("utf-8") == "old raw"
    assert score_map_path(companion).read_text("utf-8") == "old calibrated"
    kept = sorted(q.read_text("utf-8") for q in tmp_path.glob(f"*{PREVIOUS_SUFFIX}"))
    assert kept == ["old calibrated", "old raw"]
    monkeypatch.setattr(ScoreMap, "write", real_write)
    report = _write_scoring(raw, companion, Folds(), out)  # type: ignore[arg-type]
    assert set(report) == {"scoring_file", "calibrated_scoring_file", "previous_scoring_file",
                           "previous_calibrated_scoring_file"}
    assert ScoreMap.from_dict(json.loads(score_map_path(companion).read_text("utf-8"))
                              ).temperature == 0.5


def test_write_scoring_failures_lose_nothing_and_leave_no_stray_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import game.training.out_of_fold as oof
    from game.training.evaluate_oof import _write_scoring

    raw, companion = tmp_path / "expression.onnx", tmp_path / "expression_calibrated.onnx"
    fitted = {raw: ScoreMap.default(), companion: ScoreMap(offsets={}, temperature=0.5)}
    monkeypatch.setattr(oof, "scoring_for", lambda path, *a, **k: fitted[path])

    class Folds:
        calibrated_fit_all = object()

        @staticmethod
        def describe() -> str:
            return "2 folds"

    out = {"calibration": {"ece_before": 0.1, "ece_after": 0.05}}
    real_write, real_keep = ScoreMap.write, oof.keep_previous

    def failing(which: Path):  # type: ignore[no-untyped-def]
        def write(self: ScoreMap, path: Path) -> Path:
            if self is fitted[which]:
                raise OSError(28, "No space left on device")
            return real_write(self, path)
        return write

    # no raw file before, the companion's write fails: the new raw file is taken away
    score_map_path(companion).write_text("old calibrated", "utf-8")
    monkeypatch.setattr(ScoreMap, "write", failing(companion))
    with pytest.raises(OSError):
        _write_scoring(raw, companion, Folds(), out)  # type: ignore[arg-type]
    assert not score_map_path(raw).exists()
    assert score_map_path(companion).read_text("utf-8") == "old calibrated"
    # the first write fails: nothing changed
    score_map_path(raw).write_text("old raw", "utf-8")
    monkeypatch.setattr(ScoreMap, "write", failing(raw))
    with pytest.raises(OSError):
        _write_scoring(raw, companion, Folds(), out)  # type: ignore[arg-type]
    assert score_map_path(raw).read_text("utf-8") == "old raw"
    assert score_map_path(companion).read_text("utf-8") == "old calibrated"
    # keeping the second copy fails: no copy is left that no report names, nothing written
    for copy in tmp_path.glob(f"*{PREVIOUS_SUFFIX}"):
        copy.unlink()
    monkeypatch.setattr(ScoreMap, "write", real_write)

    def keep(path: Path, stamp: str) -> Path | None:
        if path == score_map_path(companion):
            raise PermissionError(13, "Permission denied")
        return real_keep(path, stamp)

    monkeypatch.setattr(oof, "keep_previous", keep)
    with pytest.raises(PermissionError):
        _write_scoring(raw, companion, Folds(), out)  # type: ignore[arg-type]
    assert list(tmp_path.glob(f"*{PREVIOUS_SUFFIX}")) == []
    assert score_map_path(raw).read_text("utf-8") == "old raw"


def test_temper_and_the_scoring_file() -> None:
    probs = {Expression.HAPPY: 0.8, Expression.SAD: 0.15, Expression.ANGRY: 0.05}
    assert temper(probs, 1.0) == pytest.approx(probs)
    soft = temper(probs, 2.0)
    assert sum(soft.values()) == pytest.approx(1.0)
    assert soft[Expression.HAPPY] == pytest.approx(0.8**0.5 / sum(v**0.5 for v in probs.values()))
    with pytest.raises(ValueError):
        temper(probs, 0.0)
    with pytest.raises(ValueError):
        ScoreMap(temperature=-1.0)
    stored = ScoreMap(offsets={Expression.HAPPY: 0.5}, temperature=1.7, calibration_note="x")
    again = ScoreMap.from_dict(json.loads(json.dumps(stored.to_dict())))
    assert again.temperature == pytest.approx(1.7) and again.calibration_note == "x"
    older = stored.to_dict()
    del older["temperature"]
    assert ScoreMap.from_dict(older).temperature == 1.0  # a file written before: no change


def test_the_chain_applies_the_scoring_files_temperature(astronaut_rgb: np.ndarray) -> None:
    model = ExpressionModel.load(DEFAULT_MODEL_PATH)
    fitted = ScoreMap.for_model(DEFAULT_MODEL_PATH)
    readings = {}
    for t in (1.0, 3.0):
        chosen = ScoreMap(fitted.offsets, fitted.action_bonus, fitted.model_sha256, "",
                          temperature=t)
        scorer = Scorer(model, target=Expression.HAPPY,
                        score_maps={str(model.path): chosen})
        with VisionChain(FaceTracker(TrackerSettings(mode="image")), scorer) as chain:
            result = chain.process_still(Frame(0, astronaut_rgb))
        assert result.features is not None
        readings[t] = (result.reading, scorer.target_scores(
            result.features, result.reading.probabilities, (Expression.HAPPY,)))
    plain, hot = readings[1.0][0], readings[3.0][0]
    assert hot.probabilities == pytest.approx(temper(plain.probabilities, 3.0))
    assert hot.top_expression == plain.top_expression
    assert max(hot.probabilities.values()) < max(plain.probabilities.values())
    # the target score is read from the tempered probabilities, by the game's own map
    assert hot.raw_score == pytest.approx(readings[3.0][1][Expression.HAPPY])
    assert hot.raw_score != pytest.approx(plain.raw_score)


@pytest.mark.datasets
@pytest.mark.slow
def test_out_of_fold_evaluation_on_real_children(
    tiny_children: Path, feature_cache_dir: Path, tmp_path: Path
) -> None:
    from game.training.evaluate_oof import evaluate_out_of_fold

    model = tmp_path / "expression.onnx"
    shutil.copy(DEFAULT_MODEL_PATH, model)
    shutil.copy(score_map_path(DEFAULT_MODEL_PATH), score_map_path(model))
    shipped_fit = score_map_path(model).read_text("utf-8")
    plot = tmp_path / "reliability.png"
    report = evaluate_out_of_fold(
        [tiny_children], 2, cache_dir=feature_cache_dir, progress=False,
        with_copies=False, write_scoring_to=model, reliability_plot=plot,
    )
    json.dumps(report)  # `--json` prints it
    oof = report["out_of_fold"]
    assert oof["folds"] == 2 and oof["people_per_fold"] == [1, 1]  # 2 children, one a fold
    assert sum(oof["images_per_fold"]) == report["n"] + report["missed_faces"] == 14
    cal = report["calibration"]
    assert len(cal["temperatures"]) == 2 and all(t > 0 for t in cal["temperatures"])
    assert 0.0 <= cal["ece_before"] <= 1.0 and 0.0 <= cal["ece_after"] <= 1.0
    assert sum(b["count"] for b in cal["reliability_after"]) == report["n"]
    frontier = report["confidence_frontier"]
    assert frontier["ece_limit"] == 0.05 and len(frontier["points"]) == len(FRONTIER_FACTORS)
    at_one = next(pt for pt in frontier["points"] if pt["factor"] == 1.0)
    assert at_one["confident_wrong"] == pytest.approx(report["confident_wrong"]["after"])
    assert at_one["ece"] == pytest.approx(cal["ece_after"])
    assert set(report["datasets"][tiny_children.name]["confidence_frontier"]) == set(frontier)
    assert set(report["hit_rate"]) == {e.value for e in Expression}
    assert plot.stat().st_size > 1000
    written = json.loads(score_map_path(model).read_text("utf-8"))
    assert written["temperature"] == pytest.approx(report["fit_all"]["temperature"], abs=1e-3)
    assert ScoreMap.for_model(model).temperature == pytest.approx(written["temperature"])
    # the fit it replaced is kept beside it, and the report says where
    previous = Path(report["previous_scoring_file"])
    assert previous.parent == model.parent and previous.name.endswith(PREVIOUS_SUFFIX)
    assert previous.name.startswith(score_map_path(model).name + ".")
    assert previous.read_text("utf-8") == shipped_fit != score_map_path(model).read_text("utf-8")
    assert "previous_calibrated_scoring_file" not in report  # no companion beside it
    # the card's section: generated from the report, replaceable in place
    from game.training.model_card import OOF_BEGIN, OOF_END, refresh_card

    card = tmp_path / "MODEL_CARD.md"
    card.write_text("# card\n\n## Subject-wise cross-validation\n\nold\n", "utf-8")
    for _ in range(2):
        refresh_card(card, report)
    text = card.read_text("utf-8")
    assert text.count(OOF_BEGIN) == text.count(OOF_END) == 1
    assert "people never seen" in text and f"| {tiny_children.name} | 2 | " in text
    assert "What a temperature cannot do" in text and f"{tiny_children.name} " in text
    assert text.index(OOF_END) < text.index("## Subject-wise cross-validation")


def test_hit_rates_per_coded_form_of_a_pose(tmp_path: Path) -> None:
    from game.training.evaluate import ScoredPicture
    from game.training.evaluate_oof import by_coded_form
    from game.training.forms import coded_variants

    classes = tuple(e.value for e in Expression)
    (tmp_path / "meta.csv").write_text(
        "file,variant\na1.jpg,mouth_closed\na2.jpg,mouth_closed\na3.jpg,mouth_open\n"
        "h1.jpg,mouth_open\n", "utf-8")
    variants = coded_variants([tmp_path])

    def row(
        name: str, label: str, top: str, score: float, trusted: bool = True
    ) -> ScoredPicture:
        p = [0.9 if c == top else 0.1 / 6 for c in classes]
        return ScoredPicture(label, "set", p, trusted, frozenset(), {Expression(label): score},
                             "s", str(tmp_path / name))

    scored = [row("a1.jpg", "angry", "angry", 0.7), row("a2.jpg", "angry", "disgusted", 0.3),
              row("a3.jpg", "angry", "angry", 0.9, trusted=False),
              row("h1.jpg", "happy", "happy", 0.9), row("x.jpg", "sad", "sad", 0.9)]
    forms = by_coded_form(scored, variants, 0.6, classes)
    assert set(forms) == {"angry"}  # happy has one coded form, sad none
    assert forms["angry"]["mouth_closed"] == {"n": 2, "hit_rate": 0.5, "recall": 0.5}
    assert forms["angry"]["mouth_open"] == {"n": 1, "hit_rate": 0.0, "recall": 1.0}  # flagged


def test_the_shipped_out_of_fold_report_shows_the_childrens_angry_forms() -> None:
    from game.cli.evaluate_cmd import _text
    from game.paths import REPO_ROOT

    report = json.loads((REPO_ROOT / "models" / "out_of_fold.json").read_text("utf-8"))
    children = report["datasets"]["cafe_children"]
    forms = children["forms"]["angry"]
    assert set(forms) == {"mouth_closed", "mouth_open"}
    confusion = children["confusion"]  # the children's own (the report may hold other sets)
    angry_row = confusion["matrix"][confusion["labels"].index("angry")]
    assert sum(v["n"] for v in forms.values()) == sum(angry_row)  # every angry face has a form
    assert "angry by form (hit rate at the threshold / recall): mouth_closed" in _text(report)
