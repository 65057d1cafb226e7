"""The start-up notice after an unreadable progress file, offering its newest backup.

It says what happened (the file was moved aside, empty records were started, the newest
backup's name) and offers two buttons: "Restore the newest backup" (through the therapist
PIN: `on_restore`) and "Start with empty records" (the notice just closes; Escape too).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from game.ui.context import GameContext
from game.ui.scenes.confirm import TwoButtonCard

logger = logging.getLogger(__name__)

RESTORE, FRESH = 0, 1


class RestoreOfferCard(TwoButtonCard):
    """`text_of(lang)` gives the notice's sentence; choosing restore leaves this card and
    calls `on_restore()`."""

    name = "restore_offer"
    CARD_HEIGHT = 560

    def __init__(self, ctx: GameContext, text_of: Callable[[str], str],
                 on_restore: Callable[[], None]) -> None:
        super().__init__(ctx, focus=RESTORE)
        self.text_of = text_of
        self.on_restore = on_restore

    def body(self) -> str:
        return self.text_of(self.ctx.lang)

    def button_labels(self) -> tuple[str, str]:
        return (self.t("ui.restore.offer"), self.t("ui.restore.start_fresh"))

    def press(self, index: int) -> None:
        self.choose(index)

    def back(self) -> None:
        self.choose(FRESH)

    def choose(self, index: int) -> None:
        self.leave()
        if index == RESTORE:
            logger.info("the therapist chose to restore the newest backup")
            self.on_restore()
