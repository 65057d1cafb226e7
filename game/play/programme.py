"""A child's programme: which level sets, in which order, and the mastery rule that moves
the child from one to the next.

Pure rules (no pygame, no clock): the records are passed in. A `Programme` is kept in the
child's profile under the field `programme` as `Programme.to_json()` (a plain dict), and a
home plan file carries the same dict; `Programme.from_json` reads it back.

The JSON form (version 1), stable for other files that embed it::

    {"version": 1, "plan_id": "P-1A2B3C4D", "level_sets": ["first-faces", "six-feelings"],
     "mastery": {"min_independent_rate": 0.8, "over_sessions": 2, "min_trials": 3},
     "session_minutes": 10, "start_step": 0, "created_at": "2026-12-06T10:00:00+00:00"}

Mastery: a session counts for the current step when it was played under this plan
(`plan_id`) with the step's level set. Its rate is the share of its attempts (trials that
reached a verdict: success, timeout, or a therapist's override) that were successes at
prompt level 0, i.e. independent (no prompt showing beyond the child's own try). The child
masters the step after `over_sessions` such sessions in a row, each with at least
`min_trials` attempts and a rate of at least `min_independent_rate`; a counted session that
falls short starts the run again. Sessions of another level set (a therapist's choice for
the day) or another plan neither count nor break the run.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from game.play.trial_record import TrialOutcome, TrialRecord

JSON_VERSION = 1
MIN_MINUTES, MAX_MINUTES = 1, 60
MAX_OVER_SESSIONS = 20
MAX_TRIALS = 100


class ProgrammeError(ValueError):
    """A programme that cannot be kept (an empty list, a rate outside 0..1 ...): the message
    is one sentence for the therapist."""


@dataclass(frozen=True, slots=True)
class MasteryRule:
    """When a step is mastered.

    Attributes:
        min_independent_rate: share (0 < rate <= 1) of a session's attempts that must be
            independent successes.
        over_sessions: how many counted sessions in a row must reach it (1..20).
        min_trials: a session counts only with at least this many attempts (1..100).
    """

    min_independent_rate: float = 0.8
    over_sessions: int = 2
    min_trials: int = 3

    def __post_init__(self) -> None:
        rate = self.min_independent_rate
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) \
                or not math.isfinite(rate) or not 0 < rate <= 1:
            raise ProgrammeError(f"the mastery rate must be a share above 0 and at most 1 "
                                 f"(e.g. 0.8), not {rate!r}")
        _whole("the number of sessions for mastery", self.over_sessions, 1, MAX_OVER_SESSIONS)
        _whole("the fewest trials in a session that counts", self.min_trials, 1, MAX_TRIALS)

    def to_json(self) -> dict[str, Any]:
        return {"min_independent_rate": float(self.min_independent_rate),
                "over_sessions": self.over_sessions, "min_trials": self.min_trials}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> MasteryRule:
        """Raises ProgrammeError for a missing or bad value."""
        if not isinstance(data, Mapping):
            raise ProgrammeError("the programme's mastery rule is not an object")
        return cls(min_independent_rate=data.get("min_independent_rate", 0.8),
                   over_sessions=data.get("over_sessions", 2),
                   min_trials=data.get("min_trials", 3))

    def met_by(self, attempts: int, independent: int) -> bool:
        """True when a session with these counts reaches the rule's rate."""
        return attempts >= self.min_trials and independent >= self.min_independent_rate * \
            attempts - 1e-9


def _whole(what: str, value: object, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ProgrammeError(f"{what} must be a whole number from {low} to {high}, "
                             f"not {value!r}")


def plan_id_for(level_sets: Sequence[str], mastery: MasteryRule, session_minutes: int,
                start_step: int, created_at: str) -> str:
    """`P-` and 8 hex digits of the SHA-256 of the plan's content (the same plan made at the
    same second has the same id; any change makes another)."""
    content = json.dumps([list(level_sets), mastery.to_json(), session_minutes, start_step,
                          created_at], sort_keys=True, ensure_ascii=True)
    return "P-" + hashlib.sha256(content.encode("utf-8")).hexdigest()[:8].upper()


@dataclass(frozen=True, slots=True)
class Programme:
    """One child's plan. Build new ones with `Programme.create`.

    Attributes:
        plan_id: stable id of this plan (`P-XXXXXXXX`), recorded with every session played
            under it; a changed plan is a new plan with a new id.
        level_sets: level set ids (files in levels/), played in this order.
        mastery: the rule that moves the child to the next level set.
        session_minutes: the session's length (its time cap), 1..60.
        start_step: the step (0-based) the plan starts at (a plan changed part-way keeps
            the child where they were).
        created_at: ISO 8601 time the plan was made.
    """

    plan_id: str
    level_sets: tuple[str, ...]
    mastery: MasteryRule
    session_minutes: int
    start_step: int = 0
    created_at: str = ""

    def __post_init__(self) -> None:
        if not self.level_sets:
            raise ProgrammeError("a programme needs at least one level set")
        if any(not isinstance(s, str) or not s.strip() for s in self.level_sets):
            raise ProgrammeError("a programme's level sets are named by their ids")
        if len(set(self.level_sets)) != len(self.level_sets):
            raise ProgrammeError("a level set can stand only once in a programme")
        _whole("the session length in minutes", self.session_minutes, MIN_MINUTES, MAX_MINUTES)
        _whole("the starting step", self.start_step, 0, len(self.level_sets) - 1)
        if not isinstance(self.plan_id, str) or not self.plan_id.startswith("P-"):
            raise ProgrammeError(f"a plan id looks like P-1A2B3C4D, not {self.plan_id!r}")

    @classmethod
    def create(cls, level_sets: Iterable[str], mastery: MasteryRule, session_minutes: int,
               *, created_at: str, start_step: int = 0) -> Programme:
        """A new plan, its `plan_id` made from its content (see `plan_id_for`).

        Raises:
            ProgrammeError: no level sets, one twice, minutes outside 1..60, a start step
                outside the list.
        """
        sets = tuple(level_sets)
        return cls(plan_id_for(sets, mastery, session_minutes, start_step, created_at),
                   sets, mastery, session_minutes, start_step, created_at)

    def step_of(self, level_set_id: str) -> int | None:
        """The 0-based step playing `level_set_id`, None when it is not in the plan."""
        return self.level_sets.index(level_set_id) if level_set_id in self.level_sets else None

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (the profile's `programme` field; embedded in home plans)."""
        return {"version": JSON_VERSION, "plan_id": self.plan_id,
                "level_sets": list(self.level_sets), "mastery": self.mastery.to_json(),
                "session_minutes": self.session_minutes, "start_step": self.start_step,
                "created_at": self.created_at}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Programme:
        """The programme `to_json` wrote.

        Raises:
            ProgrammeError: not an object, a newer version, or a missing or bad value.
        """
        if not isinstance(data, Mapping):
            raise ProgrammeError("the programme is not an object")
        version = data.get("version", JSON_VERSION)
        if version != JSON_VERSION:
            raise ProgrammeError(f"the programme was written by a newer FaceQuest "
                                 f"(version {version!r})")
        sets = data.get("level_sets")
        if not isinstance(sets, list):
            raise ProgrammeError("the programme's level sets are not a list")
        created = data.get("created_at", "")
        return cls(plan_id=data.get("plan_id", ""), level_sets=tuple(sets),
                   mastery=MasteryRule.from_json(data.get("mastery", {})),
                   session_minutes=data.get("session_minutes", 0),
                   start_step=data.get("start_step", 0),
                   created_at=created if isinstance(created, str) else "")


def revised(old: Programme | None, level_sets: Iterable[str], mastery: MasteryRule,
            session_minutes: int, *, created_at: str, reached_step: int | None) -> Programme:
    """A new plan replacing `old`: when the level set the child had reached under the old
    plan (`reached_step`, from `progress`) is in the new list, the new plan starts there."""
    sets = tuple(level_sets)
    start = 0
    if old is not None and reached_step is not None and reached_step < len(old.level_sets):
        current = old.level_sets[reached_step]
        start = sets.index(current) if current in sets else 0
    return Programme.create(sets, mastery, session_minutes, created_at=created_at,
                            start_step=start)


# -- progress ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlayedSession:
    """What mastery needs to know of one recorded session."""

    session_id: str
    started_at: str  # ISO 8601
    level_set_id: str
    plan_id: str
    trials: tuple[TrialRecord, ...]

    def counts(self) -> tuple[int, int]:
        """(attempts, independent successes): see the module docstring."""
        attempts = [t for t in self.trials if _is_attempt(t)]
        return len(attempts), sum(1 for t in attempts if t.success and t.prompt_level == 0)


def _is_attempt(trial: TrialRecord) -> bool:
    return trial.outcome in (TrialOutcome.SUCCESS, TrialOutcome.TIMEOUT) \
        or trial.override is not None


@dataclass(frozen=True, slots=True)
class MasteryStep:
    """A step mastered: which level set, in which session (the last of the run)."""

    step: int  # 0-based
    level_set_id: str
    session_id: str
    reached_at: str  # the session's start, ISO 8601


@dataclass(frozen=True, slots=True)
class SessionVerdict:
    """How one session counted: for `step` (None: not for this plan's current step)."""

    session_id: str
    step: int | None
    attempts: int
    independent: int
    met: bool


@dataclass(frozen=True, slots=True)
class ProgrammeProgress:
    """Where a child stands in a programme.

    Attributes:
        step: the current step (0-based); when every step is mastered, the last one
            (it is played on as practice).
        finished: every step is mastered.
        run: counted sessions in a row that met the rule at the current step.
        mastered: the steps mastered, in order.
        moved_on: the newest session of the plan completed a step (the child moved on).
        verdicts: how each session of the plan counted, oldest first.
    """

    programme: Programme
    step: int
    finished: bool
    run: int
    mastered: tuple[MasteryStep, ...]
    moved_on: bool
    verdicts: tuple[SessionVerdict, ...]

    @property
    def level_set_id(self) -> str:
        """The level set to play next."""
        return self.programme.level_sets[self.step]

    @property
    def steps(self) -> int:
        return len(self.programme.level_sets)


def progress(programme: Programme, sessions: Iterable[PlayedSession]) -> ProgrammeProgress:
    """Walk the child's sessions (oldest first) and say where the child stands now."""
    rule = programme.mastery
    step, run = programme.start_step, 0
    finished = False
    mastered: list[MasteryStep] = []
    verdicts: list[SessionVerdict] = []
    moved_on = False
    for session in sessions:
        if session.plan_id != programme.plan_id:
            continue
        attempts, independent = session.counts()
        counted = not finished and session.level_set_id == programme.level_sets[step]
        met = counted and rule.met_by(attempts, independent)
        verdicts.append(SessionVerdict(session.session_id, step if counted else None,
                                       attempts, independent, met))
        moved_on = False
        if not counted:
            continue
        run = run + 1 if met else 0
        if run >= rule.over_sessions:
            mastered.append(MasteryStep(step, session.level_set_id, session.session_id,
                                        session.started_at))
            moved_on, run = True, 0
            if step + 1 < len(programme.level_sets):
                step += 1
            else:
                finished = True
    return ProgrammeProgress(programme, step, finished, run, tuple(mastered), moved_on,
                             tuple(verdicts))
