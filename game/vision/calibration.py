"""The child's neutral face: a robust per-feature baseline taken from about 3 s of frames.

Scores are changes from this baseline, not absolute values: resting faces differ, and an
autistic child's range may be small. `NeutralCalibrator` collects feature vectors of good
frames (quality flags reject the rest), and after `duration_ms` gives a `NeutralBaseline`
(median and spread per feature) or a clear "not enough good frames" result. The baseline
serialises to a plain dict so the child's profile can keep it.
"""

from __future__ import annotations

import base64
import enum
import logging
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from game.expressions import ADVISORY_FLAGS, QualityFlag
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
from game.vision.records import FeatureVector

logger = logging.getLogger(__name__)

DEFAULT_DURATION_MS = 3000
MIN_GOOD_FRAMES = 15  # half of 3 s at 10 fps: enough for a stable median
MAD_TO_SD = 1.4826  # median absolute deviation -> standard deviation for normal data


class CalibrationError(ValueError):
    """A stored baseline cannot be used (wrong spec, malformed)."""


SPEC_NAMES = "feature_spec"  # to_dict's "names" when they are the current FEATURE_NAMES


# stored numbers: little-endian float32 since feature spec 6 (the features are float32, and
# 22,590 of them made a float64 baseline 480 kB in the child's profile); float64 still loads
_NUMBER_FORMATS = {"float32": "<f4", "float64": "<f8"}
STORED_NUMBER_FORMAT = "float32"


def _encode(values: Sequence[float]) -> str:
    dtype = _NUMBER_FORMATS[STORED_NUMBER_FORMAT]
    return base64.b64encode(np.asarray(values, dtype=dtype).tobytes()).decode("ascii")


def _decode(text: str, number_format: str) -> tuple[float, ...]:
    dtype = np.dtype(_NUMBER_FORMATS[number_format])
    raw = base64.b64decode(text.encode("ascii"), validate=True)
    if len(raw) % dtype.itemsize:
        raise ValueError(f"stored numbers are not whole {number_format} values")
    return tuple(np.frombuffer(raw, dtype=dtype).astype(np.float64).tolist())


@dataclass(frozen=True, slots=True)
class NeutralBaseline:
    """Per-feature median and spread of a neutral face.

    `source` is "child" for a calibrated child, "population" for the fallback medians of
    many people's neutral faces.
    """

    names: tuple[str, ...]
    medians: tuple[float, ...]
    spreads: tuple[float, ...]
    spec_version: str
    frames: int
    source: str = "child"

    def __post_init__(self) -> None:
        if not len(self.names) == len(self.medians) == len(self.spreads):
            raise CalibrationError("a baseline needs one median and one spread per feature")

    @classmethod
    def from_vectors(
        cls, vectors: Sequence[FeatureVector], source: str = "child"
    ) -> NeutralBaseline:
        """The robust baseline (median, scaled MAD) of `vectors`, which share their names,
        held at float32 precision (the features' own), as `to_dict` stores it."""
        if not vectors:
            raise ValueError("a baseline needs at least one feature vector")
        names = vectors[0].names
        if any(v.names != names for v in vectors):
            raise ValueError("all feature vectors of a baseline must have the same names")
        data = np.stack([v.values for v in vectors]).astype(np.float64)
        medians = np.median(data, axis=0)
        spreads = MAD_TO_SD * np.median(np.abs(data - medians), axis=0)
        return cls(
            names=names,
            medians=tuple(medians.astype(np.float32).astype(np.float64).tolist()),
            spreads=tuple(spreads.astype(np.float32).astype(np.float64).tolist()),
            spec_version=vectors[0].spec_version,
            frames=len(vectors),
            source=source,
        )

    def values_for(self, names: Sequence[str]) -> np.ndarray:
        """The medians in the order of `names` (float32), e.g. for a "delta" model."""
        index = {n: i for i, n in enumerate(self.names)}
        missing = [n for n in names if n not in index]
        if missing:
            raise CalibrationError(f"the baseline lacks features {missing[:5]}; calibrate again")
        return np.array([self.medians[index[n]] for n in names], dtype=np.float32)

    def median(self, name: str) -> float:
        return self.medians[self.names.index(name)]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (for the child's profile), compact: the medians and spreads are
        little-endian float32 in base64 ("number_format"; float64 before spec 6 still
        loads), and the names are written out only when they are not the current spec's
        `FEATURE_NAMES` ("names": "feature_spec"). With spec 6's 22,590 features this is
        about 240 kB (float64: 480 kB), and it is read back without a Python object per
        number."""
        current = self.names == FEATURE_NAMES and self.spec_version == FEATURE_SPEC_VERSION
        return {
            "spec_version": self.spec_version,
            "frames": self.frames,
            "source": self.source,
            "names": SPEC_NAMES if current else list(self.names),
            "number_format": STORED_NUMBER_FORMAT,
            "medians": _encode(self.medians),
            "spreads": _encode(self.spreads),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> NeutralBaseline:
        """Rebuild a baseline from `to_dict()` (or from the older name -> [median, spread]
        mapping); CalibrationError when malformed or made for an unknown feature list."""
        try:
            spec_version = str(data["spec_version"])
            if "features" in data:  # written before the compact form
                features = dict(data["features"])
                names = tuple(str(n) for n in features)
                medians = tuple(float(v[0]) for v in features.values())
                spreads = tuple(float(v[1]) for v in features.values())
            else:
                names_field = data["names"]
                if names_field == SPEC_NAMES:
                    if spec_version != FEATURE_SPEC_VERSION:
                        raise CalibrationError(
                            f"stored baseline was made for feature spec {spec_version}; "
                            "calibrate again"
                        )
                    names = FEATURE_NAMES
                else:
                    names = tuple(str(n) for n in names_field)
                number_format = str(data.get("number_format", "float64"))
                if number_format not in _NUMBER_FORMATS:
                    raise ValueError(f"unknown number format {number_format!r}")
                medians = _decode(data["medians"], number_format)
                spreads = _decode(data["spreads"], number_format)
            baseline = cls(
                names=names,
                medians=medians,
                spreads=spreads,
                spec_version=spec_version,
                frames=int(data["frames"]),
                source=str(data.get("source", "child")),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            if isinstance(exc, CalibrationError):
                raise
            raise CalibrationError(f"stored baseline is malformed: {exc}") from exc
        return baseline

    @property
    def is_current(self) -> bool:
        """True when made with the feature spec this game extracts."""
        return self.spec_version == FEATURE_SPEC_VERSION


class CalibrationState(enum.StrEnum):
    IDLE = "idle"
    COLLECTING = "collecting"
    DONE = "done"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class CalibrationStatus:
    """Where a calibration stands: what the calibration scene shows.

    `progress` runs from 0 to 1 over the duration; `message` says why it failed.
    """

    state: CalibrationState
    progress: float = 0.0
    good_frames: int = 0
    rejected_frames: int = 0
    baseline: NeutralBaseline | None = None
    message: str = ""
    main_problem: QualityFlag | None = None


class NeutralCalibrator:
    """Collects good neutral frames for `duration_ms`, then gives the baseline.

    Call `add(features_or_none, flags, now_ms)` for each reading; features are None when
    there was no face. Frames with a blocking quality flag are rejected and counted by flag.
    """

    def __init__(
        self,
        start_ms: int,
        duration_ms: int = DEFAULT_DURATION_MS,
        min_good_frames: int = MIN_GOOD_FRAMES,
    ) -> None:
        if duration_ms <= 0 or min_good_frames < 1:
            raise ValueError("duration_ms and min_good_frames must be positive")
        self.start_ms, self.duration_ms, self.min_good_frames = (
            start_ms,
            duration_ms,
            min_good_frames,
        )
        self._good: list[FeatureVector] = []
        self._rejected: Counter[QualityFlag] = Counter()
        self._result: CalibrationStatus | None = None

    def add(
        self, features: FeatureVector | None, flags: frozenset[QualityFlag], now_ms: int
    ) -> CalibrationStatus:
        """Offer one frame; returns the status after it (finished once time is up)."""
        if self._result is not None:
            return self._result
        if now_ms - self.start_ms >= self.duration_ms:
            return self.finish()
        blocking = flags - ADVISORY_FLAGS
        if features is None or blocking:
            for flag in blocking or {QualityFlag.NO_FACE}:
                self._rejected[flag] += 1
        else:
            self._good.append(features)
        return self.status(now_ms)

    def status(self, now_ms: int) -> CalibrationStatus:
        """The status at `now_ms` without adding a frame (finishes when time is up)."""
        if self._result is not None:
            return self._result
        if now_ms - self.start_ms >= self.duration_ms:
            return self.finish()
        return CalibrationStatus(
            state=CalibrationState.COLLECTING,
            progress=max(0.0, (now_ms - self.start_ms) / self.duration_ms),
            good_frames=len(self._good),
            rejected_frames=sum(self._rejected.values()),
        )

    def finish(self) -> CalibrationStatus:
        """End now: the baseline when enough good frames came, else the reason it failed."""
        if self._result is not None:
            return self._result
        rejected = sum(self._rejected.values())
        if len(self._good) >= self.min_good_frames:
            baseline = NeutralBaseline.from_vectors(self._good)
            self._result = CalibrationStatus(
                CalibrationState.DONE,
                1.0,
                len(self._good),
                rejected,
                baseline,
                f"calibrated from {len(self._good)} frames",
            )
        else:
            problem = self._rejected.most_common(1)[0][0] if self._rejected else None
            why = f"; most frames had: {problem.value}" if problem else ""
            self._result = CalibrationStatus(
                CalibrationState.FAILED,
                1.0,
                len(self._good),
                rejected,
                None,
                f"not enough good frames ({len(self._good)} of {self.min_good_frames} needed){why}",
                problem,
            )
        logger.info("calibration: %s", self._result.message)
        return self._result
