"""A child's programme as kept in the records: read from the profile, and the
child's stored sessions handed to the mastery rules (`game.play.programme`).

The profile's field `programme` holds `Programme.to_json()`; `programme_history` every
change of it (`ProgressStore.set_programme`). A damaged stored programme reads as no
programme (logged), so play never stops for it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from game.play.level_library import LevelLibrary, UnknownLevelSetError, with_minutes
from game.play.level_set import LevelSet
from game.play.programme import (
    PlayedSession,
    Programme,
    ProgrammeError,
    ProgrammeProgress,
    progress,
)
from game.records.models import Profile, SessionRecord, StoredTrial
from game.records.store import ProgressStore

logger = logging.getLogger(__name__)


def programme_of(profile: Profile) -> Programme | None:
    """The child's programme, None when there is none (or it cannot be read: logged)."""
    if not profile.programme:
        return None
    try:
        return Programme.from_json(profile.programme)
    except ProgrammeError as exc:
        logger.warning("the programme of %s cannot be read (%s); playing without it",
                       profile.profile_id, exc)
        return None


def played_sessions(sessions: Sequence[SessionRecord],
                    trials: Sequence[StoredTrial]) -> list[PlayedSession]:
    """The sessions (oldest first) with their trials, as the mastery rules take them."""
    by_session: dict[str, list[StoredTrial]] = {}
    for stored in trials:
        by_session.setdefault(stored.session_id, []).append(stored)
    return [PlayedSession(s.session_id, s.started_at, s.level_set_id, s.plan_id,
                          tuple(t.trial for t in sorted(by_session.get(s.session_id, []),
                                                        key=lambda t: t.trial.trial_index)))
            for s in sessions]


def child_progress(store: ProgressStore, profile: Profile) -> ProgrammeProgress | None:
    """Where the child stands in their programme now; None without a programme."""
    programme = programme_of(profile)
    if programme is None:
        return None
    sessions = [s for s in store.sessions_for(profile.profile_id)
                if s.plan_id == programme.plan_id]
    trials = store.trials_for(profile.profile_id) if sessions else []
    return progress(programme, played_sessions(sessions, trials))


@dataclass(frozen=True, slots=True)
class PlanPeriod:
    """One plan the child had, from `since` to `until` ("" while it is in force), with the
    steps mastered under it."""

    since: str
    until: str
    change: str  # "planned" | "changed"
    programme: Programme
    progress: ProgrammeProgress


def plan_history(profile: Profile, sessions: Sequence[SessionRecord],
                 trials: Sequence[StoredTrial]) -> list[PlanPeriod]:
    """Every plan the child had, oldest first, each with its mastery steps (a clearing ends
    the plan before it; unreadable entries are skipped, logged)."""
    played = played_sessions(sessions, trials)
    periods: list[PlanPeriod] = []
    entries = [e for e in profile.programme_history if isinstance(e, dict)]
    for n, entry in enumerate(entries):
        data = entry.get("programme")
        if not isinstance(data, dict):
            continue
        try:
            programme = Programme.from_json(data)
        except ProgrammeError as exc:
            logger.warning("a past programme of %s cannot be read (%s)", profile.profile_id,
                           exc)
            continue
        until = str(entries[n + 1].get("at", "")) if n + 1 < len(entries) else ""
        periods.append(PlanPeriod(str(entry.get("at", "")), until,
                                  str(entry.get("change", "planned")), programme,
                                  progress(programme, played)))
    return periods


@dataclass(frozen=True, slots=True)
class SessionChoice:
    """What the child plays next, and why.

    Attributes:
        level_set: the level set (with the programme's session length, when there is one).
        plan_id: the programme in force ("" without one), recorded with the session.
        progress: where the child stands in the programme (None without one).
        chosen_today: the therapist chose this level set for today (not the programme).
    """

    level_set: LevelSet
    plan_id: str
    progress: ProgrammeProgress | None
    chosen_today: bool


def next_session(store: ProgressStore, profile: Profile, library: LevelLibrary,
                 fallback: LevelSet, *, today: str | None = None) -> SessionChoice:
    """The level set the child plays now: the therapist's choice for today (`today`, a level
    set id), else the programme's current step, else `fallback` (the command line's). A
    programme's session length applies to whichever is played. A step whose level set is
    no longer in `library` falls back (logged)."""
    state = child_progress(store, profile)
    chosen = today is not None
    level_set = fallback
    wanted = today if today is not None else state.level_set_id if state else None
    if wanted is not None and wanted != fallback.id:
        try:
            level_set = library.load(wanted)
        except UnknownLevelSetError as exc:
            logger.warning("playing %s instead: %s", fallback.id, exc)
            chosen = False
    if state is None:
        return SessionChoice(level_set, "", None, chosen)
    programme = state.programme
    return SessionChoice(with_minutes(level_set, programme.session_minutes), programme.plan_id,
                         state, chosen)
