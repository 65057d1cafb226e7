"""Features of labelled pictures read as the game reads a face: video, not a still.

The feature cache (`game.training.feature_cache`) reads each picture once, padded, with the
tracker in IMAGE mode: what the models train on, and what `evaluate` and `watch` score. The
game reads video: the tracker in VIDEO mode follows the face from frame to frame, and
`facequest robustness` shows each picture to that chain as `STILL_FRAMES` frames, unpadded
(`robustness_reads.found_faces` and `read_last`: its "clean" condition). The same picture
read the two ways gives different features (on 239 children's pictures, mean |difference|
0.019 from the tracker's mode alone, 0.034 with the padding), and a score map fitted on the
still reads let more of the video reads' non-target faces through (children, the same fold
models: happy's false alarms 0.043 read as stills, 0.059 read as video; docs/robustness.md).

`read_as_video` reads pictures exactly as robustness's clean condition reads them and caches
their features (`FeatureCache`, variant `VARIANT`), so that the score maps of the fold models
and of the shipped model (`out_of_fold.build_fold_models` with `maps_on="video"`) are fitted
on what the game sees.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.training.dataset import LabelledImage
from game.training.feature_cache import FeatureCache, file_sha256
from game.training.robustness_reads import (
    FRAME_MS,
    SOURCE_FACE_PX,
    STILL_FRAMES,
    found_faces,
    read_last,
)
from game.vision.features import FEATURE_NAMES, extract_features
from game.vision.pipeline import VisionChain

logger = logging.getLogger(__name__)

# The cache variant of a video read (its key also names the still's padding, which a video
# read does not use: the variant is what tells the two apart). It names what makes the read:
# frames, their spacing, the width small faces are sampled up to and the read's own version
# (raise READ_VERSION when the tracker's video logic changes what a read gives).
READ_VERSION = 1
VARIANT = (f"video{STILL_FRAMES}x{FRAME_MS}ms-up{SOURCE_FACE_PX}-unpadded-v{READ_VERSION}")
MAP_READS = ("video", "still")  # what a score map can be fitted on (`build_fold_models`)
READ_KIND = "read_as_video"  # the copies' kind of a video read in `facequest train`'s CV
def check_map_reads(kind: str) -> None:
    """Raise ValueError unless `kind` is one of `MAP_READS`."""
    if kind not in MAP_READS:
        raise ValueError(f"score maps are fitted on {' or '.join(MAP_READS)} reads, "
                         f"not {kind!r}")


CHUNK = 100  # pictures decoded at a time (the faces are kept in memory while read)


@dataclass(frozen=True, slots=True)
class VideoReads:
    """One row per picture asked for: its features as the game reads it, where it found a
    face on the last frame (`found`); rows without are zeros."""

    features: np.ndarray  # (N, F) float32, columns `FEATURE_NAMES`
    found: np.ndarray  # (N,) bool

    def __post_init__(self) -> None:
        if self.features.shape != (len(self.found), len(FEATURE_NAMES)):
            raise ValueError(f"VideoReads: features {self.features.shape} for "
                             f"{len(self.found)} pictures of {len(FEATURE_NAMES)} features")


def read_as_video(
    paths: Sequence[Path],
    items: Sequence[LabelledImage],
    cache_dir: Path | None = None,
) -> VideoReads:
    """The video reads of the pictures at `paths` (each must be one of `items`: its face is
    found as robustness finds it), from the cache where possible. Every read with a face is
    kept, trusted or not (robustness counts the trusted ones; on clean pictures 0.1% are
    flagged).

    Raises DatasetError (a ValueError) for a picture that cannot be read, KeyError for a
    path to read that is not among `items` (a cached one is not looked up)."""
    by_path = {item.path: item for item in items}
    rows: list[np.ndarray | None] = []
    with FeatureCache(cache_dir) as cache:
        shas = [file_sha256(path) for path in paths]
        todo = [i for i, sha in enumerate(shas) if cache.get_features(sha, VARIANT) is None]
        if todo:
            logger.info("reading %d of %d pictures as video (%d frames each) ...", len(todo),
                        len(paths), STILL_FRAMES)
            with VisionChain.create(None, mode="video") as chain:
                for start in range(0, len(todo), CHUNK):
                    part = todo[start:start + CHUNK]
                    faces, _ = found_faces([by_path[paths[i]] for i in part])
                    face_of = {item.path: face for item, face in faces}
                    for i in part:
                        face = face_of.get(paths[i])
                        observation = read_last(chain, [face[0]]) if face is not None else None
                        values = (extract_features(observation).values
                                  if observation is not None and observation.has_face else None)
                        cache.put_features(shas[i], values, VARIANT)
                    cache.commit()
        for sha in shas:
            cached = cache.get_features(sha, VARIANT)
            rows.append(cached if isinstance(cached, np.ndarray) else None)
    found = np.array([row is not None for row in rows], bool)
    features = np.zeros((len(rows), len(FEATURE_NAMES)), np.float32)
    for i, row in enumerate(rows):
        if row is not None:
            features[i] = row
    if (~found).any():
        logger.info("no face read as video in %d of %d pictures", int((~found).sum()),
                    len(rows))
    return VideoReads(features, found)
