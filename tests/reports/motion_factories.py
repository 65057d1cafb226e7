"""Motion records and metrics built in tests: a face that makes the target and holds it."""

from __future__ import annotations

import numpy as np

from game.expressions import BLENDSHAPE_NAMES, Expression, prototype
from game.motion.frame import FaceMotion, MarkKind, MotionFrame, MotionMark, TrialMotion
from game.motion.metrics import MotionMetrics
from game.motion.vocabulary import ACTION_NAMES, LATERAL_ACTIONS

STEP_MS = 40


def smile_motion(target: str = "happy", *, strength: float = 0.8, frames: int = 60,
                 mode: str = "mimic") -> TrialMotion:
    """A trial in which the target's actions rise from neutral to `strength` after 0.6 s,
    are held, with a hold and a reward mark; two frames without a face."""
    names = [a.name for a in prototype(Expression.parse(target))]
    out = []
    for i in range(frames):
        t = i * STEP_MS
        level = strength * float(np.clip((t - 600) / 400, 0.0, 1.0))
        if i in (5, 6):
            out.append(MotionFrame(t, None))
            continue
        actions = np.zeros(len(ACTION_NAMES))
        for name in names:
            actions[ACTION_NAMES.index(name)] = level
        side = np.array([actions[ACTION_NAMES.index(n)] for n in LATERAL_ACTIONS])
        face = FaceMotion(np.full(len(BLENDSHAPE_NAMES), 0.1), actions, side * 1.05, side,
                          (1.0, 2.0, 0.5), 0.3, "child", 0.5)
        out.append(MotionFrame(t, face, trusted=True, target_score=min(1.0, level)))
    marks = (MotionMark(0, MarkKind.PROMPT), MotionMark(1200, MarkKind.HOLD_START),
             MotionMark(2200, MarkKind.REWARD, "independent"))
    return TrialMotion(target, mode, tuple(out), marks, model_face_shown=mode == "mimic")


def metrics(peak: float | None = 0.7, *, onset: int | None = 900, asymmetry: float = 0.05,
            coordination: float = 0.8, measurable: bool = True) -> MotionMetrics:
    """MotionMetrics with the numbers the report charts (not measurable: every number None)."""
    if not measurable:
        return MotionMetrics(measurable=False, reason="too_few_trusted_frames", frames=20,
                             measured_frames=3)
    return MotionMetrics(measurable=True, neutral="child", frames=60, measured_frames=58,
                         onset_latency_ms=onset, rise_time_ms=300, peak_intensity=peak,
                         hold_stability=0.91234, asymmetry=asymmetry, coordination=coordination,
                         coordination_lag_ms=40, upper_lower_balance=-0.3,
                         smoothness_ldlj=-8.25, congruence=0.7)
