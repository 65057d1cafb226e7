"""`robustness --out-of-fold K --calibrated` on real faces: each fold model gets a calibrated
companion the chain loads, with its own scoring file fitted on the other folds, and every
picture is scored raw and against the person's own neutral pictures, read under the
condition when it lasts a session."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression
from game.training.dataset import LabelledImage
from game.training.robustness_calibrated import _rng
from game.vision.conditions import CONDITIONS, Condition, condition


def test_conditions_that_last_a_session_are_the_ones_a_child_calibrates_under() -> None:
    lasting = {c.name for c in CONDITIONS if c.whole_session}
    assert {"clean", "glasses_thin", "glasses_thick", "glasses_tinted", "dim", "dark",
            "side_light", "webcam_320", "backlight", "far_64px"} <= lasting
    passing = {c.name for c in CONDITIONS if not c.whole_session}
    assert {"mouth_hand", "eyes_cloth", "mouth_pacifier", "roll_25", "motion_blur_8",
            "out_side_35", "second_face_beside_arrives"} <= passing


def test_a_person_wears_the_same_glasses_on_every_picture_but_a_hand_moves() -> None:
    def item(name: str, subject: str) -> LabelledImage:
        return LabelledImage(Path(name), Expression.HAPPY, subject, "set")

    a1, a2, b1 = item("a1.jpg", "set/a"), item("a2.jpg", "set/a"), item("b1.jpg", "set/b")
    glasses, hand = condition("glasses_tinted"), condition("mouth_hand")

    def draw(cond: Condition, it: LabelledImage) -> list[float]:
        return [float(x) for x in _rng(0, cond, it).random(3)]

    assert draw(glasses, a1) == draw(glasses, a2)  # one pair of glasses per person
    assert draw(glasses, a1) != draw(glasses, b1)
    assert draw(hand, a1) != draw(hand, a2)  # a hand lands anew on each picture
    assert draw(glasses, a1) == draw(glasses, a1)  # seeded


@pytest.mark.datasets
@pytest.mark.slow
def test_calibrated_fold_models_score_each_picture_raw_and_against_its_own_neutral(
    tiny_adults: Path, tmp_path: Path
) -> None:
    from game.training.dataset import load_folders
    from game.training.out_of_fold import build_fold_models
    from game.training.robustness import measure
    from game.vision.model import ExpressionModel
    from game.vision.pipeline import VisionChain, calibrated_model_path
    from game.vision.score_map import ScoreMap, score_map_path

    cache = tmp_path / "cache"
    folds = build_fold_models(load_folders([tiny_adults]), 2, tmp_path / "folds",
                              cache_dir=cache, with_copies=False, calibrated=True)
    assert folds.calibrated_fits is not None and len(folds.calibrated_fits) == 2
    for path, fit in zip(folds.models, folds.calibrated_fits, strict=True):
        companion = calibrated_model_path(path)
        model = ExpressionModel.load(companion)
        assert model.input_kind == "delta" and model.fuse_with_raw
        assert model.classes == ExpressionModel.load(path).classes
        scoring = ScoreMap.for_model(companion)
        assert score_map_path(companion).is_file()
        assert scoring.temperature == pytest.approx(fit.temperature, abs=1e-3)  # rounded
        with VisionChain.create(path) as chain:  # the chain finds the companion beside it
            assert chain.scorer.calibrated_model is not None
            assert chain.scorer.calibrated_model.path == companion

    run = measure([tiny_adults], Path("unused"),
                  conditions=[condition("clean"), condition("glasses_tinted")],
                  out_of_fold=2, cache_dir=cache, with_copies=False, calibrated=True)
    assert run.calibrated is not None and run.calibrated_by_set is not None
    assert run.out_of_fold is not None and len(run.out_of_fold["calibrated_temperatures"]) == 2
    assert run.uncalibrated == {"clean": 0, "glasses_tinted": 0}  # two neutrals per person
    for raw, calibrated in zip(run.conditions, run.calibrated, strict=True):
        assert raw.images == calibrated.images == 42  # the same pictures, every one
        assert raw.found == calibrated.found and raw.found > 0.9
        assert raw.ece is not None and calibrated.ece is not None
        for result in (raw, calibrated):  # per target, and pooled over the same pairs
            by_target = result.false_alarms_by_target
            assert len(by_target) == 7
            assert min(by_target.values()) <= result.false_alarm_rate <= max(by_target.values())
    # the calibrated model reads other probabilities than the raw one on the same frames
    assert [r.ece for r in run.conditions] != [r.ece for r in run.calibrated]
    assert not np.isclose(run.conditions[0].ece or 0.0, run.calibrated[0].ece or 0.0)


def test_calibrated_needs_out_of_fold() -> None:
    from game.training.robustness import measure

    with pytest.raises(ValueError, match="out of fold only"):
        measure([Path("unused")], Path("unused"), calibrated=True)
