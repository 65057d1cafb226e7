"""What a session writes to the progress store, and when.

- **No phantom sessions**: the store's session is started with the first trial written, so
  a session that never got to a trial leaves nothing behind, and neither does one whose
  first trial the run cut off (the video ended, or the run's `--max-seconds` was up) before
  the child had `MIN_PLAYED_MS` of it with their face in view (`TrialRecord.never_played`).
  A session a person ends (E, closing the window) keeps what was played.
- **Every finished trial at once**: the caller hands each `TrialRecorded` over before the
  reward or anything else of its frame, so a crash loses at most the trial in flight; an
  override in the gap after it replaces it (`TrialAmended`).
- **Nothing stops the child**: every write goes through a `RecordsKeeper`; one the disk
  refuses is kept in memory and retried while play goes on. What is still held when the
  session closes is counted in `GameContext.unsaved_writes`.
- **The sticker book**: at the end, the session's successes become the child's stickers
  (`game.play.stickers`), kept with the child through the keeper like the trials.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from game.play.stickers import Sticker, StickerBook, award
from game.records.storage import StoreError, local_now
from game.ui.records_keeper import RecordsKeeper
from game.ui.session_traces import SessionTraces

if TYPE_CHECKING:
    from game.play.trial_record import TrialRecord
    from game.ui.context import GameContext

logger = logging.getLogger(__name__)


class SessionRecorder:
    """The store-write policy of one session.

    Args:
        ctx: where the store, the child's profile, the level set and the model's name are
            read when a write happens, and where the keeper shows its line for the
            therapist.
        traces: the session's research files, opened when the store's session starts.
    """

    def __init__(self, ctx: GameContext, traces: SessionTraces) -> None:
        self.ctx = ctx
        self.traces = traces
        self.keeper = RecordsKeeper(ctx)
        self.session_id: str | None = None  # set once the store's session is written
        self.stored = False  # the store's session was started (with the first trial)

    @property
    def recording(self) -> bool:
        """There is a store and a child to record for."""
        return self.ctx.store is not None and self.ctx.profile is not None

    def tick(self, now_ms: int) -> None:
        """Once per frame: retry refused writes when it is time."""
        self.keeper.tick(now_ms)

    def submit(self, write: Callable[[], object]) -> None:
        """Any other progress write of this session, run in order with its trials."""
        self.keeper.submit(write)

    def trial_recorded(self, record: TrialRecord, *, cut_by_the_run: bool) -> bool:
        """A trial just ended: write it now (starting the store's session with the first).
        `cut_by_the_run`: the run, not a person, is ending the session (a first trial it
        cut off before it was played leaves no session). True when it was written (or
        kept to retry); False when nothing is recorded."""
        store = self.ctx.store
        if store is None or self.ctx.profile is None:
            return False
        if not self.stored and cut_by_the_run and record.never_played():
            logger.info("the first trial was cut off before it was played: no session is "
                        "recorded")
            return False
        self._store_session()
        self.keeper.submit(lambda: store.add_trial(self._sid(), record))
        return True

    def trial_amended(self, record: TrialRecord) -> None:
        """An override changed a stored trial: replace it."""
        store = self.ctx.store
        if store is not None and self.stored:
            self.keeper.submit(lambda: store.replace_trial(self._sid(), record))

    def break_ended(self, break_ms: int) -> None:
        """A real break of `break_ms` ms, counted with the session's record (research
        export); it starts the store's session when no trial was written yet."""
        store = self.ctx.store
        if store is not None and self.ctx.profile is not None:
            self._store_session()
            self.keeper.submit(lambda: store.record_break(self._sid(), max(0, break_ms)))

    def session_ended(self, reason: str) -> None:
        """The session ended for `reason` (as `SessionRecord.end_reason`); nothing for a
        session never stored."""
        store = self.ctx.store
        if store is not None and self.stored:
            self.keeper.submit(lambda: store.end_session(self._sid(), reason=reason))

    def award_stickers(self, records: Sequence[TrialRecord]) -> tuple[tuple[Sticker, ...], int]:
        """The session's successes into the child's sticker book (`game.play.stickers`),
        kept with the child through the keeper (retried like the trials). Returns the new
        items and the size of the book with them; nothing for a session never stored."""
        store, profile = self.ctx.store, self.ctx.profile
        if store is None or profile is None or not self.stored:
            return (), 0
        book = StickerBook.from_dicts(profile.stickers)
        played = tuple(records)
        shown = award(played, self.session_id or "S-UNSAVED", book, local_now)
        profile_id = profile.profile_id

        def keep() -> None:
            kept = store.add_stickers(profile_id, award(played, self._sid(), book, local_now))
            if self.ctx.profile is not None and self.ctx.profile.profile_id == profile_id:
                self.ctx.profile = kept

        if shown:
            self.keeper.submit(keep)
            logger.info("%d sticker(s) and star(s) for the sticker book", len(shown))
        return shown, len(book) + len(shown)

    def close(self, *, ended: bool) -> None:
        """The app stops (or the next child comes): a stored session the engine did not end
        (`ended` False) is ended as "closed"; then every waiting write is tried once more,
        and what the disk still refuses is counted in `ctx.unsaved_writes`."""
        store = self.ctx.store
        if not ended and store is not None and self.stored:
            self.keeper.submit(lambda: store.end_session(self._sid(), reason="closed"))
        self.traces.close()
        if not self.keeper.flush():
            logger.error("%d progress write(s) could not be saved before closing",
                         self.keeper.waiting)
            self.ctx.unsaved_writes += self.keeper.waiting
            self.ctx.unsaved_reason = self.keeper.last_error

    def _store_session(self) -> None:
        """Start the store's session (once, before its first trial is written), then open
        its research files."""
        store, profile = self.ctx.store, self.ctx.profile
        if self.stored or store is None or profile is None:
            return
        self.stored = True
        ctx = self.ctx
        level_set, plan, plan_id = ctx.level_set, ctx.home_plan, ctx.plan_id

        def start_session() -> None:
            record = store.start_session(profile.profile_id,
                                         level_set_id=level_set.id if level_set else "",
                                         level_set_title=level_set.title if level_set else None,
                                         model_version=ctx.model_version,
                                         model_hash=ctx.model_hash,
                                         place="clinic" if plan is None else "home",
                                         plan_id=plan_id if plan is None else plan.plan_id)
            self.session_id = record.session_id
            self.traces.open(store, record.session_id)

        self.keeper.submit(start_session)

    def _sid(self) -> str:
        if self.session_id is None:  # start_session was refused (it is retried before this)
            raise StoreError("the session was never stored")
        return self.session_id
