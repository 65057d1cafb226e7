"""Train the occlusion model (`game.vision.occlusion`) on labelled faces with synthetic
occluders from `game.vision.conditions`.

Every face of the data folders is shown to the real face tracker in several versions:
as it is, with eyewear (thin, thick or tinted: never "covered"), with a hand, cloth or toy
over the mouth, and over the eyes (kind, shape, colour, place drawn from a seeded generator),
some also rolled up to 25 degrees. The tracker's own crop of each version (what the live
chain sees, landmarks guessed under the occluder included) gives the part features.

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

from game.training.dataset import load_folders
from game.training.feature_cache import read_rgb
from game.vision import conditions as cond
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.occlusion import PARTS, OcclusionModel, PartModel, part_features
from game.vision.records import Frame

logger = logging.getLogger(__name__)

MAX_FALSE_FLAGS = 0.02
OCCLUDER_KINDS = ("hand", "cloth", "toy")
EYEWEAR = ("thin", "thick", "tinted")


@dataclass(frozen=True, slots=True)
class Sample:
    subject: str
    covered: frozenset[str]
    crop: np.ndarray


def make_samples(
    data_dirs: Sequence[Path], seed: int = 0, progress: Callable[[str], None] | None = None
) -> list[Sample]:
    """The tracker's face crops of every face in several versions (see the module doc)."""
    items = load_folders(list(data_dirs))
    rng = np.random.default_rng(seed)
    samples: list[Sample] = []
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        for n, item in enumerate(items):
            if progress is not None and n % 200 == 0:
                progress(f"{n}/{len(items)} images")
            image = read_rgb(item.path)
            obs = tracker.observe(Frame(0, image))
            if not obs.has_crop:
                continue
            lm = obs.landmarks
            versions: list[tuple[np.ndarray, frozenset[str]]] = [
                (image, frozenset()),
                (cond.eyewear(image, lm, EYEWEAR[int(rng.integers(3))], rng), frozenset()),
            ]
            for part in PARTS:
                kind = OCCLUDER_KINDS[int(rng.integers(len(OCCLUDER_KINDS)))]
                versions.append((cond.occluded(image, lm, part, kind, rng), frozenset({part})))
            if rng.random() < 0.5:
                angle = float(rng.uniform(-25, 25))
                part = PARTS[int(rng.integers(len(PARTS)))]
                kind = OCCLUDER_KINDS[int(rng.integers(len(OCCLUDER_KINDS)))]
                covered = cond.occluded(image, lm, part, kind, rng)
                versions.append((cond.rolled(covered, lm, angle), frozenset({part})))
                versions.append((cond.rolled(image, lm, angle), frozenset()))
            for version, covered_parts in versions:
                seen = tracker.observe(Frame(0, np.ascontiguousarray(version)))
                if seen.has_crop:
                    samples.append(Sample(item.subject, covered_parts, seen.face_crop))
    return samples


@dataclass(frozen=True, slots=True)
class PartFigures:
    part: str
    hit_rate: float
    false_flag_rate: float
    threshold: float
    covered: int
    uncovered: int


def _threshold(scores: np.ndarray, covered: np.ndarray) -> float:
    negatives = np.sort(scores[~covered])
    if not len(negatives):
        return 0.5
    return float(np.quantile(negatives, 1.0 - MAX_FALSE_FLAGS))


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
