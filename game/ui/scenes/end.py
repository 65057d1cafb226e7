"""The gentle end of a session: a goodbye, the stars collected today, nothing to fail."""

from __future__ import annotations

import logging

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card, draw_star, fitting_size

logger = logging.getLogger(__name__)

AUTOPLAY_CLOSE_MS = 2000


class EndScene(GameScene):
    """Shows the goodbye and today's stars; confirm (or closing the window) quits."""

    name = "end"

    def __init__(self, ctx: GameContext, stars: int, successes: int, trials: int) -> None:
        super().__init__(ctx)
        self.stars = stars
        self.successes = successes
        self.trials = trials
        self.elapsed_ms = 0

    def enter(self) -> None:
        self.say("session_end")

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms
        autoplay = self.ctx.options.get("autoplay")
        if autoplay and self.elapsed_ms >= AUTOPLAY_CLOSE_MS and self.stack is not None:
            self.stack.clear()

    def handle(self, event: InputEvent) -> bool:
        if event.action in (Action.CONFIRM, Action.POINT, Action.BACK) and self.stack:
            self.stack.clear()
            return True
        return True

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
        if self.stars == 0:
            return  # no "0" for a child to read as "you got nothing": the goodbye is enough
        # today's total: one big gold star and the number beside it, at the bottom
        total_size = "huge"
        total_h = self.font(total_size, bold=True).get_linesize()
        total_y = card.bottom - 24 - total_h // 2
        total = self.draw_text(surface, str(self.stars), (w // 2 + 40, total_y),
                               size=total_size, bold=True, anchor="midleft")
        draw_star(surface, (total.left - 60, total.centery), 40, self.theme)
        # the row of stars, between the words and the total
        shown = min(self.stars, 10)
        spacing = 72
        row_y = (said.bottom + total.top) // 2
        left = w / 2 - (shown - 1) * spacing / 2
        for i in range(shown):
            draw_star(surface, (left + i * spacing, row_y), 30, self.theme)
        if self.stars > shown:
            self.draw_text(surface, f"+{self.stars - shown}",
                           (round(left + shown * spacing), row_y), size="title")
