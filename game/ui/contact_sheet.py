"""Render a contact sheet of the avatar and the widgets, for reviewing the art.

    python -m game.ui.contact_sheet docs/avatar-sheet.png

Top: every expression at three intensities (calm palette), one row in high contrast, and
the hint highlights. Bottom: the widgets in the calm palette (English) and the
high-contrast palette (Chinese).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Sequence
from pathlib import Path

import pygame

from game import phrases
from game.expressions import Expression, HintKey
from game.ui import widgets as w
from game.ui.avatar import draw_avatar
from game.ui.avatar_params import NEUTRAL_FACE, face_for, hint_visual
from game.ui.theme import CALM, HIGH_CONTRAST, Theme

logger = logging.getLogger(__name__)

CELL = 150
INTENSITIES = (0.35, 0.7, 1.0)


def _faces(surface: pygame.Surface, top: int) -> int:
    calm, hc = Theme(CALM), Theme(HIGH_CONTRAST)
    exprs = list(Expression)
    rows = [(calm, t) for t in INTENSITIES] + [(hc, 1.0)]
    for r, (theme, intensity) in enumerate(rows):
        for c, expression in enumerate(exprs):
            cell = pygame.Rect(c * CELL, top + r * CELL, CELL, CELL)
            surface.fill(theme.palette.background, cell)
            draw_avatar(surface, cell.inflate(-22, -22).move(0, 8),
                        face_for(expression, intensity), theme)
            label = f"{phrases.text(f'expression.{expression.value}', 'en')} {intensity:.2g}"
            w.draw_text(surface, label, theme, (cell.left + 6, cell.top + 2), size=15,
                        anchor="topleft", color=theme.palette.text_muted)
    return top + len(rows) * CELL


def _hints(surface: pygame.Surface, top: int, hints: Sequence[HintKey]) -> int:
    theme = Theme(CALM)
    for c, hint in enumerate(hints):
        cell = pygame.Rect(c * CELL, top, CELL, CELL)
        surface.fill(CALM.background, cell)
        part, arrow = hint_visual(hint)
        draw_avatar(surface, cell.inflate(-34, -34).move(0, 8), NEUTRAL_FACE, theme, part, arrow,
                    t_ms=600)
        w.draw_text(surface, hint.value, theme, (cell.left + 6, cell.top + 2), size=15,
                    anchor="topleft", color=CALM.text_muted)
    return top + CELL


def _widgets(surface: pygame.Surface, top: int, theme: Theme, lang: str) -> int:
    width = surface.get_width()
    area = pygame.Rect(0, top, width, 420)
    surface.fill(theme.palette.background, area)
    x, y = 20, top + 40
    w.draw_gauge(surface, pygame.Rect(x, y, 330, 44), 0.45, 0.6, theme)
    w.draw_gauge(surface, pygame.Rect(x, y + 80, 330, 44), 0.8, 0.6, theme, hold=0.55)
    w.draw_hold_ring(surface, (x + 400, y + 50), 40, 0.66, theme)
    w.draw_session_timer(surface, (x + 400, y + 150), 28, 5 * 60_000, 15 * 60_000, theme)
    part, arrow = hint_visual(HintKey.SMILE_WIDER)
    w.draw_hint_bubble(surface, pygame.Rect(x + 490, y - 10, 520, 90),
                       phrases.text("hint.smile_wider", lang), theme, part=part, arrow=arrow)
    w.draw_button(surface, pygame.Rect(x + 490, y + 100, 250, 90),
                  phrases.text("expression.happy", lang), theme, focused=True)
    w.draw_button(surface, pygame.Rect(x + 760, y + 100, 250, 90),
                  phrases.text("expression.sad", lang), theme)
    w.draw_reward(surface, pygame.Rect(x, y + 130, 230, 160), theme, stars=3,
                  independent=True, t_ms=10_000)
    w.draw_reward(surface, pygame.Rect(x + 230, y + 130, 120, 160), theme, stars=1,
                  independent=False, t_ms=10_000)
    w.draw_cant_see_you(surface, pygame.Rect(x + 370, y + 200, 440, 175),
                        phrases.text("cant_see_you", lang), theme)
    for k in range(w.STICKER_KINDS):
        w.draw_sticker(surface, (x + 860 + (k % 3) * 60, y + 235 + (k // 3) * 64), 26, k,
                       theme)
    return area.bottom


def render_sheet() -> pygame.Surface:
    """The whole contact sheet as one surface."""
    hints = [HintKey.SMILE_WIDER, HintKey.RAISE_BROWS, HintKey.LOWER_BROWS,
             HintKey.WIDEN_EYES, HintKey.OPEN_MOUTH, HintKey.WRINKLE_NOSE,
             HintKey.FROWN_CORNERS]
    width = CELL * len(Expression)
    surface = pygame.Surface((width, CELL * 5 + 2 * 420))
    y = _faces(surface, 0)
    y = _hints(surface, y, hints)
    y = _widgets(surface, y, Theme(CALM), "en")
    _widgets(surface, y, Theme(HIGH_CONTRAST), "zh-CN")
    return surface


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m game.ui.contact_sheet")
    parser.add_argument("out", type=Path, help="PNG file to write")
    args = parser.parse_args(argv)
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    pygame.init()
    sheet = render_sheet()
    args.out.parent.mkdir(parents=True, exist_ok=True)
    pygame.image.save(sheet, str(args.out))
    print(f"wrote {args.out} ({args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
