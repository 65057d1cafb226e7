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
from game.ui.widgets import fitting_size, text_size

if TYPE_CHECKING:
    from game.home.plan import HomePlan
    from game.records.models import Profile

LINE_GAP = 8
MARGIN = 80  # each side of the texts


class HomeScene(GameScene):
    """Today's practice for the plan's child (`profile`: None when the records are gone)."""

    name = "home"

    def __init__(self, ctx: GameContext, plan: HomePlan, profile: Profile | None) -> None:
        super().__init__(ctx)
        self.plan = plan
        self.profile = profile
        w, h = ctx.window_size
        self.menu = Menu([], w // 2, h // 2, gap=18, bottom=h - 24, max_columns=1)
        self.week = WeekProgress(0, plan.days_per_week, 0.0, False)
        # the texts above the buttons: (text, size, bold, muted, top), set by `_lay_out`
        self.lines: list[tuple[str, str | int, bool, bool, int]] = []
        self._lay_out()

    def set_week(self, week: WeekProgress) -> None:
        """Show these numbers for the week (read from the records on entering)."""
        self.week = week
        self._lay_out()

    def _lay_out(self) -> None:
        """The buttons, and the texts above them sized so that the buttons fit below."""
        keys = ["ui.home.play", "ui.home.grown_ups", "ui.quit"]
        if self.profile is None:
            keys = keys[1:]
        self.menu.labels = [self.t(key) for key in keys]
        self.menu.focus = min(self.menu.focus, len(keys) - 1)
        w, h = self.ctx.window_size
        buttons = len(keys) * (self.menu.height + self.menu.gap)
        room = h - 24 - buttons - 12  # the texts' height, from the top
        wanted: list[tuple[str, tuple[str | int, ...], bool, bool]] = [
            (self.t("ui.home.title"), ("huge", "title"), True, False)]
        if self.profile is not None:
            wanted.append((self.profile.display_name, ("title", "body"), True, False))
        wanted.append((self.today_line(), ("body", "small"), False, False))
        wanted.append((self.t("ui.home.week", done=self.week.days_done,
                              planned=self.week.days_planned), ("body", "small"), False, True))
        share = max(1, (room - 14) // len(wanted) - LINE_GAP)
        top, self.lines = 14, []
        for text, sizes, bold, muted in wanted:
            size = fitting_size(text, self.theme, w - 2 * MARGIN, share, sizes, bold=bold)
            self.lines.append((text, size, bold, muted, top))
            top += text_size(text, self.theme, size, w - 2 * MARGIN, bold=bold)[1] + LINE_GAP
        self.menu.top = max(top + 4, 14)

    def _count(self) -> None:
        store = self.ctx.store
        if store is None:
            return
        sessions = store.sessions_for(self.plan.profile_id) if self.profile is not None else []
        self.set_week(week_progress(sessions, self.plan.days_per_week, local_now()))

    def enter(self) -> None:
        self._count()
        self.say("greeting")

    def resume(self) -> None:
        self._lay_out()  # the language may have changed in the settings
        self._count()

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
        for text, size, bold, muted, top in self.lines:
            self.draw_text(surface, text, (w // 2, top), size=size, bold=bold,
                           color=p.text_muted if muted else p.text, anchor="midtop",
                           max_width=w - 2 * MARGIN)
        self.menu.draw(surface, self.theme)
