"""The base of every FaceQuest scene: the context, text lookup, speech and a few layout helpers.

`GameScene` gives each scene `self.ctx` (the `GameContext`), `self.t(key)` (the on-screen
text in the child's language), `self.say(key)` (speak a phrase, never blocking) and
`self.effect(name)`. Everything drawn (text, cards, buttons, gauges, the avatar) comes from
the UI art modules (`game.ui.widgets`, `game.ui.avatar`); `Menu` only lays buttons out.
"""

from __future__ import annotations

import logging

import pygame

from game import phrases
from game.ui.avatar_params import DEFAULT_LOOK, AvatarLook, look_named
from game.ui.context import GameContext
from game.ui.fonts import get_font
from game.ui.scene_stack import Scene
from game.ui.theme import Color, Palette, Theme
from game.ui.widgets import MIN_TARGET_PX, button_rects, draw_button, draw_text

logger = logging.getLogger(__name__)


class GameScene(Scene):
    """A scene with the shared context.

    Attributes:
        holds_play: a therapist screen (PIN, settings, help, progress, new child): while one
            is on the stack, the flow keeps the running session paused.
    """

    holds_play = False

    def __init__(self, ctx: GameContext) -> None:
        super().__init__()
        self.ctx = ctx

    @property
    def palette(self) -> Palette:
        return self.ctx.theme.palette

    def t(self, key: str, **fields: object) -> str:
        """The text of phrase `key` in the child's language."""
        return phrases.text(key, self.ctx.lang, **fields)

    def say(self, key: str) -> None:
        """Speak phrase `key` (non-blocking); silently nothing without audio."""
        audio = self.ctx.audio
        if audio is None:
            return
        try:
            audio.speak_key(key, self.ctx.lang)
        except Exception:  # sound must never stop the game
            logger.exception("could not speak %s", key)

    def effect(self, name: str) -> None:
        """Play a gentle sound effect by name; silently nothing without audio."""
        audio = self.ctx.audio
        if audio is None:
            return
        try:
            audio.play_effect(name)
        except Exception:
            logger.exception("could not play effect %s", name)

    def leave(self) -> None:
        """Go back to the scene below (nothing when this is the only scene)."""
        if self.stack is not None and len(self.stack) > 1 and self.stack.top is self:
            self.stack.pop()

    @property
    def avatar_look(self) -> AvatarLook:
        """The chosen child's avatar look; the default before a child is chosen."""
        profile = self.ctx.profile
        return look_named(profile.avatar) if profile is not None else DEFAULT_LOOK

    @property
    def theme(self) -> Theme:
        return self.ctx.theme

    def font(self, size: str | int, bold: bool = False) -> pygame.font.Font:
        """The font of text size `size` (for measuring; draw with `game.ui.widgets`)."""
        return get_font(self.ctx.theme.text_px(size), bold)

    def draw_text(
        self, surface: pygame.Surface, text: str, pos: tuple[int, int], *,
        size: str | int = "body", color: Color | None = None, bold: bool = False,
        anchor: str = "center", max_width: int | None = None,
    ) -> pygame.Rect:
        """`game.ui.widgets.draw_text` in this scene's theme; returns the covered rect."""
        return draw_text(surface, text, self.ctx.theme, pos, size=size, color=color, bold=bold,
                         anchor=anchor, max_width=max_width)


class Menu:
    """Large buttons chosen with arrows, gamepad or a tap (UI state only).

    The buttons stand in one column from `top`; when they would run past `bottom`, in as
    many columns as needed, up to `max_columns` (filled top to bottom, so up/down still walks
    the list in order). The rects are the drawn buttons (never below `MIN_TARGET_PX` high),
    so a tap hits what is seen. `rows_fit` says how many rows fit, so a caller can page a
    long list (`capacity` buttons at most are laid out without overlap).
    """

    def __init__(self, labels: list[str], center_x: int, top: int, width: int = 520,
                 height: int = MIN_TARGET_PX, gap: int = 18, bottom: int | None = None,
                 max_columns: int = 2) -> None:
        self.labels = labels
        self.focus = 0
        self.center_x, self.top, self.bottom = center_x, top, bottom
        self.width, self.height, self.gap = width, height, gap
        self.max_columns = max(1, max_columns)

    @property
    def rows_fit(self) -> int:
        """How many rows of buttons fit between `top` and `bottom`."""
        if self.bottom is None:
            return max(1, len(self.labels))
        return max(1, (self.bottom - self.top + self.gap)
                   // (max(self.height, MIN_TARGET_PX) + self.gap))

    @property
    def capacity(self) -> int:
        """The most buttons that fit (rows that fit times the columns allowed)."""
        return self.rows_fit * self.max_columns

    @property
    def columns(self) -> int:
        return max(1, min(self.max_columns, -(-len(self.labels) // self.rows_fit)))

    @property
    def rows(self) -> int:
        return -(-len(self.labels) // self.columns)

    @property
    def rects(self) -> list[pygame.Rect]:
        """One rect per label, in list order."""
        columns, rows = self.columns, self.rows
        if columns == 1:
            return button_rects(self.center_x, self.top, len(self.labels), width=self.width,
                                height=self.height, gap=self.gap)
        width = min(self.width, 440 if columns == 2 else 360)
        pitch = width + self.gap * 2
        first_x = self.center_x - pitch * (columns - 1) // 2
        out: list[pygame.Rect] = []
        for column in range(columns):
            count = max(0, min(rows, len(self.labels) - column * rows))
            out += button_rects(first_x + column * pitch, self.top, count, width=width,
                                height=self.height, gap=self.gap)
        return out

    def move(self, step: int) -> None:
        if self.labels:
            self.focus = (self.focus + step) % len(self.labels)

    def move_column(self, step: int) -> None:
        """Left/right between the columns (the same row where there is one)."""
        if self.columns > 1:
            self.focus = max(0, min(len(self.labels) - 1, self.focus + step * self.rows))

    def hit(self, pos: tuple[int, int]) -> int | None:
        for i, rect in enumerate(self.rects):
            if rect.collidepoint(pos):
                return i
        return None

    def draw(self, surface: pygame.Surface, theme: Theme, size: str = "title") -> None:
        for i, (label, rect) in enumerate(zip(self.labels, self.rects, strict=True)):
            draw_button(surface, rect, label, theme, focused=i == self.focus, size=size)
