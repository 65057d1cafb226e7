"""The therapist's progress report: one self-contained, printable HTML file per child.

Parent-friendly sentences and charts on top, tables a clinician can cite below. All text
from the records (name, notes, level ids) goes through Jinja2's autoescape; the charts are
SVG this package drew itself (`charts.chart_svg`), the only markup passed through as is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup

from game import __version__
from game.records.fileio import atomic_write_text
from game.records.models import Profile
from game.records.storage import local_now
from game.records.store import ProgressStore
from game.reports.charts import CHART_CAPTIONS, CHART_KINDS, chart_svg
from game.reports.report_template import REPORT_TEMPLATE
from game.reports.summary import (
    NoteLine,
    ProgressSummary,
    SessionSummary,
    Tally,
    summarize_profile,
)

MIN_TRIES_TO_COMPARE = 3
DASH = "–"


def _pct(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.0f}%"


def _num(value: float | None, digits: int = 1) -> str:
    return DASH if value is None else f"{value:.{digits}f}"


def _peak(value: float | None) -> str:
    return DASH if value is None else f"{100 * value:.0f}"


def _date(when: datetime) -> str:
    return f"{when.day} {when:%b %Y}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


@dataclass(frozen=True, slots=True)
class Tile:
    value: str
    label: str


def headline_sentences(name: str, summary: ProgressSummary) -> list[str]:
    """A few plain, encouraging sentences for parents (never "wrong" or "failed")."""
    sessions = summary.sessions
    if not sessions:
        return [f"{name} has not played a session yet."]
    first, latest = sessions[0], sessions[-1]
    tries = _plural(summary.overall.attempts, "face")
    if len(sessions) == 1:
        lines = [f"{name} played one session on {_date(first.started)} and tried {tries}."]
    else:
        lines = [
            f"{name} has played {len(sessions)} sessions between {_date(first.started)} and "
            f"{_date(latest.started)}, trying {tries} in all."
        ]
    last = latest.overall
    if last.attempts:
        lines.append(
            f"In the latest session, {last.made} of {last.attempts} faces were made, "
            f"{last.made_without_help} of them without any help."
        )
    before, now = first.overall.made_rate, last.made_rate
    if len(sessions) > 1 and before is not None and now is not None:
        if round(now * 100) > round(before * 100):
            lines.append(f"That is up from {_pct(before)} in the first session.")
        elif round(now * 100) == round(before * 100):
            lines.append(f"That is the same share as in the first session ({_pct(before)}).")
        else:
            lines.append(f"In the first session it was {_pct(before)}.")
    rated = [
        (tally.made_rate, expression)
        for expression, tally in summary.by_expression.items()
        if tally.attempts >= MIN_TRIES_TO_COMPARE and tally.made_rate is not None
    ]
    if len(rated) >= 2:
        best_rate, best = max(rated)
        low_rate, low = min(rated)
        if best_rate > low_rate:
            lines.append(
                f"Made most easily so far: {best.capitalize()} ({_pct(best_rate)}). "
                f"Still practising: {low.capitalize()} ({_pct(low_rate)})."
            )
    return lines


def _tiles(summary: ProgressSummary) -> list[Tile]:
    if not summary.sessions:
        return []
    last = summary.sessions[-1].overall
    return [
        Tile(str(len(summary.sessions)), "sessions played"),
        Tile(str(summary.overall.attempts), "faces tried in all"),
        Tile(_pct(last.made_rate), "made in the latest session"),
        Tile(_pct(last.without_help_rate), "made without help, latest session"),
    ]


def _session_row(item: SessionSummary) -> dict[str, object]:
    tally = item.overall
    return {
        "number": item.number,
        "date": _date(item.started),
        "minutes": _num(item.minutes),
        "level_set": item.session.level_set_id,
        "trials": item.trials,
        "attempts": tally.attempts,
        "made": tally.made,
        "alone": tally.made_without_help,
        "made_pct": _pct(tally.made_rate),
        "alone_pct": _pct(tally.without_help_rate),
        "latency": _num(tally.median_latency_s),
        "peak": _peak(tally.mean_peak),
        "overrides": item.overrides,
        "ended": item.session.end_reason or ("still open" if not item.session.ended_at else ""),
    }


def _first_to_latest(summary: ProgressSummary, expression: str) -> str:
    rates = [
        s.by_expression[expression].made_rate
        for s in summary.sessions
        if expression in s.by_expression and s.by_expression[expression].attempts
    ]
    if len(rates) < 2:
        return DASH
    return f"{_pct(rates[0])} → {_pct(rates[-1])}"


def _expression_rows(summary: ProgressSummary) -> list[dict[str, object]]:
    rows = []
    for expression in summary.expressions:
        tally: Tally = summary.by_expression[expression]
        rows.append(
            {
                "name": expression.capitalize(),
                "attempts": tally.attempts,
                "made": tally.made,
                "made_pct": _pct(tally.made_rate),
                "alone_pct": _pct(tally.without_help_rate),
                "latency": _num(tally.median_latency_s),
                "peak": _peak(tally.mean_peak),
                "change": _first_to_latest(summary, expression),
            }
        )
    return rows


def _note_row(note: NoteLine) -> dict[str, object]:
    return {
        "session_number": note.session_number,
        "day": _date(datetime.fromisoformat(note.date)),
        "trial_number": note.trial_number,
        "target": note.target.capitalize(),
        "machine_said": note.machine_said,
        "decision": note.decision,
        "text": note.text,
    }


def _versions(summary: ProgressSummary) -> str:
    seen: list[str] = []
    for item in summary.sessions:
        s = item.session
        model = s.model_version or (f"hash {s.model_hash[:12]}" if s.model_hash else "unknown")
        text = f"FaceQuest {s.app_version}, model {model}"
        if text not in seen:
            seen.append(text)
    return "; ".join(seen) if seen else DASH


_ENV = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
_TEMPLATE = _ENV.from_string(REPORT_TEMPLATE)


def render_report_html(
    profile: Profile, summary: ProgressSummary, *, generated_at: datetime
) -> str:
    """The report for one child as an HTML string."""
    charts = []
    if summary.sessions:
        charts = [
            {"svg": Markup(chart_svg(kind, summary)), "caption": CHART_CAPTIONS[kind]}
            for kind in CHART_KINDS
        ]
    sessions = summary.sessions
    return _TEMPLATE.render(
        name=profile.display_name,
        profile_id=profile.profile_id,
        birth_year=profile.birth_year,
        first_date=_date(sessions[0].started) if sessions else "",
        last_date=_date(sessions[-1].started) if sessions else "",
        generated=_date(generated_at),
        sentences=headline_sentences(profile.display_name, summary),
        tiles=_tiles(summary),
        charts=charts,
        expressions=_expression_rows(summary),
        sessions=[_session_row(s) for s in sessions],
        profile_notes=profile.notes.strip(),
        notes=[_note_row(note) for note in summary.notes],
        versions=_versions(summary),
        app_version=__version__,
    )


def render_report(
    store: ProgressStore, profile_id: str, *, generated_at: datetime | None = None
) -> str:
    """The report for the child with `profile_id`, straight from the store."""
    profile = store.get_profile(profile_id)
    summary = summarize_profile(store, profile_id)
    return render_report_html(profile, summary, generated_at=generated_at or local_now())


def write_report(
    store: ProgressStore, profile_id: str, out: Path, *, generated_at: datetime | None = None
) -> Path:
    """Write the report to `out` (atomically, mode 0600: it holds a child's data)."""
    out = Path(out)
    atomic_write_text(out, render_report(store, profile_id, generated_at=generated_at))
    return out
