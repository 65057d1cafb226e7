"""The therapist's page for one child (behind the PIN): name, birth year, notes, the two
consents, the replay of how the child's face moved, and deleting the child.

Up/down chooses a row; Enter (or a tap) changes it. The text rows (name, birth year, notes)
are edited in place: type, Enter keeps it, Backspace on an empty field leaves it as it was.
The consent switches are saved at once. Every change goes straight to the progress store
(`ProgressStore.update_profile`); a refused change (a name another child has, a birth year
that is not one) gets one calm sentence and keeps the old value. Deleting asks first
(`ConfirmCard`: the delete button must be pressed twice) and then erases the child with
`ProgressStore.delete_profile`. The replay row opens the replay of the child's motion records
(built by the flow, `on_replay`); while the child has none, the row says why and does nothing.
The programme row opens the child's plan page (`on_plan`).
The avatar row opens the choice of the avatar's look (`AvatarChoiceScene`); the
look chosen is saved with the child at once.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game.records import Profile, ProgressStore, StoreError
from game.records.store import EARLIEST_BIRTH_YEAR
from game.ui.avatar_params import AvatarLook, look_named
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.avatar_choice import AvatarChoiceScene, look_key
from game.ui.scenes.base import GameScene
from game.ui.scenes.confirm import ConfirmCard
from game.ui.widgets import draw_card, fitting_size, text_size
from game.ui.widgets.one_line import draw_more_arrow, head_that_fits, tail_that_fits

logger = logging.getLogger(__name__)

FIRST_YEAR = EARLIEST_BIRTH_YEAR  # the store refuses earlier years too
MAX_LENGTH = {"display_name": 24, "birth_year": 4, "notes": 240}
TOP = 104  # the first row's top (below the title)
ROW_GAP = 8
BOTTOM = 52  # room for the one-line hint or message at the bottom


@dataclass(frozen=True, slots=True)
class _Row:
    label_key: str
    field: str  # a Profile field, or "delete" / "done"
    kind: str  # "text" | "switch" | "action" | "open" (another page, with a line under it)
    #            | "avatar" (the look's name; opens the choice of looks)
    why_key: str = ""  # a one-line explanation under the label


ROWS: tuple[_Row, ...] = (
    _Row("ui.admin.name", "display_name", "text"),
    _Row("ui.admin.birth_year", "birth_year", "text"),
    _Row("ui.admin.notes", "notes", "text"),
    _Row("ui.child.avatar.row", "avatar", "avatar", "ui.child.avatar.row.why"),
    _Row("ui.admin.frame_traces", "allow_frame_traces", "switch",
         "ui.admin.frame_traces.why"),
    _Row("ui.replay.open", "replay", "open", "ui.replay.open.why"),
    _Row("ui.plan.open", "plan", "open", "ui.plan.open.why"),
    _Row("ui.home.admin.make_plan", "home_plan", "action"),  # `on_home_plan`
    _Row("ui.admin.delete", "delete", "action"),
    _Row("ui.admin.done", "done", "action"),
)


ProfileValue = str | int | bool | None  # what a text or switch row shows and saves


def profile_value(profile: Profile, field: str) -> ProfileValue:
    """The stored value of a text or switch row's field (`_Row.field`).

    Raises:
        ValueError: `field` is not one of those rows' fields.
    """
    match field:
        case "display_name":
            return profile.display_name
        case "birth_year":
            return profile.birth_year
        case "notes":
            return profile.notes
        case "allow_frame_traces":
            return profile.allow_frame_traces
    raise ValueError(f"no text or switch row for the field {field!r}")


class BirthYearError(ValueError):
    """A typed birth year that is not four digits within FIRST_YEAR..this year."""


def parse_birth_year(text: str, this_year: int | None = None) -> int | None:
    """The birth year typed as `text` (None when empty).

    Raises:
        BirthYearError: not four digits between FIRST_YEAR and `this_year` (default: now).
    """
    text = text.strip()
    if not text:
        return None
    last = this_year if this_year is not None else datetime.date.today().year
    if not (len(text) == 4 and text.isdigit() and FIRST_YEAR <= int(text) <= last):
        raise BirthYearError(text)
    return int(text)


class ChildAdminScene(GameScene):
    """Manage one stored child.

    Args:
        profile: the child (as stored).
        on_close: called when the page closes (the start screen refreshes its list).
        on_deleted: called with the child's name once the child was deleted (after this
            scene left the stack).
        on_replay: opens the replay of the child's motion records (None: no replay row
            action, e.g. in tests of the other rows).
        on_plan: opens the child's programme page (None: the row does nothing).
    """

    name = "child_admin"
    holds_play = True

    def __init__(self, ctx: GameContext, profile: Profile, *,
                 on_close: Callable[[], None] | None = None,
                 on_deleted: Callable[[str], None] | None = None,
                 on_replay: Callable[[], None] | None = None,
                 on_plan: Callable[[], None] | None = None,
                 on_home_plan: Callable[[], str] | None = None) -> None:
        super().__init__(ctx)
        self.profile = profile
        self.on_close = on_close
        self.on_deleted = on_deleted
        self.on_replay = on_replay
        self.on_plan = on_plan
        self.on_home_plan = on_home_plan  # writes the child's home plan; says where
        self.has_motion = False  # a motion record exists (looked up on entering)
        self.focus = 0
        self.first = 0  # the first row in view
        self.editing: str | None = None  # the field being typed into
        self.draft = ""
        self.message = ""  # one calm sentence about the last change

    def enter(self) -> None:
        self.refresh_motion()

    def resume(self) -> None:
        self.refresh_motion()

    def refresh_motion(self) -> None:
        """Look up whether the child has a motion record to replay."""
        store: ProgressStore | None = self.ctx.store
        try:
            self.has_motion = store is not None and bool(
                store.sessions_with_motion(self.profile.profile_id))
        except (StoreError, OSError) as exc:
            logger.info("the motion records could not be looked up (%s)", type(exc).__name__)
            self.has_motion = False

    @property
    def store(self) -> ProgressStore:
        store: ProgressStore | None = self.ctx.store
        if store is None:
            raise StoreError("no progress records are open")
        return store

    # ---------------------------------------------------------------- input

    def handle(self, event: InputEvent) -> bool:
        if self.editing is not None:
            self._handle_typing(event)
            return True
        action = event.action
        if action in (Action.UP, Action.DOWN):
            self.focus = (self.focus + (1 if action is Action.DOWN else -1)) % len(ROWS)
        elif action is Action.CONFIRM or (action in (Action.LEFT, Action.RIGHT)
                                          and ROWS[self.focus].kind == "switch"):
            self.choose(self.focus)
        elif action is Action.POINT and event.pos is not None:
            for i, rect in self.row_rects().items():
                if rect.collidepoint(event.pos):
                    self.focus = i
                    self.choose(i)
        elif action is Action.BACK:
            self.close()
        self._scroll_to_focus()
        return True  # nothing reaches the start screen below

    def _handle_typing(self, event: InputEvent) -> None:
        field = self.editing
        assert field is not None
        if event.action is Action.TEXT:
            typed = event.text
            if field == "birth_year":
                typed = "".join(ch for ch in typed if ch.isdigit())
            self.draft = (self.draft + typed)[:MAX_LENGTH[field]]
        elif event.action is Action.CONFIRM and event.text != " ":  # the space bar types
            self._save_text(field, self.draft)
        elif event.action is Action.BACK:
            if self.draft:
                self.draft = self.draft[:-1]
            else:
                self._stop_typing()
        # letters that are also game keys (w, a, s, d, e, n...) arrive as TEXT too: the
        # other actions are ignored while typing

    def choose(self, index: int) -> None:
        """Act on row `index`: start typing, flip a switch, ask to delete, or close."""
        row = ROWS[index]
        self.message = ""
        if row.kind == "text":
            value = profile_value(self.profile, row.field)
            self.editing, self.draft = row.field, "" if value is None else str(value)
            _text_input(True)
        elif row.kind == "switch":
            self._save(**{row.field: not profile_value(self.profile, row.field)})
        elif row.kind == "open":
            if self._can_open(row):
                opener = self.on_plan if row.field == "plan" else self.on_replay
                if opener is not None:
                    opener()
        elif row.field == "home_plan":
            if self.on_home_plan is not None:
                self.message = self.on_home_plan()
        elif row.kind == "avatar":
            if self.stack is not None:
                self.stack.push(AvatarChoiceScene(self.ctx, look_named(self.profile.avatar),
                                                  self._keep_look))
        elif row.field == "delete":
            self._ask_delete()
        else:
            self.close()

    def _keep_look(self, look: AvatarLook) -> None:
        self._save(avatar=look.value)

    def close(self) -> None:
        self._stop_typing()
        if self.on_close is not None:
            self.on_close()
        self.leave()

    def exit(self) -> None:
        self._stop_typing()

    # ---------------------------------------------------------------- changes

    def _stop_typing(self) -> None:
        if self.editing is not None:
            self.editing, self.draft = None, ""
            _text_input(False)

    def _save_text(self, field: str, text: str) -> None:
        if field == "birth_year":
            try:
                year = parse_birth_year(text)
            except BirthYearError:
                self.message = self.t("ui.admin.bad_year", first=FIRST_YEAR,
                                      last=datetime.date.today().year)
                return  # keep typing: the therapist corrects it
            if self._save(birth_year=year):
                self._stop_typing()
            return
        if field == "display_name" and self._name_taken(text):
            self.message = self.t("ui.admin.name_taken", name=text.strip())
            return
        if self._save(**{field: text.strip() if field == "display_name" else text}):
            self._stop_typing()

    def _name_taken(self, name: str) -> bool:
        """Another child is called `name` (any case)."""
        store: ProgressStore | None = self.ctx.store
        if store is None or not name.strip():
            return False
        return any(p.profile_id != self.profile.profile_id for p in store.find_profiles(name))

    def _save(self, **changes: ProfileValue) -> bool:
        """Keep `changes` in the store; False (with one sentence shown) when refused."""
        try:
            self.profile = self.store.update_profile(self.profile.profile_id, **changes)
        except (StoreError, OSError) as exc:
            self.message = self.t("ui.admin.not_saved", reason=_sentence(exc))
            logger.info("a change to profile %s was refused (%s)", self.profile.profile_id,
                        type(exc).__name__)
            return False
        if self.ctx.profile is not None and self.ctx.profile.profile_id == self.profile.profile_id:
            self.ctx.profile = self.profile
        self.message = self.t("ui.admin.saved")
        return True

    def _ask_delete(self) -> None:
        name = self.profile.display_name
        if self.stack is not None:
            self.stack.push(ConfirmCard(
                self.ctx, self.t("ui.admin.confirm_delete", name=name),
                self.t("ui.admin.keep", name=name), self.t("ui.admin.delete", name=name),
                on_act=self.delete))

    def delete(self) -> None:
        """Erase the child (the question was answered); leave for the start screen."""
        name, profile_id = self.profile.display_name, self.profile.profile_id
        try:
            self.store.delete_profile(profile_id)
        except (StoreError, OSError) as exc:
            self.message = self.t("ui.admin.not_saved", reason=_sentence(exc))
            logger.warning("profile %s could not be deleted (%s)", profile_id,
                           type(exc).__name__)
            return
        if self.ctx.profile is not None and self.ctx.profile.profile_id == profile_id:
            self.ctx.profile = None
        self.close()
        if self.on_deleted is not None:
            self.on_deleted(name)

    # ---------------------------------------------------------------- layout

    def _row_height(self, row: _Row) -> int:
        height = self.font("body").get_linesize() + 22
        if row.why_key:
            height += max(text_size(self.t(key), self.theme, "small", self._why_width(),
                                    balance=False)[1] for key in self._why_keys(row)) + 4
        return max(64, height)

    def _why_keys(self, row: _Row) -> tuple[str, ...]:
        """The explanations a row may show (the replay row: one with a record, one without)."""
        if row.field == "replay":
            return (row.why_key, "ui.replay.open.none")
        return (row.why_key,) if row.why_key else ()

    def _why_text(self, row: _Row) -> str:
        if row.field == "replay" and not self.has_motion:
            return self.t("ui.replay.open.none")
        return self.t(row.why_key)

    def _can_open(self, row: _Row) -> bool:
        """The row's page can be opened (the replay: only with a motion record)."""
        if row.field == "plan":
            return self.on_plan is not None
        return self.has_motion and self.on_replay is not None

    def _why_width(self) -> int:
        return self._row_width() - 48  # under the label and the value

    def _value_width(self) -> int:
        return max(text_size(self.t(key), self.theme, "body")[0]
                   for key in ("ui.on", "ui.off")) + 24

    def _row_width(self) -> int:
        return min(1040, self.ctx.window_size[0] - 80)

    def _bottom(self) -> int:
        return self.ctx.window_size[1] - BOTTOM - 8

    def row_rects(self) -> dict[int, pygame.Rect]:
        """The rows in view, by row index."""
        w, _ = self.ctx.window_size
        left = w // 2 - self._row_width() // 2
        rects: dict[int, pygame.Rect] = {}
        top = TOP
        for i in range(self.first, len(ROWS)):
            height = self._row_height(ROWS[i])
            if top + height > self._bottom() and rects:
                break
            rects[i] = pygame.Rect(left, top, self._row_width(), height)
            top += height + ROW_GAP
        return rects

    def _scroll_to_focus(self) -> None:
        """Keep the chosen row in view, and no empty room below the last row."""
        self.first = min(self.first, self.focus)
        while self.focus not in self.row_rects():
            self.first += 1
        while self.first > 0:
            self.first -= 1
            if len(ROWS) - 1 not in self.row_rects() or self.focus not in self.row_rects():
                self.first += 1
                break

    # ---------------------------------------------------------------- drawing

    def value_text(self, row: _Row) -> str:
        """The row's value in words (or the text being typed)."""
        if row.kind == "switch":
            return self.t("ui.on" if profile_value(self.profile, row.field) else "ui.off")
        if row.kind == "avatar":
            return self.t(look_key(look_named(self.profile.avatar)))
        if row.kind != "text":
            return ""
        if self.editing == row.field:
            return self.draft + "|"
        value = profile_value(self.profile, row.field)
        return str(value) if value not in (None, "") else self.t("ui.admin.not_set")

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        title = self.t("ui.admin.title", name=self.profile.display_name)
        size = fitting_size(title, self.theme, w - 160, TOP - 24, ("title", "body"), bold=True)
        self.draw_text(surface, title, (w // 2, (TOP - 8) // 2), size=size, bold=True,
                       max_width=w - 160)
        rects = self.row_rects()
        for i, rect in rects.items():
            self._draw_row(surface, ROWS[i], rect, focused=i == self.focus)
        if rects and min(rects) > 0:
            draw_more_arrow(surface, p.text_muted, (w // 2, TOP - 10), up=True)
        if rects and max(rects) < len(ROWS) - 1:
            below = max(rect.bottom for rect in rects.values()) + 14
            draw_more_arrow(surface, p.text_muted, (w // 2, below), up=False)
        if self.message:
            footer, color = self.message, p.text
        else:
            footer = self.t("ui.admin.editing" if self.editing else "ui.admin.keys")
            color = p.text_muted
        size = fitting_size(footer, self.theme, w - 80, BOTTOM + 8, ("small", 18, 16),
                            balance=True)
        self.draw_text(surface, footer, (w // 2, h - BOTTOM // 2 - 4), size=size, color=color,
                       max_width=w - 80)

    def _draw_row(self, surface: pygame.Surface, row: _Row, rect: pygame.Rect,
                  focused: bool) -> None:
        p = self.palette
        editing = self.editing == row.field
        draw_card(surface, rect, self.theme, focused=focused or editing, radius=14,
                  shadow=False, fill=p.surface_alt if editing else None)
        label = self.t(row.label_key, name=self.profile.display_name)
        line_h = self.font("body").get_linesize()
        label_mid = (rect.left + 24, rect.top + 11 + line_h // 2)
        if row.kind == "action":
            self.draw_text(surface, label, (rect.centerx, rect.centery), bold=focused,
                           max_width=rect.width - 48)
            return
        if row.kind == "open":
            enabled = self._can_open(row)
            self.draw_text(surface, label, label_mid, anchor="midleft", bold=focused and enabled,
                           color=p.text if enabled else p.text_muted,
                           max_width=rect.width - 48)
            self.draw_text(surface, self._why_text(row), (rect.left + 24, rect.top + 11 + line_h),
                           size="small", color=p.text_muted, anchor="topleft",
                           max_width=self._why_width())
            return
        label_rect = self.draw_text(surface, label, label_mid, anchor="midleft",
                                    max_width=rect.width - 80 - self._value_width())
        value = self.value_text(row)
        room = rect.right - 24 - (label_rect.right + 32)
        if row.kind in ("text", "avatar"):
            value = tail_that_fits(value, self.font("body"), room) if editing else \
                head_that_fits(value, self.font("body"), room)
        color = p.text if editing or row.kind in ("switch", "avatar") or profile_value(
            self.profile, row.field) not in (None, "") else p.text_muted
        self.draw_text(surface, value, (rect.right - 24, label_mid[1]), anchor="midright",
                       color=color)
        if row.why_key:
            self.draw_text(surface, self.t(row.why_key), (rect.left + 24, rect.top + 11 + line_h),
                           size="small", color=p.text_muted, anchor="topleft",
                           max_width=self._why_width())


def _sentence(error: Exception) -> str:
    """An error as one sentence (first letter up, one full stop)."""
    text = str(error).strip() or type(error).__name__
    return text[:1].upper() + text[1:].rstrip(".") + "."


def _text_input(on: bool) -> None:
    """Start or stop SDL's text input (typed letters arrive as TEXT actions)."""
    try:
        if on:
            pygame.key.start_text_input()
        else:
            pygame.key.stop_text_input()
    except pygame.error:  # no video system (unit tests without a display)
        pass
