"""The visual schedule before a session: "6 faces, 6 faces, all done".

Shown after the child is chosen (and calibrated) and before the first trial, built from the
session's own plan (`game.play.schedule`): the title "Today", the row of picture cards with
their words (`game.ui.widgets.schedule`), spoken "Look! This is what we do today.", and one
line saying how to start. Any key, a click or a tap starts the session (`on_start`, once);
the therapist's keys pass through to the game. The same row is drawn, smaller, at each rest
(`BreakScene`), with the step under way highlighted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game import phrases
from game.play.schedule import ScheduleProgress, ScheduleStep, StepKind
from game.ui.context import GameContext
from game.ui.input import THERAPIST_ACTIONS, Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card, fitting_size
from game.ui.widgets.schedule import draw_schedule

logger = logging.getLogger(__name__)

ROW_MAX_H = 340  # the row's height at most (the pictures stay a calm size)
KEYS_AFTER_MS = 600  # a key still held from the calibration does not skip the schedule


def step_label(step: ScheduleStep, lang: str) -> str:
    """The words under a schedule card ("6 faces", "A rest", "All done")."""
    if step.kind is StepKind.FACES:
        if step.faces == 1:
            return phrases.text("ui.child.schedule.face", lang)
        return phrases.text("ui.child.schedule.faces", lang, count=step.faces)
    if step.kind is StepKind.REST:
        return phrases.text("ui.child.schedule.rest", lang)
    return phrases.text("ui.child.schedule.done", lang)


class ScheduleScene(GameScene):
    """Today's schedule; `on_start` is called once when the child goes on."""

    name = "schedule"

    def __init__(self, ctx: GameContext, progress: ScheduleProgress,
                 on_start: Callable[[], None]) -> None:
        super().__init__(ctx)
        self.progress = progress
        self.on_start = on_start
        self.elapsed_ms = 0
        self.started = False

    def enter(self) -> None:
        self.say("schedule.intro")

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms

    def handle(self, event: InputEvent) -> bool:
        if event.action in THERAPIST_ACTIONS or event.action is Action.QUIT:
            return False
        if self.elapsed_ms >= KEYS_AFTER_MS:
            self._start()
        return True

    def _start(self) -> None:
        if not self.started:
            self.started = True
            logger.info("schedule shown: %d faces planned", self.progress.plan.faces)
            self.on_start()

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        card = pygame.Rect(40, 30, w - 80, h - 60)
        draw_card(surface, card, self.theme)
        title = self.draw_text(surface, self.t("ui.child.schedule.title"),
                               (w // 2, card.top + 24), size="title", bold=True,
                               anchor="midtop", max_width=card.width - 80)
        hint = self.t("ui.child.schedule.start")
        room = card.width - 80
        size = fitting_size(hint, self.theme, room, self.font("body").get_linesize() * 2.5)
        said = self.draw_text(surface, hint, (w // 2, card.bottom - 22), size=size,
                              color=p.text_muted, anchor="midbottom", max_width=room)
        room_h = max(80, said.top - 30 - (title.bottom + 30))
        row = pygame.Rect(card.left + 40, 0, card.width - 80, min(ROW_MAX_H, room_h))
        row.centery = (title.bottom + said.top) // 2
        draw_schedule(surface, row, self.progress.steps(), self.theme,
                      lambda step: step_label(step, self.ctx.lang), look=self.avatar_look)
