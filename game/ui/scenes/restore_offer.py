"""The start-up notice after an unreadable progress file, offering its newest backup.

It says what happened (the file was moved aside, empty records were started, the newest
backup's name) and offers two buttons: "Restore the newest backup" (through the therapist
PIN: `on_restore`) and "Start with empty records" (the notice just closes). In autoplay
(headless scripted runs) it closes by itself, like the plain notice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_button, draw_card, fitting_size
from game.ui.widgets.shapes import button_pair, centred_card, cover

logger = logging.getLogger(__name__)

RESTORE, FRESH = 0, 1


class RestoreOfferCard(GameScene):
    """`text_of(lang)` gives the notice's sentence; choosing restore leaves this card and
    calls `on_restore()`."""

    name = "restore_offer"
    transparent = True
    AUTOPLAY_CLOSE_MS = 3000

    def __init__(self, ctx: GameContext, text_of: Callable[[str], str],
                 on_restore: Callable[[], None]) -> None:
        super().__init__(ctx)
        self.text_of = text_of
        self.on_restore = on_restore
        self.focus = RESTORE
        self.elapsed_ms = 0

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms
        if self.ctx.options.get("autoplay") and self.elapsed_ms >= self.AUTOPLAY_CLOSE_MS:
            self.leave()

    def _card(self) -> pygame.Rect:
        return centred_card(self.ctx.window_size, 1080, 560)

    def button_rects(self) -> list[pygame.Rect]:
        """Restore, then start fresh (side by side along the card's bottom)."""
        return button_pair(self._card())

    def choose(self, index: int) -> None:
        self.leave()
        if index == RESTORE:
            logger.info("the therapist chose to restore the newest backup")
            self.on_restore()

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action in (Action.LEFT, Action.RIGHT, Action.UP, Action.DOWN):
            self.focus = FRESH if action in (Action.RIGHT, Action.DOWN) else RESTORE
        elif action is Action.CONFIRM:
            self.choose(self.focus)
        elif action is Action.BACK:
            self.choose(FRESH)
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self.button_rects()):
                if rect.collidepoint(event.pos):
                    self.choose(i)
        return True  # the start screen waits until the therapist has chosen

    def draw(self, surface: pygame.Surface) -> None:
        cover(surface, self.theme)
        card = self._card()
        draw_card(surface, card, self.theme)
        buttons = self.button_rects()
        room = pygame.Rect(card.left + 48, card.top + 32, card.width - 96,
                           buttons[0].top - 24 - card.top - 32)
        text = self.text_of(self.ctx.lang)
        size = fitting_size(text, self.theme, room.width, room.height)
        self.draw_text(surface, text, room.center, size=size, max_width=room.width)
        labels = (self.t("ui.restore.offer"), self.t("ui.restore.start_fresh"))
        for i, (rect, label) in enumerate(zip(buttons, labels, strict=True)):
            draw_button(surface, rect, label, self.theme, focused=i == self.focus)
