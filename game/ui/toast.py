"""A short calm toast for the therapist ("Skipped", "Marked as not made").

The flow sets `GameContext.toast` when a therapist key did something; the app draws it over
every scene, small, near the top edge, and drops it once it has faded (`TOAST_MS` in all, the
last `FADE_MS` fading out; with reduced motion it simply goes). Nothing is spoken: the child
is not told about the therapist's keys.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import pygame

from game import phrases
from game.ui.theme import Theme
from game.ui.widgets.text import draw_text, text_size

logger = logging.getLogger(__name__)

TOAST_MS = 2000  # shown this long in all (ms)
FADE_MS = 500    # of which the last part fades out


@dataclass(frozen=True, slots=True)
class Toast:
    """One toast: the phrase `key`, shown from `shown_ms` (the app's clock, ms)."""

    key: str
    shown_ms: int

    def alpha(self, now_ms: int, reduced_motion: bool = False) -> int:
        """Opacity 0..255 at `now_ms` (0 once it is over)."""
        age = now_ms - self.shown_ms
        if age < 0 or age >= TOAST_MS:
            return 0
        if reduced_motion or age < TOAST_MS - FADE_MS:
            return 255
        return round(255 * (TOAST_MS - age) / FADE_MS)

    def over(self, now_ms: int) -> bool:
        return now_ms - self.shown_ms >= TOAST_MS


def draw_toast(surface: pygame.Surface, toast: Toast, theme: Theme, lang: str, now_ms: int,
               top: int = 12) -> pygame.Rect | None:
    """Draw the toast centred at `top` px from the top edge; returns its rect (None when it
    is over)."""
    alpha = toast.alpha(now_ms, theme.reduced_motion)
    if alpha <= 0:
        return None
    text = phrases.text(toast.key, lang)
    palette = theme.palette
    w, _ = surface.get_size()
    text_w, text_h = text_size(text, theme, "small", max_width=w - 120)
    pill = pygame.Rect(0, 0, text_w + 48, text_h + 20)
    layer = pygame.Surface(pill.size, pygame.SRCALPHA)
    local = pill.copy()
    local.topleft = (0, 0)
    pygame.draw.rect(layer, palette.surface, local, border_radius=min(28, local.height // 2))
    pygame.draw.rect(layer, palette.outline, local, width=2,
                     border_radius=min(28, local.height // 2))
    draw_text(layer, text, theme, local.center, size="small", color=palette.text,
              max_width=w - 120)
    layer.set_alpha(alpha)
    pill.midtop = (w // 2, top)
    surface.blit(layer, pill)
    return pill
