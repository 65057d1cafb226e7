"""Reward drawings: stars that grow in gently and stickers; bigger for independent success.

CLINICAL.md's differential reinforcement: an independent success gets big stars, soft rays
and a sticker; a prompted success gets smaller stars. `t_ms` is the time since the reward
appeared; under reduced motion everything is drawn at its final size at once.
"""

from __future__ import annotations

import math

import pygame

from game.ui.theme import Theme
from game.ui.widgets.shapes import draw_star, mix

STICKER_KINDS = 6  # sun, flower, balloon, moon, rainbow, heart
GROW_MS = 450
STAGGER_MS = 220


def _grow(t_ms: int, index: int, theme: Theme) -> float:
    """0..1 scale of item `index`: a smooth ease-out, no overshoot, no flashing."""
    if theme.reduced_motion:
        return 1.0
    t = (t_ms - index * STAGGER_MS) / GROW_MS
    if t <= 0:
        return 0.0
    if t >= 1:
        return 1.0
    return 1 - (1 - t) ** 3


def draw_sticker(surface: pygame.Surface, center: tuple[float, float], radius: float, kind: int,
                 theme: Theme) -> None:
    """One round sticker with a simple picture (`kind` modulo STICKER_KINDS)."""
    if radius < 4:
        return
    pal = theme.palette
    cx, cy = center
    pygame.draw.circle(surface, mix(pal.surface, pal.sticker, 0.25), center, radius)
    pygame.draw.circle(surface, pal.sticker, center, radius, max(3, round(radius * 0.08)))
    r = radius * 0.55
    k = kind % STICKER_KINDS
    if k == 0:  # sun
        for i in range(8):
            a = i * math.pi / 4
            pygame.draw.line(surface, pal.star_outline, (cx + r * 0.75 * math.cos(a),
                             cy + r * 0.75 * math.sin(a)), (cx + r * math.cos(a),
                             cy + r * math.sin(a)), max(2, round(r * 0.12)))
        pygame.draw.circle(surface, pal.star, center, r * 0.6)
    elif k == 1:  # flower
        for i in range(5):
            a = -math.pi / 2 + i * 2 * math.pi / 5
            pygame.draw.circle(surface, pal.sticker, (cx + r * 0.5 * math.cos(a),
                               cy + r * 0.5 * math.sin(a)), r * 0.38)
        pygame.draw.circle(surface, pal.star, center, r * 0.32)
    elif k == 2:  # balloon
        pygame.draw.line(surface, pal.outline, (cx, cy + r * 0.5), (cx + r * 0.15, cy + r),
                         2)
        pygame.draw.ellipse(surface, pal.progress,
                            pygame.Rect(cx - r * 0.5, cy - r * 0.8, r, r * 1.3))
    elif k == 3:  # moon
        pygame.draw.circle(surface, pal.star, center, r * 0.75)
        pygame.draw.circle(surface, mix(pal.surface, pal.sticker, 0.25),
                           (cx + r * 0.35, cy - r * 0.2), r * 0.62)
    elif k == 4:  # rainbow in calm colours
        for i, col in enumerate((pal.sticker, pal.progress, pal.success, pal.star)):
            rr = r * (1.0 - i * 0.18)
            pygame.draw.arc(surface, col, pygame.Rect(cx - rr, cy - rr * 0.7, 2 * rr, 2 * rr),
                            0, math.pi, max(3, round(r * 0.17)))
    else:  # heart, in the sticker colour (never red)
        pts = []
        for i in range(40):
            t = 2 * math.pi * i / 40
            x = 16 * math.sin(t) ** 3
            y = 13 * math.cos(t) - 5 * math.cos(2 * t) - 2 * math.cos(3 * t) - math.cos(4 * t)
            pts.append((cx + x * r / 17, cy - y * r / 17))
        pygame.draw.polygon(surface, pal.sticker, pts)


def draw_reward(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    *,
    stars: int,
    independent: bool,
    t_ms: int = 0,
    sticker: int | None = None,
) -> None:
    """Stars for one success, centred in `rect`.

    Args:
        stars: how many (1..3, the rules engine's reward size).
        independent: the child did it without help: bigger stars, soft rays and a sticker.
        t_ms: time since the reward appeared (for the gentle grow-in).
        sticker: which sticker to show (defaults to none for a prompted success, 0 otherwise).
    """
    stars = max(1, min(3, stars))
    side = min(rect.width, rect.height)
    radius = side * (0.2 if independent else 0.13)
    radius = min(radius, rect.width / (2.3 * stars + 0.3))
    spacing = radius * 2.3
    cy = rect.centery - (side * 0.08 if independent else 0)
    if independent:
        rays = _grow(t_ms, 0, theme)
        if rays > 0:
            layer = pygame.Surface(rect.size, pygame.SRCALPHA)
            c = (rect.width / 2, cy - rect.top)
            for i in range(12):
                a = i * math.pi / 6
                r0, r1 = side * 0.18, side * 0.48 * rays
                pygame.draw.line(layer, (*theme.palette.star, 70),
                                 (c[0] + r0 * math.cos(a), c[1] + r0 * math.sin(a)),
                                 (c[0] + r1 * math.cos(a), c[1] + r1 * math.sin(a)),
                                 max(4, round(side * 0.025)))
            surface.blit(layer, rect.topleft)
    left = rect.centerx - (stars - 1) * spacing / 2
    for i in range(stars):
        scale = _grow(t_ms, i, theme)
        lift = 0.0 if stars < 3 or i == 1 else radius * 0.25
        draw_star(surface, (left + i * spacing, cy + lift), radius * scale, theme)
    if sticker is None and independent:
        sticker = 0
    if sticker is not None:
        scale = _grow(t_ms, stars, theme)
        s_r = side * (0.12 if independent else 0.08) * scale
        draw_sticker(surface, (rect.centerx, rect.bottom - side * 0.16), s_r, sticker, theme)
