"""A face partly out of the frame, and a face blurred by movement: both block scoring with
their own words, and a cut-off face is never called covered."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from game.expressions import ADVISORY_FLAGS, QualityFlag
from game.phrases import quality_key, text
from game.vision.face_tracker import FaceTracker
from game.vision.occlusion import OcclusionModel
from game.vision.quality import (
    MAX_OUT_BELOW,
    MAX_OUT_SIDE,
    MIN_BLUR_BALANCE,
    blur_balance,
    out_of_view,
    quality_flags,
)
from game.vision.records import FACE_CROP_SIZE, N_LANDMARKS, FaceObservation, Frame

FRAME = (640, 480)


class _AlwaysCovered(OcclusionModel):
    """An occlusion model that calls every mouth covered."""

    def __init__(self) -> None:
        super().__init__({})

    def covered(self, face_crop: np.ndarray) -> frozenset[str]:
        return frozenset({"mouth"})


class _NeverCovered(OcclusionModel):
    def __init__(self) -> None:
        super().__init__({})

    def covered(self, face_crop: np.ndarray) -> frozenset[str]:
        return frozenset()


def _sharp_crop(seed: int = 0) -> np.ndarray:
    """Grey detail that is sharp in every direction (fine noise, lightly smoothed)."""
    rng = np.random.default_rng(seed)
    noise = rng.normal(128, 40, (FACE_CROP_SIZE, FACE_CROP_SIZE)).astype(np.float32)
    return np.clip(cv2.GaussianBlur(noise, (0, 0), 0.8), 0, 255).astype(np.uint8)


def _smeared(crop: np.ndarray, length: int, degrees: float) -> np.ndarray:
    """`crop` blurred along a line `length` px long at `degrees`."""
    kernel = np.zeros((length, length), np.float32)
    c, r = length // 2, (length - 1) / 2
    dx, dy = np.cos(np.radians(degrees)) * r, np.sin(np.radians(degrees)) * r
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1)
    return cv2.filter2D(crop, -1, kernel / kernel.sum(), borderType=cv2.BORDER_REFLECT)


def _observation(
    box: tuple[float, float, float, float], crop: np.ndarray | None = None
) -> FaceObservation:
    """A face whose landmarks fill `box` (x0, y0, x1, y1; px of a 640x480 frame)."""
    x0, y0, x1, y1 = box
    rng = np.random.default_rng(1)
    points = np.column_stack([
        rng.uniform(x0, x1, N_LANDMARKS), rng.uniform(y0, y1, N_LANDMARKS),
        np.zeros(N_LANDMARKS),
    ]).astype(np.float32)
    points[0, :2], points[1, :2] = (x0, y0), (x1, y1)
    return FaceObservation(
        t_ms=0, frame_size=FRAME, faces_seen=1, landmarks=points,
        blendshapes={"jawOpen": 0.0}, brightness=120.0,
        contrast=80.0, face_crop=_sharp_crop() if crop is None else crop,
    )


def test_a_face_inside_the_frame_is_not_out_of_view() -> None:
    obs = _observation((220, 100, 420, 340))
    assert out_of_view(obs) == (0.0, 0.0, 0.0)
    assert quality_flags(obs, _NeverCovered()) == frozenset()


def test_a_face_past_the_side_is_out_of_view_and_not_covered() -> None:
    # 35% of a 200 px wide face past the right edge.
    obs = _observation((510, 100, 710, 340))
    side, below, above = out_of_view(obs)
    assert side == pytest.approx(0.35)
    assert below == above == 0.0
    flags = quality_flags(obs, _AlwaysCovered())
    assert QualityFlag.PARTLY_OUT_OF_VIEW in flags
    assert QualityFlag.MOUTH_COVERED not in flags
    assert flags - ADVISORY_FLAGS  # it blocks scoring


def test_a_chin_below_the_frame_is_out_of_view_and_not_covered() -> None:
    obs = _observation((220, 280, 420, 520))  # 40 of 240 px below the bottom edge
    assert out_of_view(obs)[1] == pytest.approx(40 / 240)
    flags = quality_flags(obs, _AlwaysCovered())
    assert flags == {QualityFlag.PARTLY_OUT_OF_VIEW}


def test_a_slightly_cut_chin_is_never_called_covered() -> None:
    obs = _observation((220, 260, 420, 500))  # 20 of 240 px below: scored unless "covered"
    assert quality_flags(obs, _NeverCovered()) == frozenset()
    assert quality_flags(obs, _AlwaysCovered()) == {QualityFlag.PARTLY_OUT_OF_VIEW}


def test_a_small_cut_is_scored() -> None:
    """Scoring held within 0.05 of clean up to the thresholds (module docstring)."""
    w = 200.0
    inside = (MAX_OUT_SIDE - 0.05) * w
    obs = _observation((640 - w + inside, 100, 640 + inside, 340))
    assert QualityFlag.PARTLY_OUT_OF_VIEW not in quality_flags(obs, _NeverCovered())
    h = 240.0
    below = (MAX_OUT_BELOW - 0.04) * h
    obs = _observation((220, 480 - h + below, 420, 480 + below))
    assert QualityFlag.PARTLY_OUT_OF_VIEW not in quality_flags(obs, _NeverCovered())


def test_a_face_sharp_in_every_direction_is_not_blurred() -> None:
    assert blur_balance(_sharp_crop()) > 2 * MIN_BLUR_BALANCE
    assert QualityFlag.MOTION_BLUR not in quality_flags(_observation((220, 100, 420, 340)),
                                                       _NeverCovered())


def test_a_softer_face_keeps_its_balance() -> None:
    """A far or low-resolution face is soft in every direction: not a movement."""
    soft = cv2.GaussianBlur(_sharp_crop(), (0, 0), 2.0)
    assert blur_balance(soft) > MIN_BLUR_BALANCE


@pytest.mark.parametrize("degrees", [0, 30, 90, 135])
def test_a_face_smeared_one_way_is_motion_blur(degrees: float) -> None:
    crop = _smeared(_sharp_crop(), 9, degrees)
    assert blur_balance(crop) < MIN_BLUR_BALANCE
    flags = quality_flags(_observation((220, 100, 420, 340), crop), _AlwaysCovered())
    assert QualityFlag.MOTION_BLUR in flags
    assert QualityFlag.MOUTH_COVERED not in flags  # a blurred face is not judged for covers


def test_the_new_flags_have_kind_words_in_both_languages() -> None:
    for flag in (QualityFlag.PARTLY_OUT_OF_VIEW, QualityFlag.MOTION_BLUR):
        for lang in ("en", "zh-CN"):
            words = text(quality_key(flag), lang)
            assert words.strip()
            assert "（" not in words and "）" not in words


# -- real faces ---------------------------------------------------------------------------


def _children_faces(
    image_tracker: FaceTracker, root: Path, count: int = 4
) -> list[tuple[str, np.ndarray, FaceObservation]]:
    from game.vision.population import pad_crop
    from game.vision.sources import read_image

    faces: list[tuple[str, np.ndarray, FaceObservation]] = []
    for path in sorted((root / "images").iterdir())[::97][:count]:
        image = pad_crop(read_image(path))
        obs = image_tracker.observe(Frame(0, image))
        assert obs.has_face, path.name
        faces.append((path.name, image, obs))
    return faces


@pytest.mark.datasets
def test_childrens_faces_cut_by_the_frame_are_out_of_view_not_covered(
    image_tracker: FaceTracker, children_dir: Path
) -> None:
    from game.vision.conditions import partly_out

    for name, image, obs in _children_faces(image_tracker, children_dir):
        assert not quality_flags(obs) & {QualityFlag.PARTLY_OUT_OF_VIEW,
                                         QualityFlag.MOTION_BLUR}, name
        for side, below in ((0.35, 0.0), (0.0, 0.25)):
            cut = partly_out(image, obs.landmarks, np.random.default_rng(0), side, below)
            seen = image_tracker.observe(Frame(0, cut))
            if not seen.has_face:
                continue
            flags = quality_flags(seen)
            assert QualityFlag.PARTLY_OUT_OF_VIEW in flags, (name, side, below)
            assert not flags & {QualityFlag.MOUTH_COVERED, QualityFlag.EYES_COVERED}, name


@pytest.mark.datasets
def test_childrens_faces_blurred_by_movement_are_flagged(
    image_tracker: FaceTracker, children_dir: Path
) -> None:
    from game.vision.conditions import motion_blurred

    flagged = 0
    faces = _children_faces(image_tracker, children_dir)
    for k, (_, image, obs) in enumerate(faces):
        blurred = motion_blurred(image, obs.landmarks, np.random.default_rng(k), 0.16)
        seen = image_tracker.observe(Frame(0, blurred))
        flagged += seen.has_face and QualityFlag.MOTION_BLUR in quality_flags(seen)
    assert flagged >= len(faces) - 1
