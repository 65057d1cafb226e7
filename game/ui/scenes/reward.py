"""The reward: stars that grow in, a praise line spoken and shown, then back to play.

The size comes from the rules engine (bigger for an independent success, CLINICAL.md:
differential reinforcement). An independent success gets big stars with soft rays, a big
sticker and the praise in the biggest text. A prompted success is smaller but never bare:
its stars and a small sticker on a card, the praise, and a line that names the face just
made ("A surprised face, just like that!"). The scene only shows it; when `duration_ms` is
over it removes itself. Under reduced motion the stars appear at once.
"""

from __future__ import annotations

import logging

import pygame

from game import phrases
from game.expressions import Expression
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card, draw_reward, fitting_size, text_size

logger = logging.getLogger(__name__)

MAX_STARS = 3


class RewardScene(GameScene):
    """Stars for a success. `stars` is the rules engine's reward size (1..3)."""

    name = "reward"

    def __init__(self, ctx: GameContext, stars: int, independent: bool, index: int = 0,
                 duration_ms: int = 2600, target: Expression | None = None) -> None:
        super().__init__(ctx)
        self.stars = max(1, min(MAX_STARS, stars))
        self.independent = independent
        keys = phrases.praise_keys(independent)
        self.praise_key = keys[index % len(keys)]
        self.index = index
        self.named_key = phrases.praise_named_key(target) if target is not None else ""
        self.duration_ms = duration_ms
        self.elapsed_ms = 0

    def enter(self) -> None:
        self.effect("success_big" if self.independent else "success")
        self.say(self.praise_key)

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms
        if self.elapsed_ms >= self.duration_ms and self.stack is not None:
            self.stack.remove(self)

    def handle(self, event: InputEvent) -> bool:
        return event.action in (Action.CONFIRM, Action.POINT)  # no skipping the praise

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.palette.background)
        if self.independent:
            self._draw_independent(surface)
        else:
            self._draw_prompted(surface)

    def _draw_independent(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        area = pygame.Rect(80, 40, w - 160, round(h * 0.6))
        draw_reward(surface, area, self.theme, stars=self.stars, independent=True,
                    t_ms=self.elapsed_ms)
        room = pygame.Rect(80, area.bottom, w - 160, h - area.bottom - 20)
        text = self.t(self.praise_key)
        size = fitting_size(text, self.theme, room.width, room.height,
                            sizes=("huge", "title", "body"), bold=True)
        self.draw_text(surface, text, room.center, size=size, bold=True, max_width=room.width)

    def _draw_prompted(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        card = pygame.Rect(0, 0, min(900, w - 160), h - 140)
        card.center = (w // 2, h // 2)
        draw_card(surface, card, self.theme)
        room = card.inflate(-80, -60)
        praise = self.t(self.praise_key)
        named = self.t(self.named_key) if self.named_key else ""
        size = fitting_size(praise, self.theme, room.width, room.height * 0.3,
                            sizes=("title", "body", "small"), bold=True)
        named_size = fitting_size(named, self.theme, room.width, room.height * 0.22,
                                  sizes=("body", "small", 18)) if named else "body"
        named_h = text_size(named, self.theme, named_size, room.width)[1] if named else 0
        praise_h = text_size(praise, self.theme, size, room.width, bold=True)[1]
        bottom = room.bottom
        if named:
            self.draw_text(surface, named, (room.centerx, bottom), size=named_size,
                           anchor="midbottom", max_width=room.width,
                           color=self.palette.text_muted)
            bottom -= named_h + 14
        self.draw_text(surface, praise, (room.centerx, bottom), size=size, bold=True,
                       anchor="midbottom", max_width=room.width)
        stars_area = pygame.Rect(room.left, room.top, room.width,
                                 max(60, bottom - praise_h - 20 - room.top))
        draw_reward(surface, stars_area, self.theme, stars=self.stars, independent=False,
                    t_ms=self.elapsed_ms, sticker=1 + self.index % 5)
