"""Training augmentations: labelled faces turned into the webcam's faces, with
`game.vision.conditions` (the module `facequest robustness` measures with).

A posed photo is upright, evenly lit, sharp and bare; a child at a webcam tilts the head,
wears glasses, sits in a dim or uneven room and far from a cheap sensor. Each augmentation
here makes one seeded copy of a labelled (padded) image under one such condition; the copy
goes through the game's own tracker and feature code like any image (`game.training.
feature_cache.extract_augmented`), so the model learns the features the chain really makes
under that condition, not a guess at them.

Augmented copies are only ever *training* rows: cross-validation trains on the augmented
copies of the training subjects and scores the clean images of the held-out ones (`game.
training.cv`); the copies of held-out subjects are scored separately, per augmentation, to
show what each one does to faces the model never saw.

Every augmentation is `fn(image, landmarks, rng) -> image` on RGB uint8 and (478, 3)
landmarks in px of `image`. `AUGMENTATION_VERSION` is part of the cache key: change it when
an augmentation changes.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from game.vision import conditions
from game.vision.face_crop import eye_line

AUGMENTATION_VERSION = "1"

EYEWEAR_STYLES = ("thin", "thick", "tinted")
MAX_ROLL_DEGREES = 30.0
MIN_ROLL_DEGREES = 8.0


def eyewear(image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Glasses of a seeded style (`conditions.eyewear`: thin rims, thick frames, tinted)."""
    style = str(EYEWEAR_STYLES[int(rng.integers(len(EYEWEAR_STYLES)))])
    return conditions.eyewear(image, landmarks, style, rng)


def eyewear_of_styles(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator, *, styles: tuple[str, ...]
) -> np.ndarray:
    """Glasses of a seeded style among `styles` (a leave-one-style-out training copy)."""
    style = str(styles[int(rng.integers(len(styles)))])
    return conditions.eyewear(image, landmarks, style, rng)


def roll(image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The head rolled 8-30 degrees either way (`conditions.rolled`)."""
    degrees = rng.uniform(MIN_ROLL_DEGREES, MAX_ROLL_DEGREES) * float(rng.choice([-1.0, 1.0]))
    return conditions.rolled(image, landmarks, degrees)


def light(image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Exposure, contrast and gamma of a cheap webcam in an ordinary room, then sensor noise
    (`conditions.sensor_noise`); one copy in four is under-exposed (`conditions.dark`, at a
    seeded exposure of 0.25-0.5)."""
    if rng.random() < 0.25:
        return conditions.dark(image, rng, exposure=float(rng.uniform(0.25, 0.5)))
    values = image.astype(np.float32) / 255.0
    values = values ** rng.uniform(0.6, 1.6)
    mean = float(values.mean())
    values = (values - mean) * rng.uniform(0.6, 1.3) + mean + rng.uniform(-0.15, 0.12)
    out = np.clip(values * 255.0, 0, 255).astype(np.uint8)
    return conditions.sensor_noise(out, rng, float(rng.uniform(1.0, 6.0)))


def low_resolution(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A far or soft face: the image shrunk so the eyes are 12-28 px apart (a face of
    about 30-70 px), blurred a little, and scaled back up to its size."""
    _, iod, _ = eye_line(landmarks)
    scale = min(1.0, rng.uniform(12.0, 28.0) / max(iod, 1e-6))
    h, w = image.shape[:2]
    small = cv2.resize(
        image, (max(8, round(w * scale)), max(8, round(h * scale))), interpolation=cv2.INTER_AREA
    )
    sigma = rng.uniform(0.0, 0.8)
    if sigma > 0.2:
        small = cv2.GaussianBlur(small, (0, 0), sigma)
    return np.ascontiguousarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR))


def small_occluder(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """A toy or a hand at the edge of the face (`conditions.occluded`, moved off the part's
    centre so the part stays mostly visible: what a child holds, not a covered mouth)."""
    part = "mouth" if rng.random() < 0.5 else "eyes"
    kind = "toy" if rng.random() < 0.6 else "hand"
    _, width = conditions.part_centre_and_size(landmarks, part)
    shifted = np.asarray(landmarks, np.float64).copy()
    side = float(rng.choice([-1.0, 1.0]))
    shifted[:, 0] += side * width * rng.uniform(0.9, 1.3)
    return conditions.occluded(image, shifted, part, kind, rng)


@dataclass(frozen=True, slots=True)
class Augmentation:
    """A named training augmentation (see the module docstring)."""

    name: str
    description: str
    make: Callable[[np.ndarray, np.ndarray, np.random.Generator], np.ndarray]

    @property
    def key(self) -> str:
        """The cache key part: name and `AUGMENTATION_VERSION`."""
        return f"aug-{self.name}-v{AUGMENTATION_VERSION}"


AUGMENTATIONS: tuple[Augmentation, ...] = (
    Augmentation("eyewear", "glasses: thin rims, thick frames or tinted lenses", eyewear),
    Augmentation("roll", f"head rolled {MIN_ROLL_DEGREES:.0f}-{MAX_ROLL_DEGREES:.0f} degrees",
                 roll),
    Augmentation("light", "brightness, contrast, gamma, sensor noise; some under-exposed",
                 light),
    Augmentation("lowres", "downscaled to a 30-70 px face and slightly blurred",
                 low_resolution),
    Augmentation("occluder", "a toy or hand at the edge of the mouth or eyes", small_occluder),
)


def augmentation(name: str) -> Augmentation:
    """The augmentation called `name`; ValueError naming the known ones otherwise."""
    for a in AUGMENTATIONS:
        if a.name == name:
            return a
    known = ", ".join(a.name for a in AUGMENTATIONS)
    raise ValueError(f"unknown augmentation {name!r}; known: {known}")


def eyewear_among(styles: Sequence[str]) -> Augmentation:
    """The eyewear augmentation whose glasses are drawn among `styles` (of
    `EYEWEAR_STYLES`): all three is the recipe's own "eyewear" (the same copies, the same
    cache entries); fewer is a copy of its own name (`eyewear-thick-tinted`), so a model
    can be trained without one style and measured on it (the style is never drawn, so a
    held-out style's figures are not those of the code that made the training copies).
    Raises ValueError for an unknown style or none."""
    wanted = set(styles)
    chosen = tuple(s for s in EYEWEAR_STYLES if s in wanted)
    unknown = sorted(wanted - set(EYEWEAR_STYLES))
    if unknown or not chosen:
        raise ValueError(f"eyewear styles must be some of {', '.join(EYEWEAR_STYLES)}, "
                         f"not {', '.join(unknown) or 'none'}")
    if chosen == EYEWEAR_STYLES:
        return augmentation("eyewear")
    return Augmentation(
        f"eyewear-{'-'.join(chosen)}", f"glasses: {', '.join(chosen)} only",
        partial(eyewear_of_styles, styles=chosen),
    )


def augmentation_rng(sha: str, aug: Augmentation, seed: int) -> np.random.Generator:
    """The generator of one image's copy: a function of the image, augmentation and seed."""
    return np.random.default_rng([seed, int(sha[:12], 16), zlib.crc32(aug.name.encode())])


def augmented_image(
    image: np.ndarray, landmarks: np.ndarray, sha: str, aug: Augmentation, seed: int
) -> np.ndarray:
    """The seeded augmented copy of `image` (its face at `landmarks`)."""
    out = aug.make(image, landmarks, augmentation_rng(sha, aug, seed))
    return np.ascontiguousarray(out, dtype=np.uint8)
