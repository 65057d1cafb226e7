"""How a model's probability (plus the action check) becomes the target score the game shows.

The score for target t is a monotone map of the model's evidence, in log-odds:

    z = logit(p_t) + action_bonus * action_score      (action_score in [0, 1])
    score = sigmoid(z - offset_t + logit(ANCHOR_SCORE))

so the score crosses `ANCHOR_SCORE` (0.6, the levels' default threshold) exactly where z
reaches the target's `offset_t`. The offsets are fitted per model and target
(`game.training.score_fit`) on out-of-fold probabilities of faces of people the model never
saw: each is the z above which only `false_alarm_rate` (4%) of the *other* expressions'
faces score, in children and adults alike. A higher level threshold then means fewer false
alarms (0.7: z >= offset + 0.44, 0.8: offset + 0.98).

Why this shape (measured by subject-wise CV, see models/MODEL_CARD.md, "Verification"): the
model's probability alone separates target from non-target better than any mix with the
action check (the earlier 0.6/0.4 blend capped a certain face at 0.6 and lost up to 0.07
AUC), while a bonus of one log-odds unit for fully made actions costs nothing measurable
and lets the gauge follow a child's visible effort. The old blend also put 0.6 at very
different false-alarm rates per target (sad or disgusted were almost never reached).

Before the map, the model's probabilities are calibrated by temperature scaling (Guo, Pleiss,
Sun & Weinberger 2017, "On Calibration of Modern Neural Networks", ICML): one temperature T
per model, fitted out of fold (`game.training.prob_calibration`), p_i -> p_i^(1/T) / sum_j
p_j^(1/T), i.e. softmax(log p / T). It keeps the top class and makes a probability of 0.7
mean about 70% right on people the model never saw. T is stored in the same file
("temperature"; 1.0, no change, in a file written before it existed), and the offsets of a
file with a temperature are fitted on the tempered probabilities.

The fitted map lives beside its model (`expression.onnx` -> `expression.scoring.json`)
with the model's SHA-256; a missing or stale file gives `ScoreMap.default()` (offset
logit(0.6): the score is then the probability with the bonus) and one warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from game.expressions import CREDIT_THRESHOLD, Expression

logger = logging.getLogger(__name__)

ANCHOR_SCORE = CREDIT_THRESHOLD  # the score at a target's offset: the levels' default
ACTION_BONUS = 1.0  # log-odds added when every prototype action is fully made
PROBABILITY_FLOOR = 1e-4  # p is clipped to [floor, 1 - floor] before the logit
SUFFIX = ".scoring.json"
LOG_FLOOR = 1e-12  # probabilities are clipped here before the log of temperature scaling


def temper(probabilities: Mapping[Expression, float], temperature: float
           ) -> dict[Expression, float]:
    """Temperature scaling of one face's probabilities: softmax(log p / `temperature`)
    (`temperature` > 0; 1.0 returns the same values). Raises ValueError for T <= 0."""
    keys = list(probabilities)
    values = temper_array(np.array([probabilities[k] for k in keys]), temperature)
    return {k: float(v) for k, v in zip(keys, values, strict=True)}


def temper_array(probabilities: np.ndarray, temperature: float) -> np.ndarray:
    """`temper` for an (N, C) or (C,) array of probabilities, row by row."""
    if not temperature > 0.0 or not math.isfinite(temperature):
        raise ValueError(f"a temperature must be a positive number, not {temperature!r}")
    p = np.asarray(probabilities, np.float64)
    if temperature == 1.0:
        return p
    z = np.log(np.clip(p, LOG_FLOOR, 1.0)) / temperature
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return np.asarray(z / z.sum(axis=-1, keepdims=True))


def logit(p: float) -> float:
    q = min(1.0 - PROBABILITY_FLOOR, max(PROBABILITY_FLOOR, float(p)))
    return math.log(q / (1.0 - q))


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))


def score_map_path(model_path: Path) -> Path:
    """Where the fitted map of the model at `model_path` is kept."""
    return Path(model_path).with_suffix(SUFFIX)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


@dataclass(frozen=True, slots=True)
class ScoreMap:
    """Per-target offsets (log-odds), the action bonus and the probability temperature; see
    the module docstring. Raises ValueError for a temperature that is not > 0."""

    offsets: Mapping[Expression, float] = field(default_factory=dict)
    action_bonus: float = ACTION_BONUS
    model_sha256: str = ""
    note: str = ""
    temperature: float = 1.0
    calibration_note: str = ""

    def __post_init__(self) -> None:
        if not (self.temperature > 0.0 and math.isfinite(self.temperature)):
            raise ValueError(f"a temperature must be a positive number, not "
                             f"{self.temperature!r}")

    def calibrate(self, probabilities: Mapping[Expression, float]) -> dict[Expression, float]:
        """The model's probabilities of one face after this map's temperature scaling (the
        probabilities a reading carries and the target score reads)."""
        return temper(probabilities, self.temperature)

    @classmethod
    def default(cls) -> ScoreMap:
        """The map for a model without a fitted one: score = sigmoid(logit p + bonus * a)."""
        return cls(note="default (no fitted map)")

    @property
    def fitted(self) -> bool:
        return bool(self.offsets)

    def offset(self, target: Expression) -> float:
        return self.offsets.get(target, logit(ANCHOR_SCORE))

    def score(self, probability: float, action_level: float | None, target: Expression) -> float:
        """The target score in [0, 1] for the model's `probability` of `target` and the
        action score (None: no action check)."""
        z = logit(probability)
        if action_level is not None:
            z += self.action_bonus * min(1.0, max(0.0, action_level))
        return sigmoid(z - self.offset(target) + logit(ANCHOR_SCORE))

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "model_sha256": self.model_sha256,
            "action_bonus": self.action_bonus,
            "anchor_score": ANCHOR_SCORE,
            "offsets": {t.value: round(v, 4) for t, v in self.offsets.items()},
            "note": self.note,
        }
        if self.temperature != 1.0 or self.calibration_note:
            out["temperature"] = round(self.temperature, 4)
            out["calibration_note"] = self.calibration_note
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ScoreMap:
        """Rebuild from `to_dict()`; ValueError when malformed."""
        try:
            if float(data.get("anchor_score", ANCHOR_SCORE)) != ANCHOR_SCORE:
                raise ValueError(f"anchor_score must be {ANCHOR_SCORE}")
            offsets = {Expression(k): float(v) for k, v in dict(data["offsets"]).items()}
            return cls(
                offsets=offsets,
                action_bonus=float(data.get("action_bonus", ACTION_BONUS)),
                model_sha256=str(data.get("model_sha256", "")),
                note=str(data.get("note", "")),
                temperature=float(data.get("temperature", 1.0)),
                calibration_note=str(data.get("calibration_note", "")),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"malformed score map: {exc}") from exc

    def write(self, path: Path) -> Path:
        """Write the map as JSON at `path`, atomically: a temporary file beside it, then
        `os.replace`, so a crash leaves the old file or the new one, never half of one. A
        file replaced keeps its permissions (a game run by another user still reads it); a
        new one is private to the user (0600). Returns the path; raises OSError."""
        path = Path(path)
        text = json.dumps(self.to_dict(), indent=1) + "\n"
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            if path.exists():
                os.chmod(temp, path.stat().st_mode & 0o777)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def for_model(cls, model_path: Path | None) -> ScoreMap:
        """The fitted map of the model file at `model_path`, or the default map (with one
        warning) when it is missing, malformed or made for another model file."""
        if model_path is None:
            return cls.default()
        path = score_map_path(model_path)
        if not path.is_file():
            logger.warning("no score map %s: target scores use the default map", path.name)
            return cls.default()
        try:
            fitted = cls.from_dict(json.loads(path.read_text("utf-8")))
        except (OSError, ValueError) as exc:
            logger.warning("%s unusable (%s): target scores use the default map", path, exc)
            return cls.default()
        if fitted.model_sha256 and fitted.model_sha256 != file_sha256(Path(model_path)):
            logger.warning(
                "%s was fitted for another %s: target scores use the default map; refit: "
                "python -m game.training.score_fit",
                path.name,
                Path(model_path).name,
            )
            return cls.default()
        return fitted
