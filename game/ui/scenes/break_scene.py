"""The break: a calm rest screen with its own words and a slowly breathing circle.

The rules engine starts and ends the break (`BreakStarted` / `BreakEnded`); every clock is
stopped while it shows. The scene covers the game completely, says "Rest time. Let's
breathe slowly.", and lets the child or therapist end it with any key, a click or a tap
(`on_end`, which asks the engine to end the break); a smile or the level's `max_ms` end it
from the engine's side. The circle grows for 4 s (breathe in) and shrinks for 4 s (breathe
out); under reduced motion it stands still and the words stay.

Given the session's schedule, the rest also shows it for its first
`SCHEDULE_SHOWN_MS`, smaller, under the title: where the rest falls and what comes after.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable

import pygame

from game.play.schedule import ScheduleProgress
from game.ui.context import GameContext
from game.ui.input import THERAPIST_ACTIONS, Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.scenes.schedule import step_label
from game.ui.theme import Theme
from game.ui.widgets import draw_card, fitting_size, mix, text_size
from game.ui.widgets.schedule import draw_schedule
from game.ui.widgets.shapes import cover

logger = logging.getLogger(__name__)

BREATH_MS = 8000  # one breath: 4 s in, 4 s out
SCHEDULE_SHOWN_MS = 8000  # the schedule shows this long at the start of a rest
SCHEDULE_MAX_H = 170


def breath(t_ms: int, theme: Theme) -> float:
    """0..1: how full the breathing circle is at `t_ms` (0.5, still, under reduced motion)."""
    if theme.reduced_motion:
        return 0.5
    return 0.5 - 0.5 * math.cos(2 * math.pi * (t_ms % BREATH_MS) / BREATH_MS)


def breathing_in(t_ms: int, theme: Theme) -> bool:
    return theme.reduced_motion or (t_ms % BREATH_MS) < BREATH_MS // 2


class BreakScene(GameScene):
    """The rest screen; `on_end` is called once when the child or therapist ends it.
    `schedule`: the session's schedule, shown briefly (None: not shown). `keys_after_ms`:
    keys and taps sooner than this do not end it (a rest the child asked for: a second tap
    on the rest button must not end the rest at once)."""

    name = "break"

    def __init__(self, ctx: GameContext, on_end: Callable[[], None],
                 schedule: ScheduleProgress | None = None, keys_after_ms: int = 0) -> None:
        super().__init__(ctx)
        self.on_end = on_end
        self.schedule = schedule
        self.keys_after_ms = keys_after_ms
        self.elapsed_ms = 0
        self.ended = False

    def enter(self) -> None:
        self.say("rest.start")

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms

    def handle(self, event: InputEvent) -> bool:
        if event.action in THERAPIST_ACTIONS or event.action is Action.QUIT:
            return False  # the therapist's keys (P ends the break too) reach the game
        if self.elapsed_ms < self.keys_after_ms:
            return True  # too soon: the tap that asked for the rest, or a second one
        if not self.ended:
            self.ended = True
            self.on_end()
        return True

    def draw(self, surface: pygame.Surface) -> None:
        cover(surface, self.theme)
        w, h = surface.get_size()
        card = pygame.Rect(0, 0, min(1000, w - 80), h - 80)
        card.center = (w // 2, h // 2)
        draw_card(surface, card, self.theme)
        room = card.inflate(-80, 0)
        title_h = self.font("title").get_linesize() * 2.6
        size = fitting_size(self.t("rest.start"), self.theme, room.width, title_h,
                            sizes=("title", "body", "small"))
        title = self.draw_text(surface, self.t("rest.start"), (card.centerx, card.top + 36),
                               size=size, bold=True, anchor="midtop", max_width=room.width)
        foot_text = self.t("rest.how_to_end")
        foot_size = fitting_size(foot_text, self.theme, room.width,
                                 self.font("body").get_linesize() * 2.6)
        foot_h = self._height(foot_text, foot_size, room.width)
        foot_top = card.bottom - 30 - foot_h
        self.draw_text(surface, foot_text, (card.centerx, foot_top), size=foot_size,
                       anchor="midtop", max_width=room.width, color=self.palette.text_muted)
        cue = self.t("rest.breathe_in" if breathing_in(self.elapsed_ms, self.theme)
                     else "rest.breathe_out")
        cue_h = self.font("body").get_linesize()
        cue_top = foot_top - 16 - cue_h
        self.draw_text(surface, cue, (card.centerx, cue_top), anchor="midtop",
                       max_width=room.width)
        top = title.bottom + 16
        if self.schedule is not None and self.elapsed_ms < SCHEDULE_SHOWN_MS:
            strip = pygame.Rect(card.left + 40, top, card.width - 80,
                                min(SCHEDULE_MAX_H, max(60, (cue_top - top) // 2)))
            draw_schedule(surface, strip, self.schedule.steps(), self.theme,
                          lambda step: step_label(step, self.ctx.lang), look=self.avatar_look)
            top = strip.bottom + 16
        space = pygame.Rect(card.left, top, card.width, max(40, cue_top - 16 - top))
        self._draw_circle(surface, space)

    def _height(self, text: str, size: str | int, width: int) -> int:
        return text_size(text, self.theme, size, width)[1]

    def _draw_circle(self, surface: pygame.Surface, space: pygame.Rect) -> None:
        p = self.palette
        biggest = min(space.width, space.height) / 2
        fullness = breath(self.elapsed_ms, self.theme)
        radius = biggest * (0.45 + 0.5 * fullness)
        pygame.draw.circle(surface, mix(p.surface, p.progress, 0.25), space.center, biggest)
        pygame.draw.circle(surface, mix(p.surface, p.progress, 0.7), space.center, radius)
        pygame.draw.circle(surface, p.progress, space.center, radius, max(3, round(radius / 20)))
