"""The report's "How the face moved" section: trend charts per expression and motion strips.

Per expression, one row of four small charts (peak intensity, time to start moving, left-right
difference, coordination): a dot per session (`motion_summary`) and the Theil-Sen trend as a
dashed line, with the trend in words below. Per session (the `MAX_STRIP_SESSIONS` latest),
one strip per expression drawing its best try's target action curves over time from the
stored motion record (`records.motion_log.read_session_motion`), with the hold and reward
marks; a session without a record (frame recording off) gets one line instead. Drawn with
matplotlib's object API as inline SVG (`charts.figure_svg`), like the other charts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from markupsafe import Markup
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from game.expressions import Expression
from game.motion.frame import MarkKind, TrialMotion
from game.motion.metrics import target_curves
from game.records.models import StoredTrial
from game.records.motion_log import MotionFileError, read_session_motion
from game.records.store import ProgressStore
from game.reports.charts import EXPRESSION_STYLE, FONT_SIZE, GRID, INK, figure_svg
from game.reports.motion_summary import (
    TREND_METRICS,
    BestTry,
    ExpressionMotion,
    MetricPoint,
    MotionSummary,
    Trend,
    summarize_motion,
)
from game.reports.report_text import ReportText
from game.reports.summary import ProgressSummary, SessionSummary

logger = logging.getLogger(__name__)

MAX_STRIP_SESSIONS = 6
ACTION_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00")
HOLD_COLOUR = "#5B6B78"
REWARD_COLOUR = "#009E73"
SMALL = FONT_SIZE - 2


def _scale(metric: str, value: float) -> float:
    """A metric's value as charted: latencies in seconds, the rest as they are."""
    return value / 1000.0 if metric.endswith("_ms") else value


def _trend_panel(ax: Axes, metric: str, points: tuple[MetricPoint, ...], trend: Trend,
                 colour: str, marker: str, last_week: float, text: ReportText) -> None:
    xs = [p.weeks for p in points]
    ys = [_scale(metric, p.value) for p in points]
    ax.plot(xs, ys, linestyle="none", marker=marker, color=colour, markersize=5)
    if trend.slope_per_week is not None and trend.intercept is not None and xs:
        ends = [min(xs), max(xs)]
        ax.plot(ends, [_scale(metric, trend.intercept + trend.slope_per_week * w) for w in ends],
                color=INK, linestyle="--", linewidth=1.2)
    if metric in ("asymmetry", "coordination"):
        ax.axhline(0.0, color="#9AA7B2", linewidth=0.8)
    low = min([0.0, *ys])
    if metric == "asymmetry":
        reach = max([0.25, *(abs(y) * 1.2 for y in ys)])
        ax.set_ylim(-reach, reach)
    elif metric == "coordination":
        ax.set_ylim(min(-0.1, low * 1.2), 1.05)
    else:
        ax.set_ylim(low, max([1.0 if metric == "peak_intensity" else 0.5,
                              *(y * 1.15 for y in ys)]))
    ax.set_xlim(-0.4, max(1.0, last_week) + 0.4)
    ax.xaxis.set_major_locator(MaxNLocator(nbins=4, integer=True))
    ax.yaxis.set_major_locator(MaxNLocator(nbins=4))
    word = text.t(f"trend.{trend.direction}") if trend.direction else ""
    title = text.t(f"motion.metric.{metric}")
    ax.set_title(f"{title}\n{word}" if word else title, fontsize=SMALL + 1, color=INK,
                 loc="left")
    ax.set_xlabel(text.t("motion.axis.weeks"), fontsize=SMALL)
    ax.set_ylabel(text.t(f"motion.axis.{metric}"), fontsize=SMALL)
    ax.tick_params(labelsize=SMALL, colors=INK)
    ax.grid(axis="y", color=GRID, linewidth=0.7)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def trend_figure(item: ExpressionMotion, last_week: float, text: ReportText) -> Figure:
    """One expression's four trend charts side by side (weeks since the first session)."""
    fig = Figure(figsize=(8.4, 2.25), facecolor="white")
    colour, marker = EXPRESSION_STYLE.get(item.expression, ("#444444", "*"))
    for position, metric in enumerate(TREND_METRICS, start=1):
        ax = fig.add_subplot(1, len(TREND_METRICS), position)
        _trend_panel(ax, metric, item.points[metric], item.trends[metric], colour, marker,
                     last_week, text)
    fig.subplots_adjust(left=0.07, right=0.99, top=0.76, bottom=0.2, wspace=0.45)
    return fig


def strip_figure(motion: TrialMotion, best: BestTry, text: ReportText) -> Figure:
    """The best try's target action curves over time, with its hold and reward marks."""
    fig = Figure(figsize=(3.0, 1.75), facecolor="white")
    ax = fig.add_subplot()
    curves = target_curves(motion.frames, Expression.parse(best.expression))
    seconds = curves.t_ms / 1000.0
    for colour, (name, values) in zip(ACTION_COLOURS, curves.actions.items(), strict=False):
        ax.plot(seconds, values, color=colour, linewidth=1.0, label=text.t(f"action.{name}"))
    ax.plot(seconds, curves.curve, color=INK, linewidth=2.2)
    for mark in motion.marks:
        if mark.kind is MarkKind.HOLD_START:
            ax.axvline(mark.t_ms / 1000.0, color=HOLD_COLOUR, linestyle="--", linewidth=1.0)
        elif mark.kind is MarkKind.REWARD:
            ax.axvline(mark.t_ms / 1000.0, color=REWARD_COLOUR, linewidth=1.6)
    top = max(1.0, float(curves.curve.max()) if len(curves.curve) else 0.0,
              *(float(v.max()) for v in curves.actions.values() if len(v)))
    ax.set_ylim(min(0.0, *(float(v.min()) for v in curves.actions.values() if len(v))),
                top * 1.08)
    end = max([float(seconds[-1]) if len(seconds) else 1.0,
               *(m.t_ms / 1000.0 for m in motion.marks)])
    ax.set_xlim(0.0, max(end, 1.0))
    verdict = text.t("value.made" if best.success else "value.not_yet")
    ax.set_title(text.t("motion.strip_title", expression=text.expression(best.expression),
                        trial=best.trial_index + 1, verdict=verdict),
                 fontsize=SMALL + 1, color=INK, loc="left")
    ax.set_xlabel(text.t("motion.axis.time"), fontsize=SMALL - 1)
    ax.set_ylabel(text.t("motion.axis.strength"), fontsize=SMALL - 1)
    ax.tick_params(labelsize=SMALL - 1, colors=INK)
    ax.yaxis.set_major_locator(MaxNLocator(nbins=3))
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.legend(loc="upper left", fontsize=SMALL - 2, frameon=False, handlelength=1.2,
              borderaxespad=0.1, labelspacing=0.2)
    fig.subplots_adjust(left=0.17, right=0.97, top=0.86, bottom=0.25)
    return fig


@dataclass(frozen=True, slots=True)
class MotionSection:
    """What the template shows (texts already in the report's language)."""

    expressions: tuple[dict[str, object], ...]
    sessions: tuple[dict[str, object], ...]
    earlier: str


def _counts(item: ExpressionMotion, text: ReportText) -> str:
    parts = [text.t("motion.measured.one") if item.measured == 1
             else text.t("motion.measured.many", n=item.measured)]
    if item.not_measurable:
        parts.append(text.t("motion.not_measurable.one") if item.not_measurable == 1
                     else text.t("motion.not_measurable.many", n=item.not_measurable))
    if item.from_population:
        parts.append(text.t("motion.population", n=item.from_population))
    return text.t("motion.join").join(parts)


def _trend_words(item: ExpressionMotion, text: ReportText) -> str:
    shown = [m for m in TREND_METRICS if item.points[m]]
    if not any(item.trends[m].direction for m in shown):
        return text.t("motion.trend_none")
    words = [text.t("motion.trend_item", metric=text.t(f"motion.metric.{m}"),
                    word=text.t(f"trend.{item.trends[m].direction or 'few'}"))
             for m in shown]
    return text.t("motion.join").join(words)


def _strips(item: SessionSummary, best: tuple[BestTry, ...], path: Path | None,
            text: ReportText) -> dict[str, object]:
    session_id = item.session.session_id
    heading = text.t("motion.session", number=item.number, date=text.date(item.started))
    if not best:
        return {"heading": heading, "strips": [], "line": text.t("motion.no_best")}
    if path is None or not path.is_file():
        return {"heading": heading, "strips": [], "line": text.t("motion.no_record")}
    try:
        records = dict(read_session_motion(path))
    except (OSError, MotionFileError) as exc:
        logger.warning("motion record of session %s not drawn: %s", session_id, exc)
        return {"heading": heading, "strips": [], "line": text.t("motion.unreadable")}
    strips = []
    for choice in best:
        motion = records.get(choice.trial_index)
        if motion is None or not any(f.measured for f in motion.frames):
            continue
        title = text.t("motion.strip_title", expression=text.expression(choice.expression),
                       trial=choice.trial_index + 1, verdict="")
        strips.append(Markup(figure_svg(partial(strip_figure, motion, choice, text),
                                        key=f"strip-{session_id}-{choice.trial_index}",
                                        title=title, lang=text.lang)))
    line = "" if strips else text.t("motion.no_record")
    return {"heading": heading, "strips": strips, "line": line}


def motion_section(store: ProgressStore, summary: ProgressSummary,
                   trials: list[StoredTrial], text: ReportText) -> MotionSection | None:
    """The section's charts and texts, or None when no try has motion metrics (records
    kept before motion was measured: the report then looks as it did)."""
    numbers: MotionSummary = summarize_motion(summary.sessions, trials)
    if not numbers.any_motion or not summary.sessions:
        return None
    first = summary.sessions[0].started
    last_week = (summary.sessions[-1].started - first).total_seconds() / 86400 / 7
    expressions: list[dict[str, object]] = []
    for item in numbers.expressions:  # an expression with no measured try: its count only
        svg = Markup(figure_svg(partial(trend_figure, item, last_week, text),
                                key=f"motion-{item.expression}",
                                title=text.expression(item.expression), lang=text.lang)
                     ) if item.measured else ""
        expressions.append({
            "name": text.expression(item.expression),
            "svg": svg,
            "trends": _trend_words(item, text) if item.measured else "",
            "counts": _counts(item, text),
        })
    shown = summary.sessions[-MAX_STRIP_SESSIONS:]
    sessions = tuple(
        _strips(item, numbers.best.get(item.session.session_id, ()),
                store.motion_path(item.session.session_id), text)
        for item in shown
    )
    earlier = (text.t("motion.earlier", n=len(shown))
               if len(summary.sessions) > len(shown) else "")
    return MotionSection(tuple(expressions), sessions, earlier)
