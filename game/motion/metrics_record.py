"""The record of how the face moved in one trial (`MotionMetrics`) and what its figures
mean: the light part of `game.motion.metrics`, with no numpy, so that reading, listing and
exporting stored trials never loads the numerics that compute them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

METRIC_VERSION = "2"


@dataclass(frozen=True, slots=True)
class MotionMetrics:
    """How the face moved in one trial (units and sources: docs/metrics.md).

    Times in ms since the prompt (paused time excluded); intensities as a fraction of the
    target actions' full change from neutral; `asymmetry` in [-1, 1], positive when the
    child's own left side moved more; `coordination` a correlation in [-1, 1];
    `upper_lower_balance` in [-1, 1], positive when the upper face moved more;
    `smoothness_ldlj` the log dimensionless jerk (higher = smoother); `congruence` in
    [0, 1], only when the avatar showed the model face. `reason` says why a trial or a
    metric is missing ("" when all are there).
    """

    metric_version: str = METRIC_VERSION
    measurable: bool = False
    reason: str = ""
    neutral: str = "population"
    frames: int = 0
    measured_frames: int = 0
    onset_latency_ms: int | None = None
    rise_time_ms: int | None = None
    peak_intensity: float | None = None
    hold_stability: float | None = None
    asymmetry: float | None = None
    coordination: float | None = None
    coordination_lag_ms: int | None = None
    upper_lower_balance: float | None = None
    smoothness_ldlj: float | None = None
    congruence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> MotionMetrics:
        """Rebuild from `to_dict` (unknown keys are ignored, missing ones default)."""
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in data.items() if k in known})


NUMBER_FIELDS: tuple[str, ...] = (
    "onset_latency_ms", "rise_time_ms", "peak_intensity", "hold_stability", "asymmetry",
    "coordination", "coordination_lag_ms", "upper_lower_balance", "smoothness_ldlj",
    "congruence",
)


# The span each metric's values take in practice (docs/metrics.md), against which a change is
# judged: the repeatability check asks that a 1-pixel shift or a JPEG recompression of a clip
# moves every metric by less than 5% of its span.
METRIC_SPANS: dict[str, float] = {
    "onset_latency_ms": 10_000.0,   # a trial's time limit (first-faces: 10-12 s)
    "rise_time_ms": 5_000.0,
    "peak_intensity": 2.0,          # 0 .. twice the typical posed change
    "hold_stability": 1.0,
    "asymmetry": 2.0,               # -1 .. 1
    "coordination": 2.0,            # -1 .. 1
    "coordination_lag_ms": 4_000.0,  # -2 s .. 2 s
    "upper_lower_balance": 2.0,     # -1 .. 1
    "smoothness_ldlj": 30.0,        # about -35 .. -5 for these curves
    "congruence": 1.0,
}
