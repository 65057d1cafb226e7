"""The motion metrics where the truth is known, on real children's faces, through
`facequest metrics` (the cases: tests/motion/validation.py; every dev child and the figures:
scripts/validate_motion_metrics.py and docs/metrics.md).

A few children per target keep this under two minutes; the thresholds are the issue's:
intensity ordered (Spearman >= 0.9), the side of a half-face composite told apart (ROC AUC
>= 0.9) and named, onset within 2 frames at 30 and 15 fps, and the same clip measured the same
(identical twice; within 5% of each metric's span after a 1-pixel shift or a recompression).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.motion.metrics import METRIC_SPANS
from tests.motion import validation as v
from tests.motion.synth import onset_clip, subjects_with_pairs

pytestmark = [pytest.mark.datasets, pytest.mark.slow]

TARGETS = ("happy", "surprised")  # the posed faces that move their prototype (docs/metrics.md)
CHILDREN = 3


def _pairs(children_dir: Path, target: str, count: int = CHILDREN) -> list[tuple[Path, Path]]:
    found = subjects_with_pairs(children_dir, target)
    step = max(1, len(found) // count)  # spread over the set, not the first few
    return [(n, p) for _, n, p in found[::step][:count]]


@pytest.mark.parametrize("target", (*TARGETS, "angry"))
def test_blends_of_a_childs_own_faces_are_ordered_by_peak_intensity(
        children_dir: Path, tmp_path: Path, target: str) -> None:
    # metric version 2 orders every dev child's blends of these three (docs/metrics.md): each
    # child here must be ordered (one swap of neighbours, rho 0.9, is the most allowed)
    # angry: 6 children spread over the set (one of them was out of order under version 1)
    rhos = []
    for k, (neutral, peak) in enumerate(_pairs(children_dir, target,
                                               6 if target == "angry" else CHILDREN)):
        peaks = v.intensity_case(neutral, peak, target, tmp_path / str(k))
        assert all(p is not None for p in peaks), peaks
        rhos.append(v.spearman(list(v.FRACTIONS), [float(p) for p in peaks if p is not None]))
    assert all(round(r, 9) >= 0.9 for r in rhos), rhos


@pytest.mark.parametrize("target", TARGETS)
def test_half_face_composites_name_the_side_that_moved(
        children_dir: Path, tmp_path: Path, target: str) -> None:
    found = [v.asymmetry_case(n, p, target, tmp_path / str(k))
             for k, (n, p) in enumerate(_pairs(children_dir, target))]
    # a composite with a half-open mouth can be flagged (mouth covered): not measurable, so
    # no number, and left out here (scripts/validate_motion_metrics.py counts them)
    cases = [c for c in found if None not in c.values()]
    assert len(cases) >= 2, found
    left = [float(c["child_left"] or 0.0) for c in cases]
    right = [float(c["child_right"] or 0.0) for c in cases]
    symmetric = [float(c["symmetric"] or 0.0) for c in cases]
    assert all(a > 0 for a in left) and all(a < 0 for a in right), cases  # the side, named
    assert v.roc_auc(left, right) >= 0.9
    assert v.roc_auc([abs(a) for a in left + right], [abs(a) for a in symmetric]) >= 0.9, cases


@pytest.mark.parametrize(("fps", "onset_frame", "ramp_frames"), [(30, 12, 6), (15, 7, 0)])
def test_onset_is_found_within_two_frames(children_dir: Path, tmp_path: Path, fps: int,
                                          onset_frame: int, ramp_frames: int) -> None:
    for target in TARGETS:
        for k, (neutral, peak) in enumerate(_pairs(children_dir, target, 2)):
            found = v.onset_case(neutral, peak, target, tmp_path / f"{target}{k}", fps=fps,
                                 onset_frame=onset_frame, ramp_frames=ramp_frames)
            truth = onset_frame * 1000 / fps
            assert found is not None and abs(found - truth) <= 2 * 1000 / fps, (found, truth)


@pytest.mark.parametrize("target", TARGETS)
def test_the_same_clip_is_measured_the_same(children_dir: Path, tmp_path: Path,
                                            target: str) -> None:
    # the first surprised child is one whose lips the tracker flips open and shut on the held
    # morph: metric version 1 moved its peak by 6.6% of the span after a 1-pixel shift
    (neutral_path, peak_path), = _pairs(children_dir, target, 1)
    neutral, peak, _ = v.pair(neutral_path, peak_path, tmp_path)
    clip = onset_clip(neutral, peak, 30, 10, 45, 8, tmp_path / "clip.mp4")
    calm = v.first_frame(clip, tmp_path / "calm.png")
    first, again = v.metrics([clip, clip], calm, target)
    moved, jpeg = v.repeat_variants(clip, tmp_path, target)
    assert {**first, "source": ""} == {**again, "source": ""}
    assert first["measurable"]
    for other in (moved, jpeg):
        for name, span in METRIC_SPANS.items():
            a, b = first[name], other[name]
            assert (a is None) == (b is None), name
            if a is not None and b is not None:
                assert abs(a - b) < 0.05 * span, (name, a, b)


def test_the_validation_scripts_landmark_cache_gives_what_mediapipe_gives(
        children_dir: Path, tmp_path: Path) -> None:
    (neutral_path, peak_path), = _pairs(children_dir, "happy", 1)
    _, peak, calm = v.pair(neutral_path, peak_path, tmp_path)
    clip = v.still_clip(peak, tmp_path / "still")
    plain = v.metrics([clip], calm, "happy")
    cache = v.LandmarkCache(tmp_path / "landmarks.sqlite")
    cache.install()
    try:
        with v.recording() as kept:
            filled = v.metrics([clip], calm, "happy")
        misses = cache.misses
        again = v.metrics([clip], calm, "happy")
    finally:
        cache.close()
    assert misses > 0 and cache.misses == misses  # the second run found every image
    assert plain == filled == again
    assert len(kept) == 1 and kept[0].target == "happy"  # the record the command measured
