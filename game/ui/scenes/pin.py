"""The therapist's PIN pad: four digits typed or tapped, then `on_success` runs.

Checking the PIN is the records layer's job (`check(pin) -> bool` is passed in), so this
scene only collects digits. A wrong PIN clears the dots with a calm sentence, never a buzzer.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card

logger = logging.getLogger(__name__)

PIN_LENGTH = 4
_PAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "<", "0", "OK")


class PinScene(GameScene):
    """Collect a PIN; on a match replace this scene with what `on_success` returns."""

    name = "pin"

    def __init__(self, ctx: GameContext, check: Callable[[str], bool],
                 on_success: Callable[[], GameScene]) -> None:
        super().__init__(ctx)
        self.check = check
        self.on_success = on_success
        self.digits = ""
        self.failed = False
        self.focus = 0

    def _pad_rects(self, size: tuple[int, int]) -> list[pygame.Rect]:
        w, h = size
        cell, gap = 96, 16
        left = w // 2 - (3 * cell + 2 * gap) // 2
        top = h // 2 - 60
        return [pygame.Rect(left + (i % 3) * (cell + gap), top + (i // 3) * (cell + gap) - 40,
                            cell, cell - 24) for i in range(len(_PAD))]

    def press(self, key: str) -> None:
        if key == "<":
            self.digits = self.digits[:-1]
        elif key == "OK":
            self._submit()
        elif len(self.digits) < PIN_LENGTH:
            self.digits += key
            self.failed = False
            if len(self.digits) == PIN_LENGTH:
                self._submit()

    def _submit(self) -> None:
        if self.check(self.digits):
            logger.info("therapist PIN accepted")
            if self.stack is not None:
                self.stack.replace(self.on_success())
            return
        self.failed = True
        self.digits = ""

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action is Action.DIGIT:
            self.press(event.text)
        elif action is Action.BACK:
            self.leave()
        elif action in (Action.LEFT, Action.RIGHT, Action.UP, Action.DOWN):
            step = {Action.LEFT: -1, Action.RIGHT: 1, Action.UP: -3, Action.DOWN: 3}[action]
            self.focus = (self.focus + step) % len(_PAD)
        elif action is Action.CONFIRM:
            self.press(_PAD[self.focus])
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self._pad_rects(self.ctx.window_size)):
                if rect.collidepoint(event.pos):
                    self.press(_PAD[i])
        return True

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, _ = surface.get_size()
        self.draw_text(surface, self.t("ui.therapist.enter_pin"), (w // 2, 90), size="title")
        for i in range(PIN_LENGTH):
            center = (w // 2 - 90 + i * 60, 170)
            pygame.draw.circle(surface, p.outline, center, 16, width=3)
            if i < len(self.digits):
                pygame.draw.circle(surface, p.accent, center, 12)
        for i, rect in enumerate(self._pad_rects(surface.get_size())):
            fill = p.accent if i == self.focus else p.surface
            draw_card(surface, rect, self.theme, fill=fill, radius=16, shadow=False)
            color = p.accent_text if i == self.focus else p.text
            self.draw_text(surface, _PAD[i], rect.center, color=color)
        if self.failed:
            self.draw_text(surface, self.t("ui.therapist.pin_incorrect"),
                           (w // 2, surface.get_height() - 60), color=p.text_muted,
                           max_width=w - 120)
