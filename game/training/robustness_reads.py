"""The pieces `facequest robustness` reads a face with: each picture's face found (sampled up
when small), a condition's frames played to the chain from a fresh lock, a reading's
unsmoothed target scores, and the counts of one condition (`ConditionResult` holds its
figures; see `game.training.robustness`). `game.training.video_reads` reads the training
pictures with the same pieces, so the score maps are fitted on what robustness measures."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from game.expressions import ADVISORY_FLAGS, Expression
from game.training.dataset import DatasetError, LabelledImage
from game.training.feature_cache import read_rgb
from game.training.prob_calibration import CONFIDENT
from game.vision.conditions import Condition, Face
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.pipeline import VisionChain
from game.vision.records import ExpressionReading, FaceObservation, FeatureVector, Frame

STILL_FRAMES = 4  # frames a still condition is shown for, FRAME_MS apart
FRAME_MS = 33
SOURCE_FACE_PX = 150  # smaller faces (CK+'s 48x48 crops) are first sampled up to this width


@dataclass(frozen=True, slots=True)
class ConditionResult:
    """One condition's figures (shares in [0, 1]; see the module docstring)."""

    condition: str
    description: str
    images: int
    found: float
    flagged: float
    trusted: int
    accuracy: float | None
    confident_wrong: float
    hit_rate: float
    false_alarm_rate: float
    kept_credit: float | None = None
    flags: dict[str, int] = field(default_factory=dict)
    ece: float | None = None
    # per target: the share of trusted readings of other posed labels reaching the threshold
    false_alarms_by_target: dict[str, float] = field(default_factory=dict)
    # the ECE and confident-wrong share of the trusted readings under extra temperatures
    # (`prob_calibration.confidence_frontier`, as_dict), None without a trusted reading
    confidence_frontier: dict[str, object] | None = None


def found_faces(
    items: Sequence[LabelledImage],
) -> tuple[list[tuple[LabelledImage, Face]], list[LabelledImage]]:
    """Each picture with its face (an IMAGE-mode read of the unpadded picture, sampled up
    to `SOURCE_FACE_PX` wide when the face is smaller), and the pictures with no face.

    Raises DatasetError for a picture that cannot be read."""
    faces: list[tuple[LabelledImage, Face]] = []
    missed: list[LabelledImage] = []
    with FaceTracker(TrackerSettings(mode="image")) as still:
        for item in items:
            try:
                image = read_rgb(item.path)
            except ValueError as exc:
                raise DatasetError(f"{exc}: not a readable picture") from None
            obs = still.observe(Frame(0, image))
            width = obs.face_box[2] - obs.face_box[0]
            if obs.has_face and width < SOURCE_FACE_PX:
                image = _sampled_up(image, SOURCE_FACE_PX / width)
                obs = still.observe(Frame(0, image))
            if obs.has_face:
                faces.append((item, (image, obs.landmarks)))
            else:
                missed.append(item)
    return faces, missed


def _sampled_up(image: np.ndarray, factor: float) -> np.ndarray:
    import cv2

    return np.ascontiguousarray(
        cv2.resize(image, None, fx=factor, fy=factor, interpolation=cv2.INTER_CUBIC)
    )


def other_face(
    faces: list[tuple[LabelledImage, Face]], item: LabelledImage, rng: np.random.Generator
) -> Face:
    """Another person's face: from another data set when there is one (a parent beside a
    child), else another subject of the same set."""
    others = [f for it, f in faces if it.dataset != item.dataset]
    if not others:
        others = [f for it, f in faces if it.subject != item.subject] or [f for _, f in faces]
    return others[int(rng.integers(len(others)))]


def read_last(chain: VisionChain, frames: list[np.ndarray]) -> FaceObservation:
    """The observation of the last of `frames`, played from a fresh lock."""
    if len(frames) == 1:
        frames = frames * STILL_FRAMES
    chain.tracker.reset_lock()
    observation = FaceObservation.empty(0, (1, 1))
    for i, rgb in enumerate(frames):
        observation = chain.tracker.observe(Frame(i * FRAME_MS, np.ascontiguousarray(rgb)))
    return observation


def target_scores(
    chain: VisionChain, observation: FaceObservation, flag_counts: Counter[str] | None = None,
    features: FeatureVector | None = None,
) -> tuple[ExpressionReading, dict[Expression, float]] | None:
    """The reading and every class's unsmoothed target score, against the scorer's baseline
    as it is; None when untrusted (its blocking flags then counted in `flag_counts`).
    `features`: the observation's, already extracted (None: extracted here)."""
    chain.scorer.set_target(None)
    if features is None:
        reading, features = chain.scorer.score(observation)
    else:
        reading = chain.scorer.score_extracted(observation, features)
    if not reading.trusted or features is None or chain.scorer.model is None:
        if flag_counts is not None:
            flag_counts.update(f.value for f in reading.flags - ADVISORY_FLAGS)
        return None
    scores = chain.scorer.target_scores(features, reading.probabilities,
                                        chain.scorer.model.classes)
    return reading, scores


@dataclass(slots=True)
class Counts:
    """One condition's counts, summed over the images (and the fold models) measured."""

    images: int = 0
    found: int = 0
    flagged: int = 0
    trusted: int = 0
    correct: int = 0
    confident_wrong: int = 0
    hits: int = 0
    false_alarms: int = 0
    pairs: int = 0
    target_pairs: Counter[str] = field(default_factory=Counter)
    target_false_alarms: Counter[str] = field(default_factory=Counter)
    hit_alone: int = 0
    kept: int = 0
    flags: Counter[str] = field(default_factory=Counter)
    # each trusted reading's probabilities (Expression order) and its posed class, for ECE
    readings: list[tuple[tuple[float, ...], int]] = field(default_factory=list)

    def tally(
        self, scored: tuple[ExpressionReading, dict[Expression, float]] | None,
        label: Expression, threshold: float,
    ) -> bool:
        """Count one found face's reading (`_target_scores`; None: untrusted); True when its
        posed `label`'s target score reached `threshold` (the caller counts the hit)."""
        self.found += 1
        if scored is None:
            self.flagged += 1
            return False
        reading, scores = scored
        self.trusted += 1
        order = list(Expression)
        self.readings.append((tuple(reading.probabilities.get(e, 0.0) for e in order),
                              order.index(label)))
        top = reading.top_expression
        if top == label:
            self.correct += 1
        elif top is not None and reading.probabilities[top] >= CONFIDENT:
            self.confident_wrong += 1
        hit = False
        for target, score in scores.items():
            if target == label:
                hit = score >= threshold
            else:
                self.pairs += 1
                self.false_alarms += score >= threshold
                self.target_pairs[target.value] += 1
                self.target_false_alarms[target.value] += score >= threshold
        return hit

    def add(self, other: Counts) -> None:
        for name in ("images", "found", "flagged", "trusted", "correct", "confident_wrong",
                     "hits", "false_alarms", "pairs", "hit_alone", "kept"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.flags.update(other.flags)
        self.target_pairs.update(other.target_pairs)
        self.target_false_alarms.update(other.target_false_alarms)
        self.readings.extend(other.readings)

    def result(self, cond: Condition) -> ConditionResult:
        total, found, trusted = self.images, self.found, self.trusted
        return ConditionResult(
            condition=cond.name,
            description=cond.description,
            images=total,
            found=found / total if total else 0.0,
            flagged=self.flagged / found if found else 0.0,
            trusted=trusted,
            accuracy=self.correct / trusted if trusted else None,
            confident_wrong=self.confident_wrong / total if total else 0.0,
            hit_rate=self.hits / total if total else 0.0,
            false_alarm_rate=self.false_alarms / self.pairs if self.pairs else 0.0,
            kept_credit=self.kept / self.hit_alone if self.hit_alone else None,
            flags=dict(sorted(self.flags.items())),
            ece=self._ece(),
            false_alarms_by_target={t: self.target_false_alarms[t] / n
                                    for t, n in self.target_pairs.items() if n},
            confidence_frontier=self._frontier(),
        )

    def _readings(self) -> tuple[np.ndarray, np.ndarray]:
        """The trusted readings' (N, C) probabilities and their posed class indices."""
        return (np.array([p for p, _ in self.readings]),
                np.array([t for _, t in self.readings]))

    def _ece(self) -> float | None:
        """The expected calibration error of the trusted readings (None without one)."""
        from game.training.prob_calibration import expected_calibration_error

        if not self.readings:
            return None
        return expected_calibration_error(*self._readings())

    def _frontier(self) -> dict[str, object] | None:
        """`confidence_frontier` of the trusted readings, confident wrong counted over every
        image (as `confident_wrong`); None without a trusted reading."""
        from game.training.prob_calibration import confidence_frontier

        if not self.readings:
            return None
        return confidence_frontier(*self._readings(), total=self.images).as_dict()
