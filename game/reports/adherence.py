"""Home practice measured against its plan: days practised and minutes, by week and overall.

A day is practised when a home session of the plan started on it (the session's own local
date), from the day the plan was issued on. A session's minutes run from its start to its
end (a session with no end, killed, counts 0). Planned days: `days_per_week` for each whole
week (7 days) from the day the plan was issued, and for the last, partial week at most as
many days as it has. Pure: records in, numbers out; time is passed in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from game.records.clinic_ledger import PlanTerms
from game.records.models import SessionRecord


def session_minutes(session: SessionRecord) -> float:
    """Minutes from start to end (0 when it never ended or the times cannot be read)."""
    if not session.ended_at:
        return 0.0
    try:
        span = datetime.fromisoformat(session.ended_at) - datetime.fromisoformat(
            session.started_at)
    except ValueError:
        return 0.0
    return max(0.0, span.total_seconds() / 60)


def session_day(session: SessionRecord) -> date | None:
    try:
        return datetime.fromisoformat(session.started_at).date()
    except ValueError:
        return None


def minutes_by_day(sessions: Iterable[SessionRecord]) -> dict[date, float]:
    """Home sessions' minutes per local day."""
    days: dict[date, float] = {}
    for session in sessions:
        day = session_day(session)
        if session.place == "home" and day is not None:
            days[day] = days.get(day, 0.0) + session_minutes(session)
    return days


@dataclass(frozen=True, slots=True)
class WeekProgress:
    """This week (Monday to Sunday) at home: days practised of those planned, minutes today."""

    days_done: int
    days_planned: int
    minutes_today: float
    practised_today: bool


def week_progress(sessions: Iterable[SessionRecord], days_per_week: int,
                  now: datetime) -> WeekProgress:
    """The week of `now` (a local, timezone-aware time)."""
    today = now.date()
    monday = today - timedelta(days=today.weekday())
    days = minutes_by_day(sessions)
    done = sum(1 for day in days if monday <= day <= today)
    return WeekProgress(done, days_per_week, days.get(today, 0.0), today in days)


@dataclass(frozen=True, slots=True)
class Adherence:
    """One plan's adherence up to a day: days practised / planned, minutes done / planned."""

    plan_id: str
    days_per_week: int
    minutes_per_day: int
    first_day: date
    last_day: date
    days_planned: int
    days_practised: int
    minutes_planned: int
    minutes_practised: float
    sessions: int

    @property
    def days_ratio(self) -> float:
        return self.days_practised / self.days_planned if self.days_planned else 0.0

    @property
    def minutes_ratio(self) -> float:
        return self.minutes_practised / self.minutes_planned if self.minutes_planned else 0.0


def planned_days(first: date, last: date, days_per_week: int) -> int:
    """Days planned from `first` to `last` inclusive (see the module docstring)."""
    span = (last - first).days + 1
    if span <= 0:
        return 0
    weeks, rest = divmod(span, 7)
    return weeks * days_per_week + min(rest, days_per_week)


def adherence(terms: PlanTerms, sessions: Iterable[SessionRecord], until: date) -> Adherence:
    """How the plan was followed from the day it was issued to `until` (or the last home
    session of the plan, when that is later)."""
    mine = [s for s in sessions if s.place == "home" and s.plan_id == terms.plan_id]
    first = datetime.fromisoformat(terms.issued_at).date()
    days = {d: m for d, m in minutes_by_day(mine).items() if d >= first}
    last = max([until, *days])
    planned = planned_days(first, last, terms.days_per_week)
    return Adherence(
        plan_id=terms.plan_id, days_per_week=terms.days_per_week,
        minutes_per_day=terms.minutes_per_day, first_day=first, last_day=last,
        days_planned=planned, days_practised=len(days),
        minutes_planned=planned * terms.minutes_per_day,
        minutes_practised=round(sum(days.values()), 1),
        sessions=sum(1 for s in mine if (session_day(s) or first) >= first))
