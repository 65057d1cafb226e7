"""The avatar shows a left/right difference: per-side values for the paired parts, drawn as
in a mirror (the face's own left on the viewer's left), and `face_from_motion` reads them
from a motion record's left and right."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from game.expressions import Expression
from game.ui.avatar import _mouth_curves, render_face
from game.ui.avatar_params import (
    LATERAL_PARTS,
    NEUTRAL_FACE,
    PROTOTYPE_FACES,
    AvatarFace,
    face_from_motion,
)
from game.ui.theme import CALM
from tests.ui.replay_fixtures import face

SIDE = 256


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()


def _mouth_asymmetry(avatar: AvatarFace) -> float:
    """Mean absolute difference (0..255) between the mouth's left half and the mirrored right
    half of the drawn face."""
    pixels = pygame.surfarray.array3d(render_face(SIDE, avatar, CALM)).astype(np.int16)
    pixels = np.transpose(pixels, (1, 0, 2))  # rows, columns
    top, bottom = round(SIDE * 0.62), round(SIDE * 0.86)
    half = round(SIDE * 0.2)
    centre = SIDE // 2
    left = pixels[top:bottom, centre - half:centre]
    right = pixels[top:bottom, centre:centre + half][:, ::-1]
    return float(np.abs(left - right).mean())


def test_every_prototype_is_symmetric_and_a_side_of_it_is_itself() -> None:
    for prototype in PROTOTYPE_FACES.values():
        assert prototype.symmetric
        assert prototype.on_side(-1) is prototype and prototype.on_side(1) is prototype


def test_a_side_is_the_value_plus_or_minus_the_difference_own_left_on_the_viewers_left() -> None:
    smirk = AvatarFace(mouth_corner=0.4, mouth_corner_lr=0.3, brow_inner_lr=-0.2)
    assert smirk.on_side(-1).mouth_corner == pytest.approx(0.7)  # viewer's left = own left
    assert smirk.on_side(1).mouth_corner == pytest.approx(0.1)
    assert smirk.on_side(1).brow_inner == pytest.approx(0.2)
    assert smirk.on_side(-1).symmetric
    assert set(LATERAL_PARTS) <= set(AvatarFace.__dataclass_fields__)


def test_face_from_motion_uses_actions_for_both_sides_and_left_right_for_the_difference() -> None:
    both = face_from_motion(face({"lip_corners_up": 0.8}))
    assert both.symmetric and both.mouth_corner > 0.7
    one = face_from_motion(face({"lip_corners_up": 0.4}, left={"lip_corners_up": 0.8},
                                right={"lip_corners_up": 0.0}))
    assert one.mouth_corner_lr == pytest.approx(0.4, abs=0.01)
    assert one.on_side(-1).mouth_corner > one.on_side(1).mouth_corner
    frown_right = face_from_motion(face({"lip_corners_down": 0.3},
                                        right={"lip_corners_down": 0.6},
                                        left={"lip_corners_down": 0.0}))
    assert frown_right.on_side(1).mouth_corner < frown_right.on_side(-1).mouth_corner
    brow = face_from_motion(face({"inner_brows_up": 0.5}, left={"inner_brows_up": 1.0},
                                 right={"inner_brows_up": 0.0}))
    assert brow.brow_inner_lr > 0.4
    assert face_from_motion(face()) == NEUTRAL_FACE


def test_not_a_number_in_a_record_draws_as_calm() -> None:
    odd = face({"lip_corners_up": float("nan")}, left={"lip_corners_up": float("nan")})
    assert face_from_motion(odd) == NEUTRAL_FACE


def test_the_left_lip_corner_up_draws_higher_on_the_viewers_left() -> None:
    upper, lower, _gap = _mouth_curves(AvatarFace(mouth_corner_lr=0.5))
    assert upper[0][1] < upper[-1][1]  # y grows downwards: the viewer's left corner is up
    assert lower[0][1] < lower[-1][1]


def test_a_one_sided_smile_renders_asymmetric_and_a_both_sided_one_does_not() -> None:
    one_sided = face_from_motion(face({"lip_corners_up": 0.5}, left={"lip_corners_up": 1.0},
                                      right={"lip_corners_up": 0.0}))
    both = face_from_motion(face({"lip_corners_up": 0.5}))
    assert _mouth_asymmetry(both) < 1.0
    assert _mouth_asymmetry(one_sided) > 4 * max(_mouth_asymmetry(both), 0.5)


def test_the_sad_prototype_with_a_difference_differs_from_itself_without() -> None:
    sad = PROTOTYPE_FACES[Expression.SAD]
    tilted = AvatarFace(**{**sad.as_dict(), "brow_inner_lr": 0.4, "eye_open_lr": -0.3,
                           "cheek_raise_lr": 0.2, "lid_tight_lr": 0.2})
    a = pygame.surfarray.array3d(render_face(SIDE, sad, CALM)).astype(np.int16)
    b = pygame.surfarray.array3d(render_face(SIDE, tilted, CALM)).astype(np.int16)
    assert np.abs(a - b).mean() > 0.5
