"""The report's "Home and clinic" section: both places side by side, and adherence to each
home plan (`game.reports.adherence`), from the sessions' `place` and `plan_id`.

The plans are the clinic's (`clinic/ledger.json`), or a home installation's own plan
(`home/plan.json`) when the report is made at home. The section is left out for a child
with no home plan and no home session.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from game.records.clinic_ledger import ClinicLedger, PlanTerms
from game.records.storage import StoreError
from game.reports.adherence import Adherence, adherence
from game.reports.report_text import ReportText
from game.reports.summary import ProgressSummary, Tally

HOME_PLAN_FILE = Path("home") / "plan.json"  # game.home.install's layout


@dataclass(frozen=True, slots=True)
class PlaceColumn:
    """One place's numbers, for the side-by-side table."""

    place: str  # "clinic" or "home", shown in words
    sessions: int
    minutes: str
    attempts: int
    made: str
    alone: str


@dataclass(frozen=True, slots=True)
class PlanLine:
    """One plan's adherence, in words ready for the table."""

    plan_id: str
    asked: str
    span: str
    days: str
    minutes: str


@dataclass(frozen=True, slots=True)
class HomeSection:
    places: tuple[PlaceColumn, ...]
    plans: tuple[PlanLine, ...]


def plans_for(data_dir: Path | None, profile_id: str) -> list[PlanTerms]:
    """The child's home plans kept in the data folder (the clinic's ledger, or a home
    installation's own plan); [] for a memory store or a damaged file (logged by caller)."""
    if data_dir is None:
        return []
    plans: dict[str, PlanTerms] = {}
    with contextlib.suppress(StoreError):
        ledger = ClinicLedger(data_dir, read_only=True)  # a report never moves a file
        plans.update({p.plan_id: p for p in ledger.plans_for(profile_id)})
    try:
        doc = json.loads((Path(data_dir) / HOME_PLAN_FILE).read_text(encoding="utf-8"))
        terms = PlanTerms.from_dict(doc)
        if terms.profile_id == profile_id:
            plans.setdefault(terms.plan_id, terms)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return sorted(plans.values(), key=lambda p: (p.issued_at, p.plan_id))


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{round(100 * value)}%"


def _place(place: str, summary: ProgressSummary, text: ReportText) -> PlaceColumn:
    items = [s for s in summary.sessions if s.session.place == place]
    attempts = made = alone = 0
    for item in items:
        attempts += item.overall.attempts
        made += item.overall.made
        alone += item.overall.made_without_help
    tally = Tally(attempts=attempts, made=made, made_without_help=alone)
    minutes = sum(item.minutes or 0.0 for item in items)
    return PlaceColumn(text.t(f"home.place.{place}"), len(items), f"{minutes:.0f}",
                       attempts, _pct(tally.made_rate), _pct(tally.without_help_rate))


def _plan_line(done: Adherence, text: ReportText) -> PlanLine:
    return PlanLine(
        plan_id=done.plan_id,
        asked=text.t("home.asked", days=done.days_per_week, minutes=done.minutes_per_day),
        span=text.t("home.span", first=text.date_only(done.first_day),
                    last=text.date_only(done.last_day)),
        days=text.t("home.of", done=done.days_practised, planned=done.days_planned,
                    share=_pct(done.days_ratio if done.days_planned else None)),
        minutes=text.t("home.of", done=f"{done.minutes_practised:.0f}",
                       planned=done.minutes_planned,
                       share=_pct(done.minutes_ratio if done.minutes_planned else None)),
    )


def home_section(summary: ProgressSummary, plans: list[PlanTerms], until: date,
                 text: ReportText) -> HomeSection | None:
    """The section, or None when the child has neither a home plan nor a home session."""
    has_home = any(s.session.place == "home" for s in summary.sessions)
    if not plans and not has_home:
        return None
    sessions = [s.session for s in summary.sessions]
    lines = tuple(_plan_line(adherence(p, sessions, until), text) for p in plans)
    return HomeSection(places=(_place("clinic", summary, text), _place("home", summary, text)),
                       plans=lines)
