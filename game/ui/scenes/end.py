"""The gentle end of a session: a goodbye, the stars collected today, nothing to fail.

Under the stars one small line for the therapist says what comes next ("Press any key to go
back to the start"; in a headless scripted run, that the game closes) and, when the video
being played ended, says so in words.

The sticker book: what the session added to the child's book shows in place of
the row of stars: a sticker for each success without help, a smaller star for each success
with help, and under them how many the book now holds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import pygame

from game.play.stickers import Sticker, StickerKind
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card, draw_star, draw_sticker, fitting_size, layout_probe

logger = logging.getLogger(__name__)

KEYS_AFTER_MS = 1000  # keys pressed in the first second (still playing) do not close it
MAX_ROW_STARS = 10  # more stars are counted as "+N" after the row
CARD_PADDING = 40  # the row of stars keeps this far from the card's sides


class EndScene(GameScene):
    """Shows the goodbye and today's stars; any key (after a moment) goes back to the start
    screen through `ctx.flow.session_over()`.

    Args:
        reason_key: a phrase saying why the session ended, when the child should not have
            to guess (e.g. "ui.flow.video_ended"); "" for none.
        stickers: what this session added to the child's sticker book.
        book_size: how many items the book holds now, these included.
    """

    name = "end"

    def __init__(self, ctx: GameContext, stars: int, successes: int, trials: int,
                 reason_key: str = "", *, stickers: Sequence[Sticker] = (),
                 book_size: int = 0) -> None:
        super().__init__(ctx)
        self.stickers = tuple(stickers)
        self.book_size = max(book_size, len(self.stickers))
        self.stars = stars
        self.successes = successes
        self.trials = trials
        self.reason_key = reason_key
        self.elapsed_ms = 0
        self.closed = False

    def enter(self) -> None:
        self.say("session_end")

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.ctx.flow is not None:
            self.ctx.flow.session_over()
        elif self.stack is not None:
            self.stack.clear()

    def handle(self, event: InputEvent) -> bool:
        if event.action is not Action.QUIT and self.elapsed_ms >= KEYS_AFTER_MS:
            self._close()
        return True

    def footer(self) -> str:
        """The therapist's line: why it ended (when said) and what a key does now."""
        closing = self.ctx.options.headless  # headless runs end with the card
        parts = [self.t(self.reason_key)] if self.reason_key else []
        parts.append(self.t("ui.flow.closing" if closing else "ui.flow.back_to_start"))
        return "  ".join(parts)

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.palette.background)
        w, h = surface.get_size()
        card = pygame.Rect(0, 0, min(900, w - 80), h - 80)
        card.center = (w // 2, h // 2)
        draw_card(surface, card, self.theme)
        goodbye = self.t("session_end")
        room = card.inflate(-100, 0)
        size = fitting_size(goodbye, self.theme, room.width, card.height * 0.36,
                            ("title", "body", "small"), bold=True)
        said = self.draw_text(surface, goodbye, (w // 2, card.top + 32), size=size, bold=True,
                              anchor="midtop", max_width=room.width)
        footer = self.draw_text(surface, self.footer(), (w // 2, card.bottom - 20),
                                size="small", color=self.palette.text_muted,
                                anchor="midbottom", max_width=room.width)
        if self.stars == 0:
            return  # no "0" for a child to read as "you got nothing": the goodbye is enough
        # today's total: one big gold star and the number beside it, above the footer
        total_size = "huge"
        total_h = self.font(total_size, bold=True).get_linesize()
        total_y = footer.top - 12 - total_h // 2
        total = self.draw_text(surface, str(self.stars), (w // 2 + 40, total_y),
                               size=total_size, bold=True, anchor="midleft")
        self._star(surface, (total.left - 60, total.centery), 40)
        if self.stickers:
            self._draw_book(surface, said.bottom, total.top)
            return
        # the row of stars, between the words and the total
        self._draw_star_row(surface, card, (said.bottom + total.top) // 2)

    def _star(self, surface: pygame.Surface, center: tuple[float, float], radius: int) -> None:
        draw_star(surface, center, radius, self.theme)
        layout_probe.note("shape", (round(center[0] - radius), round(center[1] - radius),
                                    2 * radius, 2 * radius), "star")

    def _draw_star_row(self, surface: pygame.Surface, card: pygame.Rect, row_y: int) -> None:
        """Up to `MAX_ROW_STARS` stars and "+N" for the rest, as one group centred in the
        card: the stars close up (and shrink) so that the group and its "+N" keep clear of
        each other and of the card's edges at every text size."""
        shown = min(self.stars, MAX_ROW_STARS)
        more = f"+{self.stars - shown}" if self.stars > shown else ""
        more_w = self.font("title").size(more)[0] if more else 0
        gap = 14 if more else 0
        room = card.width - 2 * CARD_PADDING - more_w - gap
        radius = 30
        spacing = 72
        while shown * spacing > room and spacing > 2 * radius + 4:
            spacing -= 4
        while shown * spacing > room and radius > 12:
            radius -= 2
            spacing = 2 * radius + 4
        group = (shown - 1) * spacing + 2 * radius + gap + more_w
        first = card.centerx - group / 2 + radius
        for i in range(shown):
            self._star(surface, (first + i * spacing, row_y), radius)
        if more:
            self.draw_text(surface, more, (round(first + (shown - 1) * spacing + radius + gap),
                                           row_y), size="title", anchor="midleft")

    def _draw_book(self, surface: pygame.Surface, top: int, bottom: int) -> None:
        """Today's stickers and stars (stickers bigger), and the book's size under them."""
        w, _ = surface.get_size()
        line = self.t("ui.child.stickers.count", count=self.book_size)
        room = min(860, w - 180)
        size = fitting_size(line, self.theme, room, self.font("body").get_linesize() * 1.3,
                            ("body", "small", 18, 16))
        said = self.draw_text(surface, line, (w // 2, bottom - 10), size=size,
                              color=self.palette.text_muted, anchor="midbottom",
                              max_width=room)
        shown = self.stickers[:MAX_ROW_STARS]
        more = f"+{len(self.stickers) - len(shown)}" if len(self.stickers) > len(shown) else ""
        more_w = self.font("title").size(more)[0] if more else 0
        gap = 14 if more else 0
        spacing = 72
        while len(shown) * spacing + gap + more_w > room and spacing > 68:
            spacing -= 2  # a sticker is 64 px wide: close up a little, never overlapping
        group = (len(shown) - 1) * spacing + 64 + gap + more_w
        row_y = (top + said.top) // 2
        first = w / 2 - group / 2 + 32
        for i, item in enumerate(shown):
            center = (first + i * spacing, row_y)
            if item.kind is StickerKind.STICKER:
                draw_sticker(surface, center, 32, item.design, self.theme)
                layout_probe.note("shape", (round(center[0]) - 32, row_y - 32, 64, 64),
                                  "sticker")
            else:
                self._star(surface, center, 18)
        if more:
            self.draw_text(surface, more, (round(first + (len(shown) - 1) * spacing + 32 + gap),
                                           row_y), size="title", anchor="midleft")
