"""The home screen of a home installation: one child, today's practice, this week's days.

It stands where the clinic's start screen stands (`GameFlow._start_scene`) when the data
folder is set up for home practice (`facequest home setup`). There is no list of children
and no way to add one: "Play" starts the plan's child's session, "For grown-ups" opens the
settings behind this installation's own parent PIN, "Quit" asks first. The week's numbers
are read from the records when the scene is entered or comes back (never in `draw`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.records.storage import local_now
from game.reports.adherence import WeekProgress, week_progress
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene, Menu

if TYPE_CHECKING:
    from game.home.plan import HomePlan
    from game.records.models import Profile

AUTOPLAY_PICK_MS = 1200
MENU_TOP = 300


class HomeScene(GameScene):
    """Today's practice for the plan's child (`profile`: None when the records are gone)."""

    name = "home"

    def __init__(self, ctx: GameContext, plan: HomePlan, profile: Profile | None) -> None:
        super().__init__(ctx)
        self.plan = plan
        self.profile = profile
        w, h = ctx.window_size
        self.menu = Menu([], w // 2, MENU_TOP, gap=22, bottom=h - 40, max_columns=1)
        self.week = WeekProgress(0, plan.days_per_week, 0.0, False)
        self.elapsed_ms = 0
        self._lay_out()

    def _lay_out(self) -> None:
        keys = ["ui.home.play", "ui.home.grown_ups", "ui.quit"]
        if self.profile is None:
            keys = keys[1:]
        self.menu.labels = [self.t(key) for key in keys]
        self.menu.focus = min(self.menu.focus, len(keys) - 1)

    def _count(self) -> None:
        store = self.ctx.store
        if store is None:
            return
        sessions = store.sessions_for(self.plan.profile_id) if self.profile is not None else []
        self.week = week_progress(sessions, self.plan.days_per_week, local_now())

    def enter(self) -> None:
        self._count()
        self.say("greeting")

    def resume(self) -> None:
        self._lay_out()  # the language may have changed in the settings
        self._count()

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms
        if self.ctx.options.get("autoplay") and self.elapsed_ms >= AUTOPLAY_PICK_MS:
            self.elapsed_ms = -10**9  # once
            self._choose(0)

    def _choose(self, index: int) -> None:
        flow = self.ctx.flow
        if flow is None:
            return
        if self.profile is None:
            index += 1
        if index == 0 and self.profile is not None:
            flow.profile_chosen(self.profile)
        elif index == 1:
            flow.open_settings()
        elif index == 2:
            flow.ask_quit()

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action is Action.UP:
            self.menu.move(-1)
        elif action is Action.DOWN:
            self.menu.move(1)
        elif action is Action.CONFIRM:
            self._choose(self.menu.focus)
        elif action is Action.POINT and event.pos is not None:
            hit = self.menu.hit(event.pos)
            if hit is not None:
                self._choose(hit)
        elif action is Action.BACK:
            self._choose(2 - (self.profile is None))
        elif action is Action.SETTINGS and self.ctx.flow is not None:
            self.ctx.flow.open_settings()
        else:
            return False
        return True

    def today_line(self) -> str:
        minutes = round(self.week.minutes_today)
        if minutes >= self.plan.minutes_per_day:
            return self.t("ui.home.today_done")
        return self.t("ui.home.today", done=minutes, planned=self.plan.minutes_per_day)

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, _ = surface.get_size()
        title = self.draw_text(surface, self.t("ui.home.title"), (w // 2, 14), size="huge",
                               bold=True, anchor="midtop", max_width=w - 80)
        top = title.bottom + 10
        if self.profile is not None:
            name = self.draw_text(surface, self.profile.display_name, (w // 2, top),
                                  size="large", bold=True, anchor="midtop", max_width=w - 80)
            top = name.bottom + 8
        today = self.draw_text(surface, self.today_line(), (w // 2, top), size="body",
                               anchor="midtop", max_width=w - 80)
        self.draw_text(surface, self.t("ui.home.week", done=self.week.days_done,
                                       planned=self.week.days_planned),
                       (w // 2, today.bottom + 6), size="body", color=p.text_muted,
                       anchor="midtop", max_width=w - 80)
        self.menu.draw(surface, self.theme)
