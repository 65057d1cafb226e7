"""MediaPipe FaceLandmarker behind our own small interface: Frame in, FaceObservation out.

This is the one adapter that sees MediaPipe types; everything after it sees
`FaceObservation`. Per frame it does what a webcam needs (ARCHITECTURE.md, "The live face"):

1. **Follow the child** (video mode, once a face is known): the landmarker looks at the
   region of interest around the child's last face, sampled up (`game.vision.reach`), so a
   48 px face reaches the model as a 128 px one.
2. **Search** when the child is not where they were: the landmarker on the whole frame
   (faces >= ~64 px at 640x480), and the zoomed search: MediaPipe's face detector (the
   one inside the landmarker bundle) on overlapping 320 px tiles, and the landmarker on the
   region around each face it finds there. Before anything is locked (and in image mode)
   the search sweeps every tile at once, so the first choice sees every face; while a
   locked child is away it looks at `tiles_per_frame` tiles a frame, in turn, so its cost
   stays bounded.
3. **Choose the child's face** with `game.vision.child_lock.ChildLock`: the face the session
   started with, followed by position; a face that arrives later never takes over.
4. **Count the other faces** (advice only): faces beside the child in its region, and every
   `others_every_ms` the detector on the whole frame.

IMAGE mode looks at each frame afresh (still images, datasets): no lock history.
The landmarker itself always runs in MediaPipe's IMAGE mode, on the region we give it.
"""

from __future__ import annotations

import logging
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np

from game.closing import Closing
from game.vision.child_lock import Candidate, ChildLock
from game.vision.face_crop import face_exposure, face_images
from game.vision.landmarker_asset import landmarker_path
from game.vision.reach import (
    Box,
    Region,
    box_iou,
    merge_boxes,
    roi_around,
    search_tiles,
)
from game.vision.records import N_LANDMARKS, FaceObservation, Frame

logger = logging.getLogger(__name__)

os.environ.setdefault("GLOG_minloglevel", "2")  # keep MediaPipe's C++ logging quiet

TrackerMode = Literal["video", "image"]
SAME_FACE_IOU = 0.3  # two finds of one face overlap at least this much


@dataclass(frozen=True, slots=True)
class TrackerSettings:
    """Face tracker settings.

    `detection_confidence` is the landmarker's own detector threshold; `search_confidence`
    the threshold of the zoomed search's detector (lower finds more far faces and more
    false ones: each find is confirmed by the landmarker). `tiles_per_frame` bounds the
    search's cost per frame in video mode; `others_every_ms` is how often the whole frame
    is checked for other faces while the child is followed.
    """

    mode: TrackerMode = "video"
    max_faces: int = 3
    detection_confidence: float = 0.3
    presence_confidence: float = 0.5
    tracking_confidence: float = 0.5
    landmarker: Path | None = None
    search_confidence: float = 0.5
    tiles_per_frame: int = 6
    others_every_ms: int = 500


@dataclass(frozen=True, slots=True)
class FoundFace:
    """One face the landmarker found, already in frame px (no MediaPipe types)."""

    landmarks: np.ndarray  # (478, 3) frame px
    blendshapes: dict[str, float]
    transform: np.ndarray  # (4, 4)

    @property
    def box(self) -> Box:
        x0, y0 = self.landmarks[:, :2].min(axis=0)
        x1, y1 = self.landmarks[:, :2].max(axis=0)
        return (float(x0), float(y0), float(x1), float(y1))


class FaceTracker(Closing):
    """Finds, follows and locks onto the child's face with MediaPipe.

    Use as a context manager or call `close()`: MediaPipe raises at interpreter exit when a
    landmarker is left open.
    """

    def __init__(self, settings: TrackerSettings | None = None) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        self.settings = settings or TrackerSettings()
        model = landmarker_path(self.settings.landmarker)
        options = vision.FaceLandmarkerOptions(
            base_options=BaseOptions(model_asset_path=str(model)),
            running_mode=vision.RunningMode.IMAGE,
            num_faces=self.settings.max_faces,
            min_face_detection_confidence=self.settings.detection_confidence,
            min_face_presence_confidence=self.settings.presence_confidence,
            min_tracking_confidence=self.settings.tracking_confidence,
            output_face_blendshapes=True,
            output_facial_transformation_matrixes=True,
        )
        self._landmarker: Any = vision.FaceLandmarker.create_from_options(options)
        self._detector: Any = vision.FaceDetector.create_from_options(
            vision.FaceDetectorOptions(
                base_options=BaseOptions(model_asset_buffer=_bundled_detector(model)),
                running_mode=vision.RunningMode.IMAGE,
                min_detection_confidence=self.settings.search_confidence,
            )
        )
        self.lock = ChildLock()
        self._tile_cursor = 0
        self._others = 0
        self._others_checked_ms: int | None = None

    def close(self) -> None:
        for name in ("_landmarker", "_detector"):
            task = getattr(self, name, None)
            if task is not None:
                task.close()
                setattr(self, name, None)

    def reset_lock(self) -> None:
        """Forget whose face this is: the next face found (the most central) is taken as
        the child's. For tools that show unrelated images one after another
        (`facequest robustness`); a session keeps its child from start to end."""
        self.lock.reset()

    def observe(self, frame: Frame) -> FaceObservation:
        """Find the child's face in `frame`; the empty observation when it is not there.

        Raises RuntimeError when the tracker is closed.
        """
        if self._landmarker is None:
            raise RuntimeError("FaceTracker is closed")
        video = self.settings.mode == "video"
        if not video:
            self.lock.reset()
        faces: list[FoundFace] = []
        if video and self.lock.box is not None:
            faces = self._landmark(frame.rgb, roi_around(self.lock.box, frame.size))
        if not self._continues(faces, frame):
            # Before a lock, one full sweep, so the first choice sees every face; while the
            # child is away, a few tiles a frame.
            sweep = not video or not self.lock.locked
            faces = _distinct(faces + self._search(frame, all_tiles=sweep))
        candidates = [Candidate(f.box) for f in faces]
        index = self.lock.choose(candidates, frame.t_ms, frame.size)
        if index is None:
            return FaceObservation.empty(
                frame.t_ms, frame.size, brightness=face_exposure(frame.rgb, None)[0]
            )
        child = faces[index]
        others = len(faces) - 1
        if video:
            others = max(others, self._other_faces(frame, child.box))
        return _observation(frame, child, faces_seen=1 + others)

    # -- finding faces ---------------------------------------------------------------------

    def _continues(self, faces: list[FoundFace], frame: Frame) -> bool:
        if not faces or self.lock.box is None:
            return False
        return self.lock.follows([Candidate(f.box) for f in faces], frame.t_ms) is not None

    def _search(self, frame: Frame, *, all_tiles: bool) -> list[FoundFace]:
        """Faces of the whole frame and of the zoomed search (see the module docstring)."""
        found = self._landmark(frame.rgb, None)
        tiles = search_tiles(frame.size)
        if not tiles:
            return found
        if not all_tiles:
            count = min(self.settings.tiles_per_frame, len(tiles))
            start = self._tile_cursor % len(tiles)
            tiles = [tiles[(start + k) % len(tiles)] for k in range(count)]
            self._tile_cursor = start + count
        boxes = merge_boxes([sb for tile in tiles for sb in self._detect(frame.rgb, tile)])
        faces = list(found)
        for _, box in boxes[: self.settings.max_faces]:
            if any(box_iou(box, f.box) >= SAME_FACE_IOU for f in faces):
                continue  # already found on the whole frame
            faces.extend(self._landmark(frame.rgb, roi_around(box, frame.size)))
        return _distinct(faces)

    def _other_faces(self, frame: Frame, child: Box) -> int:
        """How many faces besides the child's the whole-frame detector saw lately."""
        t = frame.t_ms
        due = self._others_checked_ms is None or (
            t - self._others_checked_ms >= self.settings.others_every_ms
            or t < self._others_checked_ms
        )
        if due:
            self._others_checked_ms = t
            boxes = self._detect(frame.rgb, None)
            self._others = sum(1 for _, b in boxes if not _inside(b, child))
        return self._others

    def _landmark(self, rgb: np.ndarray, region: Region | None) -> list[FoundFace]:
        """Faces the landmarker finds in `region` of the frame (None: the frame as it is)."""
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=_sampled(rgb, region))
        h, w = rgb.shape[:2]
        whole = np.array([w, h, w], dtype=np.float32)
        result = self._landmarker.detect(image)
        faces = []
        blendshape_lists = result.face_blendshapes or []
        matrices = result.facial_transformation_matrixes or []
        for i, face in enumerate(result.face_landmarks or []):
            if i >= len(blendshape_lists):
                break
            normalised = np.array([(p.x, p.y, p.z) for p in face], dtype=np.float32)
            transform = (
                np.asarray(matrices[i], dtype=np.float32)
                if i < len(matrices)
                else np.eye(4, dtype=np.float32)
            )
            faces.append(
                FoundFace(
                    landmarks=(
                        normalised[:N_LANDMARKS] * whole
                        if region is None
                        else region.to_frame(normalised[:N_LANDMARKS])
                    ),
                    blendshapes={c.category_name: float(c.score) for c in blendshape_lists[i]},
                    transform=transform,
                )
            )
        return faces

    def _detect(self, rgb: np.ndarray, region: Region | None) -> list[tuple[float, Box]]:
        """Face boxes (score, frame px) the detector finds in `region` (None: the frame)."""
        import mediapipe as mp

        image = mp.Image(image_format=mp.ImageFormat.SRGB, data=_sampled(rgb, region))
        found = []
        for detection in self._detector.detect(image).detections or []:
            b = detection.bounding_box
            box = (
                float(b.origin_x),
                float(b.origin_y),
                float(b.origin_x + b.width),
                float(b.origin_y + b.height),
            )
            score = float(detection.categories[0].score) if detection.categories else 0.0
            found.append((score, box if region is None else region.box_to_frame(box)))
        return found


def _sampled(rgb: np.ndarray, region: Region | None) -> np.ndarray:
    """The region's image, sampled (black outside the frame); None: the frame itself."""
    return np.ascontiguousarray(rgb) if region is None else region.sample(rgb)


def _inside(box: Box, face: Box) -> bool:
    """Whether the centre of `box` lies in `face` (a detector's box of the same face can
    overlap the landmark box little, yet its centre is inside)."""
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return face[0] <= cx <= face[2] and face[1] <= cy <= face[3]


def _distinct(faces: list[FoundFace]) -> list[FoundFace]:
    kept: list[FoundFace] = []
    for f in faces:
        if all(box_iou(f.box, k.box) < SAME_FACE_IOU for k in kept):
            kept.append(f)
    return kept


def _bundled_detector(bundle: Path) -> bytes:
    """The face detector model inside the landmarker bundle (a zip of .tflite files)."""
    with zipfile.ZipFile(bundle) as archive:
        return archive.read("face_detector.tflite")


def _observation(frame: Frame, face: FoundFace, faces_seen: int) -> FaceObservation:
    box = face.box
    brightness, contrast = face_exposure(frame.rgb, box)
    return FaceObservation(
        t_ms=frame.t_ms,
        frame_size=frame.size,
        faces_seen=faces_seen,
        landmarks=face.landmarks,
        blendshapes=face.blendshapes,
        transform=face.transform,
        brightness=brightness,
        contrast=contrast,
        **_crops_or_empty(frame.rgb, face.landmarks, brightness),
    )


def _crops_or_empty(
    rgb: np.ndarray, landmarks: np.ndarray, brightness: float
) -> dict[str, np.ndarray]:
    """`face_crop`, `face_patch` and `mouth_crop` of the observation (all empty when any
    fails)."""
    try:
        images = face_images(rgb, landmarks, brightness)
    except ValueError:  # eyes on one pixel: no usable crop
        return {}
    return images.as_fields()
