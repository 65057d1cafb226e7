"""The programme in the game (issue 23), on a real progress file: the plan page opened from
the child's page behind the PIN, the start screen's next step, the level set and session
length each child plays (their programme's step, the therapist's choice for today, or the
command line's), and a child's language kept from the command line that added them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pygame
import pytest

from game.cli import main
from game.paths import LEVELS_DIR
from game.play.level_library import LevelLibrary
from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import ProgressStore, TherapistPin, open_store
from game.records.plans import programme_of
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.runner import session_factory
from game.ui.scene_stack import SceneStack
from game.ui.scenes.child_admin import ROWS, ChildAdminScene
from game.ui.scenes.plan import PlanScene
from game.ui.scenes.start import StartScene
from game.ui.settings import SensorySettings
from game.ui.widgets import layout_probe
from game.vision.pipeline import VisionPipeline
from tests.records.factories import play_scripted_session
from tests.records.test_plans import _plan
from tests.ui.test_child_admin import PIN, _drawn_texts, _open_admin, _press

SHOTS = Path(__file__).resolve().parents[2] / ".pytest_cache" / "plan-page"


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ProgressStore]:
    opened = open_store(tmp_path / "data")
    yield opened
    opened.close()


def _game(store: ProgressStore, tmp_path: Path, *, lang: str = "en", scale: float = 1.0,
          fixed: bool = False, overrides: dict[str, str] | None = None,
          profile_name: str | None = None) -> tuple[GameFlow, SceneStack, GameContext]:
    settings = SensorySettings(language=lang, text_scale=scale)
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    pipeline.finished = False
    first = load_level_set(LEVELS_DIR / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, pipeline=pipeline, level_set=first,
                      levels=LevelLibrary(LEVELS_DIR))
    pin = TherapistPin(tmp_path / "data")
    if not pin.is_set():
        pin.set(PIN)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, session_factory(first, 1, lambda: ctx.level_set), pin=pin,
                    fixed_levels=fixed, overrides=overrides, profile_name=profile_name)
    flow.begin()
    return flow, stack, ctx


def _open_plan(stack: SceneStack) -> PlanScene:
    admin = _open_admin(stack)
    while admin.focus != next(i for i, row in enumerate(ROWS) if row.field == "plan"):
        _press(stack, Action.DOWN)
    _press(stack, Action.CONFIRM)
    scene = stack.top
    assert isinstance(scene, PlanScene)
    return scene


def _focus(stack: SceneStack, scene: PlanScene, kind: str, level_set_id: str = "") -> None:
    while not (scene.rows()[scene.focus].kind == kind
               and scene.rows()[scene.focus].level_set_id == level_set_id):
        _press(stack, Action.DOWN)


def test_the_plan_page_chooses_sets_order_rule_and_length_and_saves_them(
        store: ProgressStore, tmp_path: Path) -> None:
    mia = store.create_profile("Mia")
    _flow, stack, _ctx = _game(store, tmp_path)
    scene = _open_plan(stack)
    assert "No programme yet: choose level sets below, then save." in _drawn_texts(stack)
    _focus(stack, scene, "save")
    _press(stack, Action.CONFIRM)  # nothing chosen yet: one sentence, nothing kept
    assert scene.message == "Choose at least one level set first: Enter adds it."
    for level_set in ("six-feelings", "first-faces"):
        _focus(stack, scene, "set", level_set)
        _press(stack, Action.CONFIRM)
    _focus(stack, scene, "set", "first-faces")
    _press(stack, Action.LEFT)  # first-faces moves before six-feelings
    assert scene.sets == ["first-faces", "six-feelings"]
    assert scene.rows()[scene.focus].level_set_id == "first-faces"
    _focus(stack, scene, "rate")
    _press(stack, Action.RIGHT)  # 80 % -> 90 %
    _focus(stack, scene, "sessions")
    _press(stack, Action.RIGHT)  # 2 -> 3
    _focus(stack, scene, "minutes")
    _press(stack, Action.LEFT)  # 10 -> 5 minutes
    assert "5 min" in _drawn_texts(stack)
    _focus(stack, scene, "save")
    _press(stack, Action.CONFIRM)
    assert scene.message == "The plan is saved."
    programme = programme_of(store.get_profile(mia.profile_id))
    assert programme is not None
    assert programme.level_sets == ("first-faces", "six-feelings")
    assert (programme.mastery.min_independent_rate, programme.mastery.over_sessions,
            programme.session_minutes) == (0.9, 3, 5)
    texts = _drawn_texts(stack)
    assert "Now: step 1 of 2, My first faces; 0 of 3 sessions met the rule." in texts
    _press(stack, Action.BACK, Action.BACK)  # the plan page, then the child's page
    start = stack.top
    assert isinstance(start, StartScene)
    assert "Next for Mia: My first faces, step 1 of 2" in _drawn_texts(stack)


def test_the_child_plays_the_programme_step_with_its_length_and_plan_id(
        store: ProgressStore, tmp_path: Path) -> None:
    mia = store.create_profile("Mia")
    programme = _plan(("first-faces", "six-feelings"), minutes=7)
    store.set_programme(mia.profile_id, programme.to_json())
    for _ in range(2):
        play_scripted_session(store, mia.profile_id, LEVELS_DIR / "first-faces.toml",
                              skill=1.0, plan_id=programme.plan_id)
    flow, stack, ctx = _game(store, tmp_path)
    assert "Next for Mia: Six feelings, step 2 of 2" in _drawn_texts(stack)
    flow.profile_chosen(store.get_profile(mia.profile_id))
    flow.calibration_finished(None)
    assert ctx.level_set is not None and ctx.level_set.id == "six-feelings"
    assert ctx.level_set.session.time_cap_ms == 7 * 60_000
    assert ctx.plan_id == programme.plan_id
    assert isinstance(ctx.session, Session) and ctx.session.level_set.id == "six-feelings"
    assert flow.driver is not None and flow.driver.time_cap_ms == 7 * 60_000


def test_today_the_therapist_can_choose_another_level_set_on_the_plan_page(
        store: ProgressStore, tmp_path: Path) -> None:
    mia = store.create_profile("Mia")
    store.set_programme(mia.profile_id, _plan(("first-faces",)).to_json())
    flow, stack, ctx = _game(store, tmp_path)
    scene = _open_plan(stack)
    assert scene.value_text(scene.rows()[0]) == "As planned: My first faces"
    while scene.today != "stories":
        _press(stack, Action.RIGHT)  # the first row: today
    assert "Little stories" in _drawn_texts(stack)
    _press(stack, Action.BACK, Action.BACK)
    assert "Today for Mia: Little stories, chosen for today" in _drawn_texts(stack)
    flow.profile_chosen(store.get_profile(mia.profile_id))
    flow.calibration_finished(None)
    assert ctx.level_set is not None and ctx.level_set.id == "stories"
    programme = programme_of(store.get_profile(mia.profile_id))
    assert programme is not None and ctx.plan_id == programme.plan_id


def test_a_level_set_given_on_the_command_line_is_played_by_every_child(
        store: ProgressStore, tmp_path: Path) -> None:
    mia = store.create_profile("Mia")
    store.set_programme(mia.profile_id, _plan(("six-feelings",)).to_json())
    flow, _stack, ctx = _game(store, tmp_path, fixed=True)
    flow.profile_chosen(store.get_profile(mia.profile_id))
    flow.calibration_finished(None)
    assert ctx.level_set is not None and ctx.level_set.id == "first-faces"


def test_a_child_added_with_a_language_keeps_it_in_the_next_session(
        store: ProgressStore, tmp_path: Path) -> None:
    """The known bug: a child added with `--lang zh-CN` was stored as English."""
    _game(store, tmp_path, overrides={"language": "zh-CN"}, profile_name="Lin")
    (lin,) = store.list_profiles()
    assert lin.settings["language"] == "zh-CN"
    flow, _stack, ctx = _game(store, tmp_path)  # the next day: no --lang
    flow.profile_chosen(store.get_profile(lin.profile_id))
    assert ctx.lang == "zh-CN"


def test_play_with_lang_stores_it_and_the_report_follows_it(
        tmp_path: Path, blank_rgb: np.ndarray, capsys: pytest.CaptureFixture[str]) -> None:
    """End to end: `facequest play --profile Lin --lang zh-CN` adds Lin; the report made
    without --lang is in Chinese."""
    import cv2

    image = tmp_path / "blank.png"
    cv2.imwrite(str(image), np.asarray(blank_rgb))
    data_dir = tmp_path / "data"
    assert main(["play", "--headless", "--source", str(image), "--data-dir", str(data_dir),
                 "--profile", "Lin", "--lang", "zh-CN", "--max-seconds", "1"]) == 0
    with open_store(data_dir, read_only=True) as records:
        (lin,) = records.list_profiles()
    assert lin.settings["language"] == "zh-CN"
    out = tmp_path / "lin.html"
    assert main(["report", "Lin", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert '<html lang="zh-CN">' in out.read_text(encoding="utf-8")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_plan_page_pictures_at_the_largest_text_size(
        store: ProgressStore, tmp_path: Path, lang: str) -> None:
    """Screenshots to look at (`.pytest_cache/plan-page/`), with every text inside."""
    mia = store.create_profile("Mia")
    store.set_programme(mia.profile_id, _plan(("first-faces", "six-feelings")).to_json())
    _flow, stack, _ctx = _game(store, tmp_path, lang=lang, scale=1.5)
    start = stack.top
    assert isinstance(start, StartScene)
    SHOTS.mkdir(parents=True, exist_ok=True)
    surface = pygame.Surface(WINDOW_SIZE)
    stack.draw(surface)
    pygame.image.save(surface, str(SHOTS / f"start-{lang}.png"))
    scene = _open_plan(stack)
    for name, downs in (("top", 0), ("bottom", len(scene.rows()) - 1)):
        for _ in range(downs):
            _press(stack, Action.DOWN)
        with layout_probe.recording() as probe:
            stack.draw(surface)
        pygame.image.save(surface, str(SHOTS / f"plan-{name}-{lang}.png"))
        assert layout_probe.problems(probe.items, WINDOW_SIZE) == []
    assert isinstance(stack.top, PlanScene) and not isinstance(stack.top, ChildAdminScene)


def test_the_start_screen_keeps_each_next_step_until_a_session_ends(
        store: ProgressStore, tmp_path: Path) -> None:
    """The next step is worked out once (reading a child's trials is not free), and again
    when the goodbye card leads back to the start screen."""
    mia = store.create_profile("Mia")
    programme = _plan(("first-faces", "six-feelings"))
    store.set_programme(mia.profile_id, programme.to_json())
    flow, stack, _ctx = _game(store, tmp_path)
    assert "Next for Mia: My first faces, step 1 of 2" in _drawn_texts(stack)
    for _ in range(2):  # played meanwhile (as a session of this game would be)
        play_scripted_session(store, mia.profile_id, LEVELS_DIR / "first-faces.toml",
                              skill=1.0, plan_id=programme.plan_id)
    start = stack.top
    assert isinstance(start, StartScene)
    start.handle(InputEvent(Action.LETTER, letter="m"))  # typing: no new reading
    start.handle(InputEvent(Action.BACK))
    assert "Next for Mia: My first faces, step 1 of 2" in _drawn_texts(stack)
    flow.back_to_start()
    assert "Next for Mia: Six feelings, step 2 of 2" in _drawn_texts(stack)
