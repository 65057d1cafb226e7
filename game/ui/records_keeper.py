"""Writes to the progress records that must never stop the child's game.

`RecordsKeeper.submit(write)` runs a write at once. When the disk refuses it (full disk,
data folder gone or read-only: any `OSError`), the write is kept in memory, in order, and
tried again every `RETRY_MS`; meanwhile one calm line for the therapist is shown
(`GameContext.therapist_line`), and the child plays on. When the writes go through again
the line goes away. A write that fails for another reason (a bug) is logged and dropped.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

from game import phrases
from game.records.storage import StoreError

if TYPE_CHECKING:
    from game.ui.context import GameContext

logger = logging.getLogger(__name__)

RETRY_MS = 3000


class RecordsKeeper:
    """Runs record writes in order; keeps and retries the ones the disk refused."""

    def __init__(self, ctx: GameContext) -> None:
        self.ctx = ctx
        self._waiting: deque[Callable[[], object]] = deque()
        self._next_try_ms = 0
        self.failures = 0
        self.last_error = ""  # the OS's words for the last refused write

    @property
    def waiting(self) -> int:
        """How many writes are kept in memory until the disk takes them."""
        return len(self._waiting)

    def submit(self, write: Callable[[], object]) -> None:
        """Run `write` now (after any earlier write still waiting)."""
        self._waiting.append(write)
        self.flush()

    def tick(self, now_ms: int) -> None:
        """Once per frame: try the waiting writes again when it is time."""
        if self._waiting and now_ms >= self._next_try_ms:
            self._next_try_ms = now_ms + RETRY_MS
            self.flush()

    def flush(self) -> bool:
        """Try every waiting write in order; True when none is left."""
        while self._waiting:
            try:
                self._waiting[0]()
            except OSError as exc:
                self.failures += 1
                self.last_error = str(exc.strerror or exc)
                logger.warning("progress not saved yet (%s: %s); %d write(s) kept, retrying",
                               type(exc).__name__, exc.strerror or exc, len(self._waiting))
                self.ctx.therapist_line = phrases.text("ui.records.not_saved", self.ctx.lang,
                                                       waiting=len(self._waiting))
                return False
            except StoreError:
                logger.exception("a progress write was refused and dropped")
            self._waiting.popleft()
        if self.ctx.therapist_line:
            logger.info("progress saved again")
        self.ctx.therapist_line = ""
        return True
