"""Synthetic expression material built from real faces, to validate expression dynamics.

From one subject's neutral photo and peak-expression photo (same person) this builds:

- `aligned_pair`: the neutral warped onto the peak by a similarity transform fitted on
  stable landmarks (eye corners, nose bridge), so head position, size and roll match;
- `blend`: the face a given fraction of the way from the aligned neutral to the peak, by a
  landmark morph (both images warped piecewise-affinely onto the interpolated landmark
  positions, then cross-dissolved) or by a plain cross-dissolve (ghosting);
- `half_composite`: one image side of the face from the peak, the other from the neutral;
- `onset_clip`: a video that holds the neutral, ramps to the peak and holds it, with a
  known onset frame.

Units: images are RGB uint8 arrays (H, W, 3); landmarks are (478, 2) float pixel (x, y)
positions (MediaPipe FaceLandmarker, through the project's `FaceTracker` in image mode);
fractions run from 0 (neutral) to 1 (peak); frame indices count from 0; fps is frames per
second; noise is in grey levels (0-255). Dataset images are read-only research material:
write what is built here only to temporary folders.
"""

from __future__ import annotations

import csv
import functools
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import cv2
import numpy as np
from scipy.spatial import Delaunay

from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.records import Frame

Landmarker = Callable[[np.ndarray], np.ndarray]
Side = Literal["image_left", "image_right"]
Method = Literal["morph", "dissolve"]

# Stable points: eye corners (outer, inner; both eyes) and the nose bridge.
STABLE_LANDMARKS: tuple[int, ...] = (33, 133, 263, 362, 168, 6, 197, 195)
# The face's vertical midline, forehead to chin: nose bridge, nose, lips, chin.
MIDLINE_LANDMARKS: tuple[int, ...] = (10, 151, 9, 8, 168, 6, 197, 195, 5, 4, 1, 2, 0, 17, 152)


@functools.cache
def _tracker() -> FaceTracker:
    return FaceTracker(TrackerSettings(mode="image"))


def face_landmarks(rgb: np.ndarray) -> np.ndarray:
    """The (478, 2) landmark pixel positions of the face in `rgb` (the project's tracker in
    image mode). Raises ValueError when no face is found."""
    observation = _tracker().observe(Frame(0, np.ascontiguousarray(rgb)))
    if not observation.has_face:
        raise ValueError("no face found in the image")
    return np.asarray(observation.landmarks[:, :2], dtype=np.float64)


def load_rgb(path: Path, pad: int = 0) -> np.ndarray:
    """An image file as RGB uint8, with `pad` pixels of replicated border on every side."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"not a readable image: {path}")
    if pad > 0:
        bgr = cv2.copyMakeBorder(bgr, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def subjects_with_pairs(dataset_dir: Path, target: str) -> list[tuple[str, Path, Path]]:
    """(subject, neutral_path, peak_path) for every subject of a dataset (labels.csv with
    file,label,subject) that has both a neutral image and a `target` image; the first file
    of each (sorted by name) when a subject has several takes: in cafe_children that is the
    mouth-closed variant ("neutral_", "happy_") where one exists ("neutralopen_",
    "happyopen_" otherwise). Sorted by subject."""
    files: dict[tuple[str, str], list[str]] = {}
    with (dataset_dir / "labels.csv").open(newline="") as fh:
        for row in csv.DictReader(fh):
            files.setdefault((row["subject"], row["label"]), []).append(row["file"])
    subjects = sorted({s for s, label in files if label == target})
    return [
        (s, dataset_dir / min(files[s, "neutral"]), dataset_dir / min(files[s, target]))
        for s in subjects
        if (s, "neutral") in files
    ]


def aligned_pair(
    neutral_rgb: np.ndarray, peak_rgb: np.ndarray, landmarker: Landmarker = face_landmarks
) -> tuple[np.ndarray, np.ndarray]:
    """(neutral_aligned, peak): the neutral warped onto the peak's frame (same shape as the
    peak) by the least-squares similarity transform (shift, scale, rotation) that maps the
    neutral's `STABLE_LANDMARKS` onto the peak's. Borders are replicated."""
    src = landmarker(neutral_rgb)[list(STABLE_LANDMARKS)].astype(np.float32)
    dst = landmarker(peak_rgb)[list(STABLE_LANDMARKS)].astype(np.float32)
    matrix, _ = cv2.estimateAffinePartial2D(src, dst, method=cv2.LMEDS)
    if matrix is None:
        raise ValueError("could not fit a similarity transform between the two faces")
    h, w = peak_rgb.shape[:2]
    warped = cv2.warpAffine(
        neutral_rgb, matrix, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE
    )
    return warped, peak_rgb.copy()


def _border_points(h: int, w: int) -> np.ndarray:
    """Corners and edge midpoints (and quarter points) of an h x w image, in pixels."""
    xs, ys = np.linspace(0, w - 1, 5), np.linspace(0, h - 1, 5)
    top = [(x, 0.0) for x in xs] + [(x, h - 1.0) for x in xs]
    sides = [(0.0, y) for y in ys[1:-1]] + [(w - 1.0, y) for y in ys[1:-1]]
    return np.array(top + sides, dtype=np.float64)


def warp_to_points(rgb: np.ndarray, src_pts: np.ndarray, dst_pts: np.ndarray) -> np.ndarray:
    """`rgb` warped piecewise-affinely so that its points `src_pts` (N, 2) land on
    `dst_pts` (N, 2): a Delaunay triangulation of `dst_pts` plus the image border, each
    output pixel sampled (bilinearly) at the same barycentric position in its source
    triangle."""
    h, w = rgb.shape[:2]
    border = _border_points(h, w)
    dst = np.vstack([dst_pts, border])
    src = np.vstack([src_pts, border])
    tri = Delaunay(dst)
    ys, xs = np.mgrid[0:h, 0:w]
    q = np.stack([xs.ravel(), ys.ravel()], axis=1).astype(np.float64)
    simplex = tri.find_simplex(q)
    inside = simplex >= 0
    maps = q.copy()
    s = simplex[inside]
    affine = tri.transform[s]
    b = np.einsum("nij,nj->ni", affine[:, :2], q[inside] - affine[:, 2])
    bary = np.column_stack([b, 1.0 - b.sum(axis=1)])
    maps[inside] = np.einsum("ni,nij->nj", bary, src[tri.simplices[s]])
    mx = maps[:, 0].reshape(h, w).astype(np.float32)
    my = maps[:, 1].reshape(h, w).astype(np.float32)
    return cv2.remap(rgb, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)


def blend(
    neutral_aligned: np.ndarray,
    peak: np.ndarray,
    fraction: float,
    method: Method = "morph",
    points: tuple[np.ndarray, np.ndarray] | None = None,
    landmarker: Landmarker = face_landmarks,
) -> np.ndarray:
    """The face `fraction` (0 = neutral, 1 = peak) of the way from the aligned neutral to
    the peak. "morph": both images warped onto the linearly interpolated landmark positions
    (`warp_to_points`), then cross-dissolved with weight `fraction` on the peak;
    "dissolve": the pixels alone cross-dissolved. `points` (neutral's, peak's landmarks,
    (478, 2) px each) saves finding them again."""
    if not 0.0 <= fraction <= 1.0:
        raise ValueError(f"fraction must be in [0, 1], got {fraction}")
    a, b = neutral_aligned.astype(np.float32), peak.astype(np.float32)
    if method == "morph":
        pts_n, pts_p = points or (landmarker(neutral_aligned), landmarker(peak))
        mid = (1.0 - fraction) * pts_n + fraction * pts_p
        a = warp_to_points(neutral_aligned, pts_n, mid).astype(np.float32)
        b = warp_to_points(peak, pts_p, mid).astype(np.float32)
    elif method != "dissolve":
        raise ValueError(f"unknown blend method {method!r}")
    out = (1.0 - fraction) * a + fraction * b
    return np.asarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))


def half_composite(
    neutral_aligned: np.ndarray,
    peak: np.ndarray,
    side: Side,
    feather_px: float = 6.0,
    landmarker: Landmarker = face_landmarks,
) -> np.ndarray:
    """The peak on one image side of the face's midline and the neutral on the other.

    The midline is the least-squares line x = a*y + c through the peak's
    `MIDLINE_LANDMARKS` (forehead, nose bridge, nose, lips, chin); the weight of the peak
    ramps linearly from 1 to 0 over `feather_px` pixels across it. `side` is the side in
    the image: "image_left" (smaller x; the subject's right in an unmirrored photo) or
    "image_right".
    """
    if side not in ("image_left", "image_right"):
        raise ValueError(f"side must be 'image_left' or 'image_right', got {side!r}")
    mid = landmarker(peak)[list(MIDLINE_LANDMARKS)]
    a, c = np.polyfit(mid[:, 1], mid[:, 0], 1)
    h, w = peak.shape[:2]
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    distance = (xs - (a * ys + c)) / np.sqrt(1.0 + a * a)  # > 0 on the image's right
    if side == "image_left":
        distance = -distance
    weight = np.clip(0.5 + distance / max(feather_px, 1e-6), 0.0, 1.0)[..., None]
    out = weight * peak.astype(np.float32) + (1.0 - weight) * neutral_aligned.astype(np.float32)
    return np.asarray(np.clip(np.rint(out), 0, 255).astype(np.uint8))


def onset_fraction(index: int, onset_frame: int, ramp_frames: int) -> float:
    """The blend fraction shown at frame `index`: 0 before `onset_frame`; then linear,
    (index - onset_frame + 1) / ramp_frames, reaching 1 at onset_frame + ramp_frames - 1
    and held; a step to 1 at `onset_frame` when `ramp_frames` is 0."""
    if index < onset_frame:
        return 0.0
    if ramp_frames <= 0:
        return 1.0
    return min(1.0, (index - onset_frame + 1) / ramp_frames)


def onset_clip(
    neutral_aligned: np.ndarray,
    peak: np.ndarray,
    fps: float,
    onset_frame: int,
    n_frames: int,
    ramp_frames: int,
    path: Path,
    noise_sigma: float = 0.0,
    seed: int = 0,
    method: Method = "morph",
    landmarker: Landmarker = face_landmarks,
) -> Path:
    """Write a clip of `n_frames` frames at `fps`: the neutral for frames 0..onset_frame-1,
    then a ramp to the peak over `ramp_frames` frames (`onset_fraction`), then the peak.

    The known onset frame is `onset_frame`: the first frame that is not pure neutral (its
    time is onset_frame / fps seconds). `noise_sigma` adds Gaussian pixel noise (grey
    levels, seeded) to every frame, neutral ones included. Written as mp4v to `path`; if
    OpenCV cannot open that writer, as PNGs frame_00000.png... in the folder `path` without
    its suffix. Returns what was written (mp4v is lossy: frames differ slightly from the
    blends).
    """
    if not 0 <= onset_frame <= n_frames:
        raise ValueError("onset_frame must lie within the clip")
    points = (landmarker(neutral_aligned), landmarker(peak))
    rng = np.random.default_rng(seed)
    cache: dict[float, np.ndarray] = {}
    h, w = peak.shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    folder: Path | None = None
    if not writer.isOpened():
        folder = path.with_suffix("")
        folder.mkdir(parents=True, exist_ok=True)
    try:
        for i in range(n_frames):
            f = onset_fraction(i, onset_frame, ramp_frames)
            if f not in cache:
                cache[f] = blend(neutral_aligned, peak, f, method=method, points=points)
            frame = cache[f]
            if noise_sigma > 0:
                noisy = frame + rng.normal(0.0, noise_sigma, frame.shape)
                frame = np.clip(np.rint(noisy), 0, 255).astype(np.uint8)
            bgr = cv2.cvtColor(frame, cv2.COLOR_RGB2BGR)
            if folder is None:
                writer.write(bgr)
            else:
                cv2.imwrite(str(folder / f"frame_{i:05d}.png"), bgr)
    finally:
        writer.release()
    return path if folder is None else folder
