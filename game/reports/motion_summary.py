"""How the face moved over weeks: per expression, one value per session and a trend.

The numbers behind the report's "How the face moved" section, from each trial's
`MotionMetrics` (definitions: docs/metrics.md). Only tries count (`summary.counts_as_attempt`)
and only expressions with movement to measure (not `neutral`). A try whose motion is None
(recorded before motion was measured) or not measurable is left out of every value and
counted in `ExpressionMotion.not_measurable`.

- A session's value of a metric is the **median** over that session's measured tries of the
  expression (tries whose metric is None, e.g. no onset in a "no_movement" try, are left out
  of that metric only).
- The **trend** is the Theil-Sen slope (Sen 1968, JASA 63:1379): the median of the slopes
  between every two sessions, in the metric's unit per week, with the intercept the median
  of `value - slope * weeks`. It needs `MIN_TREND_SESSIONS` sessions on at least two
  different days. Its direction is "rising" or "falling" when the fitted change from the
  first to the last session (slope x weeks between them) passes the metric's
  `STEADY_BAND`, else "steady".
- The **best try** of a session and expression: the measured success with the highest
  `peak_intensity`, else the measured try with the highest.
"""

from __future__ import annotations

import itertools
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from game.expressions import Expression
from game.motion.metrics_record import METRIC_VERSION, MotionMetrics
from game.play.trial_record import TrialRecord
from game.records.models import StoredTrial
from game.reports.summary import SessionSummary, counts_as_attempt

TREND_METRICS: tuple[str, ...] = ("peak_intensity", "onset_latency_ms", "asymmetry",
                                  "coordination")
# The smallest fitted change (metric units over the weeks shown) that is called a change:
# 0.05 of the typical posed change, 100 ms, 0.05 of asymmetry's and coordination's range.
STEADY_BAND: dict[str, float] = {
    "peak_intensity": 0.05, "onset_latency_ms": 100.0, "asymmetry": 0.05, "coordination": 0.05,
}
MIN_TREND_SESSIONS = 3
DAYS_PER_WEEK = 7.0


@dataclass(frozen=True, slots=True)
class MetricPoint:
    """One session's value of a metric: the median over `tries` measured tries."""

    session_number: int
    weeks: float  # since the first session of the report
    value: float
    tries: int


@dataclass(frozen=True, slots=True)
class Trend:
    """A Theil-Sen line (value = intercept + slope_per_week * weeks) and its direction:
    "rising", "steady", "falling", or "" when there are too few sessions to tell."""

    slope_per_week: float | None = None
    intercept: float | None = None
    direction: str = ""


@dataclass(frozen=True, slots=True)
class ExpressionMotion:
    """One expression's motion over the sessions: per metric its points and trend."""

    expression: str
    points: dict[str, tuple[MetricPoint, ...]]
    trends: dict[str, Trend]
    measured: int
    not_measurable: int
    from_population: int = 0  # measured from the population's calm face (not calibrated)


@dataclass(frozen=True, slots=True)
class BestTry:
    """The try drawn in a session's strip for one expression."""

    expression: str
    trial_index: int
    success: bool
    peak_intensity: float


@dataclass(frozen=True, slots=True)
class MotionSummary:
    """Everything the section draws: per expression, and per session its best tries."""

    expressions: tuple[ExpressionMotion, ...]
    best: dict[str, tuple[BestTry, ...]]  # session_id -> best try of each expression
    any_motion: bool  # some trial has motion metrics (else the report leaves the section out)


def theil_sen(xs: Sequence[float], ys: Sequence[float]) -> tuple[float, float] | None:
    """(slope, intercept) of the Theil-Sen line through the points; None when fewer than two
    points have different x."""
    slopes = [(y2 - y1) / (x2 - x1)
              for (x1, y1), (x2, y2) in itertools.combinations(zip(xs, ys, strict=True), 2)
              if x2 != x1]
    if not slopes:
        return None
    slope = statistics.median(slopes)
    intercept = statistics.median(y - slope * x for x, y in zip(xs, ys, strict=True))
    return slope, intercept


def trend_of(points: Sequence[MetricPoint], metric: str) -> Trend:
    """The trend of one metric's session values (see the module docstring)."""
    if len(points) < MIN_TREND_SESSIONS:
        return Trend()
    weeks = [p.weeks for p in points]
    line = theil_sen(weeks, [p.value for p in points])
    if line is None:
        return Trend()
    slope, intercept = line
    change = slope * (max(weeks) - min(weeks))  # fitted, first to last session
    band = STEADY_BAND.get(metric, 0.0)
    direction = "rising" if change > band else "falling" if change < -band else "steady"
    return Trend(slope, intercept, direction)


def measured(trial: TrialRecord) -> MotionMetrics | None:
    """The trial's metrics when it was measurable by this version of the definitions, else
    None: numbers of an earlier `metric_version` mean something else (docs/metrics.md says
    what changed), so a trend never mixes them."""
    motion = trial.motion
    if motion is None or not motion.measurable or motion.metric_version != METRIC_VERSION:
        return None
    return motion


def _tries(trials: Sequence[StoredTrial], expression: str) -> list[StoredTrial]:
    return [t for t in trials if t.trial.target == expression and counts_as_attempt(t.trial)]


def _best(trials: Sequence[StoredTrial], expression: str) -> BestTry | None:
    scored = [(t.trial, m) for t in _tries(trials, expression)
              if (m := measured(t.trial)) is not None and m.peak_intensity is not None]
    if not scored:
        return None
    trial, motion = max(scored, key=lambda pair: (pair[0].success, pair[1].peak_intensity))
    return BestTry(expression, trial.trial_index, trial.success, float(motion.peak_intensity or 0))


def summarize_motion(
    sessions: Sequence[SessionSummary], trials: Sequence[StoredTrial]
) -> MotionSummary:
    """The motion numbers of one child (`summary.sessions` and `store.trials_for(pid)`)."""
    by_session = {s.session.session_id: [t for t in trials if t.session_id == s.session.session_id]
                  for s in sessions}
    first = sessions[0].started if sessions else None
    targets = {t.trial.target for t in trials if t.trial.target != Expression.NEUTRAL.value}
    order = [e.value for e in Expression if e.value in targets] + sorted(
        targets - {e.value for e in Expression})
    result: list[ExpressionMotion] = []
    for expression in order:
        points: dict[str, list[MetricPoint]] = {m: [] for m in TREND_METRICS}
        measured_count = unmeasured = population = 0
        for item in sessions:
            tries = _tries(by_session[item.session.session_id], expression)
            metrics = [m for t in tries if (m := measured(t.trial)) is not None]
            measured_count += len(metrics)
            population += sum(1 for m in metrics if m.neutral == "population")
            unmeasured += len(tries) - len(metrics)
            weeks = (item.started - first).total_seconds() / 86400 / DAYS_PER_WEEK if first else 0
            for metric in TREND_METRICS:
                values = [float(v) for m in metrics if (v := getattr(m, metric)) is not None]
                if values:
                    points[metric].append(MetricPoint(item.number, weeks,
                                                      statistics.median(values), len(values)))
        if not measured_count and not unmeasured:
            continue
        result.append(ExpressionMotion(
            expression,
            {m: tuple(p) for m, p in points.items()},
            {m: trend_of(p, m) for m, p in points.items()},
            measured_count,
            unmeasured,
            population,
        ))
    best = {
        session_id: tuple(b for e in order if (b := _best(session_trials, e)) is not None)
        for session_id, session_trials in by_session.items()
    }
    return MotionSummary(tuple(result), best, any(t.trial.motion is not None for t in trials))
