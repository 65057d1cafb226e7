"""A session's research files: the per-frame trace and the motion record.

Both are written only when the child's profile allows them (`Profile.allow_frame_traces`,
and the store decides the motion record by its own consent: `open_motion` returns None).
One trace line (`game.records.traces`) per new reading while a trial is prompted; the lines
of the first trial wait in memory (at most `MAX_WAITING_TRACE_ROWS`) until the store's
session exists, since the store starts a session only with its first trial. A trace or
motion file the disk refuses stops for this session; the child plays on without it.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, TypedDict

from game.records.storage import StoreError

if TYPE_CHECKING:
    from game.motion.frame import TrialMotion
    from game.play.session import Session
    from game.records.motion_log import SessionMotionWriter
    from game.records.store import ProgressStore
    from game.records.traces import TraceWriter
    from game.vision.records import ExpressionReading

logger = logging.getLogger(__name__)

MAX_WAITING_TRACE_ROWS = 20_000  # the first trial's lines kept until the session is stored


class TraceRow(TypedDict):
    """One line of a frame trace, as `game.records.traces` documents it."""

    t_ms: int                # ms since the session started
    trial_index: int         # 0-based within the session
    target: str              # Expression value
    score: float             # calibrated target score, 0..1 (4 decimals)
    raw_score: float         # the model's score before calibration, 0..1
    trusted: bool
    flags: list[str]         # QualityFlag values, sorted


class SessionTraces:
    """The frame trace and motion record of one session.

    Args:
        allowed: the child's profile allows frame traces and there is a store to keep them.
    """

    def __init__(self, allowed: bool) -> None:
        self.allowed = allowed
        self.trace: TraceWriter | None = None
        self.motion_writer: SessionMotionWriter | None = None
        self._waiting: list[TraceRow] = []
        self._last_reading: ExpressionReading | None = None

    def open(self, store: ProgressStore, session_id: str) -> None:
        """The store's session now exists: open its trace (writing the lines that waited)
        and its motion record. A refused trace stops traces for this session; a refused
        motion record is left out. Nothing when traces are not allowed."""
        if not self.allowed:
            return
        try:
            self.trace = store.open_trace(session_id)
        except (OSError, StoreError) as exc:
            logger.warning("no frame trace for this session (%s)", exc)
            self.allowed = False
            self._waiting = []
        self._flush()
        try:
            self.motion_writer = store.open_motion(session_id)
        except (OSError, StoreError) as exc:
            logger.warning("no motion record for this session (%s)", exc)

    def frame(self, reading: ExpressionReading | None, session: Session, now_ms: int) -> None:
        """One trace line for a new `reading` while a trial is prompted (`now_ms` is the
        frame's time on the session's clock); the same reading twice is one line."""
        if not self.allowed or reading is None or reading is self._last_reading:
            return
        self._last_reading = reading
        trial = session.trial
        if trial is None or trial.finished:
            return
        row = TraceRow(
            t_ms=now_ms - session.start_ms,
            trial_index=trial.spec.index,
            target=trial.spec.target.value,
            score=round(float(reading.target_score), 4),
            raw_score=round(float(reading.raw_score), 4),
            trusted=bool(reading.trusted),
            flags=sorted(flag.value for flag in reading.flags),
        )
        if len(self._waiting) < MAX_WAITING_TRACE_ROWS:
            self._waiting.append(row)
        self._flush()

    def motion(self, trial_index: int, motion: TrialMotion | None) -> None:
        """A stored trial's frames and marks into the motion record, when one is open."""
        if self.motion_writer is not None and motion is not None:
            self.motion_writer.add(trial_index, motion)

    def close(self) -> None:
        """Close both files (the session ended or the app stops); safe to call again."""
        writer, self.motion_writer = self.motion_writer, None
        if writer is not None:
            writer.close()
        trace, self.trace = self.trace, None
        self._waiting = []
        if trace is not None:
            try:
                trace.close()
            except OSError as exc:
                logger.warning("the frame trace could not be closed (%s)", exc.strerror or exc)

    def _flush(self) -> None:
        if self.trace is None or not self._waiting:
            return
        rows, self._waiting = self._waiting, []
        try:
            for row in rows:
                self.trace.append(row)
        except OSError as exc:  # a trace is research data: the child plays on without it
            logger.warning("the frame trace could not be written (%s); traces stop for this "
                           "session", exc.strerror or exc)
            self.close()
