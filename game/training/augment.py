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


# -- varied glasses (training only) ---------------------------------------------------------
#
# `conditions.eyewear`'s three styles are what `facequest robustness` measures with; a model
# whose copies wear only those styles is measured on the code that made its copies. These
# glasses are drawn by separate code over a wide family (shape, rim, colour, tint, glare,
# fit), so a model trained on them alone meets the three measured styles as glasses it never
# saw.

VARIED_FRAME_SHAPES = ("round", "oval", "rectangular", "cat_eye", "rimless")
_VARIED_OUTLINE_SAMPLES = 72


def lens_outline(shape: str, half_w: float, half_h: float, rng: np.random.Generator) -> np.ndarray:
    """(N, 2) points of one lens's outline, in px around its centre: x outwards (towards the
    temple), y down. `shape` one of `VARIED_FRAME_SHAPES` (a rimless lens takes a seeded
    shape among the others); `half_w`, `half_h` the half-width and half-height in px.
    Raises ValueError for an unknown shape."""
    if shape not in VARIED_FRAME_SHAPES:
        raise ValueError(f"frame shape must be one of {', '.join(VARIED_FRAME_SHAPES)}, "
                         f"not {shape!r}")
    if shape == "rimless":
        shape = str(rng.choice(VARIED_FRAME_SHAPES[:-1]))
    t = np.linspace(0.0, 2.0 * np.pi, _VARIED_OUTLINE_SAMPLES, endpoint=False)
    cos, sin = np.cos(t), np.sin(t)
    # a superellipse |x/a|^n + |y/b|^n = 1: n = 2 an ellipse, larger n a rounded rectangle
    power = {"round": 2.0, "oval": 2.0, "cat_eye": 2.6}.get(shape, float(rng.uniform(3.5, 7.0)))
    x = half_w * np.sign(cos) * np.abs(cos) ** (2.0 / power)
    y = half_h * np.sign(sin) * np.abs(sin) ** (2.0 / power)
    if shape == "cat_eye":  # the upper outer corner swept up (above the lens's top) and out
        lift = rng.uniform(0.35, 0.6)
        outer_top = (y < 0) & (x > 0)
        y = np.where(outer_top, y - 1.6 * lift * half_h * (x / half_w) ** 2, y)
        x = np.where(outer_top, x + 0.12 * half_w * (x / half_w) ** 3, x)
    return np.column_stack([x, y])


def _frame_colour(rng: np.random.Generator) -> tuple[int, int, int]:
    """A frame's RGB: a grey from black to silver, or a seeded colour (HSV)."""
    if rng.random() < 0.5:
        grey = int(rng.uniform(10, 200))
        return (grey, grey, grey)
    hsv = np.array([[[rng.uniform(0, 180), rng.uniform(80, 255), rng.uniform(60, 230)]]],
                   np.uint8)
    r, g, b = (int(v) for v in cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB)[0, 0])
    return (r, g, b)


def varied_glasses(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Glasses of a seeded look among a wide family, for training copies only (not one of
    `conditions.eyewear`'s measured styles): frame shape among `VARIED_FRAME_SHAPES`, lens
    half-width 0.26-0.40 inter-ocular distances (IOD), rim 1-8% of the IOD thick (a rimless
    pair: a faint edge only), a grey or coloured frame, lenses clear or tinted up to 70%,
    0-3 glare streaks, a bridge and temple arms, the pair shifted up to 0.05 IOD and tilted
    up to 5 degrees off the eye line. Returns a new RGB uint8 image of `image`'s size."""
    out = image.astype(np.float32)
    pts = landmarks[:, :2].astype(np.float64)
    _, iod, angle = eye_line(landmarks)
    iod = max(float(iod), 1.0)
    eyes = [pts[[33, 133]].mean(axis=0), pts[[263, 362]].mean(axis=0)]
    tilt = angle + np.radians(rng.uniform(-5.0, 5.0))
    along = np.array([np.cos(tilt), np.sin(tilt)])
    down = np.array([-along[1], along[0]])
    shift = (along * rng.uniform(-0.05, 0.05) + down * rng.uniform(-0.03, 0.08)) * iod
    shape = str(rng.choice(VARIED_FRAME_SHAPES))
    half_w = rng.uniform(0.26, 0.40) * iod
    aspect = rng.uniform(0.85, 1.0) if shape == "round" else rng.uniform(0.5, 0.85)
    half_h = half_w * aspect
    outline = lens_outline(shape, half_w, half_h, rng)
    rim = max(1, round(rng.uniform(0.01, 0.08) * iod))
    colour = _frame_colour(rng)
    h, w = image.shape[:2]
    lenses: list[np.ndarray] = []
    for centre, outward in ((eyes[0], -1.0), (eyes[1], 1.0)):
        jitter = rng.normal(0.0, 0.01 * iod, 2)
        local = outline * np.array([outward, 1.0])  # mirrored: x outwards on both sides
        world = centre + shift + jitter + local[:, :1] * along + local[:, 1:] * down
        lenses.append(world)
    # lenses: tint, then glare, inside each lens only
    mask = np.zeros((h, w), np.uint8)
    cv2.fillPoly(mask, [np.round(lens).astype(np.int32) for lens in lenses], 255)
    inside = mask > 0
    tint = rng.uniform(0.0, 0.7) if rng.random() < 0.6 else 0.0
    if tint > 0:
        shade = np.array(_frame_colour(rng), np.float32) * rng.uniform(0.1, 0.5)
        out[inside] = out[inside] * (1.0 - tint) + shade * tint
    streaks = int(rng.integers(0, 4))
    if streaks:
        glare = np.zeros((h, w), np.float32)
        slope = np.radians(rng.uniform(25.0, 70.0)) * float(rng.choice([-1.0, 1.0]))
        direction = np.cos(tilt + slope), np.sin(tilt + slope)
        for _ in range(streaks):
            lens = lenses[int(rng.integers(2))]
            mid = lens.mean(axis=0) + rng.uniform(-0.5, 0.5, 2) * np.array([half_w, half_h])
            reach = 1.2 * half_w
            a = mid - np.multiply(direction, reach)
            b = mid + np.multiply(direction, reach)
            width = max(1, round(rng.uniform(0.03, 0.12) * iod))
            cv2.line(glare, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])),
                     float(rng.uniform(0.25, 0.7)), width, cv2.LINE_AA)
        soft = cv2.GaussianBlur(glare, (0, 0), max(0.5, 0.015 * iod)) * inside
        out = out * (1.0 - soft[..., None]) + 255.0 * soft[..., None]
    # frame: rims (or a faint edge), bridge, temples
    frame = np.clip(out, 0, 255).astype(np.uint8)
    paint = tuple(float(c) for c in colour)
    polys = [np.round(lens).astype(np.int32) for lens in lenses]
    if shape == "rimless":
        edge = np.clip(out * 0.5 + 200.0 * 0.5, 0, 255).astype(np.uint8)
        cv2.polylines(frame, polys, True, (0, 0, 0), 1, cv2.LINE_AA)
        lines = np.zeros((h, w), np.uint8)
        cv2.polylines(lines, polys, True, 255, 1, cv2.LINE_AA)
        frame[lines > 0] = edge[lines > 0]
        arm = max(1, rim // 2)
    else:
        cv2.polylines(frame, polys, True, paint, rim, cv2.LINE_AA)
        arm = rim
    inner = [lens[np.argmax((lens - lens.mean(axis=0)) @ (along * side))]
             for lens, side in ((lenses[0], 1.0), (lenses[1], -1.0))]
    rise = -down * rng.uniform(0.0, 0.12) * iod
    bridge = np.array([inner[0], (inner[0] + inner[1]) / 2 + rise, inner[1]])
    cv2.polylines(frame, [np.round(bridge).astype(np.int32)], False, paint, arm, cv2.LINE_AA)
    middle = (eyes[0] + eyes[1]) / 2
    for lens, outward in ((lenses[0], -1.0), (lenses[1], 1.0)):
        rel = (lens - lens.mean(axis=0)) @ (along * outward)
        upper = (lens - lens.mean(axis=0)) @ down < 0
        start = lens[np.argmax(np.where(upper, rel, -np.inf))]
        # the arm runs towards the ear and ends at the side of the face (it goes behind it)
        side = float(np.max((pts - middle) @ (along * outward)))
        room = max(0.0, side - float((start - middle) @ (along * outward)))
        length = min(rng.uniform(0.15, 0.45) * iod, room)
        end = start + (along * outward + down * rng.uniform(0.0, 0.25)) * length
        cv2.line(frame, (int(start[0]), int(start[1])), (int(end[0]), int(end[1])), paint, arm,
                 cv2.LINE_AA)
    return frame


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


# Augmentations a recipe may train on but that no CV scores as a condition of its own (their
# condition is measured with other code: `conditions.eyewear`'s styles for varied glasses).
TRAINING_ONLY_AUGMENTATIONS: tuple[Augmentation, ...] = (
    Augmentation("eyewear_varied", "glasses of a varied family (shape, rim, colour, tint, "
                 "glare, fit), drawn by code apart from the measured styles", varied_glasses),
)
EXTRA_SUFFIX = "-extra"


def augmentation(name: str) -> Augmentation:
    """The augmentation called `name` (of `AUGMENTATIONS` or `TRAINING_ONLY_AUGMENTATIONS`;
    `NAME-extra` is `extra_copy` of NAME); ValueError naming the known ones otherwise."""
    for a in AUGMENTATIONS + TRAINING_ONLY_AUGMENTATIONS:
        if a.name == name:
            return a
    if name.endswith(EXTRA_SUFFIX):
        return extra_copy(augmentation(name.removesuffix(EXTRA_SUFFIX)))
    known = ", ".join(a.name for a in AUGMENTATIONS + TRAINING_ONLY_AUGMENTATIONS)
    raise ValueError(f"unknown augmentation {name!r}; known: {known}")


def extra_copy(aug: Augmentation) -> Augmentation:
    """`aug` under its own name (`NAME-extra`): the same drawing with its own seeded
    generator and cache entries, so an image's extra copy (`Recipe.extra_copies`) is not
    the copy the image may already have drawn of `aug`."""
    return Augmentation(f"{aug.name}{EXTRA_SUFFIX}", f"{aug.description} (an extra copy)",
                        aug.make)


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
