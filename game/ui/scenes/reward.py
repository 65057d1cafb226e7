"""The reward: stars that grow in, a praise line spoken and shown, then back to play.

The size comes from the rules engine (bigger for an independent success, CLINICAL.md:
differential reinforcement). The scene only shows it; when `duration_ms` is over it removes
itself. Under reduced motion the stars appear at once.
"""

from __future__ import annotations

import logging
import math

import pygame

from game import phrases
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene, draw_text

logger = logging.getLogger(__name__)

MAX_STARS = 3


def star_points(center: tuple[float, float], radius: float) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star."""
    cx, cy = center
    points = []
    for i in range(10):
        r = radius if i % 2 == 0 else radius * 0.45
        angle = -math.pi / 2 + i * math.pi / 5
        points.append((cx + r * math.cos(angle), cy + r * math.sin(angle)))
    return points


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

    def _grow(self, i: int) -> float:
        if self.ctx.theme.reduced_motion:
            return 1.0
        t = (self.elapsed_ms - i * 250) / 450.0
        if t <= 0:
            return 0.0
        if t >= 1:
            return 1.0
        return 1 - (1 - t) ** 3  # ease out, no overshoot: calm

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        radius = 90 if self.stars < 3 else 80
        spacing = radius * 2 + 40
        left = w / 2 - (self.stars - 1) * spacing / 2
        for i in range(self.stars):
            scale = self._grow(i)
            if scale <= 0:
                continue
            center = (left + i * spacing, h * 0.40)
            pygame.draw.polygon(surface, p.star, star_points(center, radius * scale))
            pygame.draw.polygon(surface, p.star_outline, star_points(center, radius * scale),
                                width=4)
        draw_text(surface, self.t(self.praise_key), self.font("huge", bold=True), p.text,
                  (w // 2, round(h * 0.72)), max_width=w - 160)
