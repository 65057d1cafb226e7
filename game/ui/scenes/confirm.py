"""A calm question card with two buttons, for the therapist's irreversible actions.

The safe choice (e.g. "Keep Mia") is focused first and Escape chooses it. The other choice
(e.g. "Delete Mia") acts only when pressed twice in a row: the first press changes its
label to "Press again to delete", moving away from it starts over. Keyboard (arrows and
Enter), gamepad and taps all work the same way.

`TwoButtonCard` is the card both this question and the restore offer
(`game.ui.scenes.restore_offer`) are made of: a sentence and two buttons side by side.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import pygame

from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.base import GameScene
from game.ui.widgets import draw_button, draw_card, fitting_size
from game.ui.widgets.shapes import button_pair, centred_card, cover

logger = logging.getLogger(__name__)

SAFE, ACT = 0, 1


class TwoButtonCard(GameScene):
    """A card with a sentence and two buttons side by side, over a dimmed scene: arrows move
    the focus, Enter presses the focused button, Escape calls `back`, a tap presses the
    button tapped. Subclasses give the sentence, the labels and what a press does."""

    transparent = True
    CARD_HEIGHT = 520  # px, at most
    BODY_SIZES: tuple[str, ...] | None = None  # text sizes tried for the sentence (None: all)

    def __init__(self, ctx: GameContext, focus: int = 0) -> None:
        super().__init__(ctx)
        self.focus = focus

    def body(self) -> str:
        raise NotImplementedError

    def button_labels(self) -> tuple[str, str]:
        raise NotImplementedError

    def press(self, index: int) -> None:
        raise NotImplementedError

    def back(self) -> None:
        raise NotImplementedError

    def moved(self) -> None:
        """The focus was moved by an arrow (nothing by default)."""

    def pointed(self, index: int) -> None:
        """A button was tapped (pressed by default)."""
        self.press(index)

    def _card(self) -> pygame.Rect:
        return centred_card(self.ctx.window_size, 1080, self.CARD_HEIGHT)

    def button_rects(self) -> list[pygame.Rect]:
        """The left button, then the right one (side by side along the card's bottom)."""
        return button_pair(self._card())

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        if action in (Action.LEFT, Action.RIGHT, Action.UP, Action.DOWN):
            self.focus = 1 if action in (Action.RIGHT, Action.DOWN) else 0
            self.moved()
        elif action is Action.CONFIRM:
            self.press(self.focus)
        elif action is Action.BACK:
            self.back()
        elif action is Action.POINT and event.pos is not None:
            for i, rect in enumerate(self.button_rects()):
                if rect.collidepoint(event.pos):
                    self.pointed(i)
        return True  # nothing reaches the scene below while the card stands

    def draw(self, surface: pygame.Surface) -> None:
        cover(surface, self.theme)
        card = self._card()
        draw_card(surface, card, self.theme)
        buttons = self.button_rects()
        room = pygame.Rect(card.left + 48, card.top + 32, card.width - 96,
                           buttons[0].top - 24 - card.top - 32)
        text = self.body()
        if self.BODY_SIZES is None:
            size = fitting_size(text, self.theme, room.width, room.height)
        else:
            size = fitting_size(text, self.theme, room.width, room.height, self.BODY_SIZES)
        self.draw_text(surface, text, room.center, size=size, max_width=room.width)
        for i, (rect, label) in enumerate(zip(buttons, self.button_labels(), strict=True)):
            draw_button(surface, rect, label, self.theme, focused=i == self.focus)


class ConfirmCard(TwoButtonCard):
    """Ask `question`; the safe button calls `on_keep` (default: just close), the other
    button, pressed twice, calls `on_act`. The card takes itself off the stack first, so
    `on_act` may change the stack freely."""

    name = "confirm"
    holds_play = True
    BODY_SIZES = ("title", "body", "small")

    def __init__(self, ctx: GameContext, question: str, keep_label: str, act_label: str,
                 on_act: Callable[[], None], on_keep: Callable[[], None] | None = None) -> None:
        super().__init__(ctx, focus=SAFE)
        self.question = question
        self.labels = (keep_label, act_label)
        self.on_act = on_act
        self.on_keep = on_keep
        self.armed = False  # the act button was pressed once

    def body(self) -> str:
        return self.question

    def button_labels(self) -> tuple[str, str]:
        return (self.labels[SAFE],
                self.t("ui.admin.press_again") if self.armed else self.labels[ACT])

    def press(self, index: int) -> None:
        if index == SAFE:
            self.back()
        elif self.armed and self.focus == ACT:
            self.leave()
            logger.info("the therapist confirmed: %s", self.name)
            self.on_act()
        else:
            self.focus, self.armed = ACT, True

    def back(self) -> None:
        self.leave()
        if self.on_keep is not None:
            self.on_keep()

    def moved(self) -> None:
        self.armed = False

    def pointed(self, index: int) -> None:
        if index == ACT and self.focus != ACT:
            self.armed = False
        self.press(index)


class ConsentQuestionCard(TwoButtonCard):
    """Asked once, when a therapist adds a child: keep a record of how the face moves?

    Nothing is switched on silently: "Not now" (the focused, safe answer; Escape too)
    leaves the record off, "Keep it" turns on the child's per-frame record
    (`Profile.allow_frame_traces`: the scores and face movements of every frame, no
    pictures). `on_answer(True | False)` is called after the card has left the stack.
    """

    name = "consent"
    BODY_SIZES = ("body", "small")

    def __init__(self, ctx: GameContext, child_name: str,
                 on_answer: Callable[[bool], None]) -> None:
        super().__init__(ctx, focus=SAFE)
        self.child_name = child_name
        self.on_answer = on_answer

    def body(self) -> str:
        return self.t("ui.admin.motion_consent", name=self.child_name)

    def button_labels(self) -> tuple[str, str]:
        return (self.t("ui.admin.motion_consent.no"), self.t("ui.admin.motion_consent.yes"))

    def press(self, index: int) -> None:
        self.leave()
        logger.info("motion record for a new child: %s", "on" if index == ACT else "off")
        self.on_answer(index == ACT)

    def back(self) -> None:
        self.press(SAFE)
