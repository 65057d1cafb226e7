"""Typed, immutable records that flow through the vision chain, one per frame.

Frame -> FaceObservation -> FeatureVector -> ExpressionReading. Each record checks its
own shape at construction, and "no face" is a real empty value
(`FaceObservation.empty()`, `ExpressionReading.untrusted()`), never `None`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from game.expressions import (
    ADVISORY_FLAGS,
    Expression,
    HintKey,
    QualityFlag,
    flags_face_present,
    flags_trusted,
)
from game.motion.frame import FaceMotion

N_LANDMARKS = 478
FACE_CROP_SIZE = 128  # side of the eye-aligned grey face crop (`FaceObservation.face_crop`)
FACE_PATCH_SIZE = 112  # side of the RGB face-box patch (`FaceObservation.face_patch`)
# (height, width) of the grey mouth crop (`FaceObservation.mouth_crop`)
MOUTH_CROP_SHAPE = (128, 192)


@dataclass(frozen=True, slots=True)
class Frame:
    """One camera image: a monotonic timestamp in ms and an RGB uint8 array (H, W, 3)."""

    t_ms: int
    rgb: np.ndarray

    def __post_init__(self) -> None:
        if self.rgb.dtype != np.uint8 or self.rgb.ndim != 3 or self.rgb.shape[2] != 3:
            raise ValueError(
                f"Frame.rgb must be uint8 (H, W, 3), got {self.rgb.dtype} {self.rgb.shape}"
            )
        if self.t_ms < 0:
            raise ValueError(f"Frame.t_ms must be >= 0, got {self.t_ms}")

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) in pixels."""
        return int(self.rgb.shape[1]), int(self.rgb.shape[0])


@dataclass(frozen=True, slots=True)
class FaceObservation:
    """What the face tracker saw in one frame, already free of MediaPipe types.

    `landmarks` are (478, 3) with x, y in pixels of the frame and z in the same scale
    (MediaPipe's normalised z times the frame width). `blendshapes` maps MediaPipe's 52
    category names to scores in [0, 1]. `transform` is the 4x4 facial transformation
    matrix (canonical face -> camera). `faces_seen` counts every face found; the chosen
    face is the child's (`game.vision.child_lock`). `brightness` is the mean luma (0-255) of the
    middle of the face box and `contrast` the spread of luma there (90th - 10th percentile,
    `game.vision.face_crop.face_exposure`; None when not measured, e.g. rebuilt from a
    cache). `face_crop` is the face in grey (uint8, `FACE_CROP_SIZE` square), rotated and
    scaled so the eyes lie level at fixed points (`game.vision.face_crop`); it is empty
    (0, 0) for the empty observation and for observations rebuilt without their image.
    `face_patch` is the box around the landmarks in colour (uint8 RGB, `FACE_PATCH_SIZE`
    square, `game.vision.face_crop.face_box_patch`), the face-expression network's input;
    empty (0, 0, 3) whenever `face_crop` is. `mouth_crop` is the mouth in grey at twice the
    face crop's scale (uint8, `MOUTH_CROP_SHAPE`, `game.vision.face_crop.align_mouth`);
    empty (0, 0) whenever `face_crop` is.
    An observation with `faces_seen == 0` is the empty value.
    """

    t_ms: int
    frame_size: tuple[int, int]
    faces_seen: int
    landmarks: np.ndarray = field(default_factory=lambda: np.zeros((0, 3), np.float32))
    blendshapes: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    transform: np.ndarray = field(default_factory=lambda: np.eye(4, dtype=np.float32))
    brightness: float = 0.0
    contrast: float | None = None
    face_crop: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint8))
    face_patch: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 3), np.uint8))
    mouth_crop: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), np.uint8))

    def __post_init__(self) -> None:
        if self.faces_seen < 0:
            raise ValueError("faces_seen must be >= 0")
        if self.faces_seen == 0:
            if len(self.landmarks):
                raise ValueError("an empty observation carries no landmarks")
            if self.face_crop.size or self.face_patch.size or self.mouth_crop.size:
                raise ValueError("an empty observation carries no face crop")
            return
        if self.face_patch.size and (
            self.face_patch.dtype != np.uint8
            or self.face_patch.shape != (FACE_PATCH_SIZE, FACE_PATCH_SIZE, 3)
        ):
            raise ValueError(
                f"face_patch must be uint8 ({FACE_PATCH_SIZE}, {FACE_PATCH_SIZE}, 3), got "
                f"{self.face_patch.dtype} {self.face_patch.shape}"
            )
        if self.face_crop.size and (
            self.face_crop.dtype != np.uint8
            or self.face_crop.shape != (FACE_CROP_SIZE, FACE_CROP_SIZE)
        ):
            raise ValueError(
                f"face_crop must be uint8 ({FACE_CROP_SIZE}, {FACE_CROP_SIZE}), got "
                f"{self.face_crop.dtype} {self.face_crop.shape}"
            )
        if self.mouth_crop.size and (
            self.mouth_crop.dtype != np.uint8 or self.mouth_crop.shape != MOUTH_CROP_SHAPE
        ):
            raise ValueError(
                f"mouth_crop must be uint8 {MOUTH_CROP_SHAPE}, got "
                f"{self.mouth_crop.dtype} {self.mouth_crop.shape}"
            )
        if self.landmarks.shape != (N_LANDMARKS, 3):
            raise ValueError(f"landmarks must be ({N_LANDMARKS}, 3), got {self.landmarks.shape}")
        if self.transform.shape != (4, 4):
            raise ValueError(f"transform must be 4x4, got {self.transform.shape}")
        if not self.blendshapes:
            raise ValueError("a face observation needs its blendshapes")
        if not isinstance(self.blendshapes, MappingProxyType):
            object.__setattr__(self, "blendshapes", MappingProxyType(dict(self.blendshapes)))

    @classmethod
    def empty(
        cls, t_ms: int, frame_size: tuple[int, int], brightness: float = 0.0
    ) -> FaceObservation:
        """The observation of a frame with no face in it."""
        return cls(t_ms=t_ms, frame_size=frame_size, faces_seen=0, brightness=brightness)

    @property
    def has_face(self) -> bool:
        return self.faces_seen > 0

    @property
    def has_crop(self) -> bool:
        """Whether the appearance inputs (grey face crop, colour patch, grey mouth crop) are
        all present."""
        return self.face_crop.size > 0 and self.face_patch.size > 0 and self.mouth_crop.size > 0

    @property
    def face_box(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1) of the landmarks in pixels; zeros when there is no face."""
        if not self.has_face:
            return (0.0, 0.0, 0.0, 0.0)
        x0, y0 = self.landmarks[:, :2].min(axis=0)
        x1, y1 = self.landmarks[:, :2].max(axis=0)
        return (float(x0), float(y0), float(x1), float(y1))


@dataclass(frozen=True, slots=True)
class FeatureVector:
    """The model's input for one face: values in the order of `names`, with the spec version."""

    values: np.ndarray
    names: tuple[str, ...]
    spec_version: str

    def __post_init__(self) -> None:
        if self.values.shape != (len(self.names),):
            raise ValueError(
                f"FeatureVector has {self.values.shape} values for {len(self.names)} names"
            )

    def get(self, name: str) -> float:
        return float(self.values[self.names.index(name)])

    def as_dict(self) -> dict[str, float]:
        return {n: float(v) for n, v in zip(self.names, self.values, strict=True)}


@dataclass(frozen=True, slots=True)
class ActionCheck:
    """How far one prototype action of the target is made, relative to the child's neutral.

    `level` is 0 (not made) to 1 (fully made); `change` is the raw change in feature units.
    """

    action: str
    level: float
    change: float
    hint: HintKey


def _frozen_probs(probabilities: Mapping[Expression, float]) -> Mapping[Expression, float]:
    return MappingProxyType(dict(probabilities))


@dataclass(frozen=True, slots=True)
class ExpressionReading:
    """The vision engine's verdict on one frame: what the game, the gauge and the log see.

    `target_score` is the smoothed score in [0, 1] for `target` (0 when there is no target
    or the reading is not trusted); `raw_score` is the same before smoothing. `flags` lists
    the quality problems; a reading is `trusted` only when no blocking flag is up.
    `latency_ms` is the time from the frame's capture to this reading. `face_box` is where
    the child's face is, (x0, y0, x1, y1) as fractions of the frame's width and height
    (zeros without a face): the calibration screen shows the child where to sit.
    """

    t_ms: int
    probabilities: Mapping[Expression, float]
    target: Expression | None = None
    target_score: float = 0.0
    raw_score: float = 0.0
    actions: tuple[ActionCheck, ...] = ()
    hint: HintKey | None = None
    flags: frozenset[QualityFlag] = frozenset()
    latency_ms: float = 0.0
    head_pose: tuple[float, float, float] = (0.0, 0.0, 0.0)
    face_box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    motion: FaceMotion | None = None

    def __post_init__(self) -> None:
        for name in ("target_score", "raw_score"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"ExpressionReading.{name} must be in [0, 1], got {value}")
        object.__setattr__(self, "probabilities", _frozen_probs(self.probabilities))

    @classmethod
    def untrusted(
        cls,
        t_ms: int,
        flags: frozenset[QualityFlag],
        target: Expression | None = None,
        latency_ms: float = 0.0,
    ) -> ExpressionReading:
        """A reading that carries only why it could not be scored (e.g. no face)."""
        if not flags - ADVISORY_FLAGS:
            raise ValueError("an untrusted reading needs a blocking quality flag")
        return cls(t_ms=t_ms, probabilities={}, target=target, flags=flags, latency_ms=latency_ms)

    @property
    def trusted(self) -> bool:
        return flags_trusted(self.flags)

    @property
    def face_present(self) -> bool:
        return flags_face_present(self.flags)

    @property
    def top_expression(self) -> Expression | None:
        if not self.probabilities:
            return None
        return max(self.probabilities, key=lambda e: self.probabilities[e])
