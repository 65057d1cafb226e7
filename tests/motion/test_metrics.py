"""The motion metrics on recorded streams of frames (no camera, no clock): each definition
in docs/metrics.md checked on a stream whose answer is known."""

from __future__ import annotations

import numpy as np
import pytest

from game.expressions import BLENDSHAPE_NAMES, QualityFlag
from game.motion.frame import FaceMotion, MarkKind, MotionFrame, MotionMark, TrialMotion
from game.motion.metrics import (
    METRIC_VERSION,
    MotionMetrics,
    log_dimensionless_jerk,
    measure_trial,
)
from game.motion.vocabulary import ACTION_NAMES, LATERAL_ACTIONS, QUANTUM

FRAME_MS = 33


def face(levels: dict[str, float] | None = None, left: dict[str, float] | None = None,
         right: dict[str, float] | None = None, yaw: float = 0.0) -> FaceMotion:
    """A face with the given action intensities (others 0); sides default to the action."""
    levels = levels or {}
    actions = np.array([levels.get(n, 0.0) for n in ACTION_NAMES])
    lefts = np.array([(left or {}).get(n, levels.get(n, 0.0)) for n in LATERAL_ACTIONS])
    rights = np.array([(right or {}).get(n, levels.get(n, 0.0)) for n in LATERAL_ACTIONS])
    return FaceMotion(np.zeros(len(BLENDSHAPE_NAMES)), actions, lefts, rights,
                      head_pose=(yaw, 0.0, 0.0), face_size=0.3)


def stream(curve: list[float], target: str = "happy", second: list[float] | None = None,
           model_face_shown: bool = False) -> TrialMotion:
    """A happy trial: lip corners follow `curve`, cheeks follow `second` (default: curve)."""
    second = curve if second is None else second
    frames = tuple(
        MotionFrame(i * FRAME_MS, face({"lip_corners_up": a, "cheeks_raised": b}), frozenset(),
                    True, min(1.0, a))
        for i, (a, b) in enumerate(zip(curve, second, strict=True)))
    return TrialMotion(target, "cue", frames, (MotionMark(0, MarkKind.PROMPT),),
                       model_face_shown=model_face_shown)


def measured(value: float | None) -> float:
    """A measure that must have been taken (None: not measured)."""
    assert value is not None
    return value


def step(onset: int, n: int = 40, level: float = 1.0) -> list[float]:
    return [0.0] * onset + [level] * (n - onset)


def ramp(onset: int, frames: int, n: int = 60, level: float = 1.0) -> list[float]:
    return [0.0 if i < onset else min(level, level * (i - onset + 1) / frames)
            for i in range(n)]


def test_a_step_has_its_onset_at_the_step_and_peak_at_its_height() -> None:
    m = measure_trial(stream(step(12, level=0.8)))
    assert m.measurable and m.metric_version == METRIC_VERSION
    assert m.onset_latency_ms == 12 * FRAME_MS
    assert m.peak_intensity == pytest.approx(0.8, abs=QUANTUM)
    assert m.rise_time_ms == 0
    assert m.hold_stability == pytest.approx(1.0)


def test_a_ramp_gives_the_10_to_90_percent_rise_time() -> None:
    m = measure_trial(stream(ramp(10, 8)))
    # over 10% of the peak at the ramp's first frame (0.125), 90% at its 8th (1.0)
    assert m.onset_latency_ms == 10 * FRAME_MS
    assert m.rise_time_ms == 7 * FRAME_MS


def test_a_single_frame_spike_is_not_an_onset() -> None:
    curve = step(20)
    curve[5] = 1.0
    assert measure_trial(stream(curve)).onset_latency_ms == 20 * FRAME_MS


def test_intensity_orders_with_the_size_of_the_change() -> None:
    peaks = [measured(measure_trial(stream(step(5, level=v))).peak_intensity)
             for v in (0.25, 0.5, 1.0)]
    assert peaks == sorted(peaks) and len(set(peaks)) == 3


def test_a_face_that_does_not_move_has_a_peak_but_no_timing() -> None:
    m = measure_trial(stream([0.02] * 30))
    assert m.measurable and m.reason == "no_movement"
    assert m.peak_intensity == pytest.approx(0.02, abs=QUANTUM)
    assert m.onset_latency_ms is None and m.asymmetry is None


def test_too_few_trusted_frames_is_not_measurable_never_a_number() -> None:
    few = measure_trial(stream(step(2, n=7)))
    assert not few.measurable and few.reason == "too_few_trusted_frames"
    assert all(getattr(few, name) is None for name in
               ("onset_latency_ms", "peak_intensity", "asymmetry", "smoothness_ldlj"))
    trial = stream(step(5, n=30))
    flagged = tuple(MotionFrame(f.t_ms, f.face, frozenset({QualityFlag.MOUTH_COVERED}), False)
                    if i % 3 else f for i, f in enumerate(trial.frames))
    m = measure_trial(TrialMotion("happy", "cue", flagged))
    assert not m.measurable  # a third trusted: under half


def test_asymmetry_is_positive_when_the_left_side_moves_more() -> None:
    def trial(left: float, right: float) -> TrialMotion:
        frames = tuple(
            MotionFrame(i * FRAME_MS, face(
                {"lip_corners_up": (left + right) / 2 * (i >= 5)},
                left={"lip_corners_up": left * (i >= 5)},
                right={"lip_corners_up": right * (i >= 5)}), frozenset(), True)
            for i in range(30))
        return TrialMotion("happy", "cue", frames)

    assert measured(measure_trial(trial(1.0, 0.2)).asymmetry) > 0.5
    assert measured(measure_trial(trial(0.2, 1.0)).asymmetry) < -0.5
    assert measure_trial(trial(0.8, 0.8)).asymmetry == pytest.approx(0.0, abs=1e-3)


def test_actions_rising_together_are_coordinated_and_a_late_one_shows_its_lag() -> None:
    together = measure_trial(stream(ramp(10, 10), second=ramp(10, 10)))
    assert together.coordination == pytest.approx(1.0, abs=1e-3)
    assert together.coordination_lag_ms == 0
    late = measure_trial(stream(ramp(10, 10), second=ramp(25, 10)))
    assert late.coordination_lag_ms == 15 * FRAME_MS
    assert measured(late.coordination) < measured(together.coordination)


def test_balance_is_negative_for_a_mouth_only_face() -> None:
    m = measure_trial(stream(step(5), second=[0.0] * 40))
    assert m.upper_lower_balance == pytest.approx(-1.0)


def test_congruence_only_when_the_model_face_was_shown() -> None:
    assert measure_trial(stream(step(5))).congruence is None
    shown = measure_trial(stream(step(5), model_face_shown=True))
    assert shown.congruence == pytest.approx(1.0, abs=1e-3)  # both happy actions, equally
    half = measure_trial(stream(step(5), second=[0.0] * 40, model_face_shown=True))
    assert half.congruence == pytest.approx(1 / np.sqrt(2), abs=1e-3)


def test_a_rough_movement_is_less_smooth_than_a_clean_one() -> None:
    clean = measure_trial(stream(ramp(5, 20)))
    rng = np.random.default_rng(1)
    rough_curve = [max(0.0, v + rng.normal(0, 0.08)) if v > 0 else 0.0 for v in ramp(5, 20)]
    rough = measure_trial(stream(rough_curve))
    assert clean.smoothness_ldlj is not None and rough.smoothness_ldlj is not None
    assert rough.smoothness_ldlj < clean.smoothness_ldlj


def test_jerk_needs_samples_and_amplitude() -> None:
    assert log_dimensionless_jerk(np.zeros(10), 33.0) is None
    assert log_dimensionless_jerk(np.arange(3.0), 33.0) is None


def test_neutral_targets_are_not_measured() -> None:
    m = measure_trial(stream(step(5), target="neutral"))
    assert not m.measurable and m.reason == "neutral_target"


def test_metrics_round_trip_through_a_dict_and_ignore_unknown_keys() -> None:
    m = measure_trial(stream(ramp(4, 6)))
    data = m.to_dict() | {"from_a_later_version": 1}
    assert MotionMetrics.from_dict(data) == m


def test_the_same_stream_twice_gives_the_same_numbers() -> None:
    assert measure_trial(stream(ramp(7, 9))) == measure_trial(stream(ramp(7, 9)))


def test_face_motion_checks_its_shape_and_keeps_values_at_the_quantum() -> None:
    with pytest.raises(ValueError, match="actions"):
        FaceMotion(np.zeros(len(BLENDSHAPE_NAMES)), np.zeros(3), np.zeros(len(LATERAL_ACTIONS)),
                   np.zeros(len(LATERAL_ACTIONS)))
    f = face({"lip_corners_up": 0.123456789})
    value = f.action("lip_corners_up")
    assert value == pytest.approx(0.123456789, abs=QUANTUM) and (value / QUANTUM).is_integer()
    with pytest.raises(ValueError):
        FaceMotion(np.zeros(len(BLENDSHAPE_NAMES)), np.zeros(len(ACTION_NAMES)),
                   np.zeros(len(LATERAL_ACTIONS)), np.zeros(len(LATERAL_ACTIONS)),
                   neutral="someone")


def test_frames_must_be_in_time_order() -> None:
    a, b = (MotionFrame(t, None) for t in (100, 50))
    with pytest.raises(ValueError, match="time order"):
        TrialMotion("happy", "cue", (a, b))


def test_rise_time_ends_at_the_first_frame_at_90_percent_even_on_a_noisy_plateau() -> None:
    rng = np.random.default_rng(3)
    curve = [0.0] * 10 + [float(v) for v in 0.9 + rng.uniform(-0.06, 0.08, 50)]
    m = measure_trial(stream(curve))
    assert m.onset_latency_ms == 10 * FRAME_MS
    assert m.rise_time_ms is not None and m.rise_time_ms <= 2 * FRAME_MS


def test_a_clip_with_no_face_at_all_says_so() -> None:
    frames = tuple(MotionFrame(i * FRAME_MS, None, frozenset({QualityFlag.NO_FACE}))
                   for i in range(20))
    m = measure_trial(TrialMotion("happy", "cue", frames))
    assert not m.measurable and m.reason == "no_face"


# -- metric version 2: what a real tracker does to a held face (docs/metrics.md) ----------


def trial(levels: list[dict[str, float]], target: str) -> TrialMotion:
    """A trial whose frame i has the action intensities `levels[i]` (others 0)."""
    frames = tuple(MotionFrame(i * FRAME_MS, face(lv), frozenset(), True)
                   for i, lv in enumerate(levels))
    return TrialMotion(target, "cue", frames, (MotionMark(0, MarkKind.PROMPT),))


def test_an_action_moved_the_other_way_counts_as_not_made_not_as_less() -> None:
    # angry: brows lowered by 0.6, the brows' gap widened (brows_together negative); as the
    # action check, the widening counts as 0, so the peak is that of the lowered brows alone
    lowered = [{"brows_lowered": 0.6 * (i >= 5)} for i in range(30)]
    widened = [lv | {"brows_together": -0.9 * (i >= 5)} for i, lv in enumerate(lowered)]
    alone = measure_trial(trial(lowered, "angry")).peak_intensity
    assert alone is not None and alone > 0.2
    assert measure_trial(trial(widened, "angry")).peak_intensity == alone


def test_the_jittery_brow_gap_weighs_half_a_secondary_action() -> None:
    gap = measure_trial(trial([{"brows_together": 1.0 * (i >= 5)} for i in range(30)],
                              "angry")).peak_intensity
    lids = measure_trial(trial([{"lids_tight": 1.0 * (i >= 5)} for i in range(30)],
                               "angry")).peak_intensity
    # weights: brows lowered 1, the gap 0.25, the mouth 0.5, lids tight 0.5 (total 2.25)
    assert gap == pytest.approx(0.25 / 2.25, abs=2 * QUANTUM)
    assert lids == pytest.approx(0.5 / 2.25, abs=2 * QUANTUM)


def test_a_mouth_flickering_open_on_a_held_face_counts_for_how_long_it_lasts() -> None:
    # held at 0.5; the tracker opens the mouth (1.3) for 2 frames out of every 4, which a
    # running median of 5 frames keeps: its top would be the peak (1.03); the peak intensity,
    # the level held over the apex, counts the flicker by the share of frames it lasts
    curve = [0.0] * 10 + [0.5] * 40
    for i in range(12, 40, 4):
        curve[i : i + 2] = [1.3] * len(curve[i : i + 2])
    m = measure_trial(stream(curve, second=[0.0] * 10 + [0.5] * 40))
    assert m.peak_intensity is not None and m.peak_intensity < 0.9
    flicker_free = measure_trial(stream([0.0] * 10 + [0.5] * 40)).peak_intensity
    assert flicker_free == pytest.approx(0.5, abs=QUANTUM)


def test_rise_time_ends_at_the_held_level_not_at_a_later_drift() -> None:
    # the face reaches its hold (1.0) in 6 frames and holds it for 16; then the tracker
    # drifts up 25% for 8 frames: the rise ends where the held level is reached
    curve = ramp(10, 6, n=32) + [1.25] * 8
    m = measure_trial(stream(curve))
    assert m.rise_time_ms is not None and m.rise_time_ms <= 6 * FRAME_MS
    assert m.peak_intensity == pytest.approx(1.0, abs=QUANTUM)  # the level held


def test_lag_is_measured_from_each_actions_own_starting_level() -> None:
    # both rise together; the cheeks start 0.15 above their calibration (the calibration
    # picture differed a little from the clip's neutral): no lag, not a lead of 10 frames
    offset = [0.15 + 0.85 * v for v in ramp(10, 8)]
    m = measure_trial(stream(ramp(10, 8), second=offset))
    assert m.coordination_lag_ms == 0


def test_coordination_is_the_median_over_actions_so_one_wandering_action_moves_it_little() -> None:
    n = 40
    base = ramp(10, 8, n=n)
    wander = [v - (0.6 if 18 <= i < 24 else 0.0) for i, v in enumerate(ramp(10, 8, n=n))]
    frames_clean = [{"lips_part": a, "outer_brows_up": a, "inner_brows_up": a,
                     "upper_lids_up": a} for a in base]
    frames_wander = [lv | {"outer_brows_up": w} for lv, w in zip(frames_clean, wander,
                                                                   strict=True)]
    clean = measure_trial(trial(frames_clean, "surprised")).coordination
    wandering = measure_trial(trial(frames_wander, "surprised")).coordination
    assert clean == pytest.approx(1.0, abs=1e-3)
    assert wandering == pytest.approx(1.0, abs=1e-3)  # the median of (r, 1, 1)


def test_an_action_that_barely_moved_is_left_out_of_coordination() -> None:
    # the cheeks rise to 0.15 of their full change: mostly the tracker's jitter
    m = measure_trial(stream(ramp(10, 8), second=[0.15 * v for v in ramp(10, 8)]))
    assert m.coordination is None and m.coordination_lag_ms is None
    assert measure_trial(stream(ramp(10, 8), second=[0.3 * v for v in ramp(10, 8)])
                         ).coordination == pytest.approx(1.0, abs=1e-3)
