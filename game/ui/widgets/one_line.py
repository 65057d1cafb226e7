"""Helpers for lists of one-line rows: a text cut to fit one line, and the small arrow that
says more rows lie above or below."""

from __future__ import annotations

import pygame

from game.ui.theme import Color


def head_that_fits(text: str, font: pygame.font.Font, width: int) -> str:
    """`text`, cut at the end with "…" so one line fits `width` pixels."""
    if font.size(text)[0] <= width:
        return text
    while text and font.size(text + "…")[0] > width:
        text = text[:-1]
    return text + "…"


def tail_that_fits(text: str, font: pygame.font.Font, width: int) -> str:
    """The end of `text` (what is being typed), "…" in front, fitting `width` pixels."""
    if font.size(text)[0] <= width:
        return text
    while text and font.size("…" + text)[0] > width:
        text = text[1:]
    return "…" + text


def draw_more_arrow(surface: pygame.Surface, color: Color, center: tuple[int, int],
                    up: bool) -> None:
    """A small arrow (24 x 12 px) saying that more rows lie above (or below)."""
    cx, cy = center
    d = -1 if up else 1
    pygame.draw.polygon(surface, color,
                        [(cx - 12, cy - d * 5), (cx + 12, cy - d * 5), (cx, cy + d * 7)])
