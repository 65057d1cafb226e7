"""The friendly cartoon face, drawn from `AvatarFace` parameters (no image files).

`draw_avatar` blits the face into a rectangle and, for a hint, adds a soft glow around the
face part to change and an arrow showing which way to move it. The face itself is drawn at
twice the size and smoothed down (anti-aliased), and cached by its (rounded) parameters, so
a face that holds still costs one blit per frame. Drawing changes no game state; the only
input that animates (the glow's slow breathing and the arrow's gentle bob) is `t_ms`, and
`theme.reduced_motion` keeps both still. Nothing flashes.

Geometry is in face units: the face square has side S, the origin at its centre, y down.
Side -1 is the viewer's left. A face with a left/right difference (`AvatarFace.*_lr`) is
drawn as in a mirror: the face's own left on the viewer's left (side -1), each side with
`AvatarFace.on_side(side)`.

Looks (`AvatarLook`): the same face with other hair, a hat, another skin tone.
`look_palette` gives the look's colours (made from the theme's own palette, so the
high-contrast palette stays high-contrast) and `_draw_head` its hair or hat.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import logging
import math
from collections.abc import Callable, Sequence

import pygame

from game.expressions import FacePart
from game.ui.avatar_params import DEFAULT_LOOK, AvatarFace, AvatarLook, HintArrow
from game.ui.theme import Color, Palette, Theme

logger = logging.getLogger(__name__)

SUPERSAMPLE = 2
Point = tuple[float, float]

# face-unit anchors (fractions of S from the centre)
EYE_X, EYE_Y = 0.155, -0.015
BROW_Y = -0.125
NOSE_Y = 0.085
MOUTH_Y = 0.225
CHEEK_X, CHEEK_Y = 0.235, 0.105


def _lerp(a: float, b: float, t: float) -> float:
    return a + (b - a) * t


def _cubic(p0: Point, p1: Point, p2: Point, p3: Point, n: int = 24) -> list[Point]:
    out = []
    for i in range(n + 1):
        t = i / n
        u = 1 - t
        out.append((
            u * u * u * p0[0] + 3 * u * u * t * p1[0] + 3 * u * t * t * p2[0] + t * t * t * p3[0],
            u * u * u * p0[1] + 3 * u * u * t * p1[1] + 3 * u * t * t * p2[1] + t * t * t * p3[1],
        ))
    return out


def _mix(a: Color, b: Color, t: float) -> Color:
    return (round(_lerp(a[0], b[0], t)), round(_lerp(a[1], b[1], t)), round(_lerp(a[2], b[2], t)))


def _stroke(surf: pygame.Surface, color: Color, pts: Sequence[Point], width: float) -> None:
    """A thick polyline with round joins and caps."""
    w = max(1, round(width))
    r = width / 2
    for a, b in itertools.pairwise(pts):
        pygame.draw.line(surf, color, a, b, w)
    for p in pts:
        pygame.draw.circle(surf, color, p, r)


def _tapered_stroke(
    surf: pygame.Surface, color: Color, pts: Sequence[Point], w0: float, w1: float
) -> None:
    """A filled stroke whose width goes from w0 (first point) to w1 (last point)."""
    n = len(pts)
    left: list[Point] = []
    right: list[Point] = []
    for i, (x, y) in enumerate(pts):
        a = pts[max(0, i - 1)]
        b = pts[min(n - 1, i + 1)]
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy) or 1.0
        nx, ny = -dy / length, dx / length
        half = _lerp(w0, w1, i / (n - 1)) / 2
        left.append((x + nx * half, y + ny * half))
        right.append((x - nx * half, y - ny * half))
    pygame.draw.polygon(surf, color, left + right[::-1])
    pygame.draw.circle(surf, color, pts[0], w0 / 2)
    pygame.draw.circle(surf, color, pts[-1], w1 / 2)


class _Frame:
    """Maps face units to pixels of one (supersampled) square surface."""

    def __init__(self, side: int) -> None:
        self.s = float(side)
        self.c = side / 2

    def p(self, u: float, v: float) -> Point:
        return (self.c + u * self.s, self.c + v * self.s)

    def d(self, u: float) -> float:
        return u * self.s

    def local(self, pts: Sequence[Point], origin: Point) -> list[Point]:
        """`pts` (face units) in pixels of a layer whose top-left sits at `origin`."""
        ox, oy = origin
        return [(self.c + u * self.s - ox, self.c + v * self.s - oy) for u, v in pts]


def _masked(
    size: tuple[int, int], polygon: Sequence[Point]
) -> tuple[pygame.Surface, pygame.Surface]:
    """A transparent layer and an alpha mask of `polygon` (both `size`)."""
    layer = pygame.Surface(size, pygame.SRCALPHA)
    mask = pygame.Surface(size, pygame.SRCALPHA)
    mask.fill((255, 255, 255, 0))
    pygame.draw.polygon(mask, (255, 255, 255, 255), polygon)
    return layer, mask


def _feature_layer(
    f: _Frame, box: pygame.Rect, upper: Sequence[Point], lower: Sequence[Point]
) -> tuple[Callable[[Sequence[Point]], list[Point]], list[Point], pygame.Surface,
           pygame.Surface]:
    """A feature drawn on its own layer at `box` (eye, open mouth): the face-units-to-layer
    mapping, the outline polygon from `upper` and `lower`, the layer and its mask."""
    origin = box.topleft

    def local(pts: Sequence[Point]) -> list[Point]:
        return f.local(pts, origin)

    poly = local(upper) + local(lower[::-1])
    layer, mask = _masked(box.size, poly)
    return local, poly, layer, mask


# ------------------------------------------------------------------------------ face parts


# skin tone and hair of each look: (towards this skin, by how much), hair colour (None: the
# palette's own), the hat's colour mixed from the palette's accent
_LOOK_SKIN: dict[AvatarLook, tuple[Color, float]] = {
    AvatarLook.WAVE: ((0, 0, 0), 0.0),
    AvatarLook.CURLS: ((150, 100, 70), 0.75),
    AvatarLook.TUFT: ((255, 232, 214), 0.45),
    AvatarLook.BEANIE: ((206, 156, 118), 0.5),
}
_LOOK_HAIR: dict[AvatarLook, Color | None] = {
    AvatarLook.WAVE: None,
    AvatarLook.CURLS: (48, 36, 32),
    AvatarLook.TUFT: (204, 150, 92),
    AvatarLook.BEANIE: (84, 62, 48),
}


@functools.lru_cache(maxsize=16)
def look_palette(pal: Palette, look: AvatarLook) -> Palette:
    """The palette `pal` with the skin and hair of `look`."""
    toward, amount = _LOOK_SKIN[look]
    hair = _LOOK_HAIR[look]
    if amount == 0 and hair is None:
        return pal
    return dataclasses.replace(
        pal, skin=_mix(pal.skin, toward, amount), skin_shade=_mix(pal.skin_shade, toward, amount),
        hair=hair if hair is not None else pal.hair)


def _draw_ears_and_head(surf: pygame.Surface, f: _Frame, pal: Palette) -> None:
    for side in (-1, 1):
        ear = f.p(side * 0.395, 0.06)
        pygame.draw.circle(surf, pal.skin_shade, ear, f.d(0.075))
        pygame.draw.circle(surf, pal.skin, ear, f.d(0.055))
    pygame.draw.ellipse(surf, pal.skin, pygame.Rect(*f.p(-0.395, -0.40), f.d(0.79), f.d(0.85)))


def _draw_curls(surf: pygame.Surface, f: _Frame, pal: Palette) -> None:
    """Round curls all round the top of the head, and a row of them over the forehead."""
    for i in range(15):  # behind the head, from ear to ear over the top
        a = math.pi * (1.12 - 1.24 * i / 14)
        pygame.draw.circle(surf, pal.hair, f.p(0.34 * math.cos(a), -0.05 - 0.34 * math.sin(a)),
                           f.d(0.10))
    _draw_ears_and_head(surf, f, pal)
    for i in range(7):  # the fringe: small curls, higher in the middle
        u = -0.30 + 0.6 * i / 6
        pygame.draw.circle(surf, pal.hair, f.p(u, -0.245 - 0.05 * (1 - (u / 0.3) ** 2)),
                           f.d(0.075))
    pygame.draw.ellipse(surf, pal.hair, pygame.Rect(*f.p(-0.34, -0.43), f.d(0.68), f.d(0.22)))


def _draw_tuft(surf: pygame.Surface, f: _Frame, pal: Palette) -> None:
    """Short hair close to the head, a straight soft fringe and a little tuft on top."""
    pygame.draw.ellipse(surf, pal.hair, pygame.Rect(*f.p(-0.415, -0.44), f.d(0.83), f.d(0.66)))
    _draw_ears_and_head(surf, f, pal)
    cap = _cubic(f.p(-0.39, -0.13), f.p(-0.30, -0.24), f.p(0.30, -0.24), f.p(0.39, -0.13))
    start = math.acos(0.39 / 0.415)
    for i in range(25):
        a = start + (math.pi - 2 * start) * i / 24
        cap.append(f.p(0.415 * math.cos(a), -0.11 - 0.33 * math.sin(a)))
    pygame.draw.polygon(surf, pal.hair, cap)
    for du, lean in ((-0.05, -0.05), (0.0, 0.0), (0.05, 0.06)):  # the tuft: three soft leaves
        base = (du, -0.40)
        tip = (du + lean, -0.485)
        leaf = _cubic(f.p(base[0] - 0.035, base[1]), f.p(base[0] - 0.03, base[1] - 0.07),
                      f.p(tip[0] - 0.01, tip[1] + 0.02), f.p(*tip), n=12)
        leaf += _cubic(f.p(*tip), f.p(tip[0] + 0.02, tip[1] + 0.03),
                       f.p(base[0] + 0.035, base[1] - 0.06), f.p(base[0] + 0.035, base[1]), n=12)
        pygame.draw.polygon(surf, pal.hair, leaf)


def _draw_beanie(surf: pygame.Surface, f: _Frame, pal: Palette) -> None:
    """A knitted hat with a folded band and a pompom; a little hair shows at the sides."""
    for side in (-1, 1):
        pygame.draw.ellipse(surf, pal.hair, pygame.Rect(*f.p(side * 0.30 - 0.11, -0.22),
                                                        f.d(0.22), f.d(0.20)))
    _draw_ears_and_head(surf, f, pal)
    hat = _mix(pal.accent, pal.surface, 0.15)
    band = _mix(pal.accent, pal.feature, 0.25)
    dome = [f.p(0.41 * math.cos(math.pi * i / 32), -0.23 - 0.22 * math.sin(math.pi * i / 32))
            for i in range(33)]
    pygame.draw.polygon(surf, hat, dome)
    for i in range(5):  # the knit: soft vertical ribs
        u = -0.24 + 0.12 * i
        _stroke(surf, _mix(hat, band, 0.5), [f.p(u * 0.9, -0.42 + abs(u) * 0.3),
                                             f.p(u, -0.25)], f.d(0.012))
    pygame.draw.rect(surf, band, pygame.Rect(*f.p(-0.43, -0.27), f.d(0.86), f.d(0.09)),
                     border_radius=round(f.d(0.04)))
    pygame.draw.circle(surf, band, f.p(0.0, -0.43), f.d(0.065))
    pygame.draw.circle(surf, _mix(band, pal.surface, 0.35), f.p(-0.02, -0.445), f.d(0.025))


def _draw_head(surf: pygame.Surface, f: _Frame, pal: Palette,
               look: AvatarLook = DEFAULT_LOOK) -> None:
    if look is AvatarLook.CURLS:
        _draw_curls(surf, f, pal)
        return
    if look is AvatarLook.TUFT:
        _draw_tuft(surf, f, pal)
        return
    if look is AvatarLook.BEANIE:
        _draw_beanie(surf, f, pal)
        return
    # hair behind the head, ears, head, fringe
    pygame.draw.ellipse(surf, pal.hair, pygame.Rect(*f.p(-0.43, -0.47), f.d(0.86), f.d(0.80)))
    for side in (-1, 1):
        ear = f.p(side * 0.395, 0.06)
        pygame.draw.circle(surf, pal.skin_shade, ear, f.d(0.075))
        pygame.draw.circle(surf, pal.skin, ear, f.d(0.055))
    pygame.draw.ellipse(surf, pal.skin, pygame.Rect(*f.p(-0.395, -0.40), f.d(0.79), f.d(0.85)))
    # fringe: a soft wave of hair across the forehead, up to the hair's outline
    fringe = _cubic(f.p(-0.40, -0.15), f.p(-0.30, -0.28), f.p(-0.10, -0.26), f.p(0.02, -0.255))
    fringe += _cubic(f.p(0.02, -0.255), f.p(0.14, -0.30), f.p(0.30, -0.27), f.p(0.40, -0.15))
    start = math.acos(0.40 / 0.43)
    for i in range(25):
        a = start + (math.pi - 2 * start) * i / 24  # over the top, right to left
        fringe.append(f.p(0.43 * math.cos(a), -0.07 - 0.40 * math.sin(a)))
    pygame.draw.polygon(surf, pal.hair, fringe)


def _eye_outline(face: AvatarFace, side: int) -> tuple[list[Point], list[Point]]:
    """Upper and lower lid curves of one eye in face units (side -1: viewer's left)."""
    cx, cy = side * EYE_X, EYE_Y
    a = 0.072 + 0.008 * max(face.eye_open, 0.0)  # half width
    open_f = 1.0 + 0.55 * face.eye_open if face.eye_open >= 0 else 1.0 + 0.6 * face.eye_open
    b = 0.062 * open_f  # half height
    angle = face.brow_angle  # > 0 worried (outer lid droops), < 0 cross (inner lid drops)
    n = 22
    upper: list[Point] = []
    lower: list[Point] = []
    for i in range(n + 1):
        t = -1 + 2 * i / n  # -1 .. 1 across the eye
        x = cx + t * a
        inward = -t * side  # +1 at the inner corner (towards the nose)
        half = b * math.sqrt(max(0.0, 1 - t * t))
        top = cy - half
        bottom = cy + half
        # lid slant: angry lids cover the inner top, sad lids the outer top
        lid = cy - b * 0.95 + b * 0.9 * max(0.0, -angle) * (inward + 1) / 2
        lid = max(lid, cy - b * 0.95 + b * 0.7 * max(0.0, angle) * (1 - inward) / 2)
        top = max(top, lid)
        # lower lid: tightened (flat, raised) and pushed up by the cheeks (smiling arc)
        bottom = min(bottom, cy + b * (1 - 1.1 * face.lid_tight))
        smile_arc = cy + b * (1.0 - 1.25 * face.cheek_raise) + 0.8 * b * face.cheek_raise * t * t
        bottom = min(bottom, smile_arc)
        if bottom < top + 0.006:
            mid = (top + bottom) / 2
            top, bottom = mid - 0.003, mid + 0.003
        upper.append((x, top))
        lower.append((x, bottom))
    return upper, lower


def _draw_eye(surf: pygame.Surface, f: _Frame, face: AvatarFace, pal: Palette, side: int) -> None:
    upper, lower = _eye_outline(face, side)
    box = pygame.Rect(*f.p(side * EYE_X - 0.11, EYE_Y - 0.11), f.d(0.22), f.d(0.22))
    ox, oy = box.topleft
    _, poly, layer, mask = _feature_layer(f, box, upper, lower)
    pygame.draw.polygon(layer, pal.eye_white, poly)
    # iris looks straight ahead, slightly towards the viewer's centre
    ix, iy = f.p(side * EYE_X - side * 0.006, EYE_Y + 0.004)
    ix, iy = ix - ox, iy - oy
    pygame.draw.circle(layer, pal.iris, (ix, iy), f.d(0.047))
    pygame.draw.circle(layer, pal.feature, (ix, iy), f.d(0.026))
    pygame.draw.circle(layer, pal.eye_white, (ix + f.d(0.015), iy - f.d(0.017)), f.d(0.012))
    layer.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    surf.blit(layer, box.topleft)
    # lash line on the upper lid, a thin line on the lower one
    _stroke(surf, pal.feature, [f.p(u, v) for u, v in upper], f.d(0.016))
    _stroke(surf, _mix(pal.feature, pal.skin, 0.55), [f.p(u, v) for u, v in lower], f.d(0.007))


def _brow_points(face: AvatarFace, side: int) -> list[Point]:
    inner_x = side * (0.07 - 0.03 * face.brow_squeeze)
    outer_x = side * 0.225
    inner_y = BROW_Y - 0.075 * face.brow_inner + 0.018 * face.brow_squeeze
    outer_y = BROW_Y + 0.008 - 0.06 * face.brow_outer  # level-to-soft at rest: calm, not cross
    # arch: raised brows arch more; worried (inner up) brows bend the other way near the middle
    arch = 0.022 + 0.015 * max(face.brow_outer, 0.0) - 0.03 * max(face.brow_angle, 0.0)
    mid_x = (inner_x + outer_x) / 2
    mid_y = (inner_y + outer_y) / 2 - arch
    return _cubic(
        (inner_x, inner_y),
        (_lerp(inner_x, mid_x, 0.7), mid_y),
        (_lerp(outer_x, mid_x, 0.5), mid_y),
        (outer_x, outer_y),
        16,
    )


def _draw_brows(surf: pygame.Surface, f: _Frame, face: AvatarFace, pal: Palette) -> None:
    thick = 0.036 + 0.006 * face.brow_squeeze
    for side in (-1, 1):
        pts = [f.p(u, v) for u, v in _brow_points(face.on_side(side), side)]
        _tapered_stroke(surf, pal.hair, pts, f.d(thick), f.d(thick * 0.6))


def _draw_cheeks(surf: pygame.Surface, f: _Frame, face: AvatarFace, pal: Palette) -> None:
    for side in (-1, 1):
        raise_ = face.on_side(side).cheek_raise
        alpha = round(70 + 70 * raise_)
        w = 0.11 + 0.02 * raise_
        h = 0.062 + 0.012 * raise_
        cy = CHEEK_Y - 0.03 * raise_
        layer = pygame.Surface((math.ceil(f.d(w)), math.ceil(f.d(h))), pygame.SRCALPHA)
        pygame.draw.ellipse(layer, (*pal.cheek, alpha), layer.get_rect())
        surf.blit(layer, f.p(side * CHEEK_X - w / 2, cy - h / 2))


def _draw_nose(surf: pygame.Surface, f: _Frame, face: AvatarFace, pal: Palette) -> None:
    lift = 0.012 * face.nose_wrinkle + 0.008 * face.upper_lip_raise
    flare = 1.0 + 0.35 * face.nose_wrinkle
    y = NOSE_Y - lift
    shade = _mix(pal.skin_shade, pal.feature, 0.25)
    # a soft rounded nose tip
    tip = _cubic(f.p(-0.035 * flare, y - 0.005), f.p(-0.04 * flare, y + 0.035),
                 f.p(0.04 * flare, y + 0.035), f.p(0.035 * flare, y - 0.005), 14)
    _stroke(surf, shade, tip, f.d(0.012))
    if face.nose_wrinkle > 0.02:
        # wrinkles across the bridge: short arcs, more and darker as the wrinkle grows
        color = _mix(pal.skin, pal.feature, 0.35 + 0.35 * face.nose_wrinkle)
        rows = 1 + round(2 * face.nose_wrinkle)
        for i in range(rows):
            yy = y - 0.035 - 0.02 * i
            wdt = 0.022 + 0.006 * i
            arc = _cubic(f.p(-wdt, yy + 0.006), f.p(-wdt / 3, yy - 0.008),
                         f.p(wdt / 3, yy - 0.008), f.p(wdt, yy + 0.006), 8)
            _stroke(surf, color, arc, f.d(0.008 + 0.004 * face.nose_wrinkle))
    if face.upper_lip_raise > 0.05:
        # the furrows from the nose wings down towards the mouth deepen (AU10)
        color = _mix(pal.skin, pal.feature, 0.2 + 0.3 * face.upper_lip_raise)
        for side in (-1, 1):
            fold = _cubic(f.p(side * 0.05, y + 0.015), f.p(side * 0.085, y + 0.04),
                          f.p(side * 0.10, y + 0.07), f.p(side * 0.105, y + 0.10), 10)
            _stroke(surf, color, fold, f.d(0.006 + 0.005 * face.upper_lip_raise))


def _mouth_curves(face: AvatarFace) -> tuple[list[Point], list[Point], float]:
    """Upper and lower lip curves (face units, left to right) and the opening height."""
    corner = face.mouth_corner
    hw = 0.10 * (1 + 0.32 * face.mouth_width + 0.25 * face.lip_stretch)
    cy = MOUTH_Y
    # each corner at its own side's height (the same on a symmetric face)
    left_y = cy - 0.05 * face.on_side(-1).mouth_corner + 0.012 * face.lip_stretch
    right_y = cy - 0.05 * face.on_side(1).mouth_corner + 0.012 * face.lip_stretch
    left, right = (-hw, left_y), (hw, right_y)
    smile = max(corner, 0.0)
    frown = max(-corner, 0.0)
    opening = 0.16 * face.mouth_open + 0.045 * face.upper_lip_raise * (1 - face.lip_press)
    opening *= 1 - 0.9 * face.lip_press
    # where the middle of each lip sits
    upper_mid = cy + 0.018 * smile - 0.03 * face.upper_lip_raise + 0.012 * frown
    upper_mid -= 0.4 * opening * (1 - smile)  # an open, unsmiling mouth opens upwards too
    lower_mid = upper_mid + opening + 0.07 * smile * min(1.0, 3 * face.mouth_open)
    round_ = min(1.0, 1.6 * min(1.0, 1.5 * face.mouth_open) * max(0.0, -face.mouth_width))
    squareness = face.lip_stretch

    def ctrl_y(mid: float, end_y: float) -> float:
        return (8 * mid - 2 * end_y) / 6

    inset = hw * (0.5 - 0.5 * round_) * (1 - 0.7 * squareness)
    snarl = 0.035 * face.upper_lip_raise  # raise one side of the upper lip more (a sneer)
    up1 = (left[0] + inset, ctrl_y(upper_mid, left_y) - snarl)
    up2 = (right[0] - inset, ctrl_y(upper_mid, right_y) + snarl * 0.5)
    lo1 = (left[0] + inset, ctrl_y(lower_mid, left_y))
    lo2 = (right[0] - inset, ctrl_y(lower_mid, right_y))
    upper = _cubic(left, up1, up2, right)
    lower = _cubic(left, lo1, lo2, right)
    return upper, lower, lower_mid - upper_mid


def _draw_mouth(surf: pygame.Surface, f: _Frame, face: AvatarFace, pal: Palette) -> None:
    upper, lower, gap = _mouth_curves(face)
    line_w = f.d(0.02 - 0.006 * face.lip_press)
    if gap < 0.018:
        # closed mouth: one line along the middle of the lips
        mid = [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2) for a, b in zip(upper, lower, strict=True)]
        _stroke(surf, pal.feature, [f.p(u, v) for u, v in mid], line_w)
        if face.lip_press > 0.3:
            # pressed lips: small creases at both corners
            for side, (u, v) in ((-1, mid[0]), (1, mid[-1])):
                crease = [f.p(u + side * 0.002, v - 0.012), f.p(u + side * 0.012, v + 0.01)]
                _stroke(surf, _mix(pal.feature, pal.skin, 0.4), crease, f.d(0.008))
        return
    box = pygame.Rect(*f.p(-0.26, MOUTH_Y - 0.2), f.d(0.52), f.d(0.42))
    local, poly, layer, mask = _feature_layer(f, box, upper, lower)
    pygame.draw.polygon(layer, pal.mouth_inside, poly)
    # tongue at the bottom of a well-opened mouth
    low_y = max(p[1] for p in local(lower))
    tongue_w = f.d(0.12 + 0.05 * face.mouth_width)
    tongue = pygame.Rect(0, 0, tongue_w, f.d(0.09))
    tongue.center = (round(box.width / 2), round(low_y))
    pygame.draw.ellipse(layer, pal.tongue, tongue)
    # teeth: a band under the upper lip when smiling, sneering or grimacing
    show_upper = max(face.mouth_corner, 0.0) + face.upper_lip_raise + face.lip_stretch
    if show_upper > 0.25:
        band = f.d(0.03 + 0.012 * face.lip_stretch)
        teeth = local(upper) + [(x, y + band) for x, y in local(upper)[::-1]]
        pygame.draw.polygon(layer, pal.teeth, teeth)
    if face.lip_stretch > 0.3:
        band = f.d(0.026)
        teeth = local(lower) + [(x, y - band) for x, y in local(lower)[::-1]]
        pygame.draw.polygon(layer, pal.teeth, teeth)
    layer.blit(mask, (0, 0), special_flags=pygame.BLEND_RGBA_MULT)
    surf.blit(layer, box.topleft)
    _stroke(surf, pal.feature, [f.p(u, v) for u, v in upper], line_w * 0.8)
    _stroke(surf, pal.feature, [f.p(u, v) for u, v in lower], line_w * 0.8)


@functools.lru_cache(maxsize=8)
def _head(big: int, pal: Palette, look: AvatarLook) -> pygame.Surface:
    surf = pygame.Surface((big, big), pygame.SRCALPHA)
    _draw_head(surf, _Frame(big), pal, look)
    return surf


@functools.lru_cache(maxsize=48)
def _render_face(side: int, face: AvatarFace, pal: Palette,
                 look: AvatarLook = DEFAULT_LOOK) -> pygame.Surface:
    big = side * SUPERSAMPLE
    pal = look_palette(pal, look)
    surf = _head(big, pal, look).copy()
    f = _Frame(big)
    _draw_cheeks(surf, f, face, pal)
    _draw_nose(surf, f, face, pal)
    for s in (-1, 1):
        _draw_eye(surf, f, face.on_side(s), pal, s)
    _draw_brows(surf, f, face, pal)
    _draw_mouth(surf, f, face, pal)
    return pygame.transform.smoothscale(surf, (side, side))


def render_face(side: int, face: AvatarFace, palette: Palette,
                look: AvatarLook = DEFAULT_LOOK) -> pygame.Surface:
    """The face alone on a transparent square of `side` pixels, in `look` (cached; do not
    modify it)."""
    return _render_face(max(16, int(side)), face.quantized(), palette, look)


# ------------------------------------------------------------------ hint glow and arrows

# Regions in face units (centre u, v, half width, half height), per part.
_PART_REGIONS: dict[FacePart, tuple[tuple[float, float, float, float], ...]] = {
    FacePart.BROWS: ((-0.15, BROW_Y - 0.02, 0.12, 0.065), (0.15, BROW_Y - 0.02, 0.12, 0.065)),
    FacePart.EYES: ((-EYE_X, EYE_Y, 0.105, 0.085), (EYE_X, EYE_Y, 0.105, 0.085)),
    FacePart.CHEEKS: ((-CHEEK_X, CHEEK_Y, 0.09, 0.07), (CHEEK_X, CHEEK_Y, 0.09, 0.07)),
    FacePart.NOSE: ((0.0, NOSE_Y - 0.01, 0.075, 0.075),),
    FacePart.MOUTH: ((0.0, MOUTH_Y, 0.17, 0.10),),
    FacePart.WHOLE_FACE: ((0.0, 0.025, 0.44, 0.46),),
}


def part_regions(rect: pygame.Rect, part: FacePart) -> list[pygame.Rect]:
    """Screen rectangles of `part` for a face drawn into `rect` (for glows and tests)."""
    side = min(rect.width, rect.height)
    cx, cy = rect.center
    out = []
    for u, v, hw, hh in _PART_REGIONS[part]:
        r = pygame.Rect(0, 0, round(2 * hw * side), round(2 * hh * side))
        r.center = (round(cx + u * side), round(cy + v * side))
        out.append(r)
    return out


def _breath(t_ms: int, theme: Theme) -> float:
    """0..1, a slow 2.4 s breathing used by the glow; constant under reduced motion."""
    if theme.reduced_motion:
        return 0.5
    return 0.5 + 0.5 * math.sin(2 * math.pi * (t_ms % 2400) / 2400)


def _draw_glow(surface: pygame.Surface, regions: Sequence[pygame.Rect], theme: Theme,
               t_ms: int) -> None:
    strength = 0.8 + 0.2 * _breath(t_ms, theme)
    bounds = regions[0].unionall(list(regions[1:])).inflate(60, 60)
    layer = pygame.Surface(bounds.size, pygame.SRCALPHA)
    color = theme.palette.highlight
    for r in regions:
        local = r.move(-bounds.x, -bounds.y)
        pygame.draw.ellipse(layer, (*color, round(22 * strength)), local)
        ring = max(3, round(local.height * 0.07))
        for grow, alpha in ((26, 40), (18, 70), (10, 120), (2, 200)):
            pygame.draw.ellipse(
                layer, (*color, round(alpha * strength)), local.inflate(grow, grow), ring
            )
    surface.blit(layer, bounds.topleft)


def _arrow_polygon(tip: Point, direction: Point, length: float) -> list[Point]:
    dx, dy = direction
    n = math.hypot(dx, dy) or 1.0
    dx, dy = dx / n, dy / n
    px, py = -dy, dx
    head = length * 0.5
    shaft_w = length * 0.2
    head_w = length * 0.42
    bx, by = tip[0] - dx * head, tip[1] - dy * head
    tx, ty = tip[0] - dx * length, tip[1] - dy * length
    return [
        tip,
        (bx + px * head_w, by + py * head_w),
        (bx + px * shaft_w, by + py * shaft_w),
        (tx + px * shaft_w, ty + py * shaft_w),
        (tx - px * shaft_w, ty - py * shaft_w),
        (bx - px * shaft_w, by - py * shaft_w),
        (bx - px * head_w, by - py * head_w),
    ]


def _arrow_specs(rect: pygame.Rect, part: FacePart | None,
                 arrow: HintArrow) -> list[tuple[Point, Point]]:
    """(tip, direction) of each arrow to draw, in screen pixels."""
    side = min(rect.width, rect.height)
    cx, cy = rect.center

    def p(u: float, v: float) -> Point:
        return (cx + u * side, cy + v * side)

    part = part or FacePart.WHOLE_FACE
    regions = _PART_REGIONS[part]
    specs: list[tuple[Point, Point]] = []
    if part is FacePart.MOUTH and arrow in (HintArrow.CORNERS_UP, HintArrow.CORNERS_DOWN,
                                            HintArrow.WIDER):
        u, v, hw, _hh = regions[0]
        dy = {HintArrow.CORNERS_UP: -1.0, HintArrow.CORNERS_DOWN: 1.0, HintArrow.WIDER: 0.0}[arrow]
        for s in (-1, 1):
            start = p(u + s * (hw - 0.02), v + 0.02 * dy)
            specs.append(((start[0] + s * 0.06 * side, start[1] + dy * 0.06 * side),
                          (s * 1.0, dy)))
        return specs
    for u, v, hw, hh in regions:
        if arrow is HintArrow.INNER_UP:
            uu = u - math.copysign(hw * 0.55, u) if u else u
            specs.append((p(uu, v - hh - 0.09), (0.0, -1.0)))
        elif arrow is HintArrow.UP:
            specs.append((p(u, v - hh - 0.09), (0.0, -1.0)))
        elif arrow is HintArrow.DOWN:
            specs.append((p(u, v - hh - 0.005), (0.0, 1.0)))
        elif arrow is HintArrow.OPEN:
            if part is FacePart.MOUTH:
                specs.append((p(u, v + hh + 0.09), (0.0, 1.0)))
            else:
                specs.append((p(u, v - hh - 0.09), (0.0, -1.0)))
        elif arrow is HintArrow.CLOSE:
            specs.append((p(u, v - hh), (0.0, 1.0)))
            specs.append((p(u, v + hh), (0.0, -1.0)))
        elif arrow is HintArrow.WIDER:
            specs.append((p(u - hw - 0.07, v), (-1.0, 0.0)))
            specs.append((p(u + hw + 0.07, v), (1.0, 0.0)))
        else:  # corners on a part other than the mouth: point up or down at it
            dy = -1.0 if arrow is HintArrow.CORNERS_UP else 1.0
            specs.append((p(u, v - hh - 0.09), (0.0, dy)))
    return specs


def _draw_arrows(surface: pygame.Surface, rect: pygame.Rect, part: FacePart | None,
                 arrow: HintArrow, theme: Theme, t_ms: int) -> None:
    side = min(rect.width, rect.height)
    length = max(16.0, 0.12 * side)
    bob = theme.motion(0.012 * side * math.sin(2 * math.pi * (t_ms % 1600) / 1600))
    pal = theme.palette
    for tip, (dx, dy) in _arrow_specs(rect, part, arrow):
        n = math.hypot(dx, dy) or 1.0
        moved = (tip[0] + dx / n * bob, tip[1] + dy / n * bob)
        poly = _arrow_polygon(moved, (dx, dy), length)
        pygame.draw.polygon(surface, pal.arrow, poly, 0)
        pygame.draw.polygon(surface, pal.surface, poly, max(2, round(length * 0.09)))
        pygame.draw.aalines(surface, pal.surface, True, poly)


def draw_avatar(
    surface: pygame.Surface,
    rect: pygame.Rect,
    face: AvatarFace,
    theme: Theme,
    highlight: FacePart | None = None,
    hint_arrow: HintArrow | None = None,
    t_ms: int = 0,
    look: AvatarLook = DEFAULT_LOOK,
) -> None:
    """Draw the avatar showing `face`, centred in `rect` (a square of its shorter side).

    Args:
        surface: where to draw.
        rect: the area for the face; the face is a square of min(width, height) pixels.
        face: the pose (see `avatar_params.face_for` and friends).
        theme: colours and reduced motion.
        highlight: the face part of the current hint (`HINT_PART[hint]`): a soft glow.
        hint_arrow: which way to move it (`HINT_ARROW[hint]`); drawn beside the part.
        t_ms: the app clock, only for the glow's slow breathing and the arrow's bob.
        look: the child's chosen look (hair, hat, skin tone); the face is the same.
    """
    side = min(rect.width, rect.height)
    if side < 16:
        return
    face_rect = pygame.Rect(0, 0, side, side)
    face_rect.center = rect.center
    if highlight is FacePart.WHOLE_FACE:
        _draw_glow(surface, part_regions(face_rect, highlight), theme, t_ms)
    surface.blit(render_face(side, face, theme.palette, look), face_rect.topleft)
    if highlight is not None and highlight is not FacePart.WHOLE_FACE:
        _draw_glow(surface, part_regions(face_rect, highlight), theme, t_ms)
    if hint_arrow is not None:
        _draw_arrows(surface, face_rect, highlight, hint_arrow, theme, t_ms)
