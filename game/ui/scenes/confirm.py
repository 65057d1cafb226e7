"""A calm question card with two buttons, for the therapist's irreversible actions.

The safe choice (e.g. "Keep Mia") is focused first and Escape chooses it. The other choice
(e.g. "Delete Mia") acts only when pressed twice in a row: the first press changes its
label to "Press again to delete", moving away from it starts over. Keyboard (arrows and
Enter), gamepad and taps all work the same way.
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

SAFE, ACT = 0, 1


class ConfirmCard(GameScene):
    """Ask `question`; the safe button calls `on_keep` (default: just close), the other
    button, pressed twice, calls `on_act`. The card takes itself off the stack first, so
    `on_act` may change the stack freely."""

    name = "confirm"
    holds_play = True
    transparent = True

    def __init__(self, ctx: GameContext, question: str, keep_label: str, act_label: str,
                 on_act: Callable[[], None], on_keep: Callable[[], None] | None = None) -> None:
        super().__init__(ctx)
        self.question = question
        self.labels = (keep_label, act_label)
        self.on_act = on_act
        self.on_keep = on_keep
        self.focus = SAFE
        self.armed = False  # the act button was pressed once

    def _card(self) -> pygame.Rect:
        return centred_card(self.ctx.window_size, 1080, 520)

    def button_rects(self) -> list[pygame.Rect]:
        """The safe button, then the act button (side by side along the card's bottom)."""
        return button_pair(self._card())

    def _press(self, index: int) -> None:
        if index == SAFE:
            self._keep()
        elif self.armed and self.focus == ACT:
            self.leave()
            logger.info("the therapist confirmed: %s", self.name)
            self.on_act()
        else:
            self.focus, self.armed = ACT, True

    def _keep(self) -> None:
        self.leave()
        if self.on_keep is not None:
            self.on_keep()

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action in (Action.LEFT, Action.RIGHT, Action.UP, Action.DOWN):
            self.focus = ACT if action in (Action.RIGHT, Action.DOWN) else SAFE
            self.armed = False
        elif action is Action.CONFIRM:
            self._press(self.focus)
        elif action is Action.BACK:
            self._keep()
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self.button_rects()):
                if rect.collidepoint(event.pos):
                    if i == ACT and self.focus != ACT:
                        self.armed = False
                    self._press(i)
        return True  # nothing reaches the scene below while the question stands

    def draw(self, surface: pygame.Surface) -> None:
        cover(surface, self.theme)
        card = self._card()
        draw_card(surface, card, self.theme)
        buttons = self.button_rects()
        room = pygame.Rect(card.left + 48, card.top + 32, card.width - 96,
                           buttons[0].top - 24 - card.top - 32)
        size = fitting_size(self.question, self.theme, room.width, room.height,
                            ("title", "body", "small"))
        self.draw_text(surface, self.question, room.center, size=size, max_width=room.width)
        labels = [self.labels[SAFE],
                  self.t("ui.admin.press_again") if self.armed else self.labels[ACT]]
        for i, (rect, label) in enumerate(zip(buttons, labels, strict=True)):
            draw_button(surface, rect, label, self.theme, focused=i == self.focus)
