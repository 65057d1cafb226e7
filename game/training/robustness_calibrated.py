"""`facequest robustness --out-of-fold K --calibrated`: the chain as it scores a child after
the neutral calibration at the start of a session, on people no fold model saw.

The game scores a child with the raw model only until the neutral calibration; from then on
the calibrated ("delta") model reads the change from the child's own neutral face, fused with
the raw model (`Scorer.probabilities`). Here each fold model comes with its calibrated
companion and scoring file (`out_of_fold.build_fold_models(calibrated=True)`), and for every
picked picture of a held-out person:

1. the person's baseline is `NeutralBaseline.from_vectors` of the features of their neutral
   pictures (every one in the folder, picked or not), read by the chain; a neutral picture
   is never part of its own baseline (leave one out), and a neutral read that is untrusted
   (a blocking flag) is left out, as `NeutralCalibrator` rejects such frames;
2. under a condition that lasts a session (`Condition.whole_session`: glasses, the light,
   the camera, the distance) the neutral pictures are read under the same condition, with
   the same draws (one generator state per person and condition: the same glasses on every
   picture), because the child calibrates wearing them; under one that comes and goes (a
   hand, a tilt, blur, a second face) they are read clean: the child calibrated before it
   came, and each picture draws its own;
3. the picture is read under the condition and scored twice from the same features: raw
   (no baseline: before calibration) and calibrated (against the baseline).

Both figures count only the pictures with a baseline (people with no neutral picture, or a
lone neutral picture, or no trusted neutral read, are left out and counted in
`CalibratedRun.uncalibrated`), so raw and calibrated are compared on the same frames. A
second face's "alone" reference (`kept_credit`) is not measured here.
"""

from __future__ import annotations

import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from game.training.dataset import LabelledImage
from game.training.robustness_reads import Counts, other_face, read_last, target_scores
from game.vision.calibration import NeutralBaseline
from game.vision.conditions import Condition, Face, condition
from game.vision.pipeline import VisionChain
from game.vision.records import FaceObservation, FeatureVector

Read = tuple[FaceObservation, FeatureVector | None, bool]  # observation, features, trusted


@dataclass(slots=True)
class CalibratedCounts:
    """One condition's counts, raw and calibrated, over the same pictures."""

    raw: Counts
    calibrated: Counts
    uncalibrated: int = 0  # picked pictures left out: no baseline for their person

    def add(self, other: CalibratedCounts) -> None:
        self.raw.add(other.raw)
        self.calibrated.add(other.calibrated)
        self.uncalibrated += other.uncalibrated


def _key(text: str) -> int:
    return zlib.crc32(text.encode("utf-8"))


def _rng(seed: int, cond: Condition, item: LabelledImage) -> np.random.Generator:
    """The condition's draws for a picture: one per person and condition when it lasts a
    session (the same glasses on all their pictures), one per picture otherwise."""
    parts = [seed, _key(item.subject), sum(map(ord, cond.name))]
    if not cond.whole_session:
        parts.append(_key(item.path.name))
    return np.random.default_rng(parts)


def _read_features(chain: VisionChain, frames: list[np.ndarray]) -> Read:
    """The chain's observation of the last frame, its features and whether it is trusted
    (with no baseline: NOT_CALIBRATED is advisory and does not untrust it)."""
    observation = read_last(chain, frames)
    chain.scorer.set_baseline(None)
    chain.scorer.set_target(None)
    reading, features = chain.scorer.score(observation)
    return observation, features, reading.trusted and features is not None


def measure_calibrated(
    chain: VisionChain,
    cond: Condition,
    faces: Sequence[tuple[LabelledImage, Face]],
    neutrals: dict[str, list[tuple[LabelledImage, Face]]],
    seed: int,
    threshold: float,
    others: Sequence[tuple[LabelledImage, Face]],
    clean_reads: dict[str, Read],
) -> CalibratedCounts:
    """The raw and calibrated counts of `cond` over the picked `faces` (see the module
    docstring); `neutrals`: subject -> every neutral picture of that person with its face;
    `others`: the pool of second faces; `clean_reads`: path -> its clean read, filled and
    reused across conditions (the same chain, so the same read)."""
    clean = condition("clean")
    out = CalibratedCounts(Counts(), Counts())
    pool = list(others)

    def read(item: LabelledImage, face: Face, under: Condition) -> Read:
        if under.name == clean.name:
            key = str(item.path)
            if key not in clean_reads:
                clean_reads[key] = _read_features(chain, clean.make(*face, _rng(seed, clean,
                                                                              item), None))
            return clean_reads[key]
        rng = _rng(seed, under, item)
        other = other_face(pool, item, rng) if under.needs_other else None
        return _read_features(chain, under.make(*face, rng, other))

    by_person: dict[str, list[tuple[LabelledImage, Face]]] = defaultdict(list)
    for item, face in faces:
        by_person[item.subject].append((item, face))
    neutral_under = cond if cond.whole_session else clean
    for subject, mine in by_person.items():
        neutral_reads = {str(item.path): read(item, face, neutral_under)
                         for item, face in neutrals.get(subject, [])}
        for item, face in mine:
            vectors = [f for path, (_, f, trusted) in neutral_reads.items()
                       if trusted and f is not None and path != str(item.path)]
            if not vectors:
                out.uncalibrated += 1
                continue
            baseline = NeutralBaseline.from_vectors(vectors)
            same = cond.whole_session and str(item.path) in neutral_reads
            observation, features, _ = (neutral_reads[str(item.path)] if same
                                        else read(item, face, cond))
            for counts, base in ((out.raw, None), (out.calibrated, baseline)):
                counts.images += 1
                if not observation.has_face or features is None:
                    continue
                chain.scorer.set_baseline(base)
                scored = target_scores(chain, observation, counts.flags, features)
                counts.hits += counts.tally(scored, item.label, threshold)
    chain.scorer.set_baseline(None)
    return out
