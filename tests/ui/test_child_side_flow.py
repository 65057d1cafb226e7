"""Issue 23, the child's side, end to end in the real flow with a real rules engine and a real
store: today's schedule before the first trial, the child's own break (the B key through the
real input adapter, and the rest button), the break recorded as the child's in the trial
record and the export, the stickers kept with the child and shown at the goodbye."""

from __future__ import annotations

import random
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pygame
import pytest

from game.play.schedule import StepKind, StepState
from game.play.session import Session, SessionState
from game.play.stickers import StickerBook, StickerKind
from game.records import memory_store
from game.reports.export import export_rows
from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputAdapter, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.break_scene import BreakScene
from game.ui.scenes.end import EndScene
from game.ui.scenes.schedule import KEYS_AFTER_MS, ScheduleScene
from game.ui.scenes.trial import TrialScene
from game.ui.session_scenes import CHILD_BREAK_KEYS_AFTER_MS
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline
from game.vision.records import ExpressionReading, Frame

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


class Time:
    """The app's clock, moved by the test."""

    def __init__(self) -> None:
        self.ms = 1000.0

    def __call__(self) -> float:
        return self.ms / 1000.0


def _flow() -> tuple[GameContext, SceneStack, GameFlow, Time]:
    time = Time()
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    pipeline.finished = False
    pipeline.latest_frame.return_value = Frame(1, np.zeros((8, 8, 3), np.uint8))
    from game.play.level_loader import load_level_set

    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(time),
                      pipeline=pipeline, store=memory_store(),
                      level_set=level_set)
    stack = SceneStack()

    def make(profile: object, now_ms: int) -> Session:
        return Session(level_set, random.Random(1))

    flow = GameFlow(ctx, stack, make, profile_name="Kim")
    flow.begin()
    flow.calibration_finished(None)
    return ctx, stack, flow, time


def _run(ctx: GameContext, flow: GameFlow, time: Time, ms: int, score: float) -> None:
    """Frames of 40 ms with a face of `score` for the target."""
    for _ in range(ms // 40):
        time.ms += 40
        now = ctx.clock.now_ms()
        ctx.reading = ExpressionReading(t_ms=now, probabilities={}, target_score=score)
        flow.tick(now)


def _key(key: int) -> list[InputEvent]:
    return InputAdapter((1280, 720)).convert(
        [pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)])


def test_the_schedule_shows_the_sessions_plan_and_play_starts_when_the_child_goes_on() -> None:
    ctx, stack, flow, _time = _flow()
    schedule = stack.top
    assert isinstance(schedule, ScheduleScene)
    driver = flow.driver
    assert driver is not None and driver.session.state is SessionState.READY
    steps = schedule.progress.steps()
    assert ctx.level_set is not None
    levels = ctx.level_set.levels
    assert [s.faces for s in steps if s.kind is StepKind.FACES] == [lv.trials for lv in levels]
    assert steps[-1].kind is StepKind.END and steps[0].state is StepState.NOW
    stack.handle(InputEvent(Action.CONFIRM))  # a key still held from before: not yet
    assert driver.session.state is SessionState.READY
    stack.update(KEYS_AFTER_MS + 10, ctx.clock.now_ms())
    stack.handle(InputEvent(Action.CONFIRM))
    assert driver.session.state is SessionState.TRIAL
    assert isinstance(stack.top, TrialScene)


def test_the_childs_break_is_the_childs_in_the_record_the_export_and_the_schedule() -> None:
    ctx, stack, flow, time = _flow()
    flow.start_play()
    driver = flow.driver
    assert driver is not None
    _run(ctx, flow, time, 1000, 0.1)
    [rest] = _key(pygame.K_b)
    assert rest.action is Action.REST and rest.letter == "b"  # the start screen still types b
    assert stack.handle(rest)                                 # the trial scene takes it
    assert driver.session.state is SessionState.BREAK
    breaking = stack.top
    assert isinstance(breaking, BreakScene) and breaking.schedule is driver.schedule
    assert [s.kind for s in driver.schedule.steps() if s.state is StepState.NOW] == [
        StepKind.REST]
    assert stack.handle(rest) and driver.session.state is SessionState.BREAK  # a 2nd B:
    stack.update(CHILD_BREAK_KEYS_AFTER_MS, ctx.clock.now_ms())  # the rest goes on, then
    _run(ctx, flow, time, 20_000, 0.1)                        # resting: nothing is charged
    trial = driver.session.trial
    assert trial is not None and trial.time_left_ms(ctx.clock.now_ms()) > 0
    stack.handle(InputEvent(Action.CONFIRM))                  # the child is ready again
    assert driver.session.state is SessionState.TRIAL and driver.session.trial is trial
    ctx.pipeline.set_target.assert_called_with(trial.spec.target)  # scored for its face
    _run(ctx, flow, time, 3000, 0.95)                         # made it
    assert ctx.store is not None and ctx.profile is not None
    driver.keeper.flush()
    [first] = ctx.store.trials_for(ctx.profile.profile_id)
    assert first.trial.success and first.trial.child_breaks == 1
    rows = export_rows(ctx.store)
    assert rows[0]["child_breaks"] == 1
    # the rest button does the same, at its place on the trial screen
    _run(ctx, flow, time, 4000, 0.1)
    scene = next(s for s in stack.scenes if isinstance(s, TrialScene))
    assert scene.handle(InputEvent(Action.POINT, scene.rest_button_rect().center))
    assert driver.session.state is SessionState.BREAK


def test_the_stickers_of_a_session_are_kept_with_the_child_and_shown_at_the_goodbye() -> None:
    ctx, stack, flow, time = _flow()
    flow.start_play()
    driver = flow.driver
    assert driver is not None and ctx.store is not None and ctx.profile is not None
    for _ in range(2):
        _run(ctx, flow, time, 3000, 0.95)  # independent successes
        _run(ctx, flow, time, 3000, 0.1)   # the gap, and the next prompt
    flow.end_session()
    goodbye = stack.top
    assert isinstance(goodbye, EndScene)
    successes = [r for r in driver.session.records if r.success]
    assert len(goodbye.stickers) == len(successes) >= 2
    driver.keeper.flush()
    book = StickerBook.from_dicts(ctx.store.get_profile(ctx.profile.profile_id).stickers)
    assert len(book) == len(successes) and goodbye.book_size == len(book)
    kinds = {r.trial_index: (StickerKind.STICKER if r.prompt_level == 0 else StickerKind.STAR)
             for r in successes}
    assert {item.trial_index: item.kind for item in book.items} == kinds
    assert {item.session_id for item in book.items} == {driver.session_id}
