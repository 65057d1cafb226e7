"""The visual schedule drawn as a row of picture cards: blocks of faces, rests, the end.

`draw_schedule` draws `game.play.schedule.ScheduleStep`s left to right with a soft chevron
between cards, each card a picture over its words: a block of faces is a grid of small
avatar faces (played ones smiling, the rest calm and faint) over "6 faces"; a rest is a
breathing circle over "A rest"; the end is a star over "All done". The step that is "now"
gets the accent ring. Words shrink to fit the card at every text size, never broken inside a
word; a card too narrow for its words even at the smallest size (a long day of many rests,
in the small row at a rest) shows its picture alone. Nothing moves or flashes. It only draws.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pygame

from game.expressions import Expression
from game.play.schedule import ScheduleStep, StepKind, StepState
from game.ui.avatar import render_face
from game.ui.avatar_params import DEFAULT_LOOK, AvatarLook, face_for
from game.ui.fonts import get_font
from game.ui.theme import Theme
from game.ui.widgets.shapes import draw_card, draw_star, mix
from game.ui.widgets.text import draw_text, text_size

GAP = 34          # between cards (the chevron sits in it)
PAD = 10          # inside a card
LABEL_SIZES: tuple[str | int, ...] = ("body", "small", 18, 16, 14)
Label = Callable[[ScheduleStep], str]


def _weight(step: ScheduleStep) -> float:
    return 2.0 if step.kind is StepKind.FACES else 1.0


def _gap(rect: pygame.Rect, count: int) -> int:
    return max(14, min(GAP, rect.width // max(1, 6 * count)))


def card_rects(rect: pygame.Rect, steps: Sequence[ScheduleStep]) -> list[pygame.Rect]:
    """Where each step's card goes in `rect` (one row, blocks of faces twice as wide)."""
    if not steps:
        return []
    gap = _gap(rect, len(steps))
    total = sum(_weight(s) for s in steps)
    room = rect.width - gap * (len(steps) - 1)
    out: list[pygame.Rect] = []
    x = float(rect.left)
    for step in steps:
        width = room * _weight(step) / total
        out.append(pygame.Rect(round(x), rect.top, max(8, round(width)), rect.height))
        x += width + gap
    return out


def _fits(words: str, theme: Theme, size: str | int, width: int, height: int) -> bool:
    """`words` fit `width` x `height` at `size` with no word broken."""
    font = get_font(theme.text_px(size))
    if max((font.size(word)[0] for word in words.split()), default=0) > width:
        return False
    return text_size(words, theme, size, width)[1] <= height


def draw_schedule(surface: pygame.Surface, rect: pygame.Rect, steps: Sequence[ScheduleStep],
                  theme: Theme, label: Label, *, look: AvatarLook = DEFAULT_LOOK) -> None:
    """Draw `steps` into `rect`; `label(step)` gives each card's words."""
    pal = theme.palette
    rects = card_rects(rect, steps)
    gap = _gap(rect, len(steps))
    # one label size for every card, so the row reads evenly
    label_h = max(24, rect.height // 3)
    size = LABEL_SIZES[-1]
    for candidate in LABEL_SIZES:
        if all(_fits(label(s), theme, candidate, r.width - 2 * PAD, label_h)
               for s, r in zip(steps, rects, strict=True)):
            size = candidate
            break
    for i, (step, card) in enumerate(zip(steps, rects, strict=True)):
        now = step.state is StepState.NOW
        fill = pal.surface if step.state is not StepState.DONE else mix(pal.surface,
                                                                        pal.background, 0.6)
        draw_card(surface, card, theme, focused=now, radius=18, shadow=False, fill=fill)
        words = label(step)
        fit = next((s for s in LABEL_SIZES[LABEL_SIZES.index(size):]
                    if _fits(words, theme, s, card.width - 2 * PAD, label_h)), None)
        bottom = card.bottom - PAD
        if fit is not None:
            color = pal.text if step.state is not StepState.DONE else pal.text_muted
            text = draw_text(surface, words, theme, (card.centerx, card.bottom - PAD),
                             size=fit, anchor="midbottom", max_width=card.width - 2 * PAD,
                             color=color)
            bottom = text.top - 6
        picture = pygame.Rect(card.left + PAD, card.top + PAD, card.width - 2 * PAD,
                              max(8, bottom - card.top - PAD))
        if step.kind is StepKind.FACES:
            _draw_faces(surface, picture, step, theme, look)
        elif step.kind is StepKind.REST:
            _draw_rest(surface, picture, step, theme)
        else:
            r = min(picture.width, picture.height) * 0.42
            draw_star(surface, picture.center, r, theme,
                      filled=step.state is not StepState.NEXT)
        if i + 1 < len(rects):
            _draw_chevron(surface, (card.right + gap // 2, card.centery), gap * 0.28,
                          pal.text_muted)


def _draw_chevron(surface: pygame.Surface, center: tuple[int, int], size: float,
                  color: tuple[int, int, int]) -> None:
    cx, cy = center
    pts = [(cx - size * 0.5, cy - size), (cx + size * 0.5, cy), (cx - size * 0.5, cy + size)]
    pygame.draw.lines(surface, color, False, pts, max(3, round(size * 0.35)))


def _draw_faces(surface: pygame.Surface, area: pygame.Rect, step: ScheduleStep, theme: Theme,
                look: AvatarLook) -> None:
    """A grid of small faces: played ones smiling, the others calm and faint."""
    count = max(1, step.faces)
    best = (1, 1, 0.0)
    for cols in range(1, count + 1):  # the grid with the biggest faces
        rows = math.ceil(count / cols)
        side = min(area.width / cols, area.height / rows)
        if side > best[2]:
            best = (cols, rows, side)
    cols, rows, cell = best
    side = max(8, int(cell * 0.9))
    left = area.centerx - cols * cell / 2
    top = area.centery - rows * cell / 2
    happy = face_for(Expression.HAPPY)
    calm = face_for(Expression.NEUTRAL)
    for n in range(count):
        row, col = divmod(n, cols)
        center = (round(left + (col + 0.5) * cell), round(top + (row + 0.5) * cell))
        played = n < step.done_faces
        image = render_face(side, happy if played else calm, theme.palette, look)
        if not played:
            image = image.copy()
            image.set_alpha(110)
        surface.blit(image, image.get_rect(center=center))


def _draw_rest(surface: pygame.Surface, area: pygame.Rect, step: ScheduleStep,
               theme: Theme) -> None:
    """The rest's picture: the break screen's breathing circle, still."""
    pal = theme.palette
    r = min(area.width, area.height) * 0.42
    faint = step.state is StepState.DONE
    pygame.draw.circle(surface, mix(pal.surface, pal.progress, 0.2 if faint else 0.3),
                       area.center, r)
    pygame.draw.circle(surface, mix(pal.surface, pal.progress, 0.5 if faint else 0.75),
                       area.center, r * 0.66)
    pygame.draw.circle(surface, pal.progress, area.center, r * 0.66, max(2, round(r / 12)))
