"""The gentle end of a session: a goodbye, the stars collected today, nothing to fail."""

from __future__ import annotations

import logging

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene, draw_text
from game.ui.widgets import draw_card, star_points

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
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        card = pygame.Rect(0, 0, min(900, w - 80), h - 160)
        card.center = (w // 2, h // 2)
        draw_card(surface, card, self.ctx.theme)
        draw_text(surface, self.t("session_end"), self.font("title", bold=True), p.text,
                  (w // 2, card.top + 110), max_width=card.width - 100)
        shown = min(self.stars, 10)
        spacing = 72
        left = w / 2 - (shown - 1) * spacing / 2
        for i in range(shown):
            center = (left + i * spacing, card.top + 260)
            pygame.draw.polygon(surface, p.star, star_points(center, 30))
            pygame.draw.polygon(surface, p.star_outline, star_points(center, 30), width=3)
        if self.stars > shown:
            draw_text(surface, f"+{self.stars - shown}", self.font("title"), p.text,
                      (round(left + shown * spacing), card.top + 260))
        draw_text(surface, "★ " + str(self.stars), self.font("huge", bold=True), p.text,
                  (w // 2, card.top + 370))
