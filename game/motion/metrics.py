"""Expressivity metrics of one trial, from its motion record (definitions: docs/metrics.md).

Pure functions of a `TrialMotion`: the same numbers live (the rules engine measures each
trial as it ends), in `facequest metrics`, from a stored record, in reports and exports.
Every metric is relative to the neutral face the frames were measured from (the child's
calibration, or the population's neutral before it: `MotionMetrics.neutral` says which).

A trial with fewer than `MIN_MEASURED_FRAMES` trusted frames with a face, or with fewer than
`MIN_MEASURED_SHARE` of its frames trusted, is "not measurable": every metric is None.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.expressions import Expression, prototype, prototype_parts
from game.motion.frame import MotionFrame, TrialMotion
from game.motion.metrics_record import METRIC_SPANS as METRIC_SPANS
from game.motion.metrics_record import METRIC_VERSION as METRIC_VERSION
from game.motion.metrics_record import NUMBER_FIELDS as NUMBER_FIELDS
from game.motion.metrics_record import MotionMetrics as MotionMetrics
from game.motion.vocabulary import ACTION_NAMES, LATERAL_ACTIONS, LOWER_FACE, UPPER_FACE

MIN_MEASURED_FRAMES = 8
MIN_MEASURED_SHARE = 0.5
MIN_PEAK = 0.1          # target intensity (fraction of full change) that counts as movement
# coordination: only actions whose peak (`peak_of`) reaches a fifth of their full change;
# below it a curve is mostly the tracker's jitter, and its correlation says nothing
MIN_COORD_PEAK = 0.2
ONSET_FRACTION = 0.1    # onset: the curve first reaches 10% of the trial's peak ...
ONSET_STAYS = 2         # ... and the next 2 measured frames stay there
RISE_TOP = 0.9          # rise time: from the onset to 90% of the held level
APEX_FLOOR = 0.5        # the apex: the run of frames around the peak at >= 50% of it
RISE_MARGIN_MS = 300    # coordination looks from the prompt to this long after the 90% point
FIRST_WEIGHT, OTHER_WEIGHT = 1.0, 0.5  # as the action check (game.vision.scoring)
# Motion-only weights (the action check is unchanged): the brows' gap (`brows_together`,
# full change 0.03 IOD) jitters most of all actions on a held face: frame-to-frame sd 0.10
# of its full change, against 0.001-0.085 for the others (median over 36 held clips of
# children's morphs, docs/metrics.md); in the target curve it weighs half a secondary action.
MOTION_WEIGHT: dict[str, float] = {"brows_together": 0.5}
PEAK_FRAMES = 5         # the peak: the highest running mean over this many frames
ACTION_BASE_FRAMES = 5  # an action's starting level: the median of its first frames
JERK_SMOOTH_FRAMES = 7  # the running mean before the jerk (a third derivative)

# Head yaw's bias in left-minus-right intensity (fractions of full change) per degree of yaw
# away from the neutral face's yaw, per lateral action. Fitted by scripts/fit_yaw_bias.py on
# the 162 neutral faces of the children's dev set (OLS of the feature's L - R on yaw, divided
# by the action's full change); only the pairs where yaw explains the difference are
# corrected: geo_eye_open +0.00498/deg (r 0.81), eyeSquint +0.00479/deg (r 0.31), mouthPress
# -0.00617/deg (r -0.30). Fitted on half the children and applied to the other half, the
# remaining |r| is 0.09 / 0.04 / 0.03; the adults' slopes did not carry over to children.
# The rest have |r| <= 0.2 and are left uncorrected (docs/metrics.md).
YAW_BIAS_PER_DEG: dict[str, float] = {name: 0.0 for name in LATERAL_ACTIONS} | {
    "upper_lids_up": 0.00498 / 0.06,
    "cheeks_raised": 0.00479 / 0.25,
    "lids_tight": 0.00479 / 0.3,
    "lips_pressed": -0.00617 / 0.25,
}


@dataclass(frozen=True, slots=True)
class TargetCurves:
    """The target's action curves over the measured frames: `t_ms` (n,), `curve` (n,) the
    weighted target intensity (each action's running median of `SMOOTH_FRAMES`, negative
    values counted as 0, weighted as `weights`), `actions` name -> (n,) per chosen action
    (of alternatives, the one that moved most; running median, unclipped)."""

    t_ms: np.ndarray
    curve: np.ndarray
    actions: dict[str, np.ndarray]
    weights: dict[str, float]


SMOOTH_FRAMES = 5  # the running median over the curves: a flicker of up to 2 frames is ignored


def _running_median(x: np.ndarray, width: int = SMOOTH_FRAMES) -> np.ndarray:
    """Centred running median over `width` samples (the ends repeated)."""
    half = width // 2
    if len(x) < width:
        return x.copy()
    padded = np.concatenate([np.repeat(x[:1], half), x, np.repeat(x[-1:], half)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    return np.asarray(np.median(windows, axis=1))


def target_curves(frames: Sequence[MotionFrame], target: Expression) -> TargetCurves:
    """The curves of `target`'s actions over the measured frames (see `TargetCurves`)."""
    measured = [f for f in frames if f.measured and f.face is not None]
    t = np.array([f.t_ms for f in measured], dtype=np.float64)
    table = np.array([f.face.actions for f in measured if f.face is not None],
                     dtype=np.float64).reshape(len(measured), len(ACTION_NAMES))
    chosen: dict[str, np.ndarray] = {}
    weights: dict[str, float] = {}
    for position, part in enumerate(prototype_parts(target)):
        curves = {a.name: _running_median(table[:, ACTION_NAMES.index(a.name)]) for a in part}
        name = max(curves, key=lambda n: float(curves[n].max()) if len(curves[n]) else 0.0)
        chosen[name] = curves[name]
        weights[name] = ((FIRST_WEIGHT if position == 0 else OTHER_WEIGHT)
                         * MOTION_WEIGHT.get(name, 1.0))
    if chosen and len(t):
        total = sum(weights.values())
        # an action moved the other way counts as not made, as in the action check
        curve = sum(weights[n] * np.clip(chosen[n], 0.0, None) for n in chosen) / total
    else:
        curve = np.zeros(len(t))
    return TargetCurves(t, np.asarray(curve, dtype=np.float64), chosen, weights)


def _running_mean(x: np.ndarray, width: int = PEAK_FRAMES) -> np.ndarray:
    """Centred running mean over `width` samples (the ends repeated): jerk, a third
    derivative, would otherwise measure the tracker's frame-to-frame jitter."""
    half = width // 2
    if len(x) < width:
        return x.copy()
    padded = np.concatenate([np.repeat(x[:1], half), x, np.repeat(x[-1:], half)])
    return np.convolve(padded, np.ones(width) / width, mode="valid")


def _onset_index(x: np.ndarray, level: float) -> int | None:
    """First index from which `x` is >= level for it and the next ONSET_STAYS samples (or to
    the end)."""
    above = x >= level
    for i in range(len(x)):
        if above[i : i + 1 + ONSET_STAYS].all():
            return i
    return None


def peak_of(x: np.ndarray, width: int = PEAK_FRAMES) -> tuple[int, float]:
    """(index, level) of a curve's peak: the highest value of its running mean over `width`
    samples (a level held about that long, not one frame's flicker); index: the window's
    centre. (0, 0.0) for an empty curve."""
    if len(x) == 0:
        return 0, 0.0
    mean = _running_mean(x, width)
    index = int(np.argmax(mean))
    return index, float(mean[index])


def _action_onset(curve: np.ndarray) -> int | None:
    """The onset of one action's curve: the first sample at 10% of the way from its starting
    level (the median of its first `ACTION_BASE_FRAMES` samples) to its peak (`peak_of`),
    staying there `ONSET_STAYS` more samples."""
    _, peak = peak_of(curve)
    base = float(np.median(curve[:ACTION_BASE_FRAMES]))
    if peak <= base:
        return None
    return _onset_index(curve, base + ONSET_FRACTION * (peak - base))


def _apex(x: np.ndarray, peak_index: int, floor: float) -> tuple[int, int]:
    """The run of indices around `peak_index` where x >= floor (inclusive bounds)."""
    start = end = peak_index
    while start > 0 and x[start - 1] >= floor:
        start -= 1
    while end < len(x) - 1 and x[end + 1] >= floor:
        end += 1
    return start, end


def _resample(t: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float]:
    """`x` on a uniform grid at the median frame interval (ms); returns (values, step)."""
    step = float(np.median(np.diff(t))) if len(t) > 1 else 33.0
    step = max(step, 1.0)
    grid = np.arange(t[0], t[-1] + step / 2, step)
    return np.interp(grid, t, x), step


def log_dimensionless_jerk(x: np.ndarray, step_ms: float) -> float | None:
    """LDLJ of a position-like curve sampled every `step_ms`: -ln(T^5 / A^2 * integral of
    jerk^2), T the duration and A the amplitude (Hogan & Sternad 2009, "Sensitivity of
    smoothness measures to movement duration, amplitude, and arrests", J Motor Behav 41(6);
    the log form: Balasubramanian et al. 2015, J NeuroEng Rehabil 12:112). None under 5
    samples or with no amplitude."""
    if len(x) < 5:
        return None
    amplitude = float(x.max() - x.min())
    if amplitude <= 1e-6:
        return None
    dt = step_ms / 1000.0
    jerk = np.diff(x, n=3) / dt**3
    duration = (len(x) - 1) * dt
    integral = float(np.sum(jerk**2) * dt)
    if integral <= 0.0:
        return None
    return -math.log(duration**5 / amplitude**2 * integral)


def _asymmetry(frames: Sequence[MotionFrame], rows: np.ndarray,
               curves: TargetCurves) -> float | None:
    """Signed left/right asymmetry over the apex rows, yaw-corrected (see docs/metrics.md)."""
    measured = [f.face for f in frames if f.measured and f.face is not None]
    total_diff = total_sum = 0.0
    for name, curve in curves.actions.items():
        if name not in LATERAL_ACTIONS or float(curve.max()) < MIN_PEAK:
            continue
        index = LATERAL_ACTIONS.index(name)
        weight = curves.weights[name]
        for row in rows:
            face = measured[row]
            left, right = float(face.left[index]), float(face.right[index])
            yaw = face.head_pose[0] - face.neutral_yaw
            total_diff += weight * ((left - right) - YAW_BIAS_PER_DEG[name] * yaw)
            total_sum += weight * (abs(left) + abs(right))
    if total_sum < 1e-6:
        return None
    return max(-1.0, min(1.0, total_diff / total_sum))


def _balance(table: np.ndarray) -> float | None:
    mean = np.clip(table.mean(axis=0), 0.0, None)
    upper = float(np.mean([mean[ACTION_NAMES.index(n)] for n in sorted(UPPER_FACE)]))
    lower = float(np.mean([mean[ACTION_NAMES.index(n)] for n in sorted(LOWER_FACE)]))
    if upper + lower < 0.05:
        return None
    return (upper - lower) / (upper + lower)


def _congruence(vector: np.ndarray, target: Expression) -> float:
    model = np.zeros(len(ACTION_NAMES))
    for action in prototype(target):
        model[ACTION_NAMES.index(action.name)] = 1.0
    child = np.clip(vector, 0.0, None)
    norm = float(np.linalg.norm(child) * np.linalg.norm(model))
    return float(child @ model / norm) if norm > 1e-9 else 0.0


def _coordination(t: np.ndarray, curves: TargetCurves,
                  end: int) -> tuple[float | None, int | None]:
    """Median correlation of each moving action's curve with the one that moved most (the
    reference), over frames 0..`end`, and the median lag of their onsets (`_action_onset`)
    after the reference's. None with fewer than 2 actions that moved (`MIN_COORD_PEAK`)."""
    moving = {n: c for n, c in curves.actions.items() if peak_of(c)[1] >= MIN_COORD_PEAK}
    if len(moving) < 2 or end < 3:
        return None, None
    reference = max(moving, key=lambda n: peak_of(moving[n])[1])
    window = slice(0, end + 1)
    base, _ = _resample(t[window], moving[reference][window])
    base_onset = _action_onset(moving[reference])
    correlations, lags = [], []
    for name, curve in moving.items():
        if name == reference:
            continue
        other, _ = _resample(t[window], curve[window])
        if base.std() > 1e-9 and other.std() > 1e-9:
            correlations.append(float(np.corrcoef(base, other)[0, 1]))
        onset = _action_onset(curve)
        if onset is not None and base_onset is not None:
            lags.append(float(t[onset] - t[base_onset]))
    coordination = float(np.median(correlations)) if correlations else None
    lag = round(float(np.median(lags))) if lags else None
    return coordination, lag


def not_measurable(motion: TrialMotion, reason: str) -> MotionMetrics:
    measured = sum(1 for f in motion.frames if f.measured)
    return MotionMetrics(reason=reason, neutral=motion.neutral, frames=len(motion.frames),
                         measured_frames=measured)


def measure_trial(motion: TrialMotion) -> MotionMetrics:
    """The metrics of one trial (see the module docstring and docs/metrics.md)."""
    target = Expression.parse(motion.target)
    frames = motion.frames
    measured_frames = [f for f in frames if f.measured]
    if target is Expression.NEUTRAL:
        return not_measurable(motion, "neutral_target")
    if not any(f.face is not None for f in frames):
        return not_measurable(motion, "no_face")
    if (len(measured_frames) < MIN_MEASURED_FRAMES
            or len(measured_frames) < MIN_MEASURED_SHARE * len(frames)):
        return not_measurable(motion, "too_few_trusted_frames")
    curves = target_curves(frames, target)
    t, x = curves.t_ms, curves.curve
    peak_index, peak = peak_of(x)
    # the apex and the level held over it: what `peak_intensity` reports (a flicker or a
    # drift of the tracker on the plateau moves it little; the peak sets the thresholds)
    start, end = _apex(x, peak_index, APEX_FLOOR * peak)
    rows = np.arange(start, end + 1)
    held = float(np.median(x[rows]))
    base = MotionMetrics(measurable=True, neutral=motion.neutral, frames=len(frames),
                         measured_frames=len(measured_frames), peak_intensity=_r(held))
    table = np.array([f.face.actions for f in measured_frames if f.face is not None],
                     dtype=np.float64)
    if peak < MIN_PEAK:
        return _replace(base, reason="no_movement", upper_lower_balance=_r(_balance(table)))
    onset = _onset_index(x, ONSET_FRACTION * peak)
    # the rise ends at the first frame at 90% of the held level (the running median already
    # ignores a short flicker; a later drift on the plateau does not stretch it)
    top = (None if onset is None
           else onset + int(np.argmax(x[onset:] >= RISE_TOP * held)))
    apex = x[rows]
    stability = 1.0 - float(apex.std()) / peak if len(apex) >= 3 else None
    jerk = None
    if onset is not None:
        resampled, step = _resample(t[onset : end + 1], x[onset : end + 1])
        jerk = log_dimensionless_jerk(_running_mean(resampled, JERK_SMOOTH_FRAMES), step)
    # rising together: from the prompt to just past the rise (the hold's flat noise left out)
    rise_end = end if top is None else int(np.searchsorted(t, t[top] + RISE_MARGIN_MS, "right")) - 1
    coordination, lag = _coordination(t, curves, max(rise_end, 3))
    congruence = (_congruence(table[rows].mean(axis=0), target)
                  if motion.model_face_shown else None)
    return _replace(
        base,
        onset_latency_ms=int(t[onset]) if onset is not None else None,
        rise_time_ms=int(t[top] - t[onset]) if onset is not None and top is not None
        and top >= onset else None,
        hold_stability=_r(max(0.0, min(1.0, stability))) if stability is not None else None,
        asymmetry=_r(_asymmetry(frames, rows, curves)),
        coordination=_r(coordination),
        coordination_lag_ms=lag,
        upper_lower_balance=_r(_balance(table[rows])),
        smoothness_ldlj=_r(jerk),
        congruence=_r(congruence),
    )


def _r(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else round(float(value), 4)


def _replace(metrics: MotionMetrics, **changes: Any) -> MotionMetrics:
    data = metrics.to_dict()
    data.update(changes)
    return MotionMetrics(**data)
