"""The two face images the appearance features are computed from.

`align_face`: the eye-aligned grey face crop of the HOG features.

The face is rotated so the eye line is level, scaled so the inter-ocular distance is
`CROP_IOD` pixels, and placed with the eye midpoint at (`FACE_CROP_SIZE` / 2, `CROP_EYE_Y`)
in a `FACE_CROP_SIZE` square grey image (borders replicate the edge). One affine warp:
well under a millisecond.

`face_box_patch`: the face-expression network's input (`game.vision.face_net`), the box
around the 478 landmarks grown by `PATCH_PAD` (a tenth each side), made square about its
centre (zeros outside the frame, as face-api pads) and resized to `FACE_PATCH_SIZE` RGB.
"""

from __future__ import annotations

import cv2
import numpy as np

from game.vision.records import FACE_CROP_SIZE, FACE_PATCH_SIZE

CROP_IOD = 40.0
CROP_EYE_Y = 45.0
PATCH_PAD = 0.2

_EYE_R_OUTER, _EYE_R_INNER, _EYE_L_OUTER, _EYE_L_INNER = 33, 133, 263, 362


def align_face(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The eye-aligned grey crop (uint8, FACE_CROP_SIZE square) of the face at `landmarks`.

    Args:
        rgb: the frame, RGB uint8 (H, W, 3).
        landmarks: (478, 3) landmarks in pixels of `rgb`.
    """
    pts = np.asarray(landmarks, dtype=np.float64)[:, :2]
    eye_r = (pts[_EYE_R_OUTER] + pts[_EYE_R_INNER]) / 2
    eye_l = (pts[_EYE_L_OUTER] + pts[_EYE_L_INNER]) / 2
    centre = (eye_r + eye_l) / 2
    dx, dy = eye_l - eye_r
    dist = float(np.hypot(dx, dy))
    if dist < 1e-6:
        raise ValueError("degenerate face: the eyes coincide")
    scale = CROP_IOD / dist
    angle = float(np.arctan2(dy, dx))
    cos, sin = scale * np.cos(-angle), scale * np.sin(-angle)
    matrix = np.array([[cos, -sin, 0.0], [sin, cos, 0.0]])
    matrix[:, 2] = np.array([FACE_CROP_SIZE / 2, CROP_EYE_Y]) - matrix[:, :2] @ centre
    x0, y0, x1, y1 = _source_box(matrix, rgb.shape[1], rgb.shape[0])
    # Grey-convert only the part of the frame the crop reads (most of a 640x480 frame is not).
    grey = cv2.cvtColor(np.ascontiguousarray(rgb[y0:y1, x0:x1]), cv2.COLOR_RGB2GRAY)
    matrix[:, 2] += matrix[:, :2] @ np.array([x0, y0], dtype=np.float64)
    crop = cv2.warpAffine(
        grey,
        matrix,
        (FACE_CROP_SIZE, FACE_CROP_SIZE),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REPLICATE,
    )
    return np.ascontiguousarray(crop, dtype=np.uint8)


def _source_box(matrix: np.ndarray, width: int, height: int) -> tuple[int, int, int, int]:
    """The frame pixels (x0, y0, x1, y1) that the crop's corners map back to, plus a margin."""
    inverse = cv2.invertAffineTransform(matrix)
    corners = np.array(
        [[0, 0], [FACE_CROP_SIZE, 0], [0, FACE_CROP_SIZE], [FACE_CROP_SIZE, FACE_CROP_SIZE]],
        dtype=np.float64,
    )
    back = corners @ inverse[:, :2].T + inverse[:, 2]
    x0 = int(np.clip(np.floor(back[:, 0].min()) - 2, 0, width - 1))
    y0 = int(np.clip(np.floor(back[:, 1].min()) - 2, 0, height - 1))
    x1 = int(np.clip(np.ceil(back[:, 0].max()) + 3, x0 + 1, width))
    y1 = int(np.clip(np.ceil(back[:, 1].max()) + 3, y0 + 1, height))
    return x0, y0, x1, y1


def face_box_patch(rgb: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    """The square colour patch (uint8 RGB, FACE_PATCH_SIZE square) around `landmarks`.

    Args:
        rgb: the frame, RGB uint8 (H, W, 3).
        landmarks: (478, 3) landmarks in pixels of `rgb`.
    """
    pts = np.asarray(landmarks, dtype=np.float64)[:, :2]
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    side = max((x1 - x0), (y1 - y0)) * (1.0 + PATCH_PAD)
    if side < 1e-6:
        raise ValueError("degenerate face: the landmarks coincide")
    scale = FACE_PATCH_SIZE / side
    centre = np.array([(x0 + x1) / 2, (y0 + y1) / 2])
    matrix = np.array([[scale, 0.0, 0.0], [0.0, scale, 0.0]])
    matrix[:, 2] = FACE_PATCH_SIZE / 2 - scale * centre
    patch = cv2.warpAffine(
        np.ascontiguousarray(rgb),
        matrix,
        (FACE_PATCH_SIZE, FACE_PATCH_SIZE),
        flags=cv2.INTER_AREA if scale < 1.0 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=(0, 0, 0),
    )
    return np.ascontiguousarray(patch, dtype=np.uint8)
