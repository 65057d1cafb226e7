"""Typing a new child's name (therapist only, reached through the PIN)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card

logger = logging.getLogger(__name__)

MAX_NAME = 24


class NameEntryScene(GameScene):
    """Collects a name; Enter hands it to `on_done`, Escape goes back."""

    name = "name_entry"
    holds_play = True

    def __init__(self, ctx: GameContext, on_done: Callable[[str], None]) -> None:
        super().__init__(ctx)
        self.on_done = on_done
        self.text = ""
        self.problem = ""  # why the last name was refused (one sentence), shown under it

    def enter(self) -> None:
        pygame.key.start_text_input()

    def exit(self) -> None:
        pygame.key.stop_text_input()

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action is Action.TEXT:
            self.text = (self.text + event.text)[:MAX_NAME]
            self.problem = ""
        elif action is Action.CONFIRM and event.text != " ":
            if self.text.strip():
                self.on_done(self.text.strip())
        elif action is Action.BACK:
            if self.text:
                self.text = self.text[:-1]
            else:
                self.leave()
        return True

    def refused(self, reason: str) -> None:
        """The name could not be used (e.g. another child has it): say why, keep the text."""
        self.problem = reason[:1].upper() + reason[1:]

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        self.draw_text(surface, self.t("ui.profile.new"), (w // 2, 120), size="title",
                       bold=True)
        box = pygame.Rect(0, 0, 640, max(90, self.font("title").get_linesize() + 12))
        box.center = (w // 2, h // 2)
        draw_card(surface, box, self.theme, focused=True, radius=18)
        self.draw_text(surface, self.text + "|", box.center, size="title")
        self.draw_text(surface, self.t("ui.profile.name"), (w // 2, box.top - 14),
                       color=p.text_muted, anchor="midbottom")
        if self.problem:
            self.draw_text(surface, self.problem, (w // 2, box.bottom + 24), anchor="midtop",
                           max_width=w - 160)
