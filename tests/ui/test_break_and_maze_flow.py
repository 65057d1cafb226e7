"""The session driver with a real rules engine: a real break (the rest screen, ended by a key
or a smile), one maze per maze level, overlays that cover, and fuller prompted praise."""

from __future__ import annotations

import random
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pygame
import pytest

from game import phrases
from game.expressions import Expression
from game.play import events as ev
from game.play.level_loader import load_level_set
from game.play.level_set import Level
from game.play.session import Session, SessionState
from game.records import memory_store
from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.break_scene import BreakScene, breath
from game.ui.scenes.maze import MazeScene
from game.ui.scenes.overlays import PauseOverlay
from game.ui.scenes.reward import RewardScene
from game.ui.settings import SensorySettings
from game.ui.theme import Theme
from game.ui.widgets import layout_probe
from game.vision.pipeline import VisionPipeline
from game.vision.records import ExpressionReading, Frame

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _flow(level_file: str) -> tuple[GameContext, SceneStack, GameFlow]:
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    pipeline.latest_frame.return_value = Frame(1, np.zeros((8, 8, 3), np.uint8))
    level_set = load_level_set(REPO / "levels" / level_file)
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      pipeline=pipeline, store=memory_store(),
                      level_set=level_set)
    stack = SceneStack()

    def make(profile: object, now_ms: int) -> Session:
        return Session(level_set, random.Random(1))

    flow = GameFlow(ctx, stack, make, profile_name="Kim")
    flow.begin()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    return ctx, stack, flow


def _pipeline(ctx: GameContext) -> Mock:
    """The stand-in vision pipeline this test put in the context."""
    assert isinstance(ctx.pipeline, Mock)
    return ctx.pipeline


def _levels(ctx: GameContext) -> tuple[Level, ...]:
    """The levels of the set the context plays."""
    assert ctx.level_set is not None
    return ctx.level_set.levels


def _time_out(ctx: GameContext, flow: GameFlow, now: int, limit_ms: int) -> int:
    """Let the running trial time out with a weak face, then the gap pass."""
    assert flow.driver is not None
    for _ in range(2):
        now += limit_ms + 3000
        ctx.reading = ExpressionReading(t_ms=now, probabilities={}, target_score=0.1)
        flow.driver.tick(now)
    return now


def test_after_the_levels_timeouts_the_rest_screen_covers_the_game_until_a_key() -> None:
    ctx, stack, flow = _flow("first-faces.toml")
    driver = flow.driver
    assert driver is not None
    session = driver.session
    level = _levels(ctx)[0]
    assert level.breaks.after_timeouts == 2
    now = 1000
    for _ in range(2):
        now = _time_out(ctx, flow, now, level.time_limit_ms)
    assert session.state is SessionState.BREAK
    assert isinstance(stack.top, BreakScene)
    _pipeline(ctx).set_target.assert_called_with(Expression.HAPPY)  # a smile may end it
    surface = pygame.Surface(ctx.window_size)
    with layout_probe.recording() as probe:
        stack.draw(surface)
    texts = [item.text for item in probe.items if item.kind == "text"]
    assert phrases.text("rest.start", "en") in texts
    assert phrases.text("pause.manual", "en") not in texts  # its own words, not the pause's
    stack.handle(InputEvent(Action.CONFIRM))          # the child presses a key
    assert session.state is SessionState.TRIAL
    assert not any(isinstance(scene, BreakScene) for scene in stack.scenes)


def test_a_smile_ends_the_break_after_its_minimum() -> None:
    ctx, stack, flow = _flow("first-faces.toml")
    driver = flow.driver
    assert driver is not None
    level = _levels(ctx)[0]
    now = 1000
    for _ in range(2):
        now = _time_out(ctx, flow, now, level.time_limit_ms)
    assert isinstance(stack.top, BreakScene)
    ctx.reading = ExpressionReading(t_ms=now + 100, probabilities={}, target_score=0.9)
    driver.tick(now + 100)                             # too soon: a smile does not end it yet
    assert isinstance(stack.top, BreakScene)
    ctx.reading = ExpressionReading(
        t_ms=now + level.breaks.min_ms + 100, probabilities={}, target_score=0.9)
    driver.tick(now + level.breaks.min_ms + 100)
    assert not any(isinstance(scene, BreakScene) for scene in stack.scenes)
    assert driver.session.state is SessionState.TRIAL


def test_the_breathing_circle_moves_only_without_reduced_motion() -> None:
    calm, still = Theme(), Theme(reduced_motion=True)
    assert breath(0, calm) != breath(2000, calm)
    assert breath(0, still) == breath(2000, still) == breath(4000, still)


def test_each_maze_level_gets_its_own_maze_with_one_blocker_per_trial() -> None:
    ctx, stack, flow = _flow("face-maze.toml")
    driver = flow.driver
    assert driver is not None
    first, second = _levels(ctx)
    scene = stack.scenes[0]
    assert isinstance(scene, MazeScene)
    assert len(scene.maze.blockers) == first.trials == driver.view.trials_total
    for _ in range(first.trials):
        scene.on_success()
    assert not scene.maze.active_blockers()
    driver.route([ev.LevelStarted(5, 1, second.id, "maze", second.title, None, second.trials),
                  ev.PromptShown(5, 8, second.id, "maze", Expression.SAD, "prompt.show_me.sad",
                                 None, "", 0, 0.55, 1000, 20_000)])
    scene = next(s for s in stack.scenes if isinstance(s, MazeScene))
    assert second.maze is not None and scene.maze.size == second.maze.size
    assert len(scene.maze.blockers) == second.trials == driver.view.trials_total == 12
    assert scene.maze.cleared == 0 and scene.maze.player == scene.maze.start


def test_pause_during_the_reward_covers_the_praise() -> None:
    ctx, stack, flow = _flow("first-faces.toml")
    driver = flow.driver
    assert driver is not None
    driver.route([ev.Succeeded(5, 0, Expression.HAPPY, 1, False, 2, "praise.prompted")])
    assert isinstance(stack.top, RewardScene)
    driver.route([ev.Paused(6, 0, ev.PauseReason.MANUAL, frozenset(), "")])
    assert isinstance(stack.top, PauseOverlay)
    surface = pygame.Surface(ctx.window_size)
    with layout_probe.recording() as probe:
        stack.draw(surface)
    assert layout_probe.problems(probe.items, ctx.window_size) == []
    visible: list[str] = []
    for item in probe.items:  # what is still visible after the last cover
        visible = [] if item.kind == "cover" else [*visible, item.text]
    assert any(t.startswith(phrases.text("pause.manual", "en")) for t in visible)
    assert not any(t.startswith(phrases.text("praise.prompted.1", "en")) for t in visible)


def test_prompted_praise_is_fuller_but_smaller_than_independent() -> None:
    ctx = _flow("first-faces.toml")[0]
    shown = {}
    for independent in (True, False):
        scene = RewardScene(ctx, 3 if independent else 1, independent, 0,
                            target=Expression.SURPRISED)
        surface = pygame.Surface(ctx.window_size)
        with layout_probe.recording() as probe:
            scene.draw(surface)
        shown[independent] = [item for item in probe.items if item.kind == "text"]
    prompted = [item.text for item in shown[False]]
    assert phrases.text("praise.named.surprised", "en") in prompted  # names the face made
    assert len(prompted) >= 2
    tallest = {k: max(item.box[3] for item in v) for k, v in shown.items()}
    assert tallest[True] > tallest[False]  # the independent praise is bigger


def test_the_therapists_pause_key_ends_the_break() -> None:
    ctx, stack, flow = _flow("first-faces.toml")
    driver = flow.driver
    assert driver is not None
    level = _levels(ctx)[0]
    now = 1000
    for _ in range(2):
        now = _time_out(ctx, flow, now, level.time_limit_ms)
    assert isinstance(stack.top, BreakScene)
    assert stack.handle(InputEvent(Action.PAUSE)) is False  # the key goes on to the flow
    flow.therapist(Action.PAUSE)
    assert driver.session.state is SessionState.TRIAL
    assert not any(isinstance(scene, BreakScene) for scene in stack.scenes)


def test_a_break_is_kept_with_the_session_record_and_exported() -> None:
    from game.reports.export import export_rows

    ctx, stack, flow = _flow("first-faces.toml")
    driver = flow.driver
    assert driver is not None and ctx.store is not None
    level = _levels(ctx)[0]
    now = 1000
    for _ in range(2):
        now = _time_out(ctx, flow, now, level.time_limit_ms)
    assert isinstance(stack.top, BreakScene)
    stack.handle(InputEvent(Action.CONFIRM))  # the break ends
    assert driver.session_id is not None
    record = ctx.store.get_session(driver.session_id)
    assert record.breaks == 1 and record.break_ms >= 0
    flow.close()
    (row, *_) = export_rows(ctx.store)
    assert row["session_breaks"] == 1 and row["session_end_reason"] == "closed"
