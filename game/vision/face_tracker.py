"""MediaPipe FaceLandmarker behind our own small interface: Frame in, FaceObservation out.

This is the one adapter that sees MediaPipe types; everything after it sees
`FaceObservation`. VIDEO mode tracks a face across frames (needs increasing timestamps);
IMAGE mode looks at each frame afresh (for still images and datasets).
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from game.closing import Closing
from game.vision.face_crop import align_face, face_box_patch
from game.vision.landmarker_asset import landmarker_path
from game.vision.records import N_LANDMARKS, FaceObservation, Frame

logger = logging.getLogger(__name__)

os.environ.setdefault("GLOG_minloglevel", "2")  # keep MediaPipe's C++ logging quiet

TrackerMode = Literal["video", "image"]


@dataclass(frozen=True, slots=True)
class TrackerSettings:
    """Face tracker settings. 640x480 frames and confidence 0.3 find small, far faces."""

    mode: TrackerMode = "video"
    max_faces: int = 3
    detection_confidence: float = 0.3
    presence_confidence: float = 0.5
    tracking_confidence: float = 0.5
    landmarker: Path | None = None


class FaceTracker(Closing):
    """Finds faces with MediaPipe and reports the largest, most central one.

    Use as a context manager or call `close()`: MediaPipe raises at interpreter exit when a
    landmarker is left open.
    """

    def __init__(self, settings: TrackerSettings | None = None) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        self.settings = settings or TrackerSettings()
        model = landmarker_path(self.settings.landmarker)
        running_mode = (
            vision.RunningMode.VIDEO if self.settings.mode == "video" else vision.RunningMode.IMAGE
        )
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model)),
            running_mode=running_mode,
            num_faces=self.settings.max_faces,
            min_face_detection_confidence=self.settings.detection_confidence,
            min_face_presence_confidence=self.settings.presence_confidence,
            min_tracking_confidence=self.settings.tracking_confidence,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        self._landmarker: Any = vision.FaceLandmarker.create_from_options(options)
        self._last_t_ms = -1

    def close(self) -> None:
        if self._landmarker is not None:
            self._landmarker.close()
            self._landmarker = None

    def observe(self, frame: Frame) -> FaceObservation:
        """Look for faces in `frame`; the empty observation when there is none."""
        import mediapipe as mp

        if self._landmarker is None:
            raise RuntimeError("FaceTracker is closed")
        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=np.ascontiguousarray(frame.rgb))
        if self.settings.mode == "video":
            # VIDEO mode needs strictly increasing timestamps.
            t_ms = max(frame.t_ms, self._last_t_ms + 1)
            self._last_t_ms = t_ms
            result = self._landmarker.detect_for_video(image, t_ms)
        else:
            result = self._landmarker.detect(image)
        return observation_from_result(result, frame)


def _mean_luma(rgb: np.ndarray, box: tuple[float, float, float, float] | None = None) -> float:
    if box is not None:
        h, w = rgb.shape[:2]
        x0, y0 = max(int(box[0]), 0), max(int(box[1]), 0)
        x1, y1 = min(int(box[2]), w), min(int(box[3]), h)
        if x1 > x0 and y1 > y0:
            rgb = rgb[y0:y1, x0:x1]
    sub = rgb[::4, ::4].astype(np.float32)
    return float((sub @ np.array([0.299, 0.587, 0.114], np.float32)).mean())


def observation_from_result(result: Any, frame: Frame) -> FaceObservation:
    """Convert a MediaPipe FaceLandmarkerResult into our FaceObservation."""
    width, height = frame.size
    faces = list(result.face_landmarks or [])
    if not faces:
        return FaceObservation.empty(frame.t_ms, frame.size, brightness=_mean_luma(frame.rgb))
    scale = np.array([width, height, width], dtype=np.float32)
    best_index, best_value = 0, -np.inf
    arrays = []
    for i, face in enumerate(faces):
        pts = np.array([(p.x, p.y, p.z) for p in face], dtype=np.float32)[:N_LANDMARKS] * scale
        arrays.append(pts)
        x0, y0 = pts[:, :2].min(axis=0)
        x1, y1 = pts[:, :2].max(axis=0)
        area = float((x1 - x0) * (y1 - y0)) / (width * height)
        centre = np.array([(x0 + x1) / 2 / width, (y0 + y1) / 2 / height])
        off_centre = float(np.linalg.norm(centre - 0.5))
        value = area - 0.5 * off_centre * area  # largest first, ties go to the central one
        if value > best_value:
            best_index, best_value = i, value
    landmarks = arrays[best_index]
    blendshapes = {c.category_name: float(c.score) for c in result.face_blendshapes[best_index]}
    matrices = result.facial_transformation_matrixes or []
    transform = (
        np.asarray(matrices[best_index], dtype=np.float32)
        if len(matrices) > best_index
        else np.eye(4, dtype=np.float32)
    )
    x0, y0 = landmarks[:, :2].min(axis=0)
    x1, y1 = landmarks[:, :2].max(axis=0)
    box = (float(x0), float(y0), float(x1), float(y1))
    return FaceObservation(
        t_ms=frame.t_ms,
        frame_size=frame.size,
        faces_seen=len(faces),
        landmarks=landmarks,
        blendshapes=blendshapes,
        transform=transform,
        brightness=_mean_luma(frame.rgb, box),
        **_crops_or_empty(frame.rgb, landmarks),
    )


def _crops_or_empty(rgb: np.ndarray, landmarks: np.ndarray) -> dict[str, np.ndarray]:
    """`face_crop` and `face_patch` of the observation (both empty when either fails)."""
    try:
        return {
            "face_crop": align_face(rgb, landmarks),
            "face_patch": face_box_patch(rgb, landmarks),
        }
    except ValueError:  # eyes on one pixel: no usable crop
        return {}
