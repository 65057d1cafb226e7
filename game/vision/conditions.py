"""Webcam conditions made from labelled face images: tilt, eyewear, occluders (a pacifier
among them), light (dark, dim, backlit, a strong side light), range, a cheap 320x240 webcam,
motion blur, a face partly out of the frame, a second face, a mirror; and natural looks
that cover nothing (a fringe, a beard, darker skin), the occlusion model's negatives.

A posed photo is centred, full-size and unobstructed; a webcam frame is not (EXPRESSIONS.md,
"What a webcam adds"). This module makes the webcam's world from a labelled image and the
landmarks of its face, deterministically from a seed, so `facequest robustness` and the
occlusion model's training meet the same conditions. Every condition is one function of
(image, landmarks, rng) -> frames; a sequence of frames stands for a short video (the
second face that arrives after the child).

Images are RGB uint8 (H, W, 3); landmarks (478, 3) in px of the image. Sizes are in px, or in
inter-ocular distances (IOD) where the face's own scale matters.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import cv2
import numpy as np

from game.vision.face_crop import eye_line

FRAME_720P = (1280, 720)
BACKGROUND_GREY = 110
ARRIVAL_FRAMES = (4, 4)  # frames of the child alone, then with the second face

# FaceMesh indices: mouth corners, lip middles, eye corners.
_MOUTH_L, _MOUTH_R, _LIP_TOP, _LIP_BOTTOM = 291, 61, 0, 17
_EYE_R_OUTER, _EYE_L_OUTER = 33, 263

SKIN_TONES = (  # RGB, light to dark (Fitzpatrick I-VI, approximately)
    (246, 214, 189), (236, 188, 150), (214, 160, 118), (178, 122, 86), (130, 86, 58),
    (86, 56, 40),
)
CLOTH_COLOURS = (
    (40, 60, 140), (200, 40, 50), (230, 200, 60), (60, 140, 80), (30, 30, 30),
    (220, 220, 225), (140, 90, 160), (250, 140, 40),
)

Frames = list[np.ndarray]


@dataclass(frozen=True, slots=True)
class Condition:
    """One named webcam condition: `make(image, landmarks, rng, other)` gives its frames
    (the last is scored). `other` is a second person's (image, landmarks) for the
    second-face conditions (None for the rest). `occludes` names the face part covered.
    `alone`, for the second-face conditions, gives the same scene without the second
    person when called with a generator in the same state (the reference: was the child
    credited alone?)."""

    name: str
    description: str
    make: Callable[[np.ndarray, np.ndarray, np.random.Generator, Face | None], Frames]
    occludes: str | None = None
    needs_other: bool = False
    alone: Callable[[np.ndarray, np.ndarray, np.random.Generator, Face | None], Frames] | None = (
        None
    )
    whole_session: bool = False


Face = tuple[np.ndarray, np.ndarray]  # (image, landmarks)


def face_box(landmarks: np.ndarray) -> tuple[float, float, float, float]:
    pts = landmarks[:, :2]
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return float(x0), float(y0), float(x1), float(y1)


# -- geometry -------------------------------------------------------------------------------


def rolled(image: np.ndarray, landmarks: np.ndarray, degrees: float) -> np.ndarray:
    """The image turned by `degrees` (counter-clockwise) about the face centre."""
    x0, y0, x1, y1 = face_box(landmarks)
    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D(((x0 + x1) / 2, (y0 + y1) / 2), degrees, 1.0)
    return np.ascontiguousarray(
        cv2.warpAffine(image, matrix, (w, h), borderMode=cv2.BORDER_REPLICATE)
    )


def _paste(
    canvas: np.ndarray, image: np.ndarray, landmarks: np.ndarray, width: float,
    centre: tuple[float, float], feather: bool = True,
) -> None:
    """Scale `image` so its face is `width` px wide and paste it (in place) with the face
    centred at `centre` of `canvas`; with `feather`, only an oval around the face shows."""
    x0, y0, x1, y1 = face_box(landmarks)
    scale = width / max(x1 - x0, 1.0)
    fx, fy = (x0 + x1) / 2, (y0 + y1) / 2
    matrix = np.array([[scale, 0, centre[0] - scale * fx], [0, scale, centre[1] - scale * fy]])
    h, w = canvas.shape[:2]
    flags = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    warped = cv2.warpAffine(image, matrix, (w, h), flags=flags, borderMode=cv2.BORDER_CONSTANT)
    mask: np.ndarray = np.zeros((h, w), np.float32)
    if feather:
        axes = (int(width * 0.75), int(width * 0.95))
        cv2.ellipse(mask, (int(centre[0]), int(centre[1])), axes, 0, 0, 360, 1.0, -1)
        blur = max(3, int(width * 0.15) | 1)
        mask = cv2.GaussianBlur(mask, (blur, blur), 0)
    else:
        inside = cv2.warpAffine(
            np.ones(image.shape[:2], np.float32), matrix, (w, h), flags=cv2.INTER_NEAREST
        )
        mask = inside
    alpha = mask[..., None]
    canvas[:] = (canvas * (1 - alpha) + warped * alpha).astype(np.uint8)


def _background(size: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A plain room-like background: a soft vertical gradient with a little noise."""
    w, h = size
    top, bottom = rng.uniform(90, 150), rng.uniform(70, 130)
    column = np.linspace(top, bottom, h, dtype=np.float32)[:, None, None]
    tint = np.asarray(rng.uniform(0.9, 1.1, size=3), np.float32)
    canvas = np.broadcast_to(column * tint, (h, w, 3)).copy()
    canvas += np.asarray(rng.normal(0, 2.0, canvas.shape), np.float32)
    return np.clip(canvas, 0, 255).astype(np.uint8)


def at_range(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator, face_width: float,
    size: tuple[int, int] = FRAME_720P,
) -> np.ndarray:
    """The whole image scaled so the face is `face_width` px wide (landmark box), placed at
    a seeded spot in a `size` frame (face centre within the middle 60% across, 50% down)."""
    canvas = _background(size, rng)
    w, h = size
    centre = (rng.uniform(0.2, 0.8) * w, rng.uniform(0.25, 0.75) * h)
    _paste(canvas, image, landmarks, face_width, centre, feather=False)
    return canvas


# -- light ----------------------------------------------------------------------------------


def sensor_noise(image: np.ndarray, rng: np.random.Generator, sigma: float) -> np.ndarray:
    noisy = image.astype(np.float32) + rng.normal(0, sigma, image.shape).astype(np.float32)
    return np.clip(noisy, 0, 255).astype(np.uint8)


def dark(image: np.ndarray, rng: np.random.Generator, exposure: float = 0.22) -> np.ndarray:
    """Under-exposed: luma times `exposure`, then sensor noise (sigma 3 grey levels)."""
    return sensor_noise((image.astype(np.float32) * exposure).astype(np.uint8), rng, 3.0)


def backlit(image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A bright window behind: the background near white, the face at half its exposure
    (a camera's auto-exposure meters the bright frame)."""
    x0, y0, x1, y1 = face_box(landmarks)
    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.float32)
    centre = (int((x0 + x1) / 2), int((y0 + y1) / 2))
    axes = (int((x1 - x0) * 0.62), int((y1 - y0) * 0.7))
    cv2.ellipse(mask, centre, axes, 0, 0, 360, 1.0, -1)
    blur = max(3, int((x1 - x0) * 0.2) | 1)
    alpha = cv2.GaussianBlur(mask, (blur, blur), 0)[..., None]
    face = image.astype(np.float32) * rng.uniform(0.4, 0.55)
    bright = 235 + image.astype(np.float32) * 0.08
    out = face * alpha + bright * (1 - alpha)
    return sensor_noise(np.clip(out, 0, 255).astype(np.uint8), rng, 2.0)


# -- movement and framing -------------------------------------------------------------------


def motion_blurred(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator, length: float
) -> np.ndarray:
    """A child moving during the exposure: a linear motion blur `length` times the face's
    width (landmark box) long, in a seeded direction (a line kernel, evenly weighted)."""
    x0, _, x1, _ = face_box(landmarks)
    pixels = max(2.0, length * (x1 - x0))
    size = int(np.ceil(pixels)) | 1
    angle = rng.uniform(0, np.pi)
    kernel = np.zeros((size, size), np.float32)
    half = (pixels - 1) / 2
    c = size // 2
    dx, dy = np.cos(angle) * half, np.sin(angle) * half
    cv2.line(kernel, (round(c - dx), round(c - dy)), (round(c + dx), round(c + dy)), 1.0, 1,
             cv2.LINE_AA)
    kernel /= kernel.sum()
    return np.ascontiguousarray(cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_REFLECT))


def partly_out(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator, side: float,
    below: float,
) -> np.ndarray:
    """The face moved towards the edge of the frame (the image's own size): `side` of the
    face's width (landmark box) past the left or right edge (seeded; 0: not moved across)
    and `below` of its height past the bottom edge (the chin cut off; 0: not moved down);
    what the move uncovers is a plain room-like background."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = face_box(landmarks)
    direction = float(rng.choice([-1.0, 1.0]))
    dx = 0.0
    if side > 0:
        dx = (-x0 - side * (x1 - x0)) if direction < 0 else (w - x1 + side * (x1 - x0))
    dy = (h - y1 + below * (y1 - y0)) if below > 0 else 0.0
    canvas = _background((w, h), rng)
    centre = ((x0 + x1) / 2 + dx, (y0 + y1) / 2 + dy)
    _paste(canvas, image, landmarks, x1 - x0, centre, feather=False)
    return canvas


# -- eyewear --------------------------------------------------------------------------------


def eyewear(
    image: np.ndarray, landmarks: np.ndarray, style: str, rng: np.random.Generator
) -> np.ndarray:
    """Glasses drawn on the face. `style`: "thin" (thin round metal rims), "thick" (thick
    dark rectangular frames), "tinted" (frames with half-transparent dark lenses)."""
    out = image.copy()
    pts = landmarks[:, :2].astype(np.float64)
    _, iod, angle = eye_line(landmarks)
    deg = float(np.degrees(angle))
    eyes = [pts[[33, 133]].mean(axis=0), pts[[263, 362]].mean(axis=0)]
    colour = tuple(int(c) for c in rng.choice([(20, 20, 20), (90, 60, 30), (160, 160, 170)]))
    if style == "thin":
        half, thickness = (0.3 * iod, 0.25 * iod), max(1, int(0.03 * iod))
    else:
        half, thickness = (0.36 * iod, 0.24 * iod), max(2, int(0.08 * iod))
    lens_layer = out.astype(np.float32)
    for e in eyes:
        c = (int(e[0]), int(e[1] + 0.03 * iod))
        axes = (int(half[0]), int(half[1]))
        if style == "tinted":
            mask = np.zeros(out.shape[:2], np.uint8)
            cv2.ellipse(mask, c, axes, deg, 0, 360, 255, -1)
            lens_layer[mask > 0] *= 0.35
    out = lens_layer.astype(np.uint8)
    for e in eyes:
        c = (int(e[0]), int(e[1] + 0.03 * iod))
        axes = (int(half[0]), int(half[1]))
        if style == "thin":
            cv2.ellipse(out, c, axes, deg, 0, 360, colour, thickness, cv2.LINE_AA)
        else:
            box = cv2.boxPoints(((c[0], c[1]), (2 * axes[0], 2 * axes[1]), deg))
            cv2.polylines(out, [box.astype(np.int32)], True, colour, thickness, cv2.LINE_AA)
    # Bridge and the temples towards the ears.
    direction = (eyes[1] - eyes[0]) / max(np.linalg.norm(eyes[1] - eyes[0]), 1e-6)
    inner = [eyes[0] + direction * half[0], eyes[1] - direction * half[0]]
    cv2.line(out, tuple(int(v) for v in inner[0]), tuple(int(v) for v in inner[1]), colour,
             thickness, cv2.LINE_AA)
    for e, sign in ((eyes[0], -1), (eyes[1], 1)):
        start = e + sign * direction * half[0]
        end = start + sign * direction * 0.35 * iod
        cv2.line(out, tuple(int(v) for v in start), tuple(int(v) for v in end), colour,
                 thickness, cv2.LINE_AA)
    return out


# -- occluders ------------------------------------------------------------------------------


def part_centre_and_size(landmarks: np.ndarray, part: str) -> tuple[np.ndarray, float]:
    """Centre (px) and width (px) of the face part an occluder covers: "mouth" or "eyes"."""
    pts = landmarks[:, :2].astype(np.float64)
    if part == "mouth":
        centre = pts[[_MOUTH_L, _MOUTH_R, _LIP_TOP, _LIP_BOTTOM]].mean(axis=0)
        width = float(np.linalg.norm(pts[_MOUTH_L] - pts[_MOUTH_R]))
        return centre, width
    if part == "eyes":
        centre = pts[[_EYE_R_OUTER, _EYE_L_OUTER]].mean(axis=0)
        return centre, float(np.linalg.norm(pts[_EYE_R_OUTER] - pts[_EYE_L_OUTER]))
    raise ValueError(f"unknown face part {part!r}: mouth or eyes")


def _shade(colour: tuple[int, int, int], rng: np.random.Generator) -> np.ndarray:
    return np.asarray(np.clip(np.array(colour, np.float32) * rng.uniform(0.85, 1.1), 0, 255))


def _random_texture(shape: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """A (h, w, 3) float texture: one of mottled noise, stripes or checks, in two random
    colours."""
    h, w = shape
    a, b = rng.uniform(0, 255, 3), rng.uniform(0, 255, 3)
    style = int(rng.integers(3))
    if style == 0:
        small = rng.random((max(2, h // 16), max(2, w // 16))).astype(np.float32)
        mix = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    else:
        period = rng.uniform(4, 14)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        stripes = np.sin(xx / period) > 0
        mix = (stripes ^ (np.sin(yy / period) > 0) if style == 2 else stripes).astype(
            np.float32
        )
    mix = np.clip(mix, 0, 1)[..., None]
    return a * (1 - mix) + b * mix + rng.normal(0, 4, (h, w, 1))


def occluded(
    image: np.ndarray, landmarks: np.ndarray, part: str, kind: str, rng: np.random.Generator
) -> np.ndarray:
    """The face with `part` ("mouth" or "eyes") covered by a `kind` of occluder: "hand" (a
    skin-toned palm and fingers), "cloth" (a sleeve or scarf: a textured band), "toy" (a
    bright rounded shape) or "object" (a random polygon with a random texture). Size, angle,
    colour and an offset of up to a fifth of the part's width are drawn from `rng`."""
    centre, width = part_centre_and_size(landmarks, part)
    _, iod, _ = eye_line(landmarks)
    centre = centre + rng.uniform(-0.2, 0.2, 2) * width
    h, w = image.shape[:2]
    mask = np.zeros((h, w), np.uint8)
    angle = rng.uniform(-35, 35)
    if kind == "hand":
        colour = _shade(SKIN_TONES[rng.integers(len(SKIN_TONES))], rng)
        palm = (int(0.75 * iod * rng.uniform(0.9, 1.2)), int(0.55 * iod * rng.uniform(0.9, 1.2)))
        side = rng.choice([-1.0, 1.0])
        palm_c = centre + np.array([side * 0.45 * iod, 0.1 * iod])
        cv2.ellipse(mask, tuple(int(v) for v in palm_c), palm, angle, 0, 360, 255, -1)
        for k in range(4):
            offset = (k - 1.5) * 0.26 * iod
            tip = palm_c + np.array([-side * 1.25 * iod, offset])
            base = palm_c + np.array([-side * 0.3 * iod, offset * 0.8])
            cv2.line(mask, tuple(int(v) for v in base), tuple(int(v) for v in tip), 255,
                     max(2, int(0.22 * iod)), cv2.LINE_AA)
        texture = np.array(colour)[None, None, :] * (1 + rng.normal(0, 0.03, (h, w, 1)))
        creases = np.zeros((h, w), np.uint8)
        for k in range(3):
            offset = (k - 1) * 0.26 * iod
            a = palm_c + np.array([-side * 0.35 * iod, offset + 0.13 * iod])
            b = palm_c + np.array([-side * 1.2 * iod, offset + 0.13 * iod])
            cv2.line(creases, tuple(int(v) for v in a), tuple(int(v) for v in b), 255, 1)
        texture[creases > 0] *= 0.75
    elif kind == "cloth":
        colour = _shade(CLOTH_COLOURS[rng.integers(len(CLOTH_COLOURS))], rng)
        band = ((centre[0], centre[1]), (2.6 * iod, rng.uniform(0.55, 0.8) * iod), angle)
        cv2.fillPoly(mask, [cv2.boxPoints(band).astype(np.int32)], 255)
        stripes = (np.sin(np.arange(w)[None, :] / max(2.0, 0.08 * iod) + rng.uniform(0, 6)) > 0.6)
        texture = np.array(colour)[None, None, :] * (1 - 0.25 * stripes[..., None])
        texture = texture * (1 + rng.normal(0, 0.05, (h, w, 1)))
    elif kind == "toy":
        colour = _shade(CLOTH_COLOURS[rng.integers(len(CLOTH_COLOURS))], rng)
        radius = int(0.55 * iod * rng.uniform(0.9, 1.3))
        if rng.random() < 0.5:
            cv2.circle(mask, tuple(int(v) for v in centre), radius, 255, -1, cv2.LINE_AA)
        else:
            box = ((centre[0], centre[1]), (2.2 * radius, 1.5 * radius), angle)
            cv2.fillPoly(mask, [cv2.boxPoints(box).astype(np.int32)], 255)
        yy = np.linspace(1.15, 0.8, h, dtype=np.float32)[:, None, None]
        texture = np.array(colour)[None, None, :] * yy
    elif kind == "object":
        # Anything else a child holds up: a random polygon of any colour with a random
        # texture (mottled, striped or checked) and a little shading.
        count = int(rng.integers(5, 10))
        extent = 0.65 * iod * rng.uniform(0.8, 1.4)
        angles = np.sort(rng.uniform(0, 2 * np.pi, count))
        radii = extent * rng.uniform(0.8, 1.3, count)
        pts = centre + np.stack([np.cos(angles) * radii * 1.3, np.sin(angles) * radii], 1)
        cv2.fillPoly(mask, [pts.astype(np.int32)], 255)
        texture = _random_texture((h, w), rng)
    else:
        raise ValueError(f"unknown occluder {kind!r}: hand, cloth, toy or object")
    alpha = cv2.GaussianBlur(mask.astype(np.float32) / 255, (3, 3), 0)[..., None]
    out = image.astype(np.float32) * (1 - alpha) + np.clip(texture, 0, 255) * alpha
    return np.clip(out, 0, 255).astype(np.uint8)


# -- a pacifier -----------------------------------------------------------------------------

PACIFIER_STYLES = ("oval", "heart", "butterfly")
_PACIFIER_COLOURS = (  # RGB: the pastels and brights pacifier shields come in
    (120, 190, 240), (250, 170, 200), (255, 255, 255), (170, 230, 170), (250, 220, 120),
    (200, 170, 240), (240, 120, 90), (60, 120, 200), (40, 40, 40), (240, 240, 200),
)


def _shield_outline(style: str, samples: int = 48) -> np.ndarray:
    """The outline of a pacifier's shield (points, x and y in [-1, 1], y down): "oval",
    "heart" (a rounded heart, its point down) or "butterfly" (two round lobes with a notch
    at the middle of the top and of the bottom edge)."""
    t = np.linspace(0, 2 * np.pi, samples, endpoint=False)
    if style == "oval":
        x, y = np.cos(t), np.sin(t)
    elif style == "heart":
        x = 16 * np.sin(t) ** 3
        y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    elif style == "butterfly":
        r = 1.0 - 0.35 * np.cos(2 * t) ** 8 * (np.abs(np.sin(t)) > 0.7)
        x, y = np.cos(t) * (1 + 0.25 * np.cos(2 * t)), np.sin(t) * r * 0.9
        y = y * (1 - 0.45 * np.exp(-(x / 0.35) ** 2))
    else:
        raise ValueError(f"unknown pacifier style {style!r}: {', '.join(PACIFIER_STYLES)}")
    pts = np.stack([x, y], 1)
    pts = pts - (pts.max(axis=0) + pts.min(axis=0)) / 2
    return np.asarray(pts / np.abs(pts).max(axis=0), np.float64)


def pacifier(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator, style: str
) -> np.ndarray:
    """A pacifier (dummy) in the mouth: a shield of `style` (`PACIFIER_STYLES`) 0.9-1.3
    inter-ocular distances wide over the lips, of a seeded colour, opaque or translucent
    (the lips show through), with two air holes, a button or a ring handle in front, turned
    up to 15 degrees and shaded, its centre near the mouth's."""
    centre, _ = part_centre_and_size(landmarks, "mouth")
    _, iod, eye_angle = eye_line(landmarks)
    h, w = image.shape[:2]
    half_w = 0.5 * iod * rng.uniform(0.9, 1.3)
    half_h = half_w * rng.uniform(0.6, 0.8)
    centre = centre + rng.uniform(-0.08, 0.08, 2) * 2 * half_w
    theta = eye_angle + np.radians(rng.uniform(-15, 15))
    rot = np.array([[np.cos(theta), -np.sin(theta)], [np.sin(theta), np.cos(theta)]])

    def to_image(local: np.ndarray) -> np.ndarray:
        return np.asarray((local * [half_w, half_h]) @ rot.T + centre, np.int32)

    colour = _shade(_PACIFIER_COLOURS[rng.integers(len(_PACIFIER_COLOURS))], rng)
    shield = np.zeros((h, w), np.float32)
    cv2.fillPoly(shield, [to_image(_shield_outline(style))], 1.0, cv2.LINE_AA)
    holes = np.zeros((h, w), np.float32)
    for side in (-1.0, 1.0):
        ring = np.stack([np.cos(np.linspace(0, 2 * np.pi, 16)) * 0.13 + side * 0.55,
                         np.sin(np.linspace(0, 2 * np.pi, 16)) * 0.2], 1)
        cv2.fillPoly(holes, [to_image(ring)], 1.0, cv2.LINE_AA)
    opacity = rng.uniform(0.35, 0.65) if rng.random() < 0.5 else rng.uniform(0.85, 1.0)
    alpha = np.clip(shield - holes, 0, 1) * opacity
    rim = np.zeros((h, w), np.float32)
    cv2.polylines(rim, [to_image(_shield_outline(style))], True, 1.0,
                  max(1, int(0.06 * half_w)), cv2.LINE_AA)
    alpha = np.maximum(alpha, rim * min(1.0, opacity + 0.3))
    yy = np.linspace(1.12, 0.82, h, dtype=np.float32)[:, None, None]
    layer = np.broadcast_to(colour[None, None, :] * yy, (h, w, 3)).copy()
    layer[rim > 0.5] *= 0.8
    out = image.astype(np.float32) * (1 - alpha[..., None]) + layer * alpha[..., None]
    # The handle, always opaque: a button, or a ring hanging in front of the chin.
    handle_colour = _shade(_PACIFIER_COLOURS[rng.integers(len(_PACIFIER_COLOURS))], rng)
    handle = np.zeros((h, w), np.uint8)
    if rng.random() < 0.5:
        radius = int(half_w * rng.uniform(0.22, 0.35))
        cv2.circle(handle, tuple(int(v) for v in centre), radius, 255, -1, cv2.LINE_AA)
    else:
        drop = to_image(np.array([[0.0, rng.uniform(0.0, 0.7)]]))[0]
        radius = int(half_w * rng.uniform(0.35, 0.55))
        cv2.circle(handle, (int(drop[0]), int(drop[1])), radius, 255,
                   max(2, int(0.14 * half_w)), cv2.LINE_AA)
    a = (handle.astype(np.float32) / 255)[..., None]
    out = out * (1 - a) + handle_colour[None, None, :] * yy * a
    # A soft highlight where the light catches the shield.
    glint = np.zeros((h, w), np.float32)
    spot = to_image(np.array([[-0.35, -0.45]]))[0]
    cv2.ellipse(glint, (int(spot[0]), int(spot[1])), (max(1, int(0.25 * half_w)),
                max(1, int(0.1 * half_w))), float(np.degrees(theta)), 0, 360, 1.0, -1)
    out = out + (glint * shield * 0.35 * rng.random())[..., None] * (255 - out)
    return np.asarray(np.clip(out, 0, 255), np.uint8)


# -- natural faces that are not covered -----------------------------------------------------

_FACE_OVAL = (10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378,
              400, 377, 152, 148, 176, 149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54,
              103, 67, 109)
_LIPS_OUTER = (61, 146, 91, 181, 84, 17, 314, 405, 321, 375, 291, 409, 270, 269, 267, 0, 37,
               39, 40, 185)
_BROWS = (70, 63, 105, 66, 107, 336, 296, 334, 293, 300)
_SUBNASALE = 2


def _face_frame(image: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Every pixel's coordinates in the face's own frame, in inter-ocular distances: (u
    along the eye line, v down the face, both from the eye midpoint), and the IOD in px."""
    centre, iod, angle = eye_line(landmarks)
    h, w = image.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    dx, dy = xx - float(centre[0]), yy - float(centre[1])
    c, s = float(np.cos(angle)), float(np.sin(angle))
    return (c * dx + s * dy) / iod, (-s * dx + c * dy) / iod, float(iod)


def _in_face_frame(landmarks: np.ndarray, index: tuple[int, ...] | int) -> np.ndarray:
    centre, iod, angle = eye_line(landmarks)
    pts = np.atleast_2d(landmarks[np.atleast_1d(index), :2]) - centre
    c, s = np.cos(angle), np.sin(angle)
    return np.stack([c * pts[:, 0] + s * pts[:, 1], -s * pts[:, 0] + c * pts[:, 1]], 1) / iod


def _oval_mask(image: np.ndarray, landmarks: np.ndarray) -> np.ndarray:
    mask = np.zeros(image.shape[:2], np.float32)
    cv2.fillPoly(mask, [landmarks[list(_FACE_OVAL), :2].astype(np.int32)], 1.0)
    return mask


def fringe(image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Hair over the forehead down to about the brows (from a fifth of an inter-ocular
    distance above them to just over them), in strands with a ragged lower edge, within the
    head's outline, of a seeded hair colour: a natural face, not a covered one."""
    u, v, _iod = _face_frame(image, landmarks)
    brow_top = float(_in_face_frame(landmarks, _BROWS)[:, 1].min())
    edge = brow_top - rng.uniform(-0.1, 0.2)
    oval = _in_face_frame(landmarks, _FACE_OVAL)
    half_width = 0.5 * float(oval[:, 0].max() - oval[:, 0].min()) * 1.08
    # strands: a random brightness and length per strand across the forehead
    strands = max(4, int(2 * half_width / rng.uniform(0.04, 0.09)))
    shade = rng.normal(0, 0.18, strands).astype(np.float32)
    length = rng.uniform(-0.1, 0.06, strands).astype(np.float32)
    at = np.clip(((u + half_width) / (2 * half_width) * strands).astype(np.int32), 0,
                 strands - 1)
    head = (u / half_width) ** 2 + ((v - brow_top) / 1.9) ** 2 < 1
    inside = head & (v < edge + length[at])
    alpha = cv2.GaussianBlur(inside.astype(np.float32), (3, 3), 0)
    tone = float(rng.choice([25.0, 45.0, 70.0, 110.0, 160.0, 200.0]))
    hue = np.array([1.0, 0.85, 0.65]) if tone > 60 else np.array([1.0, 0.95, 0.9])
    layer = (tone * hue)[None, None, :] * (1 + shade[at])[..., None]
    layer = layer * (1 + rng.normal(0, 0.05, (*image.shape[:2], 1)))
    out = image.astype(np.float32) * (1 - alpha[..., None]) + layer * alpha[..., None]
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def beard(image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Facial hair: stubble (faint) or a beard (dense) on the jaw and chin, its upper edge
    rising towards the ears, and half the time a moustache between the nose and the upper
    lip; the lips stay bare."""
    u, v, _ = _face_frame(image, landmarks)
    drawn = np.zeros(image.shape[:2], np.uint8)
    cv2.fillPoly(drawn, [landmarks[list(_LIPS_OUTER), :2].astype(np.int32)], 255)
    lips = np.asarray(cv2.dilate(drawn, np.ones((3, 3), np.uint8)))
    lip_pts = _in_face_frame(landmarks, _LIPS_OUTER)
    mouth_top = float(lip_pts[:, 1].min())
    mouth_half = float(np.abs(lip_pts[:, 0]).max())
    nose = float(_in_face_frame(landmarks, _SUBNASALE)[0, 1])
    oval_pts = _in_face_frame(landmarks, _FACE_OVAL)
    half_width = 0.5 * float(oval_pts[:, 0].max() - oval_pts[:, 0].min())
    oval = _oval_mask(image, landmarks) > 0
    base = mouth_top + rng.uniform(0.05, 0.35)
    line = base - rng.uniform(0.3, 0.8) * (u / half_width) ** 2
    region = oval & (v > line) & (lips == 0)
    if rng.random() < 0.5:
        region |= ((v > nose + 0.04) & (v < mouth_top + 0.05) & (np.abs(u) < mouth_half * 1.1)
                   & (lips == 0))
    dense = rng.random() < 0.5
    density = rng.uniform(0.7, 0.95) if dense else rng.uniform(0.25, 0.5)
    alpha = cv2.GaussianBlur(region.astype(np.float32), (5, 5), 0) * density
    alpha *= np.clip(1 + rng.normal(0, 0.3, alpha.shape), 0, 1.5).astype(np.float32)
    tone = float(rng.uniform(20, 90))
    layer = np.array([tone, tone * 0.85, tone * 0.7], np.float32)[None, None, :]
    out = image.astype(np.float32) * (1 - alpha[..., None]) + layer * alpha[..., None]
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def darker_skin(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """The face (its landmark oval, feathered) at a darker skin tone: luma x0.35-0.65 and
    a warm tint; the background as it was."""
    mask = _oval_mask(image, landmarks)
    _, iod, _ = eye_line(landmarks)
    blur = max(3, int(0.3 * iod) | 1)
    alpha = cv2.GaussianBlur(mask, (blur, blur), 0)[..., None]
    gain = rng.uniform(0.35, 0.65) * np.array([1.08, 0.95, 0.85], np.float32)
    out = image.astype(np.float32) * (1 - alpha + alpha * gain)
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def side_lit(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator, shadow: float = 0.25
) -> np.ndarray:
    """A strong light from one side (seeded): the lit side of the face brightened up to
    x1.4, the far side in shadow at `shadow` of its exposure, the change across the nose
    over about half an inter-ocular distance; sensor noise (sigma 2 grey levels)."""
    u, _, _ = _face_frame(image, landmarks)
    side = float(rng.choice([-1.0, 1.0]))
    bright = rng.uniform(1.15, 1.4)
    ramp = 1 / (1 + np.exp(-side * (u - rng.uniform(-0.15, 0.15)) / 0.18))
    gain = shadow + (bright - shadow) * ramp
    out = image.astype(np.float32) * gain[..., None]
    return sensor_noise(np.clip(out, 0, 255).astype(np.uint8), rng, 2.0)


def cheap_webcam(
    image: np.ndarray, landmarks: np.ndarray, rng: np.random.Generator, quality: int = 15,
    width: tuple[float, float] = (70.0, 120.0),
) -> np.ndarray:
    """A cheap webcam's frame: 320x240, the face `width` px wide (seeded in the range) at a
    seeded spot, sensor noise (sigma 3 grey levels), JPEG at `quality`."""
    frame = at_range(image, landmarks, rng, float(rng.uniform(*width)), size=(320, 240))
    frame = sensor_noise(frame, rng, 3.0)
    ok, data = cv2.imencode(".jpg", frame[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    decoded = cv2.imdecode(data, cv2.IMREAD_COLOR) if ok else None
    return frame if decoded is None else np.ascontiguousarray(decoded[:, :, ::-1])


def dim(image: np.ndarray, rng: np.random.Generator, exposure: float = 0.4) -> np.ndarray:
    """A dim room (not dark): luma times `exposure`, sensor noise (sigma 3 grey levels)."""
    return dark(image, rng, exposure)


# -- a second face --------------------------------------------------------------------------


def with_second_face(
    child: Face, other: Face, rng: np.random.Generator, placement: str,
    size: tuple[int, int] = FRAME_720P, child_width: float = 150.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(frame with the child alone, frame with the child and a second person).

    The child's face sits near the middle of the frame, `child_width` px wide. "beside": an
    adult leaning in, face 1.35 times bigger, level with the child, to one side. "behind":
    a smaller face (0.8 times) above and to one side, partly hidden by the child.
    """
    w, h = size
    base = _background(size, rng)
    child_c = (w / 2 + rng.uniform(-0.05, 0.05) * w, h * 0.55)
    side = rng.choice([-1.0, 1.0])
    alone = base.copy()
    _paste(alone, *child, child_width, child_c)
    both = base.copy()
    if placement == "beside":
        width = child_width * 1.35
        centre = (child_c[0] + side * (child_width + width) * 0.62, child_c[1] - 0.1 * width)
        _paste(both, *other, width, centre)
        _paste(both, *child, child_width, child_c)
    elif placement == "behind":
        width = child_width * 0.8
        centre = (child_c[0] + side * child_width * 0.75, child_c[1] - child_width * 0.75)
        _paste(both, *other, width, centre)
        _paste(both, *child, child_width, child_c)
    else:
        raise ValueError(f"unknown placement {placement!r}: beside or behind")
    return alone, both


# -- the catalogue --------------------------------------------------------------------------


def _still(fn: Callable[[np.ndarray, np.ndarray, np.random.Generator], np.ndarray]) -> Callable[
    [np.ndarray, np.ndarray, np.random.Generator, Face | None], Frames
]:
    return lambda image, lm, rng, other: [fn(image, lm, rng)]


def _second_face(placement: str, scene: str) -> Callable[
    [np.ndarray, np.ndarray, np.random.Generator, Face | None], Frames
]:
    """The frames of a second-face condition. `scene`: "arrives" (the child alone for
    `ARRIVAL_FRAMES[0]` frames, then with the second person), "from_start" (both from the
    first frame) or "alone" (the child alone: the reference)."""

    def make(image: np.ndarray, lm: np.ndarray, rng: np.random.Generator,
             other: Face | None) -> Frames:
        assert other is not None
        alone, both = with_second_face((image, lm), other, rng, placement)
        if scene == "arrives":
            return [alone] * ARRIVAL_FRAMES[0] + [both] * ARRIVAL_FRAMES[1]
        return [both] if scene == "from_start" else [alone]

    return make


def _as_is(image: np.ndarray, lm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return image


def _mirror(image: np.ndarray, lm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return np.ascontiguousarray(image[:, ::-1])


def _roll_either_way(
    image: np.ndarray, lm: np.ndarray, rng: np.random.Generator, *, degrees: float
) -> np.ndarray:
    return rolled(image, lm, degrees * float(rng.choice([-1.0, 1.0])))


def _glasses(
    image: np.ndarray, lm: np.ndarray, rng: np.random.Generator, *, style: str
) -> np.ndarray:
    return eyewear(image, lm, style, rng)


def _cover(
    image: np.ndarray, lm: np.ndarray, rng: np.random.Generator, *, part: str, kind: str
) -> np.ndarray:
    return occluded(image, lm, part, kind, rng)


def _dummy(image: np.ndarray, lm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return pacifier(image, lm, rng, PACIFIER_STYLES[int(rng.integers(len(PACIFIER_STYLES)))])


def _dim(image: np.ndarray, lm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return dim(image, rng)


def _dark(image: np.ndarray, lm: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    return dark(image, rng)


def _far(
    image: np.ndarray, lm: np.ndarray, rng: np.random.Generator, *, width: float
) -> np.ndarray:
    return at_range(image, lm, rng, width)


def _blur(
    image: np.ndarray, lm: np.ndarray, rng: np.random.Generator, *, length: float
) -> np.ndarray:
    return motion_blurred(image, lm, rng, length)


def _cut(
    image: np.ndarray, lm: np.ndarray, rng: np.random.Generator, *, side: float, below: float
) -> np.ndarray:
    return partly_out(image, lm, rng, side, below)


def _catalogue() -> tuple[Condition, ...]:
    conditions = [
        Condition("clean", "the labelled image as it is", _still(_as_is), whole_session=True),
        Condition("mirrored", "flipped left-right", _still(_mirror), whole_session=True),
    ]
    for deg in (15, 25, 35):
        conditions.append(Condition(
            f"roll_{deg}", f"head rolled {deg} degrees (either way, seeded)",
            _still(partial(_roll_either_way, degrees=deg)),
        ))
    for style in ("thin", "thick", "tinted"):
        conditions.append(Condition(
            f"glasses_{style}", f"{style} glasses drawn at the eyes",
            _still(partial(_glasses, style=style)), whole_session=True,
        ))
    for part in ("mouth", "eyes"):
        for kind in ("hand", "cloth", "toy"):
            conditions.append(Condition(
                f"{part}_{kind}", f"a {kind} over the {part} (shape, colour, place seeded)",
                _still(partial(_cover, part=part, kind=kind)),
                occludes=part,
            ))
    conditions.append(Condition(
        "mouth_pacifier", "a pacifier in the mouth (shield style, colour, opacity, handle "
        "seeded)", _still(_dummy), occludes="mouth",
    ))
    conditions.append(Condition(
        "dark", "exposure x0.22 and sensor noise", _still(_dark), whole_session=True,
    ))
    conditions.append(Condition(
        "dim", "exposure x0.4 and sensor noise", _still(_dim), whole_session=True,
    ))
    conditions.append(Condition(
        "side_light", "a strong light from one side, the far side at 25% exposure",
        _still(side_lit), whole_session=True,
    ))
    conditions.append(Condition(
        "webcam_320", "a cheap webcam: 320x240, the face 70-120 px wide, noise, JPEG q15",
        _still(cheap_webcam), whole_session=True,
    ))
    conditions.append(Condition(
        "backlight", "bright background, face at about half exposure",
        _still(backlit), whole_session=True,
    ))
    for width in (48, 57, 64, 90, 128, 180):
        conditions.append(Condition(
            f"far_{width}px", f"face {width} px wide in a 1280x720 frame",
            _still(partial(_far, width=width)), whole_session=True,
        ))
    for percent in (8, 16):
        conditions.append(Condition(
            f"motion_blur_{percent}", f"linear motion blur {percent}% of the face's width "
            "long, in a seeded direction", _still(partial(_blur, length=percent / 100)),
        ))
    conditions.append(Condition(
        "out_side_35", "the face moved so 35% of its width is past the side of the frame",
        _still(partial(_cut, side=0.35, below=0.0)),
    ))
    conditions.append(Condition(
        "out_chin", "the face moved down so its chin (15% of its height) is below the frame",
        _still(partial(_cut, side=0.0, below=0.15)),
    ))
    for placement in ("beside", "behind"):
        conditions.append(Condition(
            f"second_face_{placement}_arrives",
            f"another person's face {placement} the child arrives after {ARRIVAL_FRAMES[0]} "
            "frames of the child alone",
            _second_face(placement, "arrives"), needs_other=True,
            alone=_second_face(placement, "alone"),
        ))
    conditions.append(Condition(
        "second_face_beside_from_start", "a bigger face beside the child from the first frame",
        _second_face("beside", "from_start"), needs_other=True,
        alone=_second_face("beside", "alone"),
    ))
    return tuple(conditions)


CONDITIONS: tuple[Condition, ...] = _catalogue()


def condition(name: str) -> Condition:
    """The condition called `name`; ValueError naming the known ones otherwise."""
    for c in CONDITIONS:
        if c.name == name:
            return c
    raise ValueError(f"unknown condition {name!r}; known: {', '.join(c.name for c in CONDITIONS)}")
