"""Issue 23: the avatar choice saves the look with the child; the schedule, the sticker book and
the avatar choice drawn in en and zh-CN at the largest text size (the pictures are saved to
.pytest_cache/child-side/ to look at)."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.records import memory_store
from game.ui.avatar_params import AvatarLook
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.avatar_choice import AvatarChoiceScene
from game.ui.scenes.child_admin import ROWS, ChildAdminScene
from game.ui.settings import TEXT_SCALES
from game.ui.widgets import layout_probe
from tests.ui import test_text_fit as fit
from tests.ui.test_scenes_render import _context

SHOTS = Path(__file__).resolve().parents[2] / ".pytest_cache" / "child-side"


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def test_the_look_chosen_on_the_childs_page_is_saved_with_the_child() -> None:
    ctx = _context("calm", "en")
    store = memory_store()
    ctx.store = store
    child = store.create_profile("Kai")
    ctx.profile = child
    stack = SceneStack()
    page = ChildAdminScene(ctx, child)
    stack.push(page)
    row = next(i for i, r in enumerate(ROWS) if r.field == "avatar")
    for _ in range(row):
        stack.handle(InputEvent(Action.DOWN))
    stack.handle(InputEvent(Action.CONFIRM))
    choice = stack.top
    assert isinstance(choice, AvatarChoiceScene) and choice.current is AvatarLook.WAVE
    stack.handle(InputEvent(Action.RIGHT))
    stack.handle(InputEvent(Action.BACK))                 # Esc: nothing changes
    assert stack.top is page and store.get_profile(child.profile_id).avatar == ""
    stack.handle(InputEvent(Action.CONFIRM))
    for _ in range(3):
        stack.handle(InputEvent(Action.RIGHT))
    stack.handle(InputEvent(Action.CONFIRM))              # the warm hat, kept
    assert stack.top is page
    assert store.get_profile(child.profile_id).avatar == "beanie"
    assert ctx.profile is not None and ctx.profile.avatar == "beanie"  # the child plays so
    assert page.value_text(ROWS[row]) == "Warm hat"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("name", ["schedule", "break_with_schedule", "end_stickers",
                                  "start_stickers", "avatar_choice"])
def test_the_childs_side_at_the_largest_text_size(name: str, lang: str) -> None:
    ctx = fit._context("calm", lang, max(TEXT_SCALES))
    surface, drawn = fit._draw(fit.SCENES[name], ctx)
    SHOTS.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(SHOTS / f"{name}-{lang}.png"))
    assert layout_probe.problems(drawn, ctx.window_size) == []
