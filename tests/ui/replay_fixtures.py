"""Synthetic motion records for the replay tests: a trial whose face smiles, is helped,
holds, and is rewarded, built from numbers (no camera, no dataset)."""

from __future__ import annotations

import numpy as np

from game.expressions import BLENDSHAPE_NAMES
from game.motion.frame import FaceMotion, MarkKind, MotionFrame, MotionMark, TrialMotion
from game.motion.vocabulary import ACTION_NAMES, LATERAL_ACTIONS

FRAME_MS = 66


def face(levels: dict[str, float] | None = None, left: dict[str, float] | None = None,
         right: dict[str, float] | None = None) -> FaceMotion:
    """A recorded face making each named action at its level (per side where given; a side
    not given makes the action's level)."""
    levels = levels or {}
    actions = np.array([levels.get(n, 0.0) for n in ACTION_NAMES], dtype=np.float32)
    lefts = np.array([(left or {}).get(n, levels.get(n, 0.0)) for n in LATERAL_ACTIONS])
    rights = np.array([(right or {}).get(n, levels.get(n, 0.0)) for n in LATERAL_ACTIONS])
    return FaceMotion(np.zeros(len(BLENDSHAPE_NAMES), np.float32), actions, lefts, rights)


def smiling_trial(seconds: float = 3.0, target: str = "happy") -> TrialMotion:
    """A smile that grows from 0.8 s, a lost face at 0.5 s, a hint, a hold that breaks, a
    second hold and the reward at the end."""
    frames = []
    n = int(seconds * 1000 / FRAME_MS)
    for i in range(n + 1):
        t = i * FRAME_MS
        if 460 <= t < 600:
            frames.append(MotionFrame(t, None))
            continue
        level = float(np.clip((t - 800) / 1200, 0.0, 1.1))
        frames.append(MotionFrame(t, face({"lip_corners_up": level,
                                           "cheeks_raised": 0.8 * level},
                                          left={"lip_corners_up": min(1.2, level * 1.2)}),
                                  trusted=True, target_score=min(1.0, level)))
    end = frames[-1].t_ms
    marks = [MotionMark(0, MarkKind.PROMPT), MotionMark(1000, MarkKind.HINT, "smile_wider"),
             MotionMark(1300, MarkKind.HELP, "model_face"),
             MotionMark(1700, MarkKind.HOLD_START), MotionMark(1900, MarkKind.HOLD_END),
             MotionMark(2100, MarkKind.HOLD_START)]
    marks = [m for m in marks if m.t_ms < end] + [MotionMark(end, MarkKind.REWARD, "prompted")]
    return TrialMotion(target, "cue", tuple(frames), tuple(marks), model_face_shown=True)
