"""Headless autoplay is a scripted event source: real key events, given to the real scenes
through the app's input adapter, at the times a person would press them; the scenes hold no
autoplay code. Real flow, real scenes, a fake clock (no sleeping)."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game import phrases
from game.home.plan import HomePlan
from game.play.session import Session
from game.records import Profile, memory_store
from game.records.storage import local_now
from game.ui.autoplay import SCRIPT, AutoplayScript, Press
from game.ui.clock import MAX_DT_MS, FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.input import InputAdapter
from game.ui.run_options import RunOptions
from game.ui.scene_stack import Scene, SceneStack
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.end import EndScene
from game.ui.scenes.home import HomeScene
from game.ui.scenes.restore_offer import RestoreOfferCard
from game.ui.scenes.start import StartScene
from game.ui.settings import SensorySettings

SCENES_DIR = Path(__file__).resolve().parents[2] / "game" / "ui" / "scenes"


@pytest.fixture(autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def no_session(profile: Profile | None, now_ms: int) -> Session:
    raise AssertionError("these runs stop before a session starts")


class Run:
    """A headless run without the window: each `frame` pumps the autoplay script's events
    through the input adapter to the stack, then updates the top scene, as `App.step`."""

    def __init__(self, options: RunOptions | None = None, **fields: object) -> None:
        self.ms = 0
        self.ctx = GameContext(settings=SensorySettings(),
                               clock=FrameClock(lambda: self.ms / 1000.0),
                               options=options or RunOptions(headless=True),
                               **fields)  # type: ignore[arg-type]
        self.stack = SceneStack()
        self.autoplay = AutoplayScript(self.stack, self.ctx.clock, source=lambda: [])
        self.adapter = InputAdapter(WINDOW_SIZE)
        self.pressed: list[str] = []

    def frame(self, dt_ms: int = 100) -> None:
        self.ms += dt_ms
        events = self.autoplay()
        self.pressed += [pygame.key.name(e.key) for e in events if e.type == pygame.KEYDOWN]
        for event in self.adapter.convert(events):
            self.stack.handle(event)
        self.stack.update(min(dt_ms, MAX_DT_MS), self.ms)

    def frames(self, count: int, dt_ms: int = 100) -> None:
        for _ in range(count):
            self.frame(dt_ms)


def test_the_first_child_is_picked_on_the_start_screen_after_1_2_s() -> None:
    store = memory_store()
    mia = store.create_profile("Mia")
    store.create_profile("Noah")
    run = Run(store=store)
    GameFlow(run.ctx, run.stack, no_session).begin()
    assert isinstance(run.stack.top, StartScene)
    run.frames(11)  # 1.1 s on top: a person is still reading the names
    assert isinstance(run.stack.top, StartScene) and run.pressed == []
    run.frames(2)
    assert run.pressed == ["return"]
    assert isinstance(run.stack.top, CalibrationScene)
    assert run.ctx.profile is not None and run.ctx.profile.profile_id == mia.profile_id


def test_the_goodbye_card_closes_after_2_s_and_says_the_game_closes() -> None:
    run = Run()
    run.stack.push(EndScene(run.ctx, 3, 3, 3))
    end = run.stack.top
    assert isinstance(end, EndScene)
    assert phrases.text("ui.flow.closing", "en") in end.footer()
    run.frames(19)
    assert run.stack.top is end
    run.frames(2)
    assert len(run.stack) == 0  # no flow: closing clears the stack


def test_in_a_window_the_goodbye_card_says_a_key_goes_back_to_the_start() -> None:
    run = Run(RunOptions(headless=False))
    end = EndScene(run.ctx, 3, 3, 3)
    assert phrases.text("ui.flow.back_to_start", "en") in end.footer()


def test_the_restore_offer_is_answered_with_start_fresh_after_3_s() -> None:
    restored: list[bool] = []
    run = Run()
    run.stack.push(Scene())
    run.stack.push(RestoreOfferCard(run.ctx, lambda lang: "Moved aside.",
                                    on_restore=lambda: restored.append(True)))
    run.frames(29)
    assert isinstance(run.stack.top, RestoreOfferCard)
    run.frames(2)
    assert run.pressed == ["escape"]
    assert not isinstance(run.stack.top, RestoreOfferCard) and restored == []


def test_the_home_screen_plays_after_1_2_s() -> None:
    store = memory_store()
    child = store.create_profile("Mia", profile_id="C-ABC123")
    plan = HomePlan(plan_id="P-1A2B3C4D", profile_id=child.profile_id,
                    issued_at=local_now().isoformat(), days_per_week=4, minutes_per_day=20,
                    clinic_key="fqclinic1-x", level_set_id="")
    run = Run(RunOptions(headless=True, home_plan=plan), store=store)
    GameFlow(run.ctx, run.stack, no_session).begin()
    assert isinstance(run.stack.top, HomeScene)
    run.frames(13)
    assert isinstance(run.stack.top, CalibrationScene)
    assert run.ctx.profile is not None and run.ctx.profile.profile_id == child.profile_id


def test_a_scene_is_pressed_once_and_only_its_time_on_top_counts() -> None:
    run = Run()
    start = StartScene(run.ctx, [])  # no flow: pressing Enter changes nothing
    run.stack.push(start)
    run.frames(5)
    run.stack.push(Scene())  # covered for 10 s: its clock stops
    run.frames(100)
    run.stack.pop()
    run.frames(6)
    assert run.pressed == []
    assert run.autoplay.shown_ms(start) == 1000  # 4 + 6 frames (the run's first has no step)
    run.frames(50)
    assert run.pressed == ["return"]  # once, though the scene stays on top


def test_a_stalled_frame_counts_as_the_apps_clamped_step() -> None:
    run = Run()
    start = StartScene(run.ctx, [])
    run.stack.push(start)
    run.frame()
    run.frame(5000)  # a 5 s stall: the scene's own time moves by MAX_DT_MS only
    assert run.autoplay.shown_ms(start) == MAX_DT_MS
    assert run.pressed == []


def test_without_a_scripted_scene_only_the_sources_events_pass() -> None:
    quit_event = pygame.event.Event(pygame.QUIT)
    stack = SceneStack()
    stack.push(Scene())
    ms = [0]
    autoplay = AutoplayScript(stack, FrameClock(lambda: ms[0] / 1000.0),
                              source=lambda: [quit_event])
    for _ in range(100):
        ms[0] += 100
        assert autoplay() == [quit_event]


def test_a_press_needs_a_time_of_zero_or_more() -> None:
    with pytest.raises(ValueError, match="after_ms"):
        Press(StartScene, pygame.K_RETURN, -1)
    assert {press.scene for press in SCRIPT} >= {StartScene, EndScene, RestoreOfferCard}


@pytest.mark.parametrize("fields", [
    {"max_seconds": 0.0}, {"max_seconds": float("nan")}, {"lang": "fr"},
    {"palette": "neon"}, {"seed": True}, {"profile": "  "},
])
def test_run_options_refuse_bad_values_at_construction(fields: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        RunOptions(**fields)  # type: ignore[arg-type]


def test_run_options_give_the_command_line_settings() -> None:
    assert RunOptions().command_line_settings() == {}
    assert RunOptions(lang="zh-CN", palette="high_contrast").command_line_settings() == {
        "language": "zh-CN", "palette": "high_contrast"}


def test_the_scenes_hold_no_autoplay_code() -> None:
    found = [path.name for path in SCENES_DIR.glob("*.py")
             if "autoplay" in path.read_text(encoding="utf-8").casefold()]
    assert found == []
