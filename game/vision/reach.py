"""Reaching far faces: square regions of a frame, sampled up for the face models.

MediaPipe's face detector looks at a 128x128 version of whatever image it is given, so in a
whole 640x480 frame it misses faces under about 90 px wide, and in 1280x720 under about
185 px (measured; EXPRESSIONS.md, "What a webcam adds"). Two remedies, both here as plain
geometry (no MediaPipe types):

- **The zoomed search** (`search_tiles`): while no face is tracked, the frame is cut into
  overlapping `SEARCH_TILE_PX` squares and the detector looks at each; in a 320 px tile
  it finds faces down to about 40 px wide (score >= 0.9 at 48 px, measured on the
  astronaut photo).
- **The region of interest** (`roi_around`): once a face is known, the landmarker looks at a
  square `ROI_SCALE` times the face's width around it, sampled up so the face is at least
  `ROI_MIN_PX / ROI_SCALE` px wide in the model's input. A 48 px face becomes a 128 px face.

A `Region` maps normalised coordinates of its sampled image back to frame pixels, so the
landmarks of the face always come out in frame pixels whatever region they were found in.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SEARCH_TILE_PX = 320  # side of one search tile, in frame px
SEARCH_OVERLAP = 0.25  # fraction of a tile shared with its neighbour (a face on a seam)
ROI_SCALE = 2.5  # region side / face width (room to move between two frames)
ROI_MIN_PX = 320  # the region is sampled up to at least this side, in px
ROI_MAX_PX = 640  # ... and down to at most this side (a big face needs no full-res input)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in frame px


@dataclass(frozen=True, slots=True)
class Region:
    """A square of the frame (`x0`, `y0`, `side` in frame px) sampled at `size` px a side.

    Parts of the square outside the frame are black in the sampled image.
    """

    x0: float
    y0: float
    side: float
    size: int

    def __post_init__(self) -> None:
        if self.side <= 0 or self.size <= 0:
            raise ValueError(f"a region needs a positive side and size, got {self}")

    @property
    def scale(self) -> float:
        """Sampled px per frame px (> 1: the region is sampled up)."""
        return self.size / self.side

    def sample(self, rgb: np.ndarray) -> np.ndarray:
        """The region of `rgb` (H, W, 3 uint8) as a (size, size, 3) uint8 image."""
        s = self.scale
        matrix = np.array([[s, 0.0, -s * self.x0], [0.0, s, -s * self.y0]])
        out = cv2.warpAffine(
            np.ascontiguousarray(rgb),
            matrix,
            (self.size, self.size),
            flags=cv2.INTER_LINEAR if s >= 1.0 else cv2.INTER_AREA,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=(0, 0, 0),
        )
        return np.ascontiguousarray(out, dtype=np.uint8)

    def to_frame(self, normalised: np.ndarray) -> np.ndarray:
        """(N, 3) landmarks normalised to the sampled image (x, y in [0, 1], z in the
        width's scale, as MediaPipe gives them) -> (N, 3) float32 frame px."""
        pts = np.asarray(normalised, dtype=np.float32) * self.side
        pts[:, 0] += self.x0
        pts[:, 1] += self.y0
        return pts

    def box_to_frame(self, box: Box) -> Box:
        """A box in px of the sampled image -> a box in frame px."""
        inv = 1.0 / self.scale
        return (
            self.x0 + box[0] * inv,
            self.y0 + box[1] * inv,
            self.x0 + box[2] * inv,
            self.y0 + box[3] * inv,
        )


def roi_around(box: Box, frame_size: tuple[int, int]) -> Region:
    """The region the landmarker looks at to follow the face in `box` (frame px)."""
    x0, y0, x1, y1 = box
    width = max(x1 - x0, y1 - y0, 1.0)
    side = width * ROI_SCALE
    side = min(side, float(max(frame_size)) * 1.2)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    size = round(min(max(side, ROI_MIN_PX), ROI_MAX_PX))
    return Region(cx - side / 2, cy - side / 2, side, size)


def search_tiles(frame_size: tuple[int, int]) -> list[Region]:
    """The overlapping square tiles of the zoomed search, row by row from the top left.

    A frame no bigger than one tile gives no tiles (the whole-frame look already covers it).
    640x480 gives 6 tiles, 1280x720 gives 15.
    """
    width, height = frame_size
    tile = SEARCH_TILE_PX
    if width <= tile and height <= tile:
        return []
    step = tile * (1.0 - SEARCH_OVERLAP)

    def starts(length: int) -> list[float]:
        if length <= tile:
            return [(length - tile) / 2]
        count = int(np.ceil((length - tile) / step)) + 1
        return [float(v) for v in np.linspace(0, length - tile, count)]

    return [Region(x, y, float(tile), tile) for y in starts(height) for x in starts(width)]


def box_iou(a: Box, b: Box) -> float:
    """Intersection over union of two boxes (0 when either is empty)."""
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0


def merge_boxes(scored: list[tuple[float, Box]], iou: float = 0.3) -> list[tuple[float, Box]]:
    """Greedy non-maximum suppression: the best-scoring box of each overlapping group."""
    kept: list[tuple[float, Box]] = []
    for score, box in sorted(scored, key=lambda sb: -sb[0]):
        if all(box_iou(box, k[1]) < iou for k in kept):
            kept.append((score, box))
    return kept
