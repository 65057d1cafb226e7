"""Issue 23: the avatar's looks: the same face, other hair, hat and skin tone."""

from __future__ import annotations

import itertools

import numpy as np
import pygame
import pytest

from game.expressions import Expression, FacePart
from game.records import Profile
from game.ui.avatar import look_palette, part_regions, render_face
from game.ui.avatar_params import DEFAULT_LOOK, AvatarLook, face_for, look_named
from game.ui.scenes.base import GameScene
from game.ui.theme import CALM, HIGH_CONTRAST
from tests.ui.test_scenes_render import _context

SIDE = 160


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _pixels(look: AvatarLook, expression: Expression = Expression.NEUTRAL) -> np.ndarray:
    return pygame.surfarray.array3d(render_face(SIDE, face_for(expression), CALM, look))


def test_there_are_at_least_three_looks_and_each_is_drawn_differently() -> None:
    looks = list(AvatarLook)
    assert len(looks) >= 3
    for a, b in itertools.combinations(looks, 2):
        differing = np.mean(np.any(_pixels(a) != _pixels(b), axis=2))
        assert differing > 0.05, (a, b)


def test_every_look_shows_the_expression_in_the_same_place() -> None:
    mouth = part_regions(pygame.Rect(0, 0, SIDE, SIDE), FacePart.MOUTH)[0]
    for look in AvatarLook:
        calm = _pixels(look)[mouth.left:mouth.right, mouth.top:mouth.bottom]
        happy = _pixels(look, Expression.HAPPY)[mouth.left:mouth.right, mouth.top:mouth.bottom]
        assert np.mean(np.any(calm != happy, axis=2)) > 0.1, look  # the smile shows


def test_a_looks_colours_come_from_the_theme_palette() -> None:
    assert look_palette(CALM, AvatarLook.WAVE) is CALM
    for palette in (CALM, HIGH_CONTRAST):
        curls = look_palette(palette, AvatarLook.CURLS)
        assert curls.skin != palette.skin and curls.background == palette.background
        assert curls.feature == palette.feature and curls.accent == palette.accent


def test_a_stored_look_name_is_read_and_an_unknown_one_falls_back_to_the_default() -> None:
    assert look_named("") is DEFAULT_LOOK
    assert look_named("curls") is AvatarLook.CURLS
    assert look_named("made-by-a-newer-version") is DEFAULT_LOOK


def test_the_scenes_draw_the_chosen_childs_look() -> None:
    ctx = _context("calm", "en")
    scene = GameScene(ctx)
    assert scene.avatar_look is DEFAULT_LOOK
    ctx.profile = Profile(profile_id="C-1", display_name="Kai", created_at="", updated_at="",
                          avatar="beanie")
    assert scene.avatar_look is AvatarLook.BEANIE


def test_the_replay_draws_the_childs_look() -> None:
    from game.ui.replay_clip import draw_clip_frame
    from game.ui.replay_view import ReplayTrack
    from game.ui.theme import Theme
    from tests.ui.replay_fixtures import smiling_trial

    track = ReplayTrack.from_motion(smiling_trial(3.0))
    frames = {}
    for look in (DEFAULT_LOOK, AvatarLook.BEANIE):
        surface = pygame.Surface((960, 640))
        draw_clip_frame(surface, track, 1500, "en", Theme(), "Trial 1", look)
        frames[look] = pygame.surfarray.array3d(surface)
    assert np.mean(np.any(frames[DEFAULT_LOOK] != frames[AvatarLook.BEANIE], axis=2)) > 0.01
