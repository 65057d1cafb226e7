"""The progress view (F3) reads at a glance: column names in words (no star symbols), sentence
case, a line for all expressions, each chart on its own page drawn at the size it is shown,
in both languages and at every text size, every text fitting (the layout probe)."""

from __future__ import annotations

import pygame
import pytest

from game import phrases
from game.records import Profile, ProgressStore, memory_store
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.progress import ProgressScene, progress_rows
from game.ui.settings import TEXT_SCALES, SensorySettings
from game.ui.widgets import layout_probe
from tests.records.factories import fill_progress, make_trial


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


@pytest.fixture(scope="module")
def filled() -> tuple[ProgressStore, Profile]:
    store = memory_store()
    child = store.create_profile("Mia")
    fill_progress(store, child.profile_id)
    return store, child


def _open(store: ProgressStore, child: Profile | None, lang: str, scale: float
          ) -> tuple[SceneStack, ProgressScene]:
    settings = SensorySettings(language=lang, text_scale=scale)
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, profile=child)
    stack = SceneStack()
    scene = ProgressScene(ctx)
    stack.push(scene)
    return stack, scene


def _texts(stack: SceneStack) -> list[str]:
    surface = pygame.Surface(WINDOW_SIZE)
    with layout_probe.recording() as probe:
        stack.draw(surface)
    assert layout_probe.problems(probe.items, WINDOW_SIZE) == []
    return [item.text for item in probe.items if item.kind == "text"]


def test_rows_count_tries_made_and_made_without_help() -> None:
    trials = [make_trial(0, target="sad", success=True, prompt_level=0),
              make_trial(1, target="happy", success=True, prompt_level=2),
              make_trial(2, target="happy", success=False),
              make_trial(3, target="happy", success=True, prompt_level=0)]
    assert progress_rows(trials) == [("happy", 3, 2, 1), ("sad", 1, 1, 1)]


@pytest.mark.parametrize("scale", TEXT_SCALES, ids=lambda s: f"x{s}")
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_table_names_its_columns_in_words_and_every_page_fits(
    filled: tuple[ProgressStore, Profile], lang: str, scale: float
) -> None:
    store, child = filled
    stack, scene = _open(store, child, lang, scale)
    texts = _texts(stack)
    for key in ("expression", "tries", "made", "without_help", "all"):
        assert phrases.text(f"ui.progress.{key}", lang) in texts
    assert phrases.text("ui.progress.title", lang, name="Mia") in texts
    assert not any("★" in text or "☆" in text for text in texts)
    if lang == "en":
        assert "Happy" in texts and "happy" not in texts  # sentence case
        assert "60" in texts  # all the tries
    assert len(scene.charts) == 2
    area = scene.chart_area()
    for chart in scene.charts:  # drawn at the size shown: no blurry scaling
        assert chart.get_size() == area.size
    for page in (1, 2):
        stack.handle(InputEvent(Action.RIGHT))
        assert scene.page == page
        _texts(stack)
    stack.handle(InputEvent(Action.RIGHT))
    assert scene.page == 0


def test_the_table_text_grows_with_the_text_size(
    filled: tuple[ProgressStore, Profile]
) -> None:
    store, child = filled
    heights = []
    for scale in TEXT_SCALES:
        stack, _scene = _open(store, child, "en", scale)
        with layout_probe.recording() as probe:
            stack.draw(pygame.Surface(WINDOW_SIZE))
        heights.append(next(i.box[3] for i in probe.items if i.text == "Happy"))
    assert heights == sorted(heights) and heights[0] < heights[-1]
    assert heights[0] >= 30  # the body size at the smallest setting, never small print


def test_a_child_with_no_tries_gets_one_sentence_and_no_chart_pages() -> None:
    store = memory_store()
    child = store.create_profile("Kim")
    stack, scene = _open(store, child, "zh-CN", 1.0)
    texts = _texts(stack)
    assert phrases.text("ui.progress.none", "zh-CN") in texts
    assert scene.pages() == ("table",)
    stack.handle(InputEvent(Action.RIGHT))
    assert scene.page == 0


def test_a_tab_turns_the_page_and_back_closes(filled: tuple[ProgressStore, Profile]) -> None:
    store, child = filled
    stack, scene = _open(store, child, "en", 1.0)
    below = ProgressScene(scene.ctx)
    stack.push(below)  # something to return to is needed for leave(); use a second copy
    tabs = below.tab_rects()
    stack.handle(InputEvent(Action.POINT, tabs[2].center))
    assert below.page == 2
    stack.handle(InputEvent(Action.BACK))
    assert stack.top is scene
