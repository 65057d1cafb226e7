"""The motion record: what a face did in each frame of a trial, with no image in it.

`FaceMotion` is made by the vision chain for every face it scores (no landmark coordinates,
no pixels); the rules engine puts each one it is given while a trial runs into a
`MotionFrame` (time since the prompt, the face, flags, score) and gathers a trial's frames
and `MotionMark`s into a `TrialMotion`. Every number is held at `QUANTUM` resolution, so
metrics computed live and from the stored record agree exactly.
"""

from __future__ import annotations

import enum
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from game.expressions import BLENDSHAPE_NAMES, QualityFlag
from game.motion.vocabulary import ACTION_NAMES, BLENDSHAPE_QUANTUM, LATERAL_ACTIONS, QUANTUM


def quantize(values: Sequence[float] | np.ndarray, quantum: float = QUANTUM) -> np.ndarray:
    """`values` as float32 rounded to multiples of `quantum` (NaN stays NaN)."""
    array = np.asarray(values, dtype=np.float64)
    return (np.round(array / quantum) * quantum).astype(np.float32)


def _quantize_one(value: float) -> float:
    if math.isnan(value):
        return value
    return float(np.float32(round(value / QUANTUM) * QUANTUM))


@dataclass(frozen=True, slots=True)
class FaceMotion:
    """One face's movement in one frame.

    Shapes: `blendshapes` (52,) in `BLENDSHAPE_NAMES` order, MediaPipe's scores in [0, 1] (held
    at `BLENDSHAPE_QUANTUM`);
    `actions` (len(ACTION_NAMES),) the intensity of every facial action (change of its
    features from the neutral face, as a fraction of the action's `full_change`; 0 = as
    neutral, 1 = the typical posed change; negative = moved the other way);
    `left` / `right` (len(LATERAL_ACTIONS),) the same per side (the person's own sides).
    `head_pose` is (yaw, pitch, roll) in degrees; `face_size` the face box's width as a
    fraction of the frame's width; `neutral` says what the changes are measured from:
    "child" (the child's own calibration) or "population" (before calibration), and
    `neutral_yaw` is that neutral face's yaw in degrees.

    Raises ValueError on a wrong shape or an unknown neutral.
    """

    blendshapes: np.ndarray
    actions: np.ndarray
    left: np.ndarray
    right: np.ndarray
    head_pose: tuple[float, float, float] = (0.0, 0.0, 0.0)
    face_size: float = 0.0
    neutral: str = "child"
    neutral_yaw: float = 0.0

    def __post_init__(self) -> None:
        shapes = {"blendshapes": len(BLENDSHAPE_NAMES), "actions": len(ACTION_NAMES),
                  "left": len(LATERAL_ACTIONS), "right": len(LATERAL_ACTIONS)}
        for name, size in shapes.items():
            array = quantize(getattr(self, name),
                             BLENDSHAPE_QUANTUM if name == "blendshapes" else QUANTUM)
            if array.shape != (size,):
                raise ValueError(f"FaceMotion.{name} must have shape ({size},), "
                                 f"got {array.shape}")
            array.setflags(write=False)
            object.__setattr__(self, name, array)
        if self.neutral not in ("child", "population"):
            raise ValueError(f"FaceMotion.neutral must be 'child' or 'population', "
                             f"got {self.neutral!r}")
        pose = tuple(_quantize_one(v) for v in self.head_pose)
        object.__setattr__(self, "head_pose", pose)
        object.__setattr__(self, "face_size", _quantize_one(self.face_size))
        object.__setattr__(self, "neutral_yaw", _quantize_one(self.neutral_yaw))

    def action(self, name: str) -> float:
        return float(self.actions[ACTION_NAMES.index(name)])


@dataclass(frozen=True, slots=True)
class MotionFrame:
    """One frame scored while a trial ran: `t_ms` since the prompt (paused time excluded,
    like `TrialRecord.latency_ms`), the face (None: no face in the frame), the reading's
    quality flags, whether it was trusted, and the target score (smoothed, [0, 1])."""

    t_ms: int
    face: FaceMotion | None
    flags: frozenset[QualityFlag] = frozenset()
    trusted: bool = False
    target_score: float = 0.0

    def __post_init__(self) -> None:
        if self.t_ms < 0:
            raise ValueError(f"MotionFrame.t_ms must be >= 0, got {self.t_ms}")
        if not (0.0 <= self.target_score <= 1.0) or math.isnan(self.target_score):
            raise ValueError(f"MotionFrame.target_score must be in [0, 1], "
                             f"got {self.target_score}")
        object.__setattr__(self, "target_score", _quantize_one(self.target_score))

    @property
    def measured(self) -> bool:
        """Trusted, with a face: the frames the metrics use."""
        return self.trusted and self.face is not None


class MarkKind(enum.StrEnum):
    """What happened at a moment of a trial (the replay's timeline marks)."""

    PROMPT = "prompt"            # the prompt was shown (t = 0)
    HELP = "help"                # a prompting step came (detail: its kind, e.g. model_face)
    HINT = "hint"                # a part hint was shown (detail: the HintKey value)
    HOLD_START = "hold_start"    # the score reached the threshold: the hold began
    HOLD_END = "hold_end"        # the hold broke before it was complete
    PAUSE = "pause"
    RESUME = "resume"
    REWARD = "reward"            # success (detail: "independent" | "prompted")
    TIMEOUT = "timeout"
    END = "end"                  # skipped, or the session ended during the trial


@dataclass(frozen=True, slots=True)
class MotionMark:
    t_ms: int
    kind: MarkKind
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TrialMotion:
    """A trial's motion record: its frames (in time order) and marks.

    `mode` is the level's mode (mimic = the child copies the avatar's model face);
    `model_face_shown` is True when the avatar showed the target's model face (mimic, or
    the "model" prompting step).
    """

    target: str
    mode: str
    frames: tuple[MotionFrame, ...] = ()
    marks: tuple[MotionMark, ...] = ()
    model_face_shown: bool = False
    extra: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        times = [f.t_ms for f in self.frames]
        if any(b < a for a, b in itertools.pairwise(times)):
            raise ValueError("TrialMotion frames must be in time order")

    @property
    def neutral(self) -> str:
        """'child' when the faces were measured from the child's calibration, else
        'population' (no frame with a face: 'population')."""
        faces = [f.face for f in self.frames if f.face is not None]
        return "child" if faces and all(f.neutral == "child" for f in faces) else "population"
