"""The visual schedule: built from the session's plan, following the session's events."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from game.play.schedule import ScheduleProgress, StepKind, StepState, plan_schedule
from game.play.session import Session
from tests.play.fakes import Clock, Feeder
from tests.play.test_session import level_set, succeed


@dataclass(frozen=True)
class FakeLevel:
    id: str
    mode: str
    trials: int


def _shape(progress: ScheduleProgress) -> list[tuple[str, int, int, str]]:
    return [(s.kind.value, s.faces, s.done_faces, s.state.value) for s in progress.steps()]


def test_the_plan_has_a_block_of_faces_per_level_then_the_end() -> None:
    plan = plan_schedule([FakeLevel("a", "mimic", 3), FakeLevel("b", "cue", 4)])
    assert plan.faces == 7
    progress = ScheduleProgress(plan)
    assert _shape(progress) == [("faces", 3, 0, "now"), ("faces", 4, 0, "next"),
                                ("end", 0, 0, "next")]


def test_a_rest_goes_where_it_falls_and_is_now_while_it_lasts() -> None:
    progress = ScheduleProgress(plan_schedule([FakeLevel("a", "mimic", 3),
                                               FakeLevel("b", "cue", 4)]))
    for _ in range(2):
        progress.face_started()
    assert _shape(progress)[0] == ("faces", 3, 2, "now")
    progress.rest_started()
    assert _shape(progress) == [("faces", 2, 2, "done"), ("rest", 0, 0, "now"),
                                ("faces", 1, 0, "next"), ("faces", 4, 0, "next"),
                                ("end", 0, 0, "next")]
    progress.rest_ended()
    progress.face_started()
    assert _shape(progress)[1:3] == [("rest", 0, 0, "done"), ("faces", 1, 1, "now")]
    progress.face_started()  # the second level; then a rest after its first face
    progress.rest_started()
    assert [s.kind for s in progress.steps()] == [
        StepKind.FACES, StepKind.REST, StepKind.FACES, StepKind.FACES, StepKind.REST,
        StepKind.FACES, StepKind.END]
    progress.finished()
    states = [s.state for s in progress.steps()]
    assert states[-1] is StepState.NOW and StepState.NOW not in states[:-1]


def test_a_rest_between_two_levels_falls_between_their_blocks() -> None:
    progress = ScheduleProgress(plan_schedule([FakeLevel("a", "mimic", 2),
                                               FakeLevel("b", "cue", 2)]))
    progress.face_started()
    progress.face_started()
    progress.rest_started()
    assert _shape(progress) == [("faces", 2, 2, "done"), ("rest", 0, 0, "now"),
                                ("faces", 2, 0, "next"), ("end", 0, 0, "next")]


def test_exactly_one_step_is_now_at_every_point_of_a_real_session() -> None:
    session = Session(level_set(), random.Random(7))
    clock = Clock()
    feeder = Feeder(session, clock)
    progress = ScheduleProgress(plan_schedule(session.levels))
    assert progress.plan.faces == 7
    session.start(clock.now)
    for n in range(7):
        progress.face_started()
        if n == 3:  # the child asks for a rest in the fourth face
            session.request_break(clock.tick(40))
            progress.rest_started()
            assert sum(s.state is StepState.NOW for s in progress.steps()) == 1
            session.end_break(clock.tick(2000))
            progress.rest_ended()
        assert sum(s.state is StepState.NOW for s in progress.steps()) == 1
        succeed(feeder)
    progress.finished()
    steps = progress.steps()
    assert sum(s.faces for s in steps) == 7 and sum(s.done_faces for s in steps) == 7
    assert [s.kind for s in steps].count(StepKind.REST) == 1


def test_a_plan_without_levels_or_trials_is_refused() -> None:
    with pytest.raises(ValueError):
        plan_schedule([])
    with pytest.raises(ValueError):
        plan_schedule([FakeLevel("a", "mimic", 0)])
