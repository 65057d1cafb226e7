"""Scoring real faces: action checks, target scores, hints, and the streaming Scorer."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression, HintKey, QualityFlag, prototype
from game.vision.calibration import NeutralBaseline
from game.vision.face_tracker import FaceTracker
from game.vision.features import extract_features
from game.vision.model import ExpressionModel
from game.vision.records import ActionCheck, FaceObservation, FeatureVector, Frame
from game.vision.score_map import ACTION_BONUS, ScoreMap, logit, sigmoid
from game.vision.scoring import (
    HintSelector,
    Scorer,
    action_score,
    check_actions,
    choose_hint,
    score_target,
)


def _checks(*levels: float, target: Expression = Expression.SURPRISED) -> tuple[ActionCheck, ...]:
    return tuple(
        ActionCheck(a.name, lv, lv * a.full_change, a.hint)
        for a, lv in zip(prototype(target), levels, strict=False)
    )


def test_astronaut_smile_scores_high_for_happy_and_low_for_the_rest(
    astronaut_observation: FaceObservation,
) -> None:
    features = extract_features(astronaut_observation)
    happy = check_actions(features, None, Expression.HAPPY)
    assert [c.action for c in happy] == ["lip_corners_up", "cheeks_raised"]
    assert happy[0].level == 1.0
    happy_score = score_target({}, happy, Expression.HAPPY)
    assert happy_score > 0.8
    for other in (Expression.SAD, Expression.SURPRISED, Expression.FEARFUL):
        # Actions alone cannot tell a toothy smile's parted lips from surprise's: the model
        # does (see test_scorer_streams...); they still rank the smile far below happy.
        assert score_target({}, check_actions(features, None, other), other) < 0.4, other
        assert score_target({}, check_actions(features, None, other), other) < happy_score - 0.4
    neutral = check_actions(features, None, Expression.NEUTRAL)
    assert neutral[0].level < 0.2 and neutral[0].hint is HintKey.RELAX_FACE


def test_against_its_own_baseline_a_face_shows_no_action(
    astronaut_observation: FaceObservation,
) -> None:
    features = extract_features(astronaut_observation)
    own = NeutralBaseline.from_vectors([features])
    for target in Expression:
        if target is Expression.NEUTRAL:
            assert check_actions(features, own, target)[0].level == pytest.approx(1.0)
        else:
            assert all(c.level == 0.0 for c in check_actions(features, own, target))
    assert choose_hint(check_actions(features, own, Expression.HAPPY)) is HintKey.SMILE_WIDER


def test_score_target_adds_the_action_bonus_to_the_models_evidence() -> None:
    actions = _checks(1.0, 0.0, 0.0, 0.0)
    a = action_score(actions)
    assert a == pytest.approx(1.0 / 2.5)
    probs = {Expression.SURPRISED: 0.9, Expression.HAPPY: 0.1}
    # default map: sigmoid(logit p + bonus * action score)
    assert score_target(probs, actions, Expression.SURPRISED) == pytest.approx(
        sigmoid(logit(0.9) + ACTION_BONUS * a)
    )
    assert score_target({}, actions, Expression.SURPRISED) == pytest.approx(a)
    assert score_target(probs, (), Expression.HAPPY) == pytest.approx(0.1)
    # a bonus, not a cap: a certain model scores high with no action made
    assert (
        score_target(
            {Expression.SAD: 0.99}, _checks(0, 0, 0, target=Expression.SAD), Expression.SAD
        )
        > 0.95
    )


def test_a_fitted_map_puts_the_default_threshold_at_the_targets_offset() -> None:
    fitted = ScoreMap(offsets={Expression.SAD: 0.5, Expression.HAPPY: -1.0})
    none = _checks(0, 0, 0, target=Expression.SAD)
    p_at_offset = sigmoid(0.5)
    assert score_target({Expression.SAD: p_at_offset}, none, Expression.SAD, fitted) == (
        pytest.approx(0.6)
    )
    made = _checks(1, 1, 1, target=Expression.SAD)
    with_bonus = score_target({Expression.SAD: p_at_offset}, made, Expression.SAD, fitted)
    assert with_bonus == pytest.approx(sigmoid(ACTION_BONUS + logit(0.6)))
    # monotone in the probability and in the actions, always inside [0, 1]
    grid = [0.0, 0.01, 0.2, 0.5, 0.8, 0.99, 1.0]
    for target in (Expression.SAD, Expression.HAPPY, Expression.ANGRY):
        for levels in ((0, 0, 0), (0.5, 0.5, 0.5), (1, 1, 1)):
            checks = _checks(*levels, target=target)
            scores = [score_target({target: p}, checks, target, fitted) for p in grid]
            assert scores == sorted(scores) and scores[0] >= 0.0 and scores[-1] <= 1.0
    # the easier target (lower offset) reaches 0.6 with a lower probability
    p = 0.4
    happy = score_target(
        {Expression.HAPPY: p}, _checks(0, 0, target=Expression.HAPPY), Expression.HAPPY, fitted
    )
    assert happy > 0.6 > score_target({Expression.SAD: p}, none, Expression.SAD, fitted)


def test_hint_goes_to_the_action_most_in_need_and_stops_when_all_are_made() -> None:
    assert choose_hint(_checks(0.2, 0.9, 0.9, 0.9)) is HintKey.OPEN_MOUTH
    assert choose_hint(_checks(0.9, 0.1, 0.9, 0.9)) is HintKey.RAISE_BROWS
    assert choose_hint(_checks(0.9, 0.85, 0.8, 0.95)) is None


def test_hint_selector_does_not_flip_between_close_candidates() -> None:
    selector = HintSelector()
    assert selector.update(_checks(0.3, 0.4, 0.9, 0.9)) is HintKey.OPEN_MOUTH
    # Brows now need slightly more work per weight, but not by the margin: keep the hint.
    assert selector.update(_checks(0.55, 0.0, 0.9, 0.9)) is HintKey.OPEN_MOUTH
    assert selector.update(_checks(0.9, 0.0, 0.9, 0.9)) is HintKey.RAISE_BROWS


def test_scorer_streams_smoothed_readings_with_flags(
    astronaut_observation: FaceObservation, tiny_model_path: Path
) -> None:
    scorer = Scorer(ExpressionModel.load(tiny_model_path), target=Expression.HAPPY)
    readings = []
    for t in range(0, 300, 33):
        obs = FaceObservation(
            t_ms=t,
            frame_size=astronaut_observation.frame_size,
            faces_seen=1,
            landmarks=astronaut_observation.landmarks,
            blendshapes=astronaut_observation.blendshapes,
            transform=astronaut_observation.transform,
            brightness=astronaut_observation.brightness,
            face_crop=astronaut_observation.face_crop,
            face_patch=astronaut_observation.face_patch,
            mouth_crop=astronaut_observation.mouth_crop,
        )
        readings.append(scorer.score(obs)[0])
    last = readings[-1]
    assert last.trusted and last.face_present
    assert last.flags == {QualityFlag.NOT_CALIBRATED}
    assert last.target_score > 0.7
    assert last.top_expression is Expression.HAPPY
    assert {a.action for a in last.actions} == {"lip_corners_up", "cheeks_raised"}
    empty = FaceObservation.empty(400, astronaut_observation.frame_size, brightness=100.0)
    lost, features = scorer.score(empty)
    assert features is None and not lost.trusted and lost.target_score == 0.0
    assert QualityFlag.NO_FACE in lost.flags
    scorer.set_baseline(NeutralBaseline.from_vectors([extract_features(astronaut_observation)]))
    calibrated, _ = scorer.score(astronaut_observation)
    assert QualityFlag.NOT_CALIBRATED not in calibrated.flags
    assert calibrated.hint is HintKey.SMILE_WIDER  # no change from its own neutral
    scorer.set_target(None)
    untargeted, _ = scorer.score(astronaut_observation)
    assert untargeted.target is None and untargeted.target_score == 0.0
    assert untargeted.probabilities


def _dataset_scores(
    root: Path, tracker: FaceTracker, label: str, target: Expression, limit: int = 25
) -> list[float]:
    from game.vision.population import pad_crop
    from game.vision.sources import read_image

    with (root / "labels.csv").open(newline="") as fh:
        files = [r["file"] for r in csv.DictReader(fh) if r["label"] == label][:limit]
    scores = []
    for name in files:
        obs = tracker.observe(Frame(0, pad_crop(read_image(root / name))))
        if obs.has_face:
            actions = check_actions(extract_features(obs), None, target)
            scores.append(score_target({}, actions, target))
    return scores


@pytest.mark.datasets
@pytest.mark.parametrize("target", [Expression.HAPPY, Expression.SURPRISED, Expression.ANGRY])
def test_action_score_separates_posed_expressions_from_neutral(
    image_tracker: FaceTracker, children_dir: Path, performers_dir: Path, target: Expression
) -> None:
    for root in (children_dir, performers_dir):
        posed = _dataset_scores(root, image_tracker, target.value, target)
        neutral = _dataset_scores(root, image_tracker, "neutral", target)
        assert len(posed) >= 20 and len(neutral) >= 20
        assert np.median(posed) > np.median(neutral) + 0.15, (root.name, target)


@pytest.mark.datasets
def test_wrinkle_your_nose_registers_on_posed_disgust(
    image_tracker: FaceTracker, children_dir: Path, performers_dir: Path
) -> None:
    """MediaPipe's noseSneer is 0 on posed disgust; the nose-wing flare is not. Each face is
    measured against its own person's neutral face, as the game does after calibration."""
    from game.vision.population import pad_crop
    from game.vision.sources import read_image

    def features(path: Path) -> FeatureVector | None:
        obs = image_tracker.observe(Frame(0, pad_crop(read_image(path))))
        return extract_features(obs) if obs.has_face else None

    def nose_level(face: FeatureVector, own_neutral: FeatureVector) -> float:
        baseline = NeutralBaseline.from_vectors([own_neutral])
        checks = check_actions(face, baseline, Expression.DISGUSTED)
        return next(c.level for c in checks if c.action == "nose_wrinkled")

    for root in (children_dir, performers_dir):
        firsts: dict[tuple[str, str], str] = {}
        with (root / "labels.csv").open(newline="") as fh:
            for row in csv.DictReader(fh):
                firsts.setdefault((row["subject"], row["label"]), row["file"])
        subjects = sorted({s for s, label in firsts if label == "neutral"})
        levels: list[float] = []
        for subject in subjects:
            if (subject, "disgusted") not in firsts or len(levels) >= 20:
                continue
            neutral = features(root / firsts[(subject, "neutral")])
            disgusted = features(root / firsts[(subject, "disgusted")])
            if neutral is not None and disgusted is not None:
                levels.append(nose_level(disgusted, neutral))
        assert len(levels) >= 15, root.name
        assert np.mean(np.array(levels) >= 0.5) >= 0.5, (root.name, levels)


@pytest.mark.parametrize(
    ("moved", "expected", "hint"),
    [
        (("mouthPressLeft", "mouthPressRight"), "lips_pressed", HintKey.PRESS_LIPS),
        (("mouthUpperUpLeft", "mouthUpperUpRight"), "upper_lip_raised", HintKey.RAISE_UPPER_LIP),
        ((), "lips_pressed", HintKey.PRESS_LIPS),  # neither made: the first form is asked for
    ],
)
def test_angry_mouth_counts_either_form(
    astronaut_observation: FaceObservation, moved: tuple[str, ...], expected: str,
    hint: HintKey,
) -> None:
    """Pressed lips (AU23/24) or the open mouth's raised upper lip (AU10): whichever the
    child makes is the angry mouth checked, so an open-mouth anger is not told to press."""
    import dataclasses

    from game.vision.calibration import NeutralBaseline

    neutral = extract_features(astronaut_observation)
    values = neutral.values.copy()
    for name in moved:
        values[neutral.names.index(name)] += 0.4
    face = dataclasses.replace(neutral, values=values)
    checks = check_actions(face, NeutralBaseline.from_vectors([neutral]), Expression.ANGRY)
    assert [c.action for c in checks][0:2] == ["brows_lowered", "brows_together"]
    mouth = checks[2]
    assert (mouth.action, mouth.hint) == (expected, hint)
    assert mouth.level == (1.0 if moved else 0.0)
