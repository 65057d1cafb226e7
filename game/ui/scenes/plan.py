"""The child's programme page, opened from the child's page behind the PIN.

Rows, top to bottom: today's level set (the programme's step, or another set for today
only: left/right or Enter cycle through them); one row per level set (Enter puts it in the
plan at the end, or takes it out; left/right moves it earlier or later); the mastery rate,
the sessions in a row and the session length (left/right or Enter change them); then
"Save the plan", "Remove the plan" and "Back". Nothing is kept until "Save the plan"
(`ProgressStore.set_programme`); a changed plan keeps the child at the level set reached
(`game.play.programme.revised`). The line under the title says where the child stands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game.play.level_library import LevelLibrary
from game.play.programme import MasteryRule, ProgrammeError, ProgrammeProgress, revised
from game.records import Profile, ProgressStore, StoreError
from game.records.plans import child_progress, programme_of
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.settings import cycle
from game.ui.widgets import draw_card, fitting_size
from game.ui.widgets.one_line import draw_more_arrow, head_that_fits

logger = logging.getLogger(__name__)

RATES = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
SESSIONS = (1, 2, 3, 4, 5)
MINUTES = (5, 10, 15, 20, 25, 30)
DEFAULT_RULE = MasteryRule()
DEFAULT_MINUTES = 10
TOP = 148  # the first row's top (below the title and the line of where the child stands)
ROW_GAP = 6
BOTTOM = 52


@dataclass(frozen=True, slots=True)
class _Row:
    kind: str  # "today" | "set" | "rate" | "sessions" | "minutes" | "save" | "clear" | "back"
    level_set_id: str = ""


class PlanScene(GameScene):
    """Choose a child's level sets and their order, the mastery rule and the session length;
    and the level set for today.

    Args:
        profile: the child (as stored).
        library: the level sets that can be chosen.
        fallback_id: the level set played without a programme (the command line's).
        today: the level set chosen for today (None: as planned).
        on_today: called with the new choice for today (None: as planned).
        now: the wall clock as ISO 8601 text (the plan's `created_at`).
        on_saved: called with the stored profile after a save or a removal.
    """

    name = "plan"
    holds_play = True

    def __init__(self, ctx: GameContext, profile: Profile, library: LevelLibrary, *,
                 fallback_id: str, today: str | None,
                 on_today: Callable[[str | None], None], now: Callable[[], str],
                 on_saved: Callable[[Profile], None] | None = None) -> None:
        super().__init__(ctx)
        self.profile = profile
        self.library = library
        self.fallback_id = fallback_id
        self.today = today
        self.on_today = on_today
        self.now = now
        self.on_saved = on_saved
        programme = programme_of(profile)
        self.sets: list[str] = list(programme.level_sets) if programme else []
        rule = programme.mastery if programme else DEFAULT_RULE
        self.rule = rule
        self.minutes = programme.session_minutes if programme else DEFAULT_MINUTES
        self.state: ProgrammeProgress | None = None
        self.focus = 0
        self.first = 0
        self.message = ""

    def enter(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Where the child stands in the stored programme (read from the records)."""
        store: ProgressStore | None = self.ctx.store
        try:
            self.state = child_progress(store, self.profile) if store is not None else None
        except (StoreError, OSError) as exc:
            logger.info("the programme's progress could not be read (%s)", type(exc).__name__)
            self.state = None

    # ---------------------------------------------------------------- rows

    def rows(self) -> list[_Row]:
        others = [s for s in self.library.ids if s not in self.sets]
        rows = [_Row("today")]
        rows += [_Row("set", s) for s in [*self.sets, *others]]
        rows += [_Row("rate"), _Row("sessions"), _Row("minutes"), _Row("save")]
        if self.profile.programme:
            rows.append(_Row("clear"))
        return [*rows, _Row("back")]

    def label(self, row: _Row) -> str:
        if row.kind == "set":
            return self.library.title(row.level_set_id, self.ctx.lang)
        return self.t(f"ui.plan.{row.kind}")

    def value_text(self, row: _Row) -> str:
        lang = self.ctx.lang
        if row.kind == "today":
            if self.today is not None:
                return self.library.title(self.today, lang)
            if self.state is not None:
                return self.t("ui.plan.today.planned",
                              title=self.library.title(self.state.level_set_id, lang))
            return self.t("ui.plan.today.usual",
                          title=self.library.title(self.fallback_id, lang))
        if row.kind == "set":
            if row.level_set_id in self.sets:
                return self.t("ui.plan.step", step=self.sets.index(row.level_set_id) + 1)
            return self.t("ui.plan.not_in")
        if row.kind == "rate":
            return f"{round(self.rule.min_independent_rate * 100)} %"
        if row.kind == "sessions":
            return str(self.rule.over_sessions)
        if row.kind == "minutes":
            return self.t("ui.plan.minutes.value", minutes=self.minutes)
        return ""

    def status_line(self) -> str:
        """Where the child stands in the stored programme, in one line."""
        state = self.state
        if state is None:
            return self.t("ui.plan.none")
        title = self.library.title(state.level_set_id, self.ctx.lang)
        if state.finished:
            return self.t("ui.plan.status.done", title=title)
        return self.t("ui.plan.status", step=state.step + 1, steps=state.steps, title=title,
                      run=state.run, sessions=state.programme.mastery.over_sessions)

    # ---------------------------------------------------------------- input

    def handle(self, event: InputEvent) -> bool:
        rows = self.rows()
        action = event.action
        if action in (Action.UP, Action.DOWN):
            self.focus = (self.focus + (1 if action is Action.DOWN else -1)) % len(rows)
        elif action in (Action.LEFT, Action.RIGHT, Action.CONFIRM):
            self.change(rows[self.focus], -1 if action is Action.LEFT else 1,
                        confirm=action is Action.CONFIRM)
        elif action is Action.POINT and event.pos is not None:
            for i, rect in self.row_rects().items():
                if rect.collidepoint(event.pos):
                    self.focus = i
                    self.change(rows[i], 1, confirm=True)
        elif action is Action.BACK:
            self.leave()
        self.focus = min(self.focus, len(self.rows()) - 1)
        self._scroll_to_focus()
        return True

    def change(self, row: _Row, step: int, *, confirm: bool) -> None:
        """Act on `row`: one step left or right, or (`confirm`) Enter or a tap."""
        self.message = ""
        if row.kind == "today":
            choices: tuple[str | None, ...] = (None, *self.library.ids)
            self.today = cycle(choices, self.today, step)
            self.on_today(self.today)
        elif row.kind == "set":
            self._change_set(row.level_set_id, step, confirm=confirm)
        elif row.kind == "rate":
            self.rule = MasteryRule(cycle(RATES, self.rule.min_independent_rate, step),
                                    self.rule.over_sessions, self.rule.min_trials)
        elif row.kind == "sessions":
            self.rule = MasteryRule(self.rule.min_independent_rate,
                                    cycle(SESSIONS, self.rule.over_sessions, step),
                                    self.rule.min_trials)
        elif row.kind == "minutes":
            self.minutes = cycle(MINUTES, self.minutes, step)
        elif confirm and row.kind == "save":
            self.save()
        elif confirm and row.kind == "clear":
            self.clear()
        elif confirm:
            self.leave()

    def _change_set(self, level_set_id: str, step: int, *, confirm: bool) -> None:
        if confirm:
            if level_set_id in self.sets:
                self.sets.remove(level_set_id)
            else:
                self.sets.append(level_set_id)
            return
        if level_set_id not in self.sets:
            return
        i = self.sets.index(level_set_id)
        j = i + step
        if 0 <= j < len(self.sets):
            self.sets[i], self.sets[j] = self.sets[j], self.sets[i]
            self.focus += step  # the row moves with its level set

    def save(self) -> None:
        """Keep the plan as shown (a new plan id when anything changed)."""
        store: ProgressStore | None = self.ctx.store
        if not self.sets:
            self.message = self.t("ui.plan.need_set")
            return
        if store is None:
            return
        try:
            programme = revised(programme_of(self.profile), self.sets, self.rule, self.minutes,
                                created_at=self.now(),
                                reached_step=self.state.step if self.state else None)
            current = programme_of(self.profile)
            if current is not None and (current.level_sets, current.mastery,
                                        current.session_minutes) == (
                    programme.level_sets, programme.mastery, programme.session_minutes):
                self.message = self.t("ui.plan.saved")
                return
            self._stored(store.set_programme(self.profile.profile_id, programme.to_json()))
        except (ProgrammeError, StoreError, OSError) as exc:
            self.message = self.t("ui.admin.not_saved", reason=str(exc).rstrip(".") + ".")
            return
        self.message = self.t("ui.plan.saved")

    def clear(self) -> None:
        store: ProgressStore | None = self.ctx.store
        if store is None:
            return
        try:
            self._stored(store.set_programme(self.profile.profile_id, None))
        except (StoreError, OSError) as exc:
            self.message = self.t("ui.admin.not_saved", reason=str(exc).rstrip(".") + ".")
            return
        self.sets = []
        self.message = self.t("ui.plan.cleared")

    def _stored(self, profile: Profile) -> None:
        self.profile = profile
        if self.ctx.profile is not None and self.ctx.profile.profile_id == profile.profile_id:
            self.ctx.profile = profile
        self.refresh()
        if self.on_saved is not None:
            self.on_saved(profile)

    # ---------------------------------------------------------------- layout

    def _row_height(self) -> int:
        return max(56, self.font("body").get_linesize() + 18)

    def _row_width(self) -> int:
        return min(1040, self.ctx.window_size[0] - 80)

    def row_rects(self) -> dict[int, pygame.Rect]:
        """The rows in view, by row index."""
        w, h = self.ctx.window_size
        left = w // 2 - self._row_width() // 2
        rects: dict[int, pygame.Rect] = {}
        top, height = TOP, self._row_height()
        for i in range(self.first, len(self.rows())):
            if top + height > h - BOTTOM - 8 and rects:
                break
            rects[i] = pygame.Rect(left, top, self._row_width(), height)
            top += height + ROW_GAP
        return rects

    def _scroll_to_focus(self) -> None:
        count = len(self.rows())
        self.first = min(self.first, self.focus)
        while self.focus not in self.row_rects():
            self.first += 1
        while self.first > 0:  # no empty room below the last row
            self.first -= 1
            if count - 1 not in self.row_rects() or self.focus not in self.row_rects():
                self.first += 1
                break

    # ---------------------------------------------------------------- drawing

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        title = self.t("ui.plan.title", name=self.profile.display_name)
        size = fitting_size(title, self.theme, w - 160, 64, ("title", "body"), bold=True)
        self.draw_text(surface, title, (w // 2, 38), size=size, bold=True, max_width=w - 160)
        status = self.status_line()
        size = fitting_size(status, self.theme, w - 120, TOP - 96, ("small", 18, 16))
        self.draw_text(surface, status, (w // 2, 104), size=size,
                       color=p.text_muted, max_width=w - 120)
        rows = self.rows()
        rects = self.row_rects()
        for i, rect in rects.items():
            self._draw_row(surface, rows[i], rect, focused=i == self.focus)
        if rects and min(rects) > 0:
            draw_more_arrow(surface, p.text_muted, (w // 2, TOP - 7), up=True)
        if rects and max(rects) < len(rows) - 1:
            below = max(rect.bottom for rect in rects.values()) + 12
            draw_more_arrow(surface, p.text_muted, (w // 2, below), up=False)
        footer = self.message or self.t("ui.plan.keys")
        size = fitting_size(footer, self.theme, w - 80, BOTTOM + 8, ("small", 18, 16),
                            balance=True)
        self.draw_text(surface, footer, (w // 2, h - BOTTOM // 2 - 4), size=size,
                       color=p.text if self.message else p.text_muted, max_width=w - 80)

    def _draw_row(self, surface: pygame.Surface, row: _Row, rect: pygame.Rect,
                  focused: bool) -> None:
        p = self.palette
        in_plan = row.kind == "set" and row.level_set_id in self.sets
        draw_card(surface, rect, self.theme, focused=focused, radius=14, shadow=False,
                  fill=p.surface_alt if in_plan else None)
        label = self.label(row)
        if row.kind in ("save", "clear", "back"):
            label = head_that_fits(label, self.font("body", focused), rect.width - 48)
            self.draw_text(surface, label, rect.center, bold=focused)
            return
        value = self.value_text(row)
        value_w = min(self.font("body").size(value)[0], rect.width // 2 - 24)
        label = head_that_fits(label, self.font("body", focused), rect.width - 80 - value_w)
        label_rect = self.draw_text(surface, label, (rect.left + 24, rect.centery),
                                    anchor="midleft", bold=focused)
        room = rect.right - 24 - (label_rect.right + 32)
        value = head_that_fits(value, self.font("body"), room)
        self.draw_text(surface, value, (rect.right - 24, rect.centery), anchor="midright",
                       color=p.text if row.kind != "set" or in_plan else p.text_muted)
