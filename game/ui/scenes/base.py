"""The base of every FaceQuest scene: the context, text lookup, speech and a few layout helpers.

`GameScene` gives each scene `self.ctx` (the `GameContext`), `self.t(key)` (the on-screen
text in the child's language), `self.say(key)` (speak a phrase, never blocking) and
`self.effect(name)`. Layout helpers here place text; the look of cards, buttons, gauges and
the avatar comes from the UI art modules (`game.ui.widgets`, `game.ui.avatar`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import pygame

from game import phrases
from game.ui.context import GameContext
from game.ui.fonts import get_font
from game.ui.scene_stack import Scene
from game.ui.theme import Theme
from game.ui.widgets import draw_button

logger = logging.getLogger(__name__)


class GameScene(Scene):
    """A scene with the shared context."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__()
        self.ctx = ctx

    @property
    def palette(self) -> Any:
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

    def font(self, size: str | int, bold: bool = False) -> pygame.font.Font:
        return get_font(self.ctx.theme.text_px(size), bold)


def wrap_text(font: pygame.font.Font, text: str, max_width: int) -> list[str]:
    """Break `text` into lines no wider than `max_width` (words for Latin, characters for CJK)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            candidate = line + token
            if line and font.size(candidate.rstrip())[0] > max_width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = candidate
        lines.append(line.rstrip())
    return lines


_NO_LINE_START = frozenset("，。！？、；：）」』”’》!?,.;:)…")


def _tokens(text: str) -> list[str]:
    """Words with their trailing space; each CJK character is a token of its own, except
    that closing punctuation stays with the character before it (never starts a line)."""
    tokens: list[str] = []
    word = ""
    for ch in text:
        if ch in _NO_LINE_START and not word and tokens:
            tokens[-1] += ch
        elif ord(ch) >= 0x2E80:  # CJK and full-width: may break between any two characters
            if word:
                tokens.append(word)
                word = ""
            tokens.append(ch)
        elif ch == " ":
            tokens.append(word + " ")
            word = ""
        else:
            word += ch
    if word:
        tokens.append(word)
    return tokens


def draw_text(
    surface: pygame.Surface,
    text: str,
    font: pygame.font.Font,
    color: tuple[int, int, int],
    center: tuple[int, int],
    max_width: int | None = None,
    line_gap: float = 1.15,
) -> pygame.Rect:
    """Draw `text` centred on `center`, wrapped to `max_width`; returns the covered rect."""
    lines = wrap_text(font, text, max_width) if max_width else text.split("\n")
    height = font.get_linesize()
    step = round(height * line_gap)
    total = step * (len(lines) - 1) + height
    top = center[1] - total // 2
    covered = pygame.Rect(center[0], top, 0, 0)
    for i, line in enumerate(lines):
        if not line:
            continue
        image = _rendered(font, line, color)
        rect = image.get_rect(midtop=(center[0], top + i * step))
        surface.blit(image, rect)
        covered.union_ip(rect)
    return covered


def draw_text_left(
    surface: pygame.Surface,
    text: str,
    font: pygame.font.Font,
    color: tuple[int, int, int],
    topleft: tuple[int, int],
) -> pygame.Rect:
    return surface.blit(_rendered(font, text, color), topleft)


@functools.lru_cache(maxsize=512)
def _rendered(font: pygame.font.Font, line: str, color: tuple[int, int, int]) -> pygame.Surface:
    """One rendered line (cached: the same texts are drawn every frame; do not modify)."""
    return font.render(line, True, color)


class Menu:
    """A vertical list of large buttons chosen with arrows, gamepad or a tap (UI state only)."""

    def __init__(self, labels: list[str], center_x: int, top: int, width: int = 520,
                 height: int = 72, gap: int = 18) -> None:
        self.labels = labels
        self.focus = 0
        self.rects = [
            pygame.Rect(center_x - width // 2, top + i * (height + gap), width, height)
            for i in range(len(labels))
        ]

    def move(self, step: int) -> None:
        if self.labels:
            self.focus = (self.focus + step) % len(self.labels)

    def hit(self, pos: tuple[int, int]) -> int | None:
        for i, rect in enumerate(self.rects):
            if rect.collidepoint(pos):
                return i
        return None

    def draw(self, surface: pygame.Surface, theme: Theme, size: str = "title") -> None:
        for i, (label, rect) in enumerate(zip(self.labels, self.rects, strict=True)):
            draw_button(surface, rect, label, theme, focused=i == self.focus, size=size)


def forget_rendered_text() -> None:
    """Empty the rendered-text cache (after pygame.quit())."""
    _rendered.cache_clear()
