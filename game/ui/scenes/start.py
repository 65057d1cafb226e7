"""The start scene: the title, one big button per child, and the therapist's doors.

Every child is reachable: the children stand in up to three columns, a page at a time, with
a "More children" button when there are more than fit; typing letters finds a name (the list
shows only the names starting with what was typed, or with a word of them; Backspace or Esc
takes a letter back). Below the children: "Add a child" and "Quit" (the flow asks "Quit
FaceQuest?" first; Esc with nothing typed asks too). `actions` holds those buttons (phrase
key, callback): one more door can be added there.

Issue 23: just above the buttons, the focused child's next step in their programme ("Next
for Mia: Six feelings, step 2 of 3"; `set_next_step` gives the function that words it)
stands where the hint on finding a name stands otherwise.

Picking a child starts the session flow (`ctx.flow.profile_chosen`). Adding a child,
settings and progress sit behind the therapist PIN (the flow asks for it).

Issue 23: the focused child's sticker book shows small at the top right, beside the title:
the newest stickers and how many the book holds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import pygame

from game.play.stickers import StickerBook, StickerKind
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene, Menu
from game.ui.widgets import draw_card, draw_star, draw_sticker, fitting_size, text_size

if TYPE_CHECKING:
    from game.records.models import Profile

logger = logging.getLogger(__name__)

MENU_TOP = 236
MENU_COLUMNS = 3
FIND_LINE_Y = MENU_TOP - 34  # the "Find: mi" line, above the buttons


def matches(name: str, typed: str) -> bool:
    """True when `name` (or one of its words) starts with `typed` (any case)."""
    if not typed:
        return True
    folded, typed = name.casefold(), typed.casefold()
    return folded.startswith(typed) or any(
        word.startswith(typed) for word in folded.replace("-", " ").split())


def labels_for(profiles: list[Profile]) -> list[str]:
    """Button labels: the names, with the id's start added where two children share one."""
    counts: dict[str, int] = {}
    for profile in profiles:
        key = profile.display_name.casefold()
        counts[key] = counts.get(key, 0) + 1
    return [p.display_name if counts[p.display_name.casefold()] == 1
            else f"{p.display_name} ({p.profile_id})" for p in profiles]


class StartScene(GameScene):
    """Choose who is playing. `profiles` are the store's profiles (may be empty)."""

    name = "start"

    def __init__(self, ctx: GameContext, profiles: list[Profile]) -> None:
        super().__init__(ctx)
        self.all_profiles = list(profiles)
        self.typed = ""
        self.page = 0
        self.actions: list[tuple[str, Callable[[], None]]] = [
            ("ui.profile.new", self._add_child),
            ("ui.quit", self._quit),
        ]
        w, h = ctx.window_size
        self.menu = Menu([], w // 2, MENU_TOP, gap=22, bottom=h - 52,
                         max_columns=MENU_COLUMNS)
        self.profiles: list[Profile] = []  # the children on the page shown
        self.has_more = False
        self.next_step: Callable[[Profile, str], str] | None = None
        self.next_lines: dict[str, str] = {}  # profile id -> its next step, worded
        self._lay_out()

    # ---------------------------------------------------------------- the list

    @property
    def found(self) -> list[Profile]:
        """The children whose name matches what was typed (all when nothing was)."""
        return [p for p in self.all_profiles if matches(p.display_name, self.typed)]

    @property
    def per_page(self) -> int:
        """Children shown at once: the buttons that fit, less the doors (and "More")."""
        room = self.menu.capacity - len(self.actions)
        return max(1, room if len(self.found) <= room else room - 1)

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.found) // self.per_page))

    def _lay_out(self) -> None:
        found = self.found
        self.page = min(self.page, self.pages - 1)
        first = self.page * self.per_page
        self.profiles = found[first:first + self.per_page]
        self.has_more = len(found) > self.per_page
        labels = labels_for(self.profiles)
        if self.has_more:
            labels.append(self.t("ui.flow.more_children"))
        labels += [self.t(key) for key, _ in self.actions]
        self.menu.labels = labels
        self.menu.focus = min(self.menu.focus, len(labels) - 1)
        if self.next_step is not None:
            self.next_lines = {p.profile_id: self.next_step(p, self.ctx.lang)
                               for p in self.profiles}

    def set_next_step(self, words: Callable[[Profile, str], str] | None) -> None:
        """How to word a child's next step (profile, language) -> text ("" for none)."""
        self.next_step = words
        self._lay_out()

    def focused_next_line(self) -> str:
        """The focused child's next step ("" when a door is focused, or no programme)."""
        focus = self.menu.focus
        if focus >= len(self.profiles):
            return ""
        return self.next_lines.get(self.profiles[focus].profile_id, "")

    def set_profiles(self, profiles: list[Profile], focus: Profile | None = None) -> None:
        """Show a new list of children (e.g. one was added); `focus` gets the focus."""
        self.all_profiles = list(profiles)
        self.typed = ""
        self.page = 0
        if focus is not None:
            ids = [p.profile_id for p in self.all_profiles]
            if focus.profile_id in ids:
                self.page = ids.index(focus.profile_id) // self.per_page
        self._lay_out()
        if focus is not None:
            for i, p in enumerate(self.profiles):
                if p.profile_id == focus.profile_id:
                    self.menu.focus = i

    def add_action(self, key: str, callback: Callable[[], None]) -> None:
        """One more door on the start screen (a phrase key, what it opens), before Quit."""
        self.actions.insert(len(self.actions) - 1, (key, callback))
        self._lay_out()

    def _type(self, letters: str) -> None:
        self.typed = (self.typed + letters)[:24]
        self.page = 0
        self.menu.focus = 0
        self._lay_out()

    def _untype(self) -> None:
        self.typed = self.typed[:-1]
        self.page = 0
        self.menu.focus = 0
        self._lay_out()

    def next_page(self) -> None:
        self.page = (self.page + 1) % self.pages
        self._lay_out()
        self.menu.focus = 0

    # ---------------------------------------------------------------- life

    def enter(self) -> None:
        self.say("greeting")

    def resume(self) -> None:
        self._lay_out()  # the language may have changed in the settings

    def _add_child(self) -> None:
        if self.ctx.flow is not None:
            self.ctx.flow.add_profile()

    def _quit(self) -> None:
        if self.ctx.flow is not None:
            self.ctx.flow.ask_quit()
        elif self.stack is not None:
            self.stack.clear()

    def _choose(self, index: int) -> None:
        flow = self.ctx.flow
        if index < len(self.profiles):
            if flow is not None:
                flow.profile_chosen(self.profiles[index])
            return
        index -= len(self.profiles)
        if self.has_more:
            if index == 0:
                self.next_page()
                return
            index -= 1
        if 0 <= index < len(self.actions):
            self.actions[index][1]()

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        flow = self.ctx.flow
        if event.letter:
            self._type(event.letter)  # every letter finds a name here (F1 opens the help)
        elif action is Action.TEXT and event.text and not event.text.isascii():
            self._type(event.text)  # an input method's characters (e.g. Chinese names)
        elif action is Action.UP:
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
        elif action is Action.BACK:
            if self.typed:
                self._untype()
            else:
                self._quit()
        elif flow is not None and action is Action.SETTINGS:
            flow.open_settings()
        elif flow is not None and action is Action.PROGRESS:
            flow.open_progress()
        elif flow is not None and action is Action.HELP:
            flow.show_help()
        elif flow is not None and action is Action.MANAGE:  # the focused
            chosen = self.menu.focus if self.menu.focus < len(self.profiles) else 0  # child
            flow.manage_child(self.profiles[chosen] if self.profiles else None)
        else:
            return False
        return True

    # ---------------------------------------------------------------- drawing

    def find_line(self) -> str:
        """The line above the buttons: what was typed (or that nothing matches), the page,
        or how to find a name."""
        if self.typed:
            if not self.found:
                return self.t("ui.flow.none_found", typed=self.typed, keyname="Esc")
            line = self.t("ui.flow.find", typed=self.typed)
        else:  # the focused child's next step, else how to find a name
            line = self.focused_next_line() or (
                self.t("ui.flow.find_hint") if len(self.all_profiles) > 1 else "")
        if self.pages > 1:
            page = self.t("ui.flow.page", page=self.page + 1, pages=self.pages)
            line = f"{line}   {page}" if line else page
        return line

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        title = self.draw_text(surface, self.t("ui.title"), (w // 2, 14), size="huge",
                               bold=True, anchor="midtop")
        self._draw_sticker_badge(surface, title)
        find = self.find_line()
        find_top = self.menu.top - 8
        if find:
            size = fitting_size(find, self.theme, w - 80, self.menu.top - 12 - title.bottom,
                                ("small", 18, 16, 14))  # a long next step stays one line
            said = self.draw_text(surface, find, (w // 2, self.menu.top - 8), size=size,
                                  color=p.text if self.typed or self.focused_next_line()
                                  else p.text_muted,
                                  anchor="midbottom", max_width=w - 80)
            find_top = said.top
        room = find_top - 8 - (title.bottom + 4)
        greeting = self.t("greeting")
        size = fitting_size(greeting, self.theme, w - 200, room)
        if text_size(greeting, self.theme, size, w - 200)[1] <= room:  # (it is spoken too)
            self.draw_text(surface, greeting, (w // 2, title.bottom + 4), size=size,
                           color=p.text_muted, anchor="midtop", max_width=w - 200)
        self.menu.draw(surface, self.theme)
        hint = (f"F1: {self.t('ui.flow.therapist_keys')}   F2: {self.t('ui.settings')}   "
                f"F4: {self.t('ui.admin.open')}   Esc: {self.t('ui.quit')}")
        self.draw_text(surface, hint, (w // 2, h - 26), size="small", color=p.text_muted,
                       max_width=w - 80)

    # ----------------------------------------------------------------

    def focused_book(self) -> StickerBook:
        """The sticker book of the child whose button has the focus (empty: none)."""
        if not 0 <= self.menu.focus < len(self.profiles):
            return StickerBook()
        return StickerBook.from_dicts(self.profiles[self.menu.focus].stickers)

    def _draw_sticker_badge(self, surface: pygame.Surface, title: pygame.Rect) -> None:
        """The focused child's newest stickers (up to 3; stars when there is no sticker yet)
        and the book's size, small, in a card right of the title; fewer pictures where there
        is less room, none without."""
        book = self.focused_book()
        if not len(book):
            return
        w, _ = surface.get_size()
        count = str(len(book))
        count_w = text_size(count, self.theme, "body", bold=True)[0]
        height = max(56, self.font("body", bold=True).get_linesize() + 16)
        radius = 18
        pitch = 2 * radius + 8
        room = w - 20 - (title.right + 24)
        stickers = [item for item in book.items if item.kind is StickerKind.STICKER]
        latest = tuple(stickers[-3:]) or book.latest(3)  # the colourful ones first
        while latest and 24 + len(latest) * pitch + count_w > room:
            latest = latest[1:]
        if not latest:
            return
        card = pygame.Rect(0, 0, 24 + len(latest) * pitch + count_w, height)
        card.topright = (w - 20, 14)
        draw_card(surface, card, self.theme, radius=height // 2, shadow=False)
        x = card.left + 12 + radius
        for item in latest:
            if item.kind is StickerKind.STICKER:
                draw_sticker(surface, (x, card.centery), radius, item.design, self.theme)
            else:
                draw_star(surface, (x, card.centery), radius * 0.7, self.theme)
            x += pitch
        self.draw_text(surface, count, (card.right - 12, card.centery), bold=True,
                       anchor="midright")
