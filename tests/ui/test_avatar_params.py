"""The avatar's face parameters: prototypes, intensity, blending and mirroring (no pygame)."""

from __future__ import annotations

import itertools
from dataclasses import fields

import pytest
from hypothesis import given
from hypothesis import strategies as st

from game.expressions import HINT_PART, Expression, HintKey, all_actions
from game.ui.avatar_params import (
    ACTION_FACES,
    HINT_ARROW,
    NEUTRAL_FACE,
    PROTOTYPE_FACES,
    AvatarFace,
    HintArrow,
    face_for,
    face_from_actions,
    face_from_blendshapes,
    face_from_probabilities,
    face_from_reading,
    hint_visual,
)
from game.vision.records import ActionCheck

PARAMS = [f.name for f in fields(AvatarFace)]


@pytest.mark.parametrize("expression", list(Expression), ids=str)
def test_intensity_runs_from_calm_face_to_prototype(expression: Expression) -> None:
    assert face_for(expression, 0.0) == NEUTRAL_FACE
    assert face_for(expression, 1.0) == PROTOTYPE_FACES[expression]
    assert face_for(expression, 5.0) == PROTOTYPE_FACES[expression]  # clamped


@given(
    st.sampled_from(list(Expression)),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_every_action_grows_with_intensity(expression: Expression, a: float, b: float) -> None:
    lo, hi = sorted((a, b))
    weak, strong = face_for(expression, lo).as_dict(), face_for(expression, hi).as_dict()
    for name in PARAMS:
        assert abs(strong[name]) >= abs(weak[name]) - 1e-9, name


@pytest.mark.parametrize(
    ("expression", "param", "sign"),
    [
        (Expression.HAPPY, "mouth_corner", 1),
        (Expression.HAPPY, "cheek_raise", 1),
        (Expression.SAD, "brow_inner", 1),
        (Expression.SAD, "mouth_corner", -1),
        (Expression.ANGRY, "brow_squeeze", 1),
        (Expression.ANGRY, "brow_inner", -1),
        (Expression.ANGRY, "lip_press", 1),
        (Expression.SURPRISED, "eye_open", 1),
        (Expression.SURPRISED, "mouth_open", 1),
        (Expression.FEARFUL, "lip_stretch", 1),
        (Expression.FEARFUL, "eye_open", 1),
        (Expression.DISGUSTED, "nose_wrinkle", 1),
        (Expression.DISGUSTED, "upper_lip_raise", 1),
    ],
)
def test_key_action_moves_the_right_way_at_each_step(
    expression: Expression, param: str, sign: int
) -> None:
    values = [sign * getattr(face_for(expression, t), param) for t in (0.0, 0.3, 0.6, 1.0)]
    assert values == sorted(values)
    assert values[-1] >= 0.8


def test_prototypes_follow_the_facs_table() -> None:
    sad, angry = PROTOTYPE_FACES[Expression.SAD], PROTOTYPE_FACES[Expression.ANGRY]
    assert sad.brow_angle > 0.3 > -0.3 > angry.brow_angle  # worried vs cross brows
    assert PROTOTYPE_FACES[Expression.HAPPY].mouth_corner > 0.9
    assert PROTOTYPE_FACES[Expression.DISGUSTED].nose_wrinkle > 0.9
    assert PROTOTYPE_FACES[Expression.NEUTRAL] == NEUTRAL_FACE


def test_expressions_are_far_apart_especially_sad_angry_disgusted() -> None:
    for a, b in itertools.combinations(list(Expression), 2):
        assert PROTOTYPE_FACES[a].distance(PROTOTYPE_FACES[b]) >= 0.5, (a, b)
    for a, b in itertools.combinations((Expression.SAD, Expression.ANGRY,
                                        Expression.DISGUSTED), 2):
        assert PROTOTYPE_FACES[a].distance(PROTOTYPE_FACES[b]) >= 0.9, (a, b)


def test_values_are_clamped_to_their_ranges() -> None:
    face = AvatarFace(brow_inner=3.0, mouth_open=-1.0, mouth_corner=-7.0, nose_wrinkle=2.0)
    assert (face.brow_inner, face.mouth_open, face.mouth_corner, face.nose_wrinkle) == (
        1.0, 0.0, -1.0, 1.0)


def test_blend_gives_a_bit_more_smile() -> None:
    now = face_for(Expression.HAPPY, 0.3)
    more = now.blend(face_for(Expression.HAPPY, 1.0), 0.5)
    assert now.mouth_corner < more.mouth_corner < 1.0
    assert now.blend(more, 0.0) == now
    assert now.blend(more, 1.0) == more


def test_every_facial_action_of_the_vocabulary_can_be_drawn() -> None:
    assert {a.name for a in all_actions()} <= set(ACTION_FACES)


def test_face_from_actions_adds_each_action_at_its_level() -> None:
    face = face_from_actions({"lip_corners_up": 0.5, "jaw_drop": 1.0, "no_such": 1.0})
    assert face.mouth_corner == pytest.approx(0.5)
    assert face.mouth_open == pytest.approx(1.0)
    assert face.brow_inner == 0.0
    assert face_from_actions({}) == NEUTRAL_FACE


def test_face_from_probabilities_mixes_prototypes() -> None:
    assert face_from_probabilities({Expression.HAPPY: 1.0}) == PROTOTYPE_FACES[Expression.HAPPY]
    half = face_from_probabilities({Expression.HAPPY: 0.5, Expression.NEUTRAL: 0.5})
    assert half.mouth_corner == pytest.approx(0.5)
    assert face_from_probabilities({}) == NEUTRAL_FACE


def test_face_from_blendshapes_mirrors_a_smile_and_a_frown() -> None:
    smile = face_from_blendshapes({"mouthSmileLeft": 0.6, "mouthSmileRight": 0.6,
                                   "cheekSquintLeft": 0.3, "cheekSquintRight": 0.3})
    assert smile.mouth_corner > 0.9 and smile.cheek_raise > 0.5
    frown = face_from_blendshapes({"mouthFrownLeft": 0.3, "mouthFrownRight": 0.3,
                                   "browInnerUp": 0.5})
    assert frown.mouth_corner < -0.9 and frown.brow_inner > 0.9
    assert face_from_blendshapes({}) == NEUTRAL_FACE


def test_face_from_reading_prefers_measured_actions_over_the_mix() -> None:
    probs = {Expression.HAPPY: 0.9, Expression.NEUTRAL: 0.1}
    checks = (ActionCheck("lip_corners_up", 0.2, 0.1, HintKey.SMILE_WIDER),)
    face = face_from_reading(probs, checks)
    assert face.mouth_corner == pytest.approx(0.2)
    assert face.cheek_raise == pytest.approx(0.9 * PROTOTYPE_FACES[Expression.HAPPY].cheek_raise)
    assert face_from_reading(probs) == face_from_probabilities(probs)


@pytest.mark.parametrize("hint", list(HintKey), ids=str)
def test_every_hint_has_a_part_and_a_direction(hint: HintKey) -> None:
    part, arrow = hint_visual(hint)
    assert part is HINT_PART[hint]
    assert (arrow is None) == (hint is HintKey.RELAX_FACE)
    assert hint in HINT_ARROW


def test_hint_arrows_point_the_way_the_face_must_move() -> None:
    assert hint_visual(HintKey.RAISE_BROWS)[1] is HintArrow.UP
    assert hint_visual(HintKey.LOWER_BROWS)[1] is HintArrow.DOWN
    assert hint_visual(HintKey.SMILE_WIDER)[1] is HintArrow.CORNERS_UP
    assert hint_visual(HintKey.FROWN_CORNERS)[1] is HintArrow.CORNERS_DOWN
    assert hint_visual(None) == (None, None)


def test_as_dict_gives_every_field_by_name_in_field_order() -> None:
    values = {f.name: round(0.01 * (i + 1), 2) for i, f in enumerate(fields(AvatarFace))}
    face = AvatarFace(**values)
    assert face.as_dict() == values
    assert list(face.as_dict()) == [f.name for f in fields(AvatarFace)]
