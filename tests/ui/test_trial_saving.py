"""The game stores a trial the moment it ends, and a full disk never stops the child."""

from __future__ import annotations

import errno
import random
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game.play.level_loader import load_level_set
from game.play.session import Session
from game.play.trial_record import TrialRecord
from game.records import ProgressStore, StoredTrial, memory_store
from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.scene_stack import SceneStack
from game.ui.scenes.reward import RewardScene
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline
from game.vision.records import ExpressionReading

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def playing(store: ProgressStore) -> tuple[GameContext, GameFlow, SceneStack]:
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.finished = False
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, pipeline=pipeline,
                      level_set=level_set)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, lambda profile, now_ms: Session(level_set, random.Random(0)),
                    profile_name="Mia")
    flow.begin()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    return ctx, flow, stack


def stored_count(store: ProgressStore) -> int:
    profile = store.find_profiles("Mia")[0]
    return len(store.trials_for(profile.profile_id))


def session_of(ctx: GameContext) -> Session:
    """The session being played."""
    assert ctx.session is not None
    return ctx.session


def play_one_trial(ctx: GameContext, flow: GameFlow, now: int) -> int:
    """Frames of a strong face until the engine ends the next trial; returns the time."""
    done = len(session_of(ctx).records)
    for _frame in range(4000):
        now += 40
        ctx.reading = ExpressionReading(t_ms=now, probabilities={}, target_score=0.97)
        flow.tick(now)
        if len(session_of(ctx).records) > done:
            return now
    raise AssertionError("no trial ended within 160 s of a strong face")


def test_a_successful_trial_is_stored_in_the_frame_the_reward_appears() -> None:
    store = memory_store()
    ctx, flow, stack = playing(store)
    play_one_trial(ctx, flow, 0)
    assert isinstance(stack.top, RewardScene)  # pushed in this frame, not drawn yet
    assert stored_count(store) == 1


def test_on_a_full_disk_the_trial_waits_in_memory_the_therapist_is_told_and_play_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store = memory_store()
    ctx, flow, _stack = playing(store)
    real_add = store.add_trial
    disk_full = [True]

    def add_trial(session_id: str, trial: TrialRecord, *, therapist_note: str = "") -> StoredTrial:
        if disk_full[0]:
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_add(session_id, trial, therapist_note=therapist_note)

    monkeypatch.setattr(store, "add_trial", add_trial)
    now = play_one_trial(ctx, flow, 0)
    assert stored_count(store) == 0
    assert "not being saved" in ctx.therapist_line
    now = play_one_trial(ctx, flow, now)  # the child plays on
    assert len(session_of(ctx).records) == 2
    assert flow.driver is not None and flow.driver.keeper.waiting == 2
    disk_full[0] = False
    flow.tick(now + 3100)  # the next retry
    assert stored_count(store) == 2
    assert ctx.therapist_line == ""


def test_a_full_disk_at_calibration_keeps_the_calm_face_in_memory_and_play_starts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from game.vision.calibration import NeutralBaseline

    store = memory_store()
    ctx, flow, _stack = playing(store)
    baseline = Mock(spec=NeutralBaseline)
    baseline.to_dict.return_value = {"spec_version": "1", "median": {}, "spread": {}}

    def full(*args: object, **kwargs: object) -> object:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(store, "set_baseline", full)
    flow.calibration_finished(baseline)
    flow.start_play()  # past today's schedule (issue 23)
    assert ctx.profile is not None and ctx.profile.baseline == baseline.to_dict.return_value
    assert ctx.therapist_line != ""
    assert flow.driver is not None and not flow.driver.ended
