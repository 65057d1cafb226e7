"""The report's "Programme and mastery" section: every plan the child had, newest
first, with its mastery rule and where the child stood at each step (mastered when, in which
session; the current step and its run; steps to come).

Built from the profile's `programme_history` and the stored sessions and trials
(`game.records.plans.plan_history`); a child who never had a programme has no section.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.records.models import Profile, SessionRecord, StoredTrial
from game.records.plans import PlanPeriod, plan_history
from game.reports.level_titles import level_set_title
from game.reports.report_text import ReportText
from game.reports.summary import ProgressSummary, local_time


@dataclass(frozen=True, slots=True)
class StepRow:
    number: int  # 1-based
    level_set: str  # the title in the report's language
    state: str


@dataclass(frozen=True, slots=True)
class PlanRow:
    """One plan, as the report shows it."""

    plan_id: str
    period: str
    rule: str
    summary: str
    steps: tuple[StepRow, ...]
    current: bool


def _date(iso: str, text: ReportText) -> str:
    try:
        return text.date(local_time(iso))
    except ValueError:
        return iso


def _step_state(period: PlanPeriod, step: int, numbers: dict[str, int], current: bool,
                text: ReportText) -> str:
    state = period.progress
    mastered = {m.step: m for m in state.mastered}
    if step in mastered:
        reached = mastered[step]
        return text.t("programme.step.mastered", date=_date(reached.reached_at, text),
                      number=numbers.get(reached.session_id, "?"))
    if step < period.programme.start_step:
        return text.t("programme.step.before")
    if step == state.step and not state.finished:
        if current:
            return text.t("programme.step.now", run=state.run,
                          sessions=period.programme.mastery.over_sessions)
        return text.t("programme.step.stopped")
    return text.t("programme.step.to_come")


def programme_rows(profile: Profile, summary: ProgressSummary,
                   sessions: Sequence[SessionRecord], trials: Sequence[StoredTrial],
                   text: ReportText) -> list[PlanRow]:
    """The plans of the child, newest first ([] when the child never had one)."""
    numbers = {item.session.session_id: item.number for item in summary.sessions}
    periods = plan_history(profile, sessions, trials)
    in_force = (profile.programme or {}).get("plan_id")
    rows: list[PlanRow] = []
    for n, period in enumerate(periods):
        programme = period.programme
        current = n == len(periods) - 1 and programme.plan_id == in_force
        since = _date(period.since, text)
        when = text.t("programme.period.current", since=since) if current else \
            text.t("programme.period.past", since=since, until=_date(period.until, text))
        rule = programme.mastery
        steps = tuple(
            StepRow(i + 1, level_set_title(set_id, text.lang),
                    _step_state(period, i, numbers, current, text))
            for i, set_id in enumerate(programme.level_sets))
        rows.append(PlanRow(
            plan_id=programme.plan_id,
            period=when,
            rule=text.t("programme.rule", sessions=rule.over_sessions,
                        rate=f"{rule.min_independent_rate:.0%}", trials=rule.min_trials,
                        minutes=programme.session_minutes),
            summary=text.t("programme.reached", count=len(period.progress.mastered),
                           steps=len(programme.level_sets)),
            steps=steps, current=current))
    return rows[::-1]
