"""Writing a video file (MP4, 'mp4v') from RGB frames: where FaceQuest's cv2 use for files lives.

Used by `facequest replay --out clip.mp4` (frames drawn by `game.ui.replay_clip`); reading
videos is `game.vision.sources`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)


def write_mp4(path: Path, frames: Iterable[np.ndarray], fps: float) -> int:
    """Write `frames` ((h, w, 3) uint8 RGB, all one size, even sides) to `path` as MPEG-4
    part 2 ('mp4v', plays in browsers' and phones' players); returns the frame count.

    Raises:
        OSError: the video cannot be written there.
    """
    import cv2

    writer = None
    count = 0
    try:
        for frame in frames:
            if writer is None:
                height, width = frame.shape[:2]
                writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"mp4v"), fps,
                                         (width, height))
                if not writer.isOpened():
                    raise OSError(f"a video cannot be written to {path}")
            writer.write(cv2.cvtColor(np.ascontiguousarray(frame), cv2.COLOR_RGB2BGR))
            count += 1
    finally:
        if writer is not None:
            writer.release()
    return count
