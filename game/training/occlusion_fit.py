"""Train the occlusion model (`game.vision.occlusion`) on labelled faces with synthetic
occluders from `game.vision.conditions`.

Every face of the data folders is shown to the real face tracker in several versions:
as it is, with eyewear (thin, thick or tinted: never "covered"), with a hand, cloth, toy or
other object over the mouth, and over the eyes (kind, shape, colour, place drawn from a
seeded generator), some also rolled up to 25 degrees, and once more (covered and not) as a
webcam shows it: smaller, maybe mirrored, dimmer, noisy and JPEG-compressed. The tracker's
own crop of each version (what the live chain sees, landmarks guessed under the occluder
included) gives the part features.

Per part, a logistic regression (scikit-learn, balanced classes) is measured subject-wise
(`GroupKFold`, 5 folds). Within each training split, an inner subject-wise 3-fold
prediction chooses the flag threshold (at most `MAX_FALSE_FLAGS` of uncovered faces
flagged), so the held-out fold, which reports the hit rate (covered faces flagged) and the
false-flag rate at that threshold, never touched the choice. The shipped model is fitted on
everything, with the threshold chosen the same way on all of it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.training.dataset import DatasetError, load_folders
from game.training.feature_cache import read_rgb
from game.vision import conditions as cond
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.occlusion import PARTS, OcclusionModel, PartModel, part_features
from game.vision.records import Frame

logger = logging.getLogger(__name__)

MAX_FALSE_FLAGS = 0.02
MIN_THRESHOLD = 0.5  # never flag below even odds, however tight the uncovered scores are
OCCLUDER_KINDS = ("hand", "cloth", "toy", "object")
EYEWEAR = ("thin", "thick", "tinted")


@dataclass(frozen=True, slots=True)
class Sample:
    subject: str
    covered: frozenset[str]
    crop: np.ndarray


def make_samples(
    data_dirs: Sequence[Path],
    seed: int = 0,
    progress: Callable[[str], None] | None = None,
    kinds: Sequence[str] = OCCLUDER_KINDS,
    every: int = 1,
) -> list[Sample]:
    """The tracker's face crops of every `every`-th face in several versions (see the
    module doc), the occluders drawn from `kinds`."""
    items = load_folders(list(data_dirs))[::every]
    rng = np.random.default_rng(seed)
    samples: list[Sample] = []
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        for n, item in enumerate(items):
            if progress is not None and n % 200 == 0:
                progress(f"{n}/{len(items)} images")
            try:
                image = read_rgb(item.path)
            except ValueError as exc:
                raise DatasetError(f"{exc}: not a readable picture") from None
            obs = tracker.observe(Frame(0, image))
            if not obs.has_crop:
                continue
            lm = obs.landmarks
            versions: list[tuple[np.ndarray, frozenset[str]]] = [
                (image, frozenset()),
                (cond.eyewear(image, lm, EYEWEAR[int(rng.integers(3))], rng), frozenset()),
            ]
            for part in PARTS:
                kind = kinds[int(rng.integers(len(kinds)))]
                versions.append((cond.occluded(image, lm, part, kind, rng), frozenset({part})))
            if rng.random() < 0.5:
                angle = float(rng.uniform(-25, 25))
                part = PARTS[int(rng.integers(len(PARTS)))]
                kind = kinds[int(rng.integers(len(kinds)))]
                covered = cond.occluded(image, lm, part, kind, rng)
                versions.append((cond.rolled(covered, lm, angle), frozenset({part})))
                versions.append((cond.rolled(image, lm, angle), frozenset()))
            # As a webcam shows them: further away (60-140 px in 640x480), maybe mirrored,
            # maybe dimmer and noisier, JPEG-compressed; uncovered and covered alike.
            part = PARTS[int(rng.integers(len(PARTS)))]
            kind = kinds[int(rng.integers(len(kinds)))]
            for version, parts in (
                (image, frozenset()),
                (cond.occluded(image, lm, part, kind, rng), frozenset({part})),
            ):
                versions.append((_as_webcam(version, lm, rng), parts))
            for version, covered_parts in versions:
                seen = tracker.observe(Frame(0, np.ascontiguousarray(version)))
                if seen.has_crop:
                    samples.append(Sample(item.subject, covered_parts, seen.face_crop))
    return samples


def _as_webcam(image: np.ndarray, lm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`image` as a webcam frame: the face 60-140 px wide in 640x480, mirrored half the
    time, dimmed (x0.45-1) with sensor noise, JPEG quality 40-90."""
    import cv2

    width = float(rng.uniform(60, 140))
    frame = cond.at_range(image, lm, rng, width, size=(640, 480))
    if rng.random() < 0.5:
        frame = np.ascontiguousarray(frame[:, ::-1])
    frame = cond.sensor_noise(
        (frame.astype(np.float32) * rng.uniform(0.45, 1.0)).astype(np.uint8), rng, 2.0
    )
    quality = int(rng.integers(40, 91))
    ok, data = cv2.imencode(".jpg", frame[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
    return frame if decoded is None else np.ascontiguousarray(decoded[:, :, ::-1])


@dataclass(frozen=True, slots=True)
class PartFigures:
    part: str
    hit_rate: float
    false_flag_rate: float
    threshold: float
    covered: int
    uncovered: int


def _threshold(scores: np.ndarray, covered: np.ndarray) -> float:
    """The score at which at most `MAX_FALSE_FLAGS` of uncovered faces are flagged, and at
    least `MIN_THRESHOLD`: a threshold fitted to a tight synthetic distribution (0.04 was)
    flags real faces that are merely smaller, blurrier or mirrored."""
    negatives = np.sort(scores[~covered])
    if not len(negatives):
        return MIN_THRESHOLD
    return max(float(np.quantile(negatives, 1.0 - MAX_FALSE_FLAGS)), MIN_THRESHOLD)


def _fitted(x: np.ndarray, y: np.ndarray) -> tuple[Any, Any]:
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(x)
    clf = LogisticRegression(C=0.01, class_weight="balanced", max_iter=2000)
    clf.fit(scaler.transform(x), y)
    return scaler, clf


def _inner_scores(x: np.ndarray, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Out-of-fold P(covered) of every sample, subject-wise 3-fold."""
    from sklearn.model_selection import GroupKFold

    scores = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=3).split(x, y, groups):
        scaler, clf = _fitted(x[train], y[train])
        scores[test] = clf.predict_proba(scaler.transform(x[test]))[:, 1]
    return scores


def fit(samples: list[Sample], seed: int = 0) -> tuple[OcclusionModel, list[PartFigures]]:
    """The model fitted on all samples, and its subject-wise cross-validated figures."""
    from sklearn.model_selection import GroupKFold

    groups = np.array([s.subject for s in samples])
    if len(set(groups)) < 5:
        raise DatasetError(
            f"the occlusion model needs faces of at least 5 people to measure itself "
            f"subject-wise; found {len(set(groups))}"
        )
    parts: dict[str, PartModel] = {}
    figures = []
    for part in PARTS:
        x = np.stack([part_features(s.crop, part) for s in samples])
        y = np.array([part in s.covered for s in samples])
        flagged = np.zeros(len(y), dtype=bool)
        for train, test in GroupKFold(n_splits=5).split(x, y, groups):
            inner = _inner_scores(x[train], y[train], groups[train])
            scaler, clf = _fitted(x[train], y[train])
            held = clf.predict_proba(scaler.transform(x[test]))[:, 1]
            flagged[test] = held >= _threshold(inner, y[train])
        threshold = _threshold(_inner_scores(x, y, groups), y)
        figures.append(
            PartFigures(
                part=part,
                hit_rate=float(flagged[y].mean()),
                false_flag_rate=float(flagged[~y].mean()),
                threshold=threshold,
                covered=int(y.sum()),
                uncovered=int((~y).sum()),
            )
        )
        scaler, clf = _fitted(x, y)
        parts[part] = PartModel(
            mean=scaler.mean_.astype(np.float32),
            scale=scaler.scale_.astype(np.float32),
            coef=clf.coef_[0].astype(np.float32),
            intercept=float(clf.intercept_[0]),
            threshold=threshold,
        )
    info = {
        "method": "logistic regression on HOG of the part window of the eye-aligned crop",
        "max_false_flags": MAX_FALSE_FLAGS,
        "seed": seed,
        "cv": {
            f.part: {
                "hit_rate": round(f.hit_rate, 4),
                "false_flag_rate": round(f.false_flag_rate, 4),
                "covered": f.covered,
                "uncovered": f.uncovered,
            }
            for f in figures
        },
    }
    return OcclusionModel(parts, info), figures
