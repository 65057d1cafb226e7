"""Cards drawn over the scene below: the therapist's key help, the pause card, short messages,
a notice for the therapist at start-up (e.g. the progress file was unreadable), and a yes/no
question for the therapist ("End the session?", "Quit FaceQuest?").

The help, pause and notice cards cover what lies beneath them completely (a calm background,
then the card), so nothing half-hidden peeks out around a card. The short message card
("Let's try another one!") covers the whole bottom band of the trial scene, where the prompt
and the hint sit, and leaves the pictures above it in view. The pause card for a lost face is
taken away by the session driver when the rules engine says play resumed; a manual pause is
resumed with the pause key.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.theme import Palette
from game.ui.widgets import draw_button, draw_cant_see_you, draw_card, fitting_size
from game.ui.widgets.shapes import cover

logger = logging.getLogger(__name__)

# (key label, phrase key or plain text). Shown to the therapist on F1 / H.
THERAPIST_KEYS: tuple[tuple[str, str], ...] = (
    ("Y", "ui.therapist.accept"),
    ("N", "ui.therapist.reject"),
    ("K", "ui.skip"),
    ("P", "ui.pause"),
    ("E", "ui.end_session"),
    ("C", "ui.camera_view"),
    ("F2", "ui.settings"),
    ("F3", "ui.progress"),
    ("F1 / H", "ui.keys.help"),
    ("B", "ui.child.rest_key"),  # the child's own key
)


class HelpOverlay(GameScene):
    """The therapist's keys, shown over the game; any key closes it."""

    name = "help"
    holds_play = True
    transparent = True

    def handle(self, event: InputEvent) -> bool:
        if event.action in (Action.HELP, Action.BACK, Action.CONFIRM, Action.POINT):
            if self.stack is not None:
                self.stack.pop()
            return True
        return True  # while help is open, no key reaches the game

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        cover(surface, self.theme)
        w, h = surface.get_size()
        card = pygame.Rect(0, 0, min(860, w - 80), min(660, h - 60))
        card.center = (w // 2, h // 2)
        draw_card(surface, card, self.theme)
        self.draw_text(surface, self.t("ui.therapist"), (card.centerx, card.top + 48),
                       size="title", bold=True)
        top = card.top + 100
        size, row_h = self._fitting_rows(card.bottom - 8 - top)
        for i, (key, label_key) in enumerate(THERAPIST_KEYS):
            y = top + i * row_h
            key_rect = pygame.Rect(card.left + 48, y, 130, row_h - 8)
            pygame.draw.rect(surface, p.surface_alt, key_rect, border_radius=10)
            self.draw_text(surface, key, key_rect.center, size=size)
            self.draw_text(surface, self.t(label_key),
                           (key_rect.right + 28, key_rect.centery), size=size,
                           anchor="midleft")

    def _fitting_rows(self, height: int) -> tuple[int, int]:
        """The largest text size (up to "body") whose rows all fit in `height`, and the
        row height: large text for the child must not push the keys off the card."""
        for base in (30, 26, 22, 20, 18, 16):
            row_h = max(self.font(base).get_linesize() + 10, 40)
            if row_h * len(THERAPIST_KEYS) <= height:
                return base, row_h
        return 16, height // len(THERAPIST_KEYS)


class PauseOverlay(GameScene):
    """A kind pause card. `reason` "no_face" shows "I can't see you" and resumes by itself;
    "manual" waits for the pause key (or confirm), then calls `on_resume`."""

    name = "pause"
    transparent = True

    def __init__(self, ctx: GameContext, reason: str = "manual",
                 on_resume: Callable[[], None] | None = None, phrase_key: str = "") -> None:
        super().__init__(ctx)
        self.reason = reason
        self.on_resume = on_resume
        self.phrase_key = phrase_key or (
            "cant_see_you" if reason == "no_face" else "pause.manual")
        self.elapsed_ms = 0

    def enter(self) -> None:
        self.say(self.phrase_key)

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms

    def handle(self, event: InputEvent) -> bool:
        if self.reason == "manual" and event.action in (Action.PAUSE, Action.CONFIRM):
            if self.on_resume is not None:
                self.on_resume()
            return True
        return False  # therapist keys (end, skip...) still reach the driver below

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        cover(surface, self.theme)
        w, h = surface.get_size()
        card = pygame.Rect(0, 0, min(760, w - 80), 380)
        card.center = (w // 2, h // 2)
        if self.reason == "no_face":
            draw_cant_see_you(surface, card, self.t(self.phrase_key), self.theme,
                              t_ms=self.elapsed_ms)
            return
        draw_card(surface, card, self.theme)
        icon_center = (card.centerx, card.top + 110)
        _draw_pause_icon(surface, icon_center, p)
        text = self.t(self.phrase_key) + "\n" + self.t("ui.resume") + " (P)"
        self.draw_text(surface, text, (card.centerx, card.top + 270), size="title",
                       max_width=card.width - 80)


def _draw_pause_icon(surface: pygame.Surface, center: tuple[int, int], p: Palette) -> None:
    cx, cy = center
    pygame.draw.circle(surface, p.surface_alt, center, 70)
    for dx in (-20, 20):
        bar = pygame.Rect(0, 0, 24, 70)
        bar.center = (cx + dx, cy)
        pygame.draw.rect(surface, p.accent, bar, border_radius=8)


class MessageCard(GameScene):
    """A short friendly message ("Let's try another one!") shown for `duration_ms`."""

    name = "message"
    transparent = True

    def __init__(self, ctx: GameContext, key: str, duration_ms: int = 2200,
                 speak: bool = True) -> None:
        super().__init__(ctx)
        self.key = key
        self.duration_ms = duration_ms
        self.speak = speak
        self.elapsed_ms = 0
        self.name = f"message_{key.split('.')[0]}"

    def enter(self) -> None:
        if self.speak:
            self.say(self.key)

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.elapsed_ms += dt_ms
        if self.elapsed_ms >= self.duration_ms and self.stack is not None:
            self.stack.remove(self)

    def handle(self, event: InputEvent) -> bool:
        if event.action in (Action.CONFIRM, Action.POINT) and self.stack is not None:
            self.stack.remove(self)
            return True
        return False

    def draw(self, surface: pygame.Surface) -> None:
        w, h = surface.get_size()
        # the whole bottom band (prompt, hint and gauge) from edge to edge, so nothing
        # half-hidden peeks out beside it
        card = pygame.Rect(20, h - 172, w - 40, 152)
        draw_card(surface, card, self.theme)
        self.draw_text(surface, self.t(self.key), card.center, size="title",
                       max_width=card.width - 60)


class NoticeCard(GameScene):
    """A message for the therapist (`text_of(lang)` gives one sentence), shown over the first
    scene until confirmed (Enter, Escape or a tap)."""

    name = "notice"
    transparent = True

    def __init__(self, ctx: GameContext, text_of: Callable[[str], str]) -> None:
        super().__init__(ctx)
        self.text_of = text_of

    def handle(self, event: InputEvent) -> bool:
        if event.action in (Action.CONFIRM, Action.BACK, Action.POINT):
            self.leave()
        return True  # the scene below waits until the therapist has read it

    def draw(self, surface: pygame.Surface) -> None:
        cover(surface, self.theme)
        w, h = surface.get_size()
        card = pygame.Rect(0, 0, min(1000, w - 80), min(420, h - 60))
        card.center = (w // 2, h // 2)
        draw_card(surface, card, self.theme)
        text = self.text_of(self.ctx.lang)
        ok = self.t("ui.ok") + " (Enter)"
        ok_h = self.font("body").get_linesize()
        room = card.inflate(-80, -80)
        room.height -= ok_h + 20
        size = fitting_size(text, self.theme, room.width, room.height)
        self.draw_text(surface, text, room.center, size=size, max_width=room.width)
        self.draw_text(surface, ok, (card.centerx, card.bottom - 40), anchor="midbottom",
                       color=self.palette.text_muted)


class YesNoCard(GameScene):
    """A yes/no question for the therapist ("End the session?"): Enter or Y (or the Yes
    button) calls `on_yes`, Esc or N (or the No button) just closes the card. A running
    session is held while it shows (`holds_play`)."""

    holds_play = True
    transparent = True

    def __init__(self, ctx: GameContext, question_key: str, on_yes: Callable[[], None],
                 on_no: Callable[[], None] | None = None, name: str = "confirm") -> None:
        super().__init__(ctx)
        self.question_key = question_key
        self.on_yes = on_yes
        self.on_no = on_no
        self.name = name

    def _answer(self, yes: bool) -> None:
        if self.stack is not None:
            self.stack.remove(self)
        callback = self.on_yes if yes else self.on_no
        if callback is not None:
            callback()

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action in (Action.ACCEPT, Action.CONFIRM):
            self._answer(True)
        elif action in (Action.REJECT, Action.BACK):
            self._answer(False)
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self.button_rects()):
                if rect.collidepoint(event.pos):
                    self._answer(i == 0)
        return True  # nothing reaches the game while the question is open

    def _card(self) -> pygame.Rect:
        w, h = self.ctx.window_size
        card = pygame.Rect(0, 0, min(900, w - 80), min(460, h - 60))
        card.center = (w // 2, h // 2)
        return card

    def button_rects(self) -> list[pygame.Rect]:
        """The Yes and No buttons (hit where drawn)."""
        card = self._card()
        width = (card.width - 120) // 2
        yes = pygame.Rect(card.left + 40, card.bottom - 40 - 96, width, 96)
        no = yes.move(width + 40, 0)
        return [yes, no]

    def draw(self, surface: pygame.Surface) -> None:
        cover(surface, self.theme)
        card = self._card()
        draw_card(surface, card, self.theme)
        yes, no = self.button_rects()
        question = self.t(self.question_key)
        room = pygame.Rect(card.left + 40, card.top + 30, card.width - 80,
                           yes.top - 20 - (card.top + 30))
        size = fitting_size(question, self.theme, room.width, room.height,
                            ("title", "body", "small"), bold=True)
        self.draw_text(surface, question, room.center, size=size, bold=True,
                       max_width=room.width)
        draw_button(surface, yes, self.t("ui.yes") + " (Enter / Y)", self.theme, size="body")
        draw_button(surface, no, self.t("ui.no") + " (Esc / N)", self.theme, size="body")
