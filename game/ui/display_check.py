"""The doctor's pygame checks: can a window open here, and does the shipped font load?"""

from __future__ import annotations

import os

import pygame

from game.doctor import REINSTALL, Finding, good, problem
from game.ui.fonts import FONT_FILE

HEADLESS_DRIVERS = frozenset({"dummy", "offscreen"})
NO_SCREEN_FIX = ("run FaceQuest from the desktop session, not over ssh or a console; or play "
                 "without a window: facequest play --headless")


def check_font() -> Finding:
    """The shipped CJK font loads and draws both languages' letters."""
    if not FONT_FILE.is_file():
        return problem("font", f"{FONT_FILE} is missing (Chinese text cannot be shown)",
                       REINSTALL)
    try:
        if not pygame.font.get_init():
            pygame.font.init()
        font = pygame.font.Font(str(FONT_FILE), 24)
        width = font.size("Hello 你好")[0]
    except (pygame.error, OSError) as exc:
        return problem("font", f"{FONT_FILE.name} does not load ({exc})", REINSTALL)
    if width <= 0:
        return problem("font", f"{FONT_FILE.name} draws nothing", REINSTALL)
    return good("font", f"{FONT_FILE.name} loads (English and Chinese)")


def check_display() -> Finding:
    """A real video driver opens a small window (then closes it)."""
    try:
        pygame.display.init()
        driver = pygame.display.get_driver()
        if driver in HEADLESS_DRIVERS:
            # SDL falls back to 'offscreen' by itself where there is no screen: only a
            # driver the user chose is theirs to unset
            return problem("display", f"no screen (SDL video driver {driver!r})",
                           "run FaceQuest from the desktop session (unset SDL_VIDEODRIVER), or "
                           "play without a window: facequest play --headless"
                           if os.environ.get("SDL_VIDEODRIVER") else NO_SCREEN_FIX)
        pygame.display.set_mode((64, 64), pygame.HIDDEN)
    except pygame.error as exc:
        return problem("display", f"no window can open ({exc})", NO_SCREEN_FIX)
    finally:
        pygame.display.quit()
    return good("display", f"a window opens (SDL video driver {driver!r})")


def ui_findings(display: bool) -> list[Finding]:
    """The font check, and the display check when `display`."""
    findings = [check_font()]
    if display:
        findings.append(check_display())
    return findings
