"""The therapist's PIN pad: 4 to 12 digits (as `game.records` allows) typed or tapped, then
OK (the pad's key, or Enter), then `on_success` runs.

Checking and keeping the PIN is the records layer's job (`check(pin) -> bool`, or for
`PinSetupScene` `save(pin) -> bool`, are passed in), so these scenes only collect digits.
A digit typed on the keyboard moves the pad's focus to OK, so Enter submits. A wrong PIN
clears the dots with a calm sentence, never a buzzer. After too many wrong PINs the check
raises `PinLockedError`, and the pad says how long to wait; a PIN file that cannot be read
raises `PinFileDamagedError`, and the pad says so (and how to reset it), not "wrong PIN".
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game.records.pin import MAX_DIGITS, MIN_DIGITS, PIN_FILE, PinFileDamagedError, PinLockedError
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_card, fitting_size

logger = logging.getLogger(__name__)

OK = "OK"
_PAD = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "<", "0", OK)
OK_INDEX = _PAD.index(OK)
DOT_GAP = 52


class PinScene(GameScene):
    """Collect a PIN; on a match replace this scene with what `on_success` returns."""

    name = "pin"
    holds_play = True
    title_key = "ui.therapist.enter_pin"
    failed_key = "ui.therapist.pin_incorrect"

    def __init__(self, ctx: GameContext, check: Callable[[str], bool],
                 on_success: Callable[[], GameScene]) -> None:
        super().__init__(ctx)
        self.check = check
        self.on_success = on_success
        self.digits = ""
        self.failed = False
        self.too_short = False
        self.locked_s = 0  # seconds to wait, as the last try was told
        self.damaged = False  # the PIN file cannot be read: no PIN can open the door
        self.focus = 0

    def prompt(self) -> str:
        """The sentence above the dots (a damaged PIN file: that, in place of the request)."""
        if self.damaged:
            return self.t("ui.therapist.pin_damaged", file=PIN_FILE)
        return self.t(self.title_key)

    def _pad_rects(self, size: tuple[int, int]) -> list[pygame.Rect]:
        w, h = size
        cell_w, cell_h, gap = 104, 76, 16
        left = w // 2 - (3 * cell_w + 2 * gap) // 2
        top = max(200, h // 2 - 130)
        return [pygame.Rect(left + (i % 3) * (cell_w + gap), top + (i // 3) * (cell_h + gap),
                            cell_w, cell_h) for i in range(len(_PAD))]

    def press(self, key: str) -> None:
        if key == "<":
            self.digits = self.digits[:-1]
        elif key == OK:
            self._submit()
        elif len(self.digits) < MAX_DIGITS:
            self.digits += key
            self.failed = self.too_short = False
            self.locked_s = 0

    def _long_enough(self) -> bool:
        """A PIN needs MIN_DIGITS; OK before that says so kindly and keeps the digits."""
        self.too_short = len(self.digits) < MIN_DIGITS
        if self.too_short:
            self.failed = False
        return not self.too_short

    def _submit(self) -> None:
        if not self._long_enough():
            return
        try:
            accepted = self.check(self.digits)
        except PinLockedError as exc:
            self.locked_s, self.failed, self.digits = exc.seconds_left, False, ""
            return
        except PinFileDamagedError:
            self.damaged, self.failed, self.digits = True, False, ""
            return
        if accepted:
            logger.info("therapist PIN accepted")
            self._open()
            return
        self.failed = True
        self.locked_s = 0
        self.digits = ""

    def _open(self) -> None:
        if self.stack is not None:
            self.stack.replace(self.on_success())

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action is Action.DIGIT:
            self.press(event.text)
            self.focus = OK_INDEX  # so Enter submits what was typed
        elif action is Action.BACK:  # Backspace / Escape: the last digit, then away
            if self.digits:
                self.digits = self.digits[:-1]
            else:
                self.leave()
        elif action in (Action.LEFT, Action.RIGHT, Action.UP, Action.DOWN):
            step = {Action.LEFT: -1, Action.RIGHT: 1, Action.UP: -3, Action.DOWN: 3}[action]
            self.focus = (self.focus + step) % len(_PAD)
        elif action is Action.CONFIRM:
            self.press(_PAD[self.focus])
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self._pad_rects(self.ctx.window_size)):
                if rect.collidepoint(event.pos):
                    self.press(_PAD[i])
        return True

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, _ = surface.get_size()
        size = fitting_size(self.prompt(), self.theme, w - 160, 150, ("title", "body"))
        self.draw_text(surface, self.prompt(), (w // 2, 90), size=size, max_width=w - 160)
        dots = max(MIN_DIGITS, len(self.digits))
        for i in range(dots):
            center = (w // 2 - (dots - 1) * DOT_GAP // 2 + i * DOT_GAP, 170)
            pygame.draw.circle(surface, p.outline, center, 16, width=3)
            if i < len(self.digits):
                pygame.draw.circle(surface, p.accent, center, 12)
        for i, rect in enumerate(self._pad_rects(surface.get_size())):
            fill = p.accent if i == self.focus else p.surface
            draw_card(surface, rect, self.theme, fill=fill, radius=16, shadow=False)
            color = p.accent_text if i == self.focus else p.text
            self.draw_text(surface, self.key_label(_PAD[i]), rect.center, color=color,
                           max_width=rect.width - 8)
        message = ""
        if self.locked_s:
            message = self.t("ui.therapist.pin_locked", seconds=self.locked_s)
        elif self.failed:
            message = self.t(self.failed_key)
        elif self.too_short:
            message = self.t("ui.therapist.pin_length", min=MIN_DIGITS, max=MAX_DIGITS)
        if message:
            self.draw_text(surface, message, (w // 2, surface.get_height() - 56),
                           color=p.text_muted, max_width=w - 120)

    def key_label(self, key: str) -> str:
        """What a pad key shows: digits and "<" as they are, OK in the child's language."""
        return self.t("ui.ok") if key == OK else key


class PinSetupScene(PinScene):
    """Choose the therapist PIN: 4 to 12 digits and OK, then the same again and OK;
    `save(pin)` keeps it (False when it could not), then the door opens. Different entries
    start again kindly."""

    name = "pin_setup"
    failed_key = "ui.therapist.pin_mismatch"

    def __init__(self, ctx: GameContext, save: Callable[[str], bool],
                 on_success: Callable[[], GameScene]) -> None:
        super().__init__(ctx, lambda digits: False, on_success)
        self.save = save
        self.first: str | None = None  # the first entry, waiting for the repeat

    def prompt(self) -> str:
        if self.first is None:
            return self.t("ui.therapist.set_pin", min=MIN_DIGITS, max=MAX_DIGITS)
        return self.t("ui.therapist.confirm_pin")

    def _submit(self) -> None:
        if not self._long_enough():
            return
        if self.first is None:
            self.first, self.digits = self.digits, ""
            return
        first, self.first = self.first, None
        if self.digits == first and self.save(self.digits):
            self._open()
            return
        self.failed = True
        self.digits = ""
