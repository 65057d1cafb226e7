"""The start scene: the title, one big button per child, and the therapist's doors.

Picking a child starts the session flow (`ctx.flow.profile_chosen`). Adding a child,
settings and progress sit behind the therapist PIN (the flow asks for it). In autoplay
(headless scripted runs) the first child is picked after a moment.
"""

from __future__ import annotations

import logging
from typing import Any

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene, Menu
from game.ui.widgets import fitting_size

logger = logging.getLogger(__name__)

AUTOPLAY_PICK_MS = 1200
MAX_SHOWN = 5


class StartScene(GameScene):
    """Choose who is playing. `profiles` are the store's profiles (may be empty)."""

    name = "start"

    def __init__(self, ctx: GameContext, profiles: list[Any]) -> None:
        super().__init__(ctx)
        self.profiles = profiles[:MAX_SHOWN]
        labels = [p.display_name for p in self.profiles] + [self.t("ui.profile.new")]
        w, h = ctx.window_size
        self.menu = Menu(labels, w // 2, 236, gap=22, bottom=h - 52)
        self.elapsed_ms = 0

    def enter(self) -> None:
        self.say("greeting")

    def resume(self) -> None:
        self.menu.labels = [p.display_name for p in self.profiles] + [self.t("ui.profile.new")]

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms
        if self.ctx.options.get("autoplay") and self.elapsed_ms >= AUTOPLAY_PICK_MS:
            self.elapsed_ms = -10**9  # once
            self._choose(0)

    def _choose(self, index: int) -> None:
        flow = self.ctx.flow
        if index < len(self.profiles):
            flow.profile_chosen(self.profiles[index])
        else:
            flow.add_profile()

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action is Action.UP:
            self.menu.move(-1)
        elif action is Action.DOWN:
            self.menu.move(1)
        elif action in (Action.LEFT, Action.RIGHT):
            self.menu.move_column(-1 if action is Action.LEFT else 1)
        elif action is Action.CONFIRM:
            self._choose(self.menu.focus)
        elif action is Action.POINT and event.pos is not None:
            hit = self.menu.hit(event.pos)
            if hit is not None:
                self._choose(hit)
        elif action is Action.SETTINGS:
            self.ctx.flow.open_settings()
        elif action is Action.PROGRESS:
            self.ctx.flow.open_progress()
        elif action is Action.HELP:
            self.ctx.flow.show_help()
        elif action is Action.MANAGE:  # issue 14 (D): the focused child, or the first
            chosen = self.menu.focus if self.menu.focus < len(self.profiles) else 0
            self.ctx.flow.manage_child(self.profiles[chosen] if self.profiles else None)
        else:
            return False
        return True

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        title = self.draw_text(surface, self.t("ui.title"), (w // 2, 14), size="huge",
                               bold=True, anchor="midtop")
        room = self.menu.top - 10 - (title.bottom + 4)
        greeting = self.t("greeting")
        size = fitting_size(greeting, self.theme, w - 200, room)
        self.draw_text(surface, greeting, (w // 2, title.bottom + 4), size=size,
                       color=p.text_muted, anchor="midtop", max_width=w - 200)
        self.menu.draw(surface, self.theme)
        hint = "F1 / H: " + self.t("ui.therapist") + "    F4: " + self.t("ui.admin.open")
        self.draw_text(surface, hint, (w // 2, h - 30), size="small", color=p.text_muted)
