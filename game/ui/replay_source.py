"""The trials a child's replay can show: every trial with a motion record, session by session.

Read from the store's motion files (`game.records.motion_log`); a damaged file is skipped
(logged), so one bad session never hides the others. Shared by the replay screen (built by
`game.ui.flow`) and `facequest replay`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from game.motion.frame import TrialMotion
from game.records.motion_log import MotionFileError, read_session_motion

if TYPE_CHECKING:
    from game.records.models import SessionRecord
    from game.records.store import ProgressStore

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ReplayTrial:
    """One trial to replay: its session (id, start time), its number in the session
    (1-based, as reports count), how many trials of that session have a record, the record."""

    session_id: str
    started_at: str
    number: int
    count: int
    motion: TrialMotion

    @property
    def date(self) -> str:
        """The session's day (YYYY-MM-DD)."""
        return self.started_at[:10]


def session_trials(store: ProgressStore, session: SessionRecord) -> list[ReplayTrial]:
    """The trials of one session that have a motion record, in play order.

    Raises:
        FileNotFoundError: the session has no motion file.
        MotionFileError: the file is damaged.
    """
    path = store.motion_path(session.session_id)
    if path is None:
        return []
    pairs = read_session_motion(path)
    return [ReplayTrial(session.session_id, session.started_at, index + 1, len(pairs), motion)
            for index, motion in pairs]


def child_trials(store: ProgressStore, profile_id: str) -> list[ReplayTrial]:
    """Every trial of the child with a motion record, oldest session first."""
    trials: list[ReplayTrial] = []
    for session in store.sessions_with_motion(profile_id):
        try:
            trials += session_trials(store, session)
        except (OSError, MotionFileError) as exc:
            logger.warning("the motion record of session %s cannot be read (%s)",
                           session.session_id, exc)
    return trials
