"""A still picture as the vision chain sees it: the same preprocessing for training, `evaluate`
and `watch`.

A labelled photo is often cropped tight around the face (the children's set is), and MediaPipe
then misses chins and foreheads. Every still is therefore given a white border of
`PAD_FRACTION` of its size on each side before the tracker sees it: the features the model was
trained on (`game.training.feature_cache`) were made so, and `facequest evaluate` and
`facequest watch` on pictures score them so (`VisionChain.process_still`). Webcam and video
frames are never padded.
"""

from __future__ import annotations

import numpy as np

PAD_FRACTION = 0.2
PREPROCESSING = f"pad{int(PAD_FRACTION * 100)}-white"  # names the padding in cache keys


def pad_offset(height: int, width: int, fraction: float = PAD_FRACTION) -> tuple[int, int]:
    """The border (x, y) in px that `pad_still` adds on each side of a `width` x `height`
    picture."""
    return round(width * fraction), round(height * fraction)


def pad_still(rgb: np.ndarray, fraction: float = PAD_FRACTION) -> np.ndarray:
    """`rgb` (H, W, 3) uint8 with a white border of `fraction` of its size on every side."""
    px, py = pad_offset(rgb.shape[0], rgb.shape[1], fraction)
    return np.pad(rgb, ((py, py), (px, px), (0, 0)), mode="constant", constant_values=255)
