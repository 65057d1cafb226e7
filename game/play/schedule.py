"""The child's visual schedule: what today's session holds ("6 faces, a rest, all done").

`plan_schedule` builds it from the session's actual plan: one block of faces per level (as
many faces as the level has trials), in the order they are played, then the end. Rests in
FaceQuest come when they are needed (the child asks, the level's timeouts, or the level set's
`break_every_ms`), so a rest is put on the schedule where it falls, as it happens, and the
schedule shown at each rest says "a rest" there, with what comes after. `ScheduleProgress`
follows the session's events (a face started, a rest started or ended, the end) and says
which step is "now"; it reads no clock and draws nothing.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol


class StepKind(enum.StrEnum):
    FACES = "faces"    # a block of faces (one level)
    REST = "rest"      # a rest (the break screen)
    END = "end"        # all done: the goodbye


class StepState(enum.StrEnum):
    DONE = "done"
    NOW = "now"
    NEXT = "next"


class PlannedLevel(Protocol):
    """What the schedule needs of a level (`game.play.level_set.Level` has it)."""

    @property
    def id(self) -> str: ...

    @property
    def mode(self) -> str: ...

    @property
    def trials(self) -> int: ...


@dataclass(frozen=True, slots=True)
class ScheduleStep:
    """One picture on the schedule.

    Attributes:
        kind: faces, rest or end.
        faces: how many faces the block holds (0 for a rest or the end).
        done_faces: of those, how many were played (a face under way counts as played).
        state: done, now (highlighted) or next.
        level_id / mode: the level of a block of faces ("" otherwise).
    """

    kind: StepKind
    faces: int
    done_faces: int
    state: StepState
    level_id: str = ""
    mode: str = ""

    def __post_init__(self) -> None:
        if self.faces < 0 or not 0 <= self.done_faces <= max(self.faces, 0):
            raise ValueError(f"a schedule step of {self.faces} faces cannot have "
                             f"{self.done_faces} played")


@dataclass(frozen=True, slots=True)
class SchedulePlan:
    """The levels' blocks of faces, in play order (the end follows the last one)."""

    blocks: tuple[tuple[str, str, int], ...]  # (level_id, mode, faces)

    @property
    def faces(self) -> int:
        """Every face planned today."""
        return sum(count for _, _, count in self.blocks)


def plan_schedule(levels: Sequence[PlannedLevel]) -> SchedulePlan:
    """The schedule of a session that plays `levels` (`Session.levels`), in order.

    Raises:
        ValueError: no level, or a level with fewer than one trial.
    """
    if not levels:
        raise ValueError("a schedule needs at least one level")
    for level in levels:
        if level.trials < 1:
            raise ValueError(f"level {level.id!r} has no trials to put on the schedule")
    return SchedulePlan(tuple((level.id, level.mode, level.trials) for level in levels))


class ScheduleProgress:
    """Where the session is on its schedule, from the session's events.

    Call `face_started` at each prompt, `rest_started` / `rest_ended` around a break, and
    `finished` at the end. `steps()` gives the pictures to draw, one of them "now" (before
    the first face: the first block; during a rest: that rest; at the end: the end).
    """

    def __init__(self, plan: SchedulePlan) -> None:
        self.plan = plan
        self.faces_started = 0
        self.rests_after: list[int] = []  # faces started when each rest began
        self.resting = False
        self.done = False

    def face_started(self) -> None:
        """A new face (trial) was prompted; past the planned faces it changes nothing."""
        self.faces_started = min(self.plan.faces, self.faces_started + 1)

    def rest_started(self) -> None:
        """A break began: a rest goes on the schedule here."""
        if not self.resting:
            self.rests_after.append(self.faces_started)
            self.resting = True

    def rest_ended(self) -> None:
        self.resting = False

    def finished(self) -> None:
        """The session ended (every face played or not): all done."""
        self.resting = False
        self.done = True

    def steps(self) -> tuple[ScheduleStep, ...]:
        """The schedule as drawn now: blocks of faces split where a rest fell, the rests,
        and the end, with exactly one step "now"."""
        out: list[ScheduleStep] = []
        rests = list(self.rests_after)
        first_face = 0  # faces before this block
        now_taken = False

        def state_of(is_now: bool, is_done: bool) -> StepState:
            return StepState.NOW if is_now else StepState.DONE if is_done else StepState.NEXT

        for level_id, mode, count in self.plan.blocks:
            start = first_face
            end = first_face + count
            cuts = sorted({r for r in rests if start < r < end})
            bounds = [start, *cuts, end]
            for a, b in itertools.pairwise(bounds):
                played = max(0, min(b, self.faces_started) - a)
                is_now = (not self.done and not self.resting and not now_taken
                          and (a < self.faces_started <= b
                               or (self.faces_started == a == 0)))
                now_taken = now_taken or is_now
                out.append(ScheduleStep(StepKind.FACES, b - a, played,
                                        state_of(is_now, played == b - a), level_id, mode))
                for index, rest in enumerate(rests):
                    if rest == b:
                        last_rest = index == len(rests) - 1
                        is_now = self.resting and last_rest and not self.done
                        now_taken = now_taken or is_now
                        out.append(ScheduleStep(StepKind.REST, 0, 0,
                                                state_of(is_now, not is_now)))
                rests = [r for r in rests if r != b]
            first_face = end
        out.append(ScheduleStep(StepKind.END, 0, 0,
                                StepState.NOW if self.done else StepState.NEXT))
        return tuple(out)
