"""The synthetic-expression builders (tests/motion/synth.py) on one real child's faces."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.motion import synth

pytestmark = [pytest.mark.datasets, pytest.mark.slow]


@pytest.fixture(scope="module")
def pair(children_dir: Path) -> tuple[np.ndarray, np.ndarray]:
    _subject, neutral, peak = synth.subjects_with_pairs(children_dir, "happy")[0]
    return synth.aligned_pair(synth.load_rgb(neutral), synth.load_rgb(peak))


def test_pairs_are_one_subject_each(children_dir: Path) -> None:
    pairs = synth.subjects_with_pairs(children_dir, "surprised")
    assert len(pairs) >= 20
    for subject, neutral, peak in pairs:
        assert subject in neutral.name and subject in peak.name
        assert neutral.name.startswith("neutral") and peak.name.startswith("surprise")


def test_alignment_matches_the_stable_points(pair: tuple[np.ndarray, np.ndarray]) -> None:
    neutral, peak = pair
    assert neutral.shape == peak.shape and neutral.dtype == np.uint8
    stable = list(synth.STABLE_LANDMARKS)
    a = synth.face_landmarks(neutral)[stable]
    b = synth.face_landmarks(peak)[stable]
    iod = np.linalg.norm(b[2] - b[0])
    assert np.median(np.linalg.norm(a - b, axis=1)) < 0.05 * iod


def test_morph_ends_are_the_two_images(pair: tuple[np.ndarray, np.ndarray]) -> None:
    neutral, peak = pair
    points = (synth.face_landmarks(neutral), synth.face_landmarks(peak))
    for method in ("morph", "dissolve"):
        start = synth.blend(neutral, peak, 0.0, method=method, points=points)
        end = synth.blend(neutral, peak, 1.0, method=method, points=points)
        assert start.shape == end.shape == peak.shape
        assert np.abs(start.astype(int) - neutral).mean() < 1.0
        assert np.abs(end.astype(int) - peak).mean() < 1.0
    middle = synth.blend(neutral, peak, 0.5, points=points)
    assert middle.shape == peak.shape
    assert np.abs(middle.astype(int) - neutral).mean() > 2.0
    assert np.abs(middle.astype(int) - peak).mean() > 2.0


def test_half_composite_takes_each_side(pair: tuple[np.ndarray, np.ndarray]) -> None:
    neutral, peak = pair
    w = peak.shape[1]
    left = synth.half_composite(neutral, peak, "image_left").astype(int)
    right = synth.half_composite(neutral, peak, "image_right").astype(int)
    assert left.shape == right.shape == peak.shape
    margin = w // 10  # the midline of a frontal face lies near the centre
    assert np.abs(left[:, :margin] - peak[:, :margin]).max() <= 1
    assert np.abs(left[:, -margin:] - neutral[:, -margin:]).max() <= 1
    assert np.abs(right[:, -margin:] - peak[:, -margin:]).max() <= 1
    assert np.abs(right[:, :margin] - neutral[:, :margin]).max() <= 1


def test_onset_fraction_marks_the_onset() -> None:
    fractions = [synth.onset_fraction(i, 3, 4) for i in range(9)]
    assert fractions == [0.0, 0.0, 0.0, 0.25, 0.5, 0.75, 1.0, 1.0, 1.0]
    assert [synth.onset_fraction(i, 2, 0) for i in range(4)] == [0.0, 0.0, 1.0, 1.0]


def test_onset_clip_is_written(pair: tuple[np.ndarray, np.ndarray], tmp_path: Path) -> None:
    neutral, peak = pair
    out = synth.onset_clip(neutral, peak, 30.0, 5, 12, 3, tmp_path / "clip.mp4")
    frames: list[np.ndarray] = []
    if out.is_dir():
        for path in sorted(out.glob("frame_*.png")):
            image = cv2.imread(str(path))
            assert image is not None, path
            frames.append(image)
    else:
        capture = cv2.VideoCapture(str(out))
        ok, image = capture.read()
        while ok:
            assert image is not None
            frames.append(image)
            ok, image = capture.read()
        capture.release()
    assert len(frames) == 12
    assert frames[0].shape == peak.shape
    first, last = (f[..., ::-1].astype(int) for f in (frames[0], frames[-1]))
    assert np.abs(first - neutral).mean() < np.abs(first - peak).mean()
    assert np.abs(last - peak).mean() < np.abs(last - neutral).mean()
