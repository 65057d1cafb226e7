"""Cards, stars and soft shadows shared by the widgets."""

from __future__ import annotations

import math

import pygame

from game.ui.theme import Color, Theme
from game.ui.widgets import layout_probe

Point = tuple[float, float]


def mix(a: Color, b: Color, t: float) -> Color:
    """The colour `t` of the way from `a` to `b`."""
    return (
        round(a[0] + (b[0] - a[0]) * t),
        round(a[1] + (b[1] - a[1]) * t),
        round(a[2] + (b[2] - a[2]) * t),
    )


def draw_card(
    surface: pygame.Surface,
    rect: pygame.Rect,
    theme: Theme,
    *,
    fill: Color | None = None,
    focused: bool = False,
    radius: int = 24,
    shadow: bool = True,
) -> None:
    """A rounded card with a soft shadow; a focused card gets a thick accent ring."""
    pal = theme.palette
    if shadow:
        shade = pygame.Surface((rect.width + 12, rect.height + 12), pygame.SRCALPHA)
        pygame.draw.rect(shade, (0, 0, 0, 28), shade.get_rect().move(0, 0),
                         border_radius=radius + 4)
        surface.blit(shade, (rect.left - 2, rect.top + 2))
    pygame.draw.rect(surface, fill if fill is not None else pal.surface, rect,
                     border_radius=radius)
    if focused:
        pygame.draw.rect(surface, pal.accent, rect.inflate(8, 8), width=6,
                         border_radius=radius + 4)
    else:
        pygame.draw.rect(surface, pal.outline, rect, width=2, border_radius=radius)
    layout_probe.note("card", (rect.x, rect.y, rect.width, rect.height))


def centred_card(window_size: tuple[int, int], width: int, height: int) -> pygame.Rect:
    """A card at most `width` x `height` px, centred, leaving a margin at the window's edges."""
    w, h = window_size
    card = pygame.Rect(0, 0, min(width, w - 60), min(height, h - 40))
    card.center = (w // 2, h // 2)
    return card


def button_pair(card: pygame.Rect, height: int = 104, margin: int = 32) -> list[pygame.Rect]:
    """Two buttons side by side along the bottom of `card` (left, then right)."""
    width = (card.width - 3 * margin) // 2
    top = card.bottom - margin - height
    return [pygame.Rect(card.left + margin, top, width, height),
            pygame.Rect(card.left + 2 * margin + width, top, width, height)]


def cover(surface: pygame.Surface, theme: Theme, rect: pygame.Rect | None = None) -> None:
    """Paint `rect` (default: the whole surface) in the background colour: whatever lay
    beneath is hidden completely (an overlay that covers, e.g. the pause or break screen)."""
    area = rect if rect is not None else surface.get_rect()
    surface.fill(theme.palette.background, area)
    layout_probe.note("cover", (area.x, area.y, area.width, area.height))


def star_points(center: Point, radius: float, inner: float = 0.48,
                rotation: float = 0.0) -> list[Point]:
    """The ten corners of a five-pointed star (point up when rotation is 0)."""
    cx, cy = center
    pts = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * inner
        a = -math.pi / 2 + rotation + i * math.pi / 5
        pts.append((cx + r * math.cos(a), cy + r * math.sin(a)))
    return pts


def draw_star(surface: pygame.Surface, center: Point, radius: float, theme: Theme,
              *, filled: bool = True, rotation: float = 0.0) -> None:
    """A rounded-looking star: filled gold with an outline, or an empty outline slot."""
    if radius < 2:
        return
    pal = theme.palette
    pts = star_points(center, radius, rotation=rotation)
    width = max(2, round(radius * 0.09))
    if filled:
        pygame.draw.polygon(surface, pal.star, pts)
        # a soft highlight on the upper half
        hi = star_points((center[0] - radius * 0.08, center[1] - radius * 0.1), radius * 0.45,
                         rotation=rotation)
        pygame.draw.polygon(surface, mix(pal.star, (255, 255, 255), 0.35), hi)
        pygame.draw.polygon(surface, pal.star_outline, pts, width)
    else:
        pygame.draw.polygon(surface, pal.surface_alt, pts)
        pygame.draw.polygon(surface, pal.outline, pts, width)
    for p in pts[::2]:
        pygame.draw.circle(surface, pal.star_outline if filled else pal.outline, p, width / 2)
