"""The live gauge of the target score and the hold-progress ring.

Calm colours only: the fill is the soft "progress" colour below the threshold and the
"success" green at or above it; nothing turns red, nothing blinks.
"""

from __future__ import annotations

import math

import pygame

from game.ui.theme import Theme
from game.ui.widgets.shapes import draw_star, mix


def _clamp01(x: float) -> float:
    return 0.0 if x < 0 else 1.0 if x > 1 else x


def draw_gauge(
    surface: pygame.Surface,
    rect: pygame.Rect,
    score: float,
    threshold: float,
    theme: Theme,
    *,
    hold: float = 0.0,
    active: bool = True,
) -> None:
    """A horizontal score bar with a star at the threshold and a thin hold bar beneath.

    Args:
        rect: the gauge area (about 8:1; the hold bar takes its lower quarter).
        score: the live target score, 0..1.
        threshold: the score to reach, 0..1 (marked by a line and a star).
        hold: how much of the hold time is done, 0..1 (drawn only while above 0).
        active: False draws the gauge greyed (e.g. while paused).
    """
    pal = theme.palette
    score, threshold, hold = _clamp01(score), _clamp01(threshold), _clamp01(hold)
    bar_h = max(12, round(rect.height * 0.62))
    track = pygame.Rect(rect.left, rect.top, rect.width, bar_h)
    radius = bar_h // 2
    pygame.draw.rect(surface, pal.surface_alt, track, border_radius=radius)
    reached = active and score >= threshold
    fill_color = pal.success if reached else pal.progress
    if not active:
        fill_color = mix(pal.progress, pal.surface_alt, 0.6)
    fill_w = round(track.width * score)
    if fill_w > 0:
        fill = pygame.Rect(track.left, track.top, max(fill_w, bar_h), bar_h)
        pygame.draw.rect(surface, fill_color, fill, border_radius=radius)
    pygame.draw.rect(surface, pal.outline, track, width=2, border_radius=radius)
    # threshold: a line through the bar and a star above it (filled once reached)
    mark_x = track.left + round(track.width * threshold)
    pygame.draw.line(surface, pal.threshold, (mark_x, track.top - 4), (mark_x, track.bottom + 4),
                     max(3, bar_h // 8))
    star_r = max(8, round(bar_h * 0.55))
    draw_star(surface, (mark_x, track.top - star_r * 0.5 - 2), star_r, theme, filled=reached)
    # hold bar
    hold_rect = pygame.Rect(rect.left, track.bottom + max(4, rect.height // 12), rect.width,
                            max(6, rect.bottom - track.bottom - max(4, rect.height // 12)))
    pygame.draw.rect(surface, pal.surface_alt, hold_rect, border_radius=hold_rect.height // 2)
    hold_w = round(hold_rect.width * hold)
    if hold_w > 0:
        done = pygame.Rect(hold_rect.left, hold_rect.top, max(hold_w, hold_rect.height),
                           hold_rect.height)
        pygame.draw.rect(surface, pal.success, done, border_radius=hold_rect.height // 2)


def draw_hold_ring(
    surface: pygame.Surface,
    center: tuple[int, int],
    radius: int,
    progress: float,
    theme: Theme,
) -> None:
    """A ring that fills clockwise from the top as the child holds the face (0..1)."""
    pal = theme.palette
    width = max(6, radius // 5)
    pygame.draw.circle(surface, pal.surface_alt, center, radius, width)
    progress = _clamp01(progress)
    if progress > 0:
        steps = max(2, round(72 * progress))
        pts = []
        r = radius - width / 2
        for i in range(steps + 1):
            a = -math.pi / 2 + 2 * math.pi * progress * i / steps
            pts.append((center[0] + r * math.cos(a), center[1] + r * math.sin(a)))
        pygame.draw.lines(surface, pal.success, False, pts, width)
        for p in (pts[0], pts[-1]):
            pygame.draw.circle(surface, pal.success, p, width / 2)
    pygame.draw.circle(surface, pal.outline, center, radius, 2)
    if progress >= 1.0:
        draw_star(surface, center, radius * 0.55, theme, filled=True)
