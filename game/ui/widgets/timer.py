"""The gentle session timer: a soft pie that empties, no ticking, no red, no countdown."""

from __future__ import annotations

import math

import pygame

from game.ui.theme import Theme


def draw_session_timer(
    surface: pygame.Surface,
    center: tuple[int, int],
    radius: int,
    elapsed_ms: int,
    total_ms: int,
    theme: Theme,
) -> None:
    """The time left of the session as a soft pie (the therapist can hide it: just skip it).

    The pie empties slowly clockwise; a small sun sits on its edge at "now". No digits,
    no colour change at the end (the rules engine announces the end kindly).
    """
    pal = theme.palette
    left = 1.0 if total_ms <= 0 else max(0.0, min(1.0, 1 - elapsed_ms / total_ms))
    pygame.draw.circle(surface, pal.surface_alt, center, radius)
    if left > 0:
        steps = max(2, round(60 * left))
        pts: list[tuple[float, float]] = [center]
        start = -math.pi / 2 + 2 * math.pi * (1 - left)
        for i in range(steps + 1):
            a = start + 2 * math.pi * left * i / steps
            pts.append((center[0] + radius * math.cos(a), center[1] + radius * math.sin(a)))
        pygame.draw.polygon(surface, pal.progress, pts)
    pygame.draw.circle(surface, pal.outline, center, radius, 2)
    a = -math.pi / 2 + 2 * math.pi * (1 - left)
    sun = (center[0] + radius * math.cos(a), center[1] + radius * math.sin(a))
    pygame.draw.circle(surface, pal.star, sun, max(4, radius // 4))
    pygame.draw.circle(surface, pal.star_outline, sun, max(4, radius // 4), 2)
