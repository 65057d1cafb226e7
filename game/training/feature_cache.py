"""Features of labelled images, made by the game's own tracker and feature code, cached on disk.

Each image is read, padded with a white border (the children's set is cropped so tightly
that MediaPipe misses chins and foreheads) and passed to the real `FaceTracker` in IMAGE
mode; `game.vision.features.extract_features` turns the observation into the feature
vector. Two tables in one SQLite file in the user cache folder keep the work:

- `observations`, keyed by the image's SHA-256 + preprocessing + landmarker version: the
  tracker's landmarks, blendshapes and transform (or "no face"), so a feature-spec change
  does not re-run MediaPipe;
- `features`, keyed by the image's SHA-256 + preprocessing + `FEATURE_SPEC_VERSION`.

Augmented copies (`game.training.augment`) are cached the same way, their keys extended by
the augmentation's name and version and the seed (`extract_augmented`).

The observation table keeps no face crop: an observation read from it gets its crop again
from the padded image (`game.vision.face_crop`, as the tracker adapter does), and so does its
colour patch.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from game.closing import Closing
from game.paths import user_cache_dir
from game.training.augment import Augmentation, augmented_image
from game.training.dataset import LabelledImage
from game.vision.face_crop import face_images
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION, extract_features
from game.vision.landmarker_asset import LANDMARKER_SHA256
from game.vision.records import N_LANDMARKS, FaceObservation, Frame
from game.vision.stills import PAD_FRACTION as STILL_PAD_FRACTION
from game.vision.stills import PREPROCESSING as STILL_PREPROCESSING
from game.vision.stills import pad_still

logger = logging.getLogger(__name__)

BUSY_TIMEOUT_S = 600.0  # another run writing the same cache: wait this long, then fail

PAD_FRACTION = STILL_PAD_FRACTION  # one padding for training, evaluate and watch
PREPROCESSING = STILL_PREPROCESSING
CACHE_FILE = "training-features.sqlite"
N_BLENDSHAPES = 52


def read_rgb(path: Path) -> np.ndarray:
    """The image at `path` as RGB uint8 (H, W, 3); ValueError when it cannot be decoded or
    its header is refused before decoding (`game.vision.sources.read_image`)."""
    from game.vision.sources import SourceError, read_image

    try:
        return read_image(path)
    except SourceError as exc:
        raise ValueError(str(exc)) from None


def pad_image(rgb: np.ndarray, fraction: float = PAD_FRACTION) -> np.ndarray:
    """`rgb` with a white border of `fraction` of its size on every side
    (`game.vision.stills.pad_still`)."""
    return pad_still(rgb, fraction)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _observation_to_row(obs: FaceObservation) -> tuple[int, bytes, bytes, bytes, float]:
    if not obs.has_face:
        return 0, b"", b"", b"", obs.brightness
    from game.expressions import BLENDSHAPE_NAMES

    blend = np.array([obs.blendshapes.get(n, 0.0) for n in BLENDSHAPE_NAMES], np.float32)
    return (
        obs.faces_seen,
        np.asarray(obs.landmarks, np.float32).tobytes(),
        blend.tobytes(),
        np.asarray(obs.transform, np.float32).tobytes(),
        obs.brightness,
    )


def _row_to_observation(
    faces: int, lms: bytes, blend: bytes, transform: bytes, brightness: float, size: tuple[int, int]
) -> FaceObservation:
    if faces == 0:
        return FaceObservation.empty(0, size, brightness)
    from game.expressions import BLENDSHAPE_NAMES

    values = np.frombuffer(blend, np.float32)
    return FaceObservation(
        t_ms=0,
        frame_size=size,
        faces_seen=faces,
        landmarks=np.frombuffer(lms, np.float32).reshape(N_LANDMARKS, 3).copy(),
        blendshapes=dict(zip(BLENDSHAPE_NAMES, values.tolist(), strict=True)),
        transform=np.frombuffer(transform, np.float32).reshape(4, 4).copy(),
        brightness=brightness,
    )


class FeatureCache(Closing):
    """The on-disk cache of observations and feature vectors (a context manager)."""

    def __init__(self, cache_dir: Path | None = None) -> None:
        folder = user_cache_dir(cache_dir)
        self.path = folder / CACHE_FILE
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)  # its journal files copy this mode
        # several runs may share the cache: wait for a writer instead of "database is locked"
        self._db = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS observations (key TEXT PRIMARY KEY, faces INTEGER, "
            "landmarks BLOB, blendshapes BLOB, transform BLOB, brightness REAL, "
            "width INTEGER, height INTEGER)"
        )
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS features (key TEXT PRIMARY KEY, face INTEGER, vals BLOB)"
        )
        self._db.commit()

    def close(self) -> None:
        self._db.commit()
        self._db.close()

    @staticmethod
    def observation_key(sha: str, variant: str = "") -> str:
        """The key of an image's observation; `variant` names an augmented copy."""
        tail = f":{variant}" if variant else ""
        return f"{sha}:{PREPROCESSING}{tail}:{LANDMARKER_SHA256[:16]}"

    @staticmethod
    def feature_key(sha: str, variant: str = "") -> str:
        return f"{FeatureCache.observation_key(sha, variant)}:spec{FEATURE_SPEC_VERSION}"

    def get_observation(self, sha: str, variant: str = "") -> FaceObservation | None:
        row = self._db.execute(
            "SELECT faces, landmarks, blendshapes, transform, brightness, width, height "
            "FROM observations WHERE key = ?",
            (self.observation_key(sha, variant),),
        ).fetchone()
        if row is None:
            return None
        faces, lms, blend, transform, brightness, width, height = row
        return _row_to_observation(
            faces, lms, blend, transform, brightness, (int(width), int(height))
        )

    def put_observation(self, sha: str, obs: FaceObservation, variant: str = "") -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO observations VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (self.observation_key(sha, variant), *_observation_to_row(obs), *obs.frame_size),
        )

    def get_features(self, sha: str, variant: str = "") -> np.ndarray | bool | None:
        """The cached vector, False when the image has no face, None when not cached."""
        row = self._db.execute(
            "SELECT face, vals FROM features WHERE key = ?", (self.feature_key(sha, variant),)
        ).fetchone()
        if row is None:
            return None
        if not row[0]:
            return False
        values = np.frombuffer(row[1], np.float32)
        return values.copy() if values.shape == (len(FEATURE_NAMES),) else None

    def put_features(self, sha: str, values: np.ndarray | None, variant: str = "") -> None:
        blob = b"" if values is None else np.asarray(values, np.float32).tobytes()
        self._db.execute(
            "INSERT OR REPLACE INTO features VALUES (?, ?, ?)",
            (self.feature_key(sha, variant), int(values is not None), blob),
        )

    def commit(self) -> None:
        self._db.commit()

    def feature_rows_per_variant(self) -> dict[str, int]:
        """How many feature rows each augmented copy (`variant`, e.g. "eyewear-s0") or other
        read of the images (the video reads, `video_reads.VARIANT`) has in the cache; the
        still reads themselves (no variant) are not counted."""
        counts: dict[str, int] = {}
        for (key,) in self._db.execute("SELECT key FROM features"):
            parts = str(key).split(":")
            if len(parts) == 5:  # sha:preprocessing:variant:landmarker:spec
                counts[parts[2]] = counts.get(parts[2], 0) + 1
        return counts


@dataclass(frozen=True, slots=True)
class ExtractedSet:
    """Feature rows of the images in which a face was found, plus what was missed."""

    features: np.ndarray  # (N, F) float32
    labels: tuple[str, ...]
    subjects: tuple[str, ...]
    datasets: tuple[str, ...]
    paths: tuple[Path, ...]
    missed: tuple[Path, ...]
    observations: tuple[FaceObservation, ...] = ()

    def __len__(self) -> int:
        return len(self.labels)


class _Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal or forced)."""

    def __init__(self, total: int, label: str, enabled: bool) -> None:
        self.total, self.label, self.enabled, self.done = total, label, enabled, 0

    def step(self) -> None:
        self.done += 1
        if self.enabled and (self.done == self.total or self.done % 10 == 0):
            width = 30
            filled = int(width * self.done / max(self.total, 1))
            bar = "#" * filled + "-" * (width - filled)
            sys.stderr.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
            if self.done == self.total:
                sys.stderr.write("\n")
            sys.stderr.flush()


def extract(
    items: Sequence[LabelledImage],
    cache_dir: Path | None = None,
    progress: bool | None = None,
    keep_observations: bool = False,
) -> ExtractedSet:
    """Feature vectors of `items`, from the cache where possible, else by running the tracker."""
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(len(items), "extracting features", show)
    rows: list[np.ndarray] = []
    kept: list[LabelledImage] = []
    observations: list[FaceObservation] = []
    missed: list[Path] = []
    tracker = None
    try:
        with FeatureCache(cache_dir) as cache:
            for n, item in enumerate(items):
                sha = file_sha256(item.path)
                cached = None if keep_observations else cache.get_features(sha)
                if cached is None:
                    obs = cache.get_observation(sha)
                    if obs is None:
                        if tracker is None:
                            tracker = _open_tracker()
                        rgb = pad_image(read_rgb(item.path))
                        obs = tracker.observe(Frame(t_ms=0, rgb=rgb))
                        cache.put_observation(sha, obs)
                    elif obs.has_face:
                        rgb = pad_image(read_rgb(item.path))
                        obs = face_images(rgb, obs.landmarks, obs.brightness).given_to(obs)
                    values = extract_features(obs).values if obs.has_face else None
                    cache.put_features(sha, values)
                    cached = values if values is not None else False
                    if keep_observations and obs.has_face:
                        observations.append(obs)
                if cached is False:
                    missed.append(item.path)
                else:
                    assert isinstance(cached, np.ndarray)
                    rows.append(cached)
                    kept.append(item)
                if n % 50 == 49:
                    cache.commit()
                bar.step()
    finally:
        if tracker is not None:
            tracker.close()
    if missed:
        logger.info("no face found in %d of %d images", len(missed), len(items))
    features = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, len(FEATURE_NAMES)))
    return ExtractedSet(
        features=features,
        labels=tuple(i.label.value for i in kept),
        subjects=tuple(i.subject for i in kept),
        datasets=tuple(i.dataset for i in kept),
        paths=tuple(i.path for i in kept),
        missed=tuple(missed),
        observations=tuple(observations),
    )


def _open_tracker() -> FaceTracker:

    return FaceTracker(TrackerSettings(mode="image"))


def datasets_in(extracted: ExtractedSet) -> Iterable[str]:
    """The data-set names in `extracted`, in first-seen order."""
    return dict.fromkeys(extracted.datasets).keys()


@dataclass(frozen=True, slots=True)
class AugmentedSet:
    """Feature rows of augmented copies of an `ExtractedSet`'s images (training rows only).

    `source[i]` is the row of the clean set that copy i was made from (its label, subject
    and data set are that row's); `augmentations[i]` names its augmentation. Copies in which
    the tracker found no face are left out and counted in `missed` per augmentation.
    """

    features: np.ndarray  # (M, F) float32
    source: np.ndarray  # (M,) int
    augmentations: tuple[str, ...]
    missed: dict[str, int]

    def __len__(self) -> int:
        return len(self.source)

    def subset(self, names: Sequence[str]) -> AugmentedSet:
        """The copies made by the augmentations in `names`."""
        keep = np.array([a in names for a in self.augmentations], bool)
        return AugmentedSet(
            self.features[keep],
            self.source[keep],
            tuple(a for a, k in zip(self.augmentations, keep, strict=True) if k),
            {n: m for n, m in self.missed.items() if n in names},
        )


def augmented_variant(aug: Augmentation, seed: int) -> str:
    """The cache-key part of an augmented copy: augmentation, its version, the seed."""
    return f"{aug.key}-s{seed}"


def extract_augmented(
    clean: ExtractedSet,
    augmentations: Sequence[Augmentation],
    seed: int = 0,
    cache_dir: Path | None = None,
    progress: bool | None = None,
) -> AugmentedSet:
    """One seeded copy of every image of `clean` per augmentation, observed by the real
    tracker (IMAGE mode) and turned into features, cached per image + augmentation + seed.

    The augmentation is drawn on the padded image at the landmarks of the clean image's
    cached observation (`clean` must come from `extract` with the same cache).
    """
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(len(clean) * len(augmentations), "augmenting", show)
    rows: list[np.ndarray] = []
    source: list[int] = []
    names: list[str] = []
    missed = {a.name: 0 for a in augmentations}
    tracker = None
    try:
        with FeatureCache(cache_dir) as cache:
            for n, path in enumerate(clean.paths):
                sha = file_sha256(path)
                padded: np.ndarray | None = None
                base: FaceObservation | None = None
                for aug in augmentations:
                    variant = augmented_variant(aug, seed)
                    cached = cache.get_features(sha, variant)
                    if cached is None:
                        if padded is None or base is None:
                            padded = pad_image(read_rgb(path))
                            base = cache.get_observation(sha)
                            if base is None or not base.has_face:
                                raise ValueError(f"{path}: no cached face to augment")
                        image = augmented_image(padded, base.landmarks, sha, aug, seed)
                        obs = cache.get_observation(sha, variant)
                        if obs is None:
                            if tracker is None:
                                tracker = _open_tracker()
                            obs = tracker.observe(Frame(t_ms=0, rgb=image))
                            cache.put_observation(sha, obs, variant)
                        elif obs.has_face:
                            images = face_images(image, obs.landmarks, obs.brightness)
                            obs = images.given_to(obs)
                        values = extract_features(obs).values if obs.has_face else None
                        cache.put_features(sha, values, variant)
                        cached = values if values is not None else False
                    if cached is False:
                        missed[aug.name] += 1
                    else:
                        assert isinstance(cached, np.ndarray)
                        rows.append(cached)
                        source.append(n)
                        names.append(aug.name)
                    bar.step()
                if n % 20 == 19:
                    cache.commit()
    finally:
        if tracker is not None:
            tracker.close()
    for name, count in missed.items():
        if count:
            logger.info("augmentation %s: no face found in %d of %d copies", name, count,
                        len(clean))
    features = np.vstack(rows).astype(np.float32) if rows else np.zeros((0, len(FEATURE_NAMES)))
    return AugmentedSet(features, np.asarray(source, int), tuple(names), missed)
