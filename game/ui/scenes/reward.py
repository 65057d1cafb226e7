"""The reward: stars that grow in, a praise line spoken and shown, then back to play.

The size comes from the rules engine (bigger for an independent success, CLINICAL.md:
differential reinforcement). The scene only shows it; when `duration_ms` is over it removes
itself. Under reduced motion the stars appear at once.
"""

from __future__ import annotations

import logging

import pygame

from game import phrases
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_reward

logger = logging.getLogger(__name__)

MAX_STARS = 3


class RewardScene(GameScene):
    """Stars for a success. `stars` is the rules engine's reward size (1..3)."""

    name = "reward"

    def __init__(self, ctx: GameContext, stars: int, independent: bool, index: int = 0,
                 duration_ms: int = 2600) -> None:
        super().__init__(ctx)
        self.stars = max(1, min(MAX_STARS, stars))
        self.independent = independent
        keys = phrases.praise_keys(independent)
        self.praise_key = keys[index % len(keys)]
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
        w, h = surface.get_size()
        area = pygame.Rect(80, 40, w - 160, round(h * 0.6))
        draw_reward(surface, area, self.theme, stars=self.stars,
                    independent=self.independent, t_ms=self.elapsed_ms)
        self.draw_text(surface, self.t(self.praise_key), (w // 2, round(h * 0.78)),
                       size="huge", bold=True, max_width=w - 160)
