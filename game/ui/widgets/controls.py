"""Buttons large enough for small hands, and a helper to lay them out."""

from __future__ import annotations

import pygame

from game.ui.theme import Theme
from game.ui.widgets.shapes import draw_card
from game.ui.widgets.text import draw_text, fitting_size

# Smallest side of anything a child taps (about 15 mm on a 15" laptop screen).
MIN_TARGET_PX = 88


def button_rects(center_x: int, top: int, count: int, *, width: int = 520,
                 height: int = 96, gap: int = 24) -> list[pygame.Rect]:
    """`count` button rectangles in a column (height never below MIN_TARGET_PX)."""
    height = max(height, MIN_TARGET_PX)
    width = max(width, MIN_TARGET_PX)
    return [pygame.Rect(center_x - width // 2, top + i * (height + gap), width, height)
            for i in range(count)]


def draw_button(
    surface: pygame.Surface,
    rect: pygame.Rect,
    label: str,
    theme: Theme,
    *,
    focused: bool = False,
    pressed: bool = False,
    size: str | int = "body",
) -> pygame.Rect:
    """A big rounded button with its label; the focused one is filled with the accent.

    Returns the rectangle actually drawn (grown to MIN_TARGET_PX when `rect` is smaller),
    which is also the area to hit-test.
    """
    pal = theme.palette
    target = rect.copy()
    if target.height < MIN_TARGET_PX or target.width < MIN_TARGET_PX:
        target = target.inflate(max(0, MIN_TARGET_PX - target.width),
                                max(0, MIN_TARGET_PX - target.height))
    drawn = target.move(0, 3) if pressed else target
    fill = pal.accent if focused else pal.surface
    color = pal.accent_text if focused else pal.text
    draw_card(surface, drawn, theme, fill=fill, focused=focused,
              radius=min(drawn.height // 2, 40), shadow=not pressed)
    room = drawn.inflate(-32, -4)
    fits = fitting_size(label, theme, room.width, room.height, (size, "body", "small", 18, 14),
                        bold=focused)
    draw_text(surface, label, theme, drawn.center, size=fits, color=color, bold=focused,
              max_width=room.width)
    return target
