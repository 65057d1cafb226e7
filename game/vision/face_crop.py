"""The three face images the appearance features are computed from.

`align_face`: the eye-aligned grey face crop of the HOG features.

The face is rotated so the eye line is level, scaled so the inter-ocular distance is
`CROP_IOD` pixels, and placed with the eye midpoint at (`FACE_CROP_SIZE` / 2, `CROP_EYE_Y`)
in a `FACE_CROP_SIZE` square grey image (borders replicate the edge). One affine warp:
well under a millisecond.

`face_box_patch`: the face-expression network's input (`game.vision.face_net`), the box
around the 478 landmarks turned upright by the eye line, grown by `PATCH_PAD` (a tenth each
side), made square about its centre (zeros outside the frame, as face-api pads) and resized
to `FACE_PATCH_SIZE` RGB.

`align_mouth`: the mouth at twice that scale (`MOUTH_IOD` pixels between the eyes), rotated
the same way and centred on the mouth, in a `MOUTH_CROP_SHAPE` grey image: the tongue,
teeth and lip press that the face crop's 8-pixel HOG cells blur (feature spec 6).

`face_exposure`: how bright the face itself is, and its contrast (quality flags).
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

import cv2
import numpy as np

from game.vision.records import (
    FACE_CROP_SIZE,
    FACE_PATCH_SIZE,
    MOUTH_CROP_SHAPE,
    FaceObservation,
)

CROP_IOD = 40.0
CROP_EYE_Y = 45.0
PATCH_PAD = 0.2
MOUTH_IOD = 80.0
# the mouth's centre: mean of the inner lips' midpoints (13, 14) and the corners (61, 291)
MOUTH_POINTS = (13, 14, 61, 291)

_EYE_R_OUTER, _EYE_R_INNER, _EYE_L_OUTER, _EYE_L_INNER = 33, 133, 263, 362


def align_face(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The eye-aligned grey crop (uint8, FACE_CROP_SIZE square) of the face at `landmarks`.

    Args:
        rgb: the frame, RGB uint8 (H, W, 3).
        landmarks: (478, 3) landmarks in pixels of `rgb`.
    """
    centre, dist, angle = eye_line(landmarks)
    scale = CROP_IOD / dist
    cos, sin = scale * np.cos(-angle), scale * np.sin(-angle)
    matrix = np.array([[cos, -sin, 0.0], [sin, cos, 0.0]])
    matrix[:, 2] = np.array([FACE_CROP_SIZE / 2, CROP_EYE_Y]) - matrix[:, :2] @ centre
    return _warp_grey(rgb, matrix, (FACE_CROP_SIZE, FACE_CROP_SIZE))


def align_mouth(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The eye-aligned grey crop of the mouth (uint8, `MOUTH_CROP_SHAPE` = (128, 192)).

    Rotated so the eye line is level, scaled so the inter-ocular distance is `MOUTH_IOD`
    (80) pixels, with the mouth's centre (`MOUTH_POINTS`) in the middle: about 2.4 x 1.6
    inter-ocular distances of the lower face. A face mirrored left-right gives this crop
    mirrored (the centre's points are the midline and a pair of corners).

    Args:
        rgb: the frame, RGB uint8 (H, W, 3).
        landmarks: (478, 3) landmarks in pixels of `rgb`.

    Raises:
        ValueError: the eyes coincide.
    """
    _, dist, angle = eye_line(landmarks)
    centre = np.asarray(landmarks, dtype=np.float64)[list(MOUTH_POINTS), :2].mean(axis=0)
    scale = MOUTH_IOD / dist
    cos, sin = scale * np.cos(-angle), scale * np.sin(-angle)
    matrix = np.array([[cos, -sin, 0.0], [sin, cos, 0.0]])
    height, width = MOUTH_CROP_SHAPE
    matrix[:, 2] = np.array([width / 2, height / 2]) - matrix[:, :2] @ centre
    return _warp_grey(rgb, matrix, (width, height))


def _warp_grey(rgb: np.ndarray, matrix: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The grey (uint8) image of `size` (width, height) that `matrix` maps `rgb` onto."""
    x0, y0, x1, y1 = _source_box(matrix, rgb.shape[1], rgb.shape[0], size)
    # Grey-convert only the part of the frame the crop reads (most of a 640x480 frame is not).
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    matrix = matrix.copy()
    matrix[:, 2] += matrix[:, :2] @ np.array([x0, y0], dtype=np.float64)
    crop = cv2.warpAffine(
        grey, matrix, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return np.ascontiguousarray(crop, dtype=np.uint8)


def _source_box(
    matrix: np.ndarray, width: int, height: int, size: tuple[int, int]
) -> tuple[int, int, int, int]:
    """The frame pixels (x0, y0, x1, y1) that the corners of a crop of `size` (width,
    height) map back to, plus a margin."""
    inverse = cv2.invertAffineTransform(matrix)
    w, h = size
    corners = np.array([[0, 0], [w, 0], [0, h], [w, h]], dtype=np.float64)
    back = corners @ inverse[:, :2].T + inverse[:, 2]
    x0 = int(np.clip(np.floor(back[:, 0].min()) - 2, 0, width - 1))
    y0 = int(np.clip(np.floor(back[:, 1].min()) - 2, 0, height - 1))
    x1 = int(np.clip(np.ceil(back[:, 0].max()) + 3, x0 + 1, width))
    y1 = int(np.clip(np.ceil(back[:, 1].max()) + 3, y0 + 1, height))
    return x0, y0, x1, y1


def eye_line(landmarks: np.ndarray) -> tuple[np.ndarray, float, float]:
    """(eye midpoint (2,), inter-ocular distance in px, roll angle of the eye line in
    radians) of (478, 3) landmarks. Raises ValueError when the eyes coincide."""
    pts = np.asarray(landmarks, dtype=np.float64)[:, :2]
    eye_r = (pts[_EYE_R_OUTER] + pts[_EYE_R_INNER]) / 2
    eye_l = (pts[_EYE_L_OUTER] + pts[_EYE_L_INNER]) / 2
    dx, dy = eye_l - eye_r
    dist = float(np.hypot(dx, dy))
    if dist < 1e-6:
        raise ValueError("degenerate face: the eyes coincide")
    return (eye_r + eye_l) / 2, dist, float(np.arctan2(dy, dx))


def patch_matrix(landmarks: np.ndarray) -> np.ndarray:
    """The (2, 3) affine map from frame pixels to `face_box_patch`'s pixels for these
    (478, 3) landmarks (x' = M[:, :2] @ x + M[:, 2]). Raises ValueError for degenerate
    landmarks (eyes or all points on one pixel)."""
    pts = np.asarray(landmarks, dtype=np.float64)[:, :2]
    _, _, angle = eye_line(landmarks)
    centre = (pts.min(axis=0) + pts.max(axis=0)) / 2
    cos, sin = np.cos(-angle), np.sin(-angle)
    turn = np.array([[cos, -sin], [sin, cos]])
    upright = (pts - centre) @ turn.T
    (x0, y0), (x1, y1) = upright.min(axis=0), upright.max(axis=0)
    side = max((x1 - x0), (y1 - y0)) * (1.0 + PATCH_PAD)
    if side < 1e-6:
        raise ValueError("degenerate face: the landmarks coincide")
    scale = FACE_PATCH_SIZE / side
    box_centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    matrix = np.zeros((2, 3))
    matrix[:, :2] = scale * turn
    matrix[:, 2] = FACE_PATCH_SIZE / 2 - scale * (box_centre + turn @ centre)
    return matrix


def face_box_patch(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The square colour patch (uint8 RGB, FACE_PATCH_SIZE square) around `landmarks`,
    turned upright by the eye line.

    The landmarks are rotated about their centre so the eyes lie level; the patch is the box
    around the rotated landmarks grown by `PATCH_PAD` and made square (`patch_matrix`). A
    face with no roll gives the same patch as a box cut square to the image axes (the
    network's training input); a tilted head no longer reaches the network tilted.

    Args:
        rgb: the frame, RGB uint8 (H, W, 3).
        landmarks: (478, 3) landmarks in pixels of `rgb`.

    Raises:
        ValueError: the landmarks are degenerate (eyes or all points on one pixel).
    """
    matrix = patch_matrix(landmarks)
    scale = float(np.hypot(matrix[0, 0], matrix[0, 1]))
    patch = cv2.warpAffine(
        np.ascontiguousarray(rgb),
        matrix,
        (FACE_PATCH_SIZE, FACE_PATCH_SIZE),
        flags=cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )
    return np.ascontiguousarray(patch, dtype=np.uint8)


NORMALISE_BELOW = 70.0  # faces darker than this (mean luma) are brought up ...
EXPOSURE_TARGET = 110.0  # ... towards this mean luma
MAX_GAIN = 4.0


def exposure_gain(brightness: float) -> float:
    """The gain that brings a dim face's images towards `EXPOSURE_TARGET` (1 for a face at
    or above `NORMALISE_BELOW`, at most `MAX_GAIN`)."""
    if brightness >= NORMALISE_BELOW or brightness <= 0:
        return 1.0
    return float(min(EXPOSURE_TARGET / brightness, MAX_GAIN))


class FaceImages(NamedTuple):
    """The appearance inputs of one face (see the module docstring)."""

    crop: np.ndarray  # align_face: grey (FACE_CROP_SIZE, FACE_CROP_SIZE)
    patch: np.ndarray  # face_box_patch: RGB (FACE_PATCH_SIZE, FACE_PATCH_SIZE, 3)
    mouth: np.ndarray  # align_mouth: grey MOUTH_CROP_SHAPE

    def as_fields(self) -> dict[str, np.ndarray]:
        """The images under their `FaceObservation` field names."""
        return {"face_crop": self.crop, "face_patch": self.patch, "mouth_crop": self.mouth}

    def given_to(self, observation: FaceObservation) -> FaceObservation:
        """`observation` carrying these images (e.g. one rebuilt from a cache without them)."""
        return replace(observation, face_crop=self.crop, face_patch=self.patch,
                       mouth_crop=self.mouth)


def face_images(
    rgb: np.ndarray, landmarks: np.ndarray, brightness: float | None = None
) -> FaceImages:
    """`align_face`, `face_box_patch` and `align_mouth` of the face, each brought up by
    `exposure_gain` of the face's brightness (measured here when not given). Raises
    ValueError for degenerate landmarks."""
    crop, patch = align_face(rgb, landmarks), face_box_patch(rgb, landmarks)
    mouth = align_mouth(rgb, landmarks)
    if brightness is None:
        pts = np.asarray(landmarks)[:, :2]
        (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
        brightness = face_exposure(rgb, (float(x0), float(y0), float(x1), float(y1)))[0]
    gain = exposure_gain(brightness)
    if gain != 1.0:
        crop = cv2.convertScaleAbs(crop, alpha=gain)
        patch = cv2.convertScaleAbs(patch, alpha=gain)
        mouth = cv2.convertScaleAbs(mouth, alpha=gain)
    return FaceImages(crop, patch, mouth)


_LUMA = np.array([0.299, 0.587, 0.114], np.float32)


def face_exposure(
    rgb: np.ndarray, box: tuple[float, float, float, float] | None
) -> tuple[float, float]:
    """(brightness, contrast) of the face: the mean luma (0-255) of the middle of `box`
    (its central 60%, so hair and background count little) and the spread of luma there
    (90th minus 10th percentile). Without a box: the whole frame's mean luma and 0.
    Every 2nd pixel is read (enough for a mean, a tenth of the cost on big faces)."""
    if box is None:
        sub = rgb[::4, ::4].astype(np.float32)
        return float((sub @ _LUMA).mean()), 0.0
    h, w = rgb.shape[:2]
    x0, y0, x1, y1 = box
    mx, my = 0.2 * (x1 - x0), 0.2 * (y1 - y0)
    xa, ya = max(int(x0 + mx), 0), max(int(y0 + my), 0)
    xb, yb = min(int(np.ceil(x1 - mx)), w), min(int(np.ceil(y1 - my)), h)
    if xb <= xa or yb <= ya:
        return face_exposure(rgb, None)
    step = 2 if (xb - xa) > 40 else 1
    luma = rgb[ya:yb:step, xa:xb:step].astype(np.float32) @ _LUMA
    low, high = np.percentile(luma, [10, 90])
    return float(luma.mean()), float(high - low)
