"""The hint bubble: a picture of the face part to move, an arrow, and a short text."""

from __future__ import annotations

import math

import pygame

from game.expressions import FacePart
from game.ui.avatar_params import HintArrow
from game.ui.theme import Theme
from game.ui.widgets.shapes import draw_card
from game.ui.widgets.text import draw_text, fitting_size

_ARROW_DIRS: dict[HintArrow, tuple[float, float]] = {
    HintArrow.UP: (0, -1),
    HintArrow.INNER_UP: (0, -1),
    HintArrow.DOWN: (0, 1),
    HintArrow.CORNERS_UP: (0.7, -0.7),
    HintArrow.CORNERS_DOWN: (0.7, 0.7),
    HintArrow.OPEN: (0, 1),
    HintArrow.CLOSE: (0, 1),
    HintArrow.WIDER: (1, 0),
}


def _arc(center: tuple[float, float], w: float, h: float, a0: float, a1: float,
         n: int = 16) -> list[tuple[float, float]]:
    return [(center[0] + w * math.cos(a0 + (a1 - a0) * i / n),
             center[1] + h * math.sin(a0 + (a1 - a0) * i / n)) for i in range(n + 1)]


def draw_part_icon(surface: pygame.Surface, rect: pygame.Rect, part: FacePart | None,
                   theme: Theme, arrow: HintArrow | None = None) -> None:
    """A round badge with a simple drawing of `part` (a whole face for None). The mouth is
    drawn in the shape the hint asks for (`arrow`): a frown for corners down, closed lips
    for "close", an open mouth for "open", a smile otherwise."""
    pal = theme.palette
    r = min(rect.width, rect.height) // 2
    cx, cy = rect.center
    pygame.draw.circle(surface, pal.skin, (cx, cy), r)
    pygame.draw.circle(surface, pal.outline, (cx, cy), r, 2)
    line = max(3, r // 9)
    ink = pal.feature
    if part is FacePart.BROWS:
        for s in (-1, 1):
            pygame.draw.lines(surface, pal.hair, False,
                              _arc((cx + s * r * 0.38, cy - r * 0.02), r * 0.28, r * 0.22,
                                   math.pi * 1.1, math.pi * 1.9), line + 3)
            pygame.draw.circle(surface, ink, (cx + s * r * 0.38, cy + r * 0.3), r * 0.1)
    elif part is FacePart.EYES:
        # a wide-open eye for "open", a narrowed one for "close" (squeeze)
        o = {HintArrow.OPEN: 1.2, HintArrow.CLOSE: 0.55}.get(arrow, 1.0) if arrow else 1.0
        pts = _arc((cx, cy + r * 0.35 * o), r * 0.62, r * 0.72 * o, math.pi * 1.2, math.pi * 1.8)
        pts += _arc((cx, cy - r * 0.35 * o), r * 0.62, r * 0.72 * o, math.pi * 0.2,
                    math.pi * 0.8)
        pygame.draw.polygon(surface, pal.eye_white, pts)
        pygame.draw.circle(surface, pal.iris, (cx, cy), r * 0.24)
        pygame.draw.circle(surface, ink, (cx, cy), r * 0.12)
        pygame.draw.lines(surface, ink, True, pts, line)
    elif part is FacePart.MOUTH and arrow is HintArrow.CORNERS_DOWN:
        pygame.draw.lines(surface, ink, False,
                          _arc((cx, cy + r * 0.45), r * 0.5, r * 0.4, math.pi * 1.15,
                               math.pi * 1.85), line + 1)
    elif part is FacePart.MOUTH and arrow is HintArrow.CLOSE:
        pygame.draw.line(surface, ink, (cx - r * 0.5, cy + r * 0.1), (cx + r * 0.5, cy + r * 0.1),
                         line + 1)
    elif part is FacePart.MOUTH and arrow is HintArrow.OPEN:
        mouth = pygame.Rect(0, 0, r * 0.7, r * 0.95)
        mouth.center = (cx, cy + r * 0.08)
        pygame.draw.ellipse(surface, pal.mouth_inside, mouth)
        pygame.draw.ellipse(surface, ink, mouth, line)
    elif part is FacePart.MOUTH:
        # an open smiling mouth: lips, teeth and the inside
        lower = _arc((cx, cy - r * 0.2), r * 0.62, r * 0.62, math.pi * 0.05, math.pi * 0.95)
        top_y = cy - r * 0.2 + r * 0.62 * math.sin(math.pi * 0.05)
        pygame.draw.polygon(surface, pal.mouth_inside, lower)
        pygame.draw.rect(surface, pal.teeth, pygame.Rect(
            cx - r * 0.5, top_y, r * 1.0, r * 0.16))
        pygame.draw.lines(surface, ink, True, lower, line)
    elif part is FacePart.NOSE:
        pygame.draw.lines(surface, ink, False,
                          _arc((cx, cy + r * 0.05), r * 0.3, r * 0.3, math.pi * 0.0,
                               math.pi * 1.0), line + 1)
        pygame.draw.line(surface, ink, (cx - r * 0.3, cy + r * 0.05),
                         (cx - r * 0.12, cy - r * 0.55), line)
    elif part is FacePart.CHEEKS:
        for s in (-1, 1):
            pygame.draw.ellipse(surface, pal.cheek, pygame.Rect(
                cx + s * r * 0.42 - r * 0.26, cy + r * 0.05, r * 0.52, r * 0.34))
            pygame.draw.circle(surface, ink, (cx + s * r * 0.35, cy - r * 0.25), r * 0.09)
        pygame.draw.lines(surface, ink, False,
                          _arc((cx, cy + r * 0.15), r * 0.25, r * 0.25, 0.2, math.pi - 0.2),
                          line)
    else:
        for s in (-1, 1):
            pygame.draw.circle(surface, ink, (cx + s * r * 0.3, cy - r * 0.15), r * 0.09)
        pygame.draw.lines(surface, ink, False,
                          _arc((cx, cy + r * 0.1), r * 0.35, r * 0.3, 0.3, math.pi - 0.3),
                          line)


def _draw_bubble_arrows(surface: pygame.Surface, rect: pygame.Rect, arrow: HintArrow,
                        theme: Theme) -> None:
    """The hint's arrow beside the part picture: apart ("open") and together ("close") are
    a pair, one up and one down; every other hint is one arrow."""
    if arrow in (HintArrow.OPEN, HintArrow.CLOSE):
        length = rect.height * 0.4
        sign = 1 if arrow is HintArrow.OPEN else -1
        for dy, y in ((-1, rect.top + rect.height * 0.27), (1, rect.top + rect.height * 0.73)):
            draw_small_arrow(surface, (rect.centerx, round(y)), length, (0, dy * sign), theme)
        return
    draw_small_arrow(surface, rect.center, rect.height * 0.5, _ARROW_DIRS[arrow], theme)


def draw_small_arrow(surface: pygame.Surface, center: tuple[int, int], length: float,
                     direction: tuple[float, float], theme: Theme) -> None:
    """A chunky arrow of `length` pixels centred on `center`."""
    dx, dy = direction
    n = math.hypot(dx, dy) or 1.0
    dx, dy = dx / n, dy / n
    px, py = -dy, dx
    tip = (center[0] + dx * length / 2, center[1] + dy * length / 2)
    tail = (center[0] - dx * length / 2, center[1] - dy * length / 2)
    base = (tip[0] - dx * length * 0.45, tip[1] - dy * length * 0.45)
    hw, sw = length * 0.38, length * 0.14
    poly = [tip, (base[0] + px * hw, base[1] + py * hw), (base[0] + px * sw, base[1] + py * sw),
            (tail[0] + px * sw, tail[1] + py * sw), (tail[0] - px * sw, tail[1] - py * sw),
            (base[0] - px * sw, base[1] - py * sw), (base[0] - px * hw, base[1] - py * hw)]
    pygame.draw.polygon(surface, theme.palette.arrow, poly)
    pygame.draw.polygon(surface, theme.palette.outline, poly, 2)


def draw_hint_bubble(
    surface: pygame.Surface,
    rect: pygame.Rect,
    text: str,
    theme: Theme,
    *,
    part: FacePart | None = None,
    arrow: HintArrow | None = None,
) -> None:
    """A speech-bubble card: the part's picture, its arrow, and the hint text beside them.

    Args:
        rect: the bubble (at least about 3:1; the picture takes a square on the left).
        text: the hint in the child's language (`game.phrases.text(hint_key(h), lang)`).
        part, arrow: from `avatar_params.hint_visual(hint)`.
    """
    pal = theme.palette
    draw_card(surface, rect, theme, radius=min(28, rect.height // 3))
    # a small tail on the left, pointing at the avatar
    tail = [(rect.left + 2, rect.centery - 14), (rect.left - 18, rect.centery),
            (rect.left + 2, rect.centery + 14)]
    pygame.draw.polygon(surface, pal.surface, tail)
    pygame.draw.lines(surface, pal.outline, False, tail, 2)
    pad = max(8, rect.height // 10)
    icon_side = rect.height - 2 * pad
    icon = pygame.Rect(rect.left + pad, rect.top + pad, icon_side, icon_side)
    draw_part_icon(surface, icon, part, theme, arrow)
    text_left = icon.right + pad
    if arrow is not None:
        a_rect = pygame.Rect(icon.right + pad // 2, rect.top + pad, icon_side // 2, icon_side)
        _draw_bubble_arrows(surface, a_rect, arrow, theme)
        text_left = a_rect.right + pad // 2
    area = pygame.Rect(text_left, rect.top + pad, rect.right - pad - text_left,
                       rect.height - 2 * pad)
    width = max(40, area.width)
    size = fitting_size(text, theme, width, rect.height - 8)
    draw_text(surface, text, theme, (area.left, area.centery), anchor="midleft", size=size,
              max_width=width, balance=True)
