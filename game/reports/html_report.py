"""The therapist's progress report: one self-contained, printable HTML file per child.

Parent-friendly sentences and charts on top, tables a clinician can cite below. No stored
code is shown: level sets by their title (`level_titles`), end reasons in words
(`ReportText.end_reason`), times in this computer's time zone, trials numbered from 1 as
the export's `trial_number`. All text from the records (name, notes, level-set titles or
ids) goes through Jinja2's autoescape; the charts are
SVG this package drew itself (`charts.chart_svg`), the only markup passed through as is.

The page is `templates/report.html.j2` (with its style sheet `templates/report.css`):
self-contained, inline CSS and SVG, no scripts, no links to load; a Content-Security-Policy
forbids any request the file might otherwise make. Every text in it is `t(key)` from
`game.reports.report_text`, in the report's language.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from game import __version__
from game.phrases import normalize_language
from game.records.fileio import atomic_write_text
from game.records.models import Profile
from game.records.storage import local_now
from game.records.store import ProgressStore
from game.reports.charts import CHART_KINDS, chart_caption, chart_svg
from game.reports.home_section import HomeSection, home_section, plans_for
from game.reports.level_titles import level_set_title
from game.reports.motion_charts import MotionSection, motion_section
from game.reports.programme_section import PlanRow, programme_rows
from game.reports.report_text import ReportText
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


@dataclass(frozen=True, slots=True)
class Tile:
    value: str
    label: str


def headline_sentences(
    name: str, summary: ProgressSummary, text: ReportText | None = None
) -> list[str]:
    """A few plain, encouraging sentences for parents (never "wrong" or "failed")."""
    text = text or ReportText()
    sessions = summary.sessions
    if not sessions:
        return [text.t("sentence.none", name=name)]
    first, latest = sessions[0], sessions[-1]
    faces = text.faces(summary.overall.attempts)
    if len(sessions) == 1:
        lines = [text.t("sentence.one", name=name, date=text.date(first.started), faces=faces)]
    else:
        lines = [
            text.t(
                "sentence.many",
                name=name,
                sessions=len(sessions),
                first=text.date(first.started),
                last=text.date(latest.started),
                faces=faces,
            )
        ]
    last = latest.overall
    if last.attempts:
        lines.append(
            text.t(
                "sentence.latest",
                made=last.made,
                attempts=last.attempts,
                alone=last.made_without_help,
            )
        )
    before, now = first.overall.made_rate, last.made_rate
    if len(sessions) > 1 and before is not None and now is not None:
        if round(now * 100) > round(before * 100):
            lines.append(text.t("sentence.up", pct=_pct(before)))
        elif round(now * 100) == round(before * 100):
            lines.append(text.t("sentence.same", pct=_pct(before)))
        else:
            lines.append(text.t("sentence.first_was", pct=_pct(before)))
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
                text.t(
                    "sentence.best_low",
                    best=text.expression(best),
                    best_pct=_pct(best_rate),
                    low=text.expression(low),
                    low_pct=_pct(low_rate),
                )
            )
    return lines


def _tiles(summary: ProgressSummary, text: ReportText) -> list[Tile]:
    if not summary.sessions:
        return []
    last = summary.sessions[-1].overall
    return [
        Tile(str(len(summary.sessions)),
             text.t("tile.session" if len(summary.sessions) == 1 else "tile.sessions")),
        Tile(str(summary.overall.attempts), text.t("tile.faces")),
        Tile(_pct(last.made_rate), text.t("tile.made_latest")),
        Tile(_pct(last.without_help_rate), text.t("tile.alone_latest")),
    ]


def _count_and_share(count: int, share: float | None) -> str:
    return str(count) if share is None else f"{count} ({_pct(share)})"


def _ended(item: SessionSummary, text: ReportText) -> str:
    if item.session.end_reason:
        return text.end_reason(item.session.end_reason)
    return text.t("value.still_open") if not item.session.ended_at else text.t("end.other")


def _session_row(item: SessionSummary, text: ReportText) -> dict[str, object]:
    tally = item.overall
    return {
        "number": item.number,
        "date": text.date(item.started),
        "time": f"{item.started:%H:%M}",
        "minutes": _num(item.minutes),
        "level_set": level_set_title(item.session.level_set_id, text.lang,
                                     stored=item.session.level_set_title),
        "place": text.t(f"home.place.{item.session.place}"),
        "trials": item.trials,
        "attempts": tally.attempts,
        "made": _count_and_share(tally.made, tally.made_rate),
        "alone": _count_and_share(tally.made_without_help, tally.without_help_rate),
        "latency": _num(tally.median_latency_s),
        "peak": _peak(tally.mean_peak),
        "overrides": item.overrides,
        "ended": _ended(item, text),
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


def _expression_rows(summary: ProgressSummary, text: ReportText) -> list[dict[str, object]]:
    rows = []
    for expression in summary.expressions:
        tally: Tally = summary.by_expression[expression]
        rows.append(
            {
                "name": text.expression(expression),
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


_NOTE_VALUES = {
    "made": "value.made",
    "not yet": "value.not_yet",
    "counted as made": "value.counted",
    "not counted": "value.not_counted",
}


def _note_value(value: str, text: ReportText) -> str:
    return text.t(_NOTE_VALUES[value]) if value in _NOTE_VALUES else value


def _note_row(note: NoteLine, text: ReportText) -> dict[str, object]:
    decision = _note_value(note.decision, text)
    if note.by_key and decision:
        decision = text.t("value.by_key", decision=decision)
    return {
        "session_number": note.session_number,
        "day": text.date(datetime.fromisoformat(note.date)),
        "trial_number": note.trial_number,
        "target": text.expression(note.target) if note.target else "",
        "machine_said": _note_value(note.machine_said, text),
        "decision": decision,
        "text": note.text,
    }


def _versions(summary: ProgressSummary, text: ReportText) -> str:
    seen: list[str] = []
    for item in summary.sessions:
        s = item.session
        model = s.model_version or (
            text.t("value.model_hash", hash=s.model_hash[:12])
            if s.model_hash
            else text.t("value.unknown")
        )
        line = text.t("value.versions", app=s.app_version, model=model)
        if line not in seen:
            seen.append(line)
    return "; ".join(seen) if seen else DASH


# The template and its style sheet are package data (`game/reports/templates/`), read
# through importlib.resources, so an installed wheel finds them as a checkout does.
_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("game.reports", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
REPORT_TEMPLATE_NAME = "report.html.j2"
_TEMPLATE = _ENV.get_template(REPORT_TEMPLATE_NAME)


def report_language(profile: Profile, lang: str | None = None) -> str:
    """`lang` when given, else the child's language setting, else English."""
    chosen = lang or str(profile.settings.get("language") or "en")
    try:
        return normalize_language(chosen)
    except KeyError:
        return "en"


def render_report_html(
    profile: Profile,
    summary: ProgressSummary,
    *,
    generated_at: datetime,
    lang: str = "en",
    motion: MotionSection | None = None,
    programme: list[PlanRow] | None = None,
    home: HomeSection | None = None,
) -> str:
    """The report for one child as an HTML string, in `lang` ("en" or "zh-CN"); `motion` is
    the "How the face moved" section (`motion_charts.motion_section`, None: left out);
    `programme` the plans of the child (`programme_section.programme_rows`; none: left
    out)."""
    text = ReportText(lang)
    charts = []
    if summary.sessions:
        charts = [
            {
                "svg": Markup(chart_svg(kind, summary, lang=text.lang)),
                "caption": chart_caption(kind, text.lang),
            }
            for kind in CHART_KINDS
        ]
    sessions = summary.sessions
    return _TEMPLATE.render(
        t=_template_text(text),
        lang=text.lang,
        name=profile.display_name,
        profile_id=profile.profile_id,
        birth_year=profile.birth_year,
        first_date=text.date(sessions[0].started) if sessions else "",
        last_date=text.date(sessions[-1].started) if sessions else "",
        generated=text.date(generated_at.astimezone()),
        sentences=headline_sentences(profile.display_name, summary, text),
        tiles=_tiles(summary, text),
        charts=charts,
        expressions=_expression_rows(summary, text),
        motion=motion,
        programme=programme or [],
        home=home,
        sessions=[_session_row(s, text) for s in sessions],
        profile_notes=profile.notes.strip(),
        notes=[_note_row(note, text) for note in summary.notes],
        versions=_versions(summary, text),
        app_version=__version__,
    )


def _template_text(text: ReportText) -> Callable[..., Markup]:
    """`t(key, **fields)` for the template: the fields are escaped, the catalogue's own
    markup (such as "&rarr;") is kept."""

    def t(key: str, **fields: object) -> Markup:
        return Markup(text.t(key, **{k: escape(str(v)) for k, v in fields.items()}))

    return t


def render_report(
    store: ProgressStore,
    profile_id: str,
    *,
    generated_at: datetime | None = None,
    lang: str | None = None,
) -> str:
    """The report for the child with `profile_id`, straight from the store (in `lang`, or
    the child's own language setting)."""
    profile = store.get_profile(profile_id)
    summary = summarize_profile(store, profile_id)
    chosen = report_language(profile, lang)
    trials = store.trials_for(profile_id)
    motion = motion_section(store, summary, trials, ReportText(chosen))
    plans = programme_rows(profile, summary, store.sessions_for(profile_id), trials,
                           ReportText(chosen))
    when = generated_at or local_now()
    home = home_section(summary, plans_for(store.data_dir, profile_id), when.date(),
                        ReportText(chosen))
    return render_report_html(
        profile,
        summary,
        generated_at=when,
        lang=chosen,
        motion=motion,
        programme=plans,
        home=home,
    )


def write_report(
    store: ProgressStore,
    profile_id: str,
    out: Path,
    *,
    generated_at: datetime | None = None,
    lang: str | None = None,
) -> Path:
    """Write the report to `out` (atomically, mode 0600: it holds a child's data)."""
    out = Path(out)
    text = render_report(store, profile_id, generated_at=generated_at, lang=lang)
    atomic_write_text(out, text)
    return out
