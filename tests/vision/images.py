"""Real-face test images built from the astronaut photo (scikit-image), nothing stored."""

from __future__ import annotations

import cv2
import numpy as np


def in_frame(
    face: np.ndarray, size: tuple[int, int] = (640, 480), height: int = 400, grey: int = 110
) -> np.ndarray:
    """`face` scaled to `height` px and centred in a grey frame of `size` (w, h)."""
    scale = height / face.shape[0]
    face = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    width, frame_h = size
    canvas = np.full((frame_h, width, 3), grey, dtype=np.uint8)
    h, w = face.shape[:2]
    y, x = (frame_h - h) // 2, (width - w) // 2
    canvas[y : y + h, x : x + w] = face
    return canvas


def rotated(rgb: np.ndarray, degrees: float) -> np.ndarray:
    h, w = rgb.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return np.ascontiguousarray(
        cv2.warpAffine(rgb, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    )


def darkened(rgb: np.ndarray, factor: float) -> np.ndarray:
    return np.ascontiguousarray((rgb.astype(np.float32) * factor).astype(np.uint8))


def two_faces(astronaut: np.ndarray) -> np.ndarray:
    crop = astronaut[0:300, 110:370]
    return np.ascontiguousarray(np.concatenate([crop, crop[:, ::-1]], axis=1))
