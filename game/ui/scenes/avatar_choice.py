"""Choosing the avatar's look for one child, from the child's page behind the PIN.

Every look (`AvatarLook`) stands side by side as a big friendly face over its name; the one
the child has now carries a small star. Left/right (or a tap) chooses, Enter (or a tap on
the chosen one) keeps it (`on_choose`) and goes back; Esc goes back without a change. The
child may sit beside the therapist and point: the faces are big and the words short.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game.expressions import Expression
from game.ui.avatar import draw_avatar
from game.ui.avatar_params import AvatarLook, face_for
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card, draw_star, fitting_size

logger = logging.getLogger(__name__)

LOOKS: tuple[AvatarLook, ...] = tuple(AvatarLook)
TOP = 110
GAP = 24


def look_key(look: AvatarLook) -> str:
    """The phrase key of a look's name."""
    return f"ui.child.avatar.{look.value}"


class AvatarChoiceScene(GameScene):
    """Pick one of the looks; `on_choose(look)` is called when one is kept."""

    name = "avatar_choice"
    holds_play = True

    def __init__(self, ctx: GameContext, current: AvatarLook,
                 on_choose: Callable[[AvatarLook], None]) -> None:
        super().__init__(ctx)
        self.current = current
        self.on_choose = on_choose
        self.focus = LOOKS.index(current)

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action in (Action.LEFT, Action.UP):
            self.focus = (self.focus - 1) % len(LOOKS)
        elif action in (Action.RIGHT, Action.DOWN):
            self.focus = (self.focus + 1) % len(LOOKS)
        elif action is Action.CONFIRM:
            self._keep(LOOKS[self.focus])
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self.card_rects()):
                if rect.collidepoint(event.pos):
                    if i == self.focus:
                        self._keep(LOOKS[i])
                    self.focus = i
        elif action is Action.BACK:
            self.leave()
        return True  # nothing reaches the page below

    def _keep(self, look: AvatarLook) -> None:
        logger.info("avatar look chosen: %s", look.value)
        self.on_choose(look)
        self.leave()

    def card_rects(self) -> list[pygame.Rect]:
        w, h = self.ctx.window_size
        width = (w - 80 - GAP * (len(LOOKS) - 1)) // len(LOOKS)
        height = min(h - TOP - 100, width + 110)
        return [pygame.Rect(40 + i * (width + GAP), TOP, width, height)
                for i in range(len(LOOKS))]

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        title = self.t("ui.child.avatar.title")
        size = fitting_size(title, self.theme, w - 160, TOP - 24, ("title", "body"), bold=True)
        self.draw_text(surface, title, (w // 2, (TOP - 8) // 2), size=size, bold=True,
                       max_width=w - 160)
        face = face_for(Expression.HAPPY, 0.6)
        for i, (look, card) in enumerate(zip(LOOKS, self.card_rects(), strict=True)):
            focused = i == self.focus
            draw_card(surface, card, self.theme, focused=focused, radius=22)
            name = self.t(look_key(look))
            room = card.width - 24
            label_size = fitting_size(name, self.theme, room,
                                      self.font("body").get_linesize() * 2.5,
                                      ("body", "small", 18, 16), bold=focused)
            label = self.draw_text(surface, name, (card.centerx, card.bottom - 16),
                                   size=label_size, bold=focused, anchor="midbottom",
                                   max_width=room)
            picture = pygame.Rect(card.left + 14, card.top + 14, card.width - 28,
                                  max(20, label.top - 10 - card.top - 14))
            draw_avatar(surface, picture, face, self.theme, look=look)
            if look is self.current:
                draw_star(surface, (card.right - 26, card.top + 26), 16, self.theme)
        keys = self.t("ui.child.avatar.keys")
        size = fitting_size(keys, self.theme, w - 80, 60, ("small", 18, 16), balance=True)
        self.draw_text(surface, keys, (w // 2, h - 34), size=size, color=p.text_muted,
                       max_width=w - 80)
