"""Adding a child asks the therapist about the motion record: nothing is switched on silently."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.ui.input import Action, InputEvent
from game.ui.scenes.confirm import ConsentQuestionCard
from game.ui.scenes.start import StartScene
from game.ui.widgets import layout_probe
from tests.ui.test_start_and_settings import _close, _open


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


@pytest.mark.parametrize(("lang", "answer", "kept"), [
    ("en", Action.BACK, False), ("zh-CN", Action.RIGHT, True), ("en", Action.RIGHT, True)])
def test_a_new_child_is_asked_about_and_gets_the_answer(
        tmp_path: Path, lang: str, answer: Action, kept: bool) -> None:
    ctx, stack, flow = _open(tmp_path / "data", lang)
    try:
        flow.add_profile()
        for letter in "Zoe":
            stack.handle(InputEvent(Action.TEXT, text=letter))
        stack.handle(InputEvent(Action.CONFIRM))
        card = stack.top
        assert isinstance(card, ConsentQuestionCard)
        surface = pygame.Surface(ctx.window_size)
        with layout_probe.recording() as drawn:
            card.draw(surface)
        assert any("Zoe" in item.text for item in drawn.items if item.kind == "text")
        assert not layout_probe.problems(drawn.items, ctx.window_size)
        stack.handle(InputEvent(answer))
        if answer is Action.RIGHT:  # the focus moved to "Keep it": press it
            stack.handle(InputEvent(Action.CONFIRM))
        assert isinstance(stack.top, StartScene)
        assert ctx.store is not None
        (zoe,) = ctx.store.find_profiles("Zoe")
        assert zoe.allow_frame_traces is kept
    finally:
        _close(ctx)
