"""The kind "I can't see you" card: a camera and a face picture with a short text."""

from __future__ import annotations

import math

import pygame

from game.ui.theme import Theme
from game.ui.widgets.shapes import draw_card, mix
from game.ui.widgets.text import draw_text, fitting_size, text_size


def draw_camera_icon(surface: pygame.Surface, center: tuple[float, float], size: float,
                     theme: Theme) -> None:
    """A friendly camera (body, lens, small light), `size` pixels wide."""
    pal = theme.palette
    cx, cy = center
    body = pygame.Rect(0, 0, size, size * 0.66)
    body.center = (round(cx), round(cy + size * 0.05))
    top = pygame.Rect(0, 0, size * 0.36, size * 0.16)
    top.midbottom = (body.centerx - round(size * 0.12), body.top + 4)
    pygame.draw.rect(surface, pal.accent, top, border_radius=round(size * 0.05))
    pygame.draw.rect(surface, pal.accent, body, border_radius=round(size * 0.12))
    pygame.draw.circle(surface, pal.surface, body.center, size * 0.22)
    pygame.draw.circle(surface, pal.outline, body.center, size * 0.22, max(2, round(size * 0.03)))
    pygame.draw.circle(surface, mix(pal.accent, pal.text, 0.4), body.center, size * 0.12)
    pygame.draw.circle(surface, pal.star, (body.right - size * 0.14, body.top + size * 0.12),
                       size * 0.05)


def draw_face_outline_icon(surface: pygame.Surface, center: tuple[float, float], size: float,
                           theme: Theme) -> None:
    """A soft dashed face outline: "your face goes here"."""
    pal = theme.palette
    r = size / 2
    width = max(3, round(size * 0.05))
    for i in range(16):
        a0 = i * 2 * math.pi / 16
        pygame.draw.arc(surface, pal.text_muted,
                        pygame.Rect(center[0] - r, center[1] - r, 2 * r, 2 * r),
                        a0, a0 + math.pi / 16, width)
    for s in (-1, 1):
        eye = (center[0] + s * r * 0.35, center[1] - r * 0.15)
        pygame.draw.circle(surface, pal.text_muted, eye, r * 0.09)
    pygame.draw.arc(surface, pal.text_muted,
                    pygame.Rect(center[0] - r * 0.35, center[1] - r * 0.1, r * 0.7, r * 0.55),
                    math.pi * 1.15, math.pi * 1.85, width)


def draw_cant_see_you(
    surface: pygame.Surface,
    rect: pygame.Rect,
    text: str,
    theme: Theme,
    *,
    t_ms: int = 0,
) -> None:
    """The pause card shown while no face is seen: camera + face pictures, then `text`.

    `text` is the child's-language phrase (`game.phrases.text("cant_see_you", lang)`).
    The pictures breathe very slowly (not under reduced motion); nothing flashes.
    """
    draw_card(surface, rect, theme, radius=32)
    pad = max(16, rect.height // 12)
    max_w = rect.width - 2 * pad
    # the biggest text size that leaves room for the pictures (or at least fits the card)
    size = fitting_size(text, theme, max_w, (rect.height - 2 * pad) * 0.55,
                        ("title", "body", "small"))
    th = text_size(text, theme, size, max_w)[1]
    breath = 0.0 if theme.reduced_motion else math.sin(2 * math.pi * (t_ms % 3000) / 3000)
    room = rect.height - th - 3 * pad
    icon = min(room * 0.9, rect.width * 0.3) * (1 + 0.03 * breath)
    y = rect.top + pad + room / 2
    if icon >= 24:
        draw_camera_icon(surface, (rect.centerx - icon * 0.75, y), icon, theme)
        draw_face_outline_icon(surface, (rect.centerx + icon * 0.75, y), icon * 0.9, theme)
    draw_text(surface, text, theme, (rect.centerx, rect.bottom - pad), anchor="midbottom",
              size=size, max_width=max_w)
