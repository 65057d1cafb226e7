"""Turn a child's stored sessions and trials into the numbers reports and charts show.

Definitions (also printed in the report):
- an *attempt* is a trial that ran to a verdict: outcome success or timeout, or any trial a
  therapist overrode. Skipped trials and trials cut off by the end of a session are not
  attempts (they are still counted in the session's trial total).
- *made* = the final verdict `success` (after any therapist override).
- *without help* (independent) = made at prompt level 0, i.e. before any prompt was shown.
- *time to make the face* = `latency_ms` (prompt to first threshold crossing) of made faces.
- *peak score* = the trial's highest target score, 0 to 1, over attempts.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from game.expressions import Expression
from game.play.trial_record import TrialOutcome, TrialRecord
from game.records.models import SessionRecord, StoredTrial
from game.records.store import ProgressStore

EXPRESSION_ORDER = tuple(e.value for e in Expression)
# The override note the game writes when the therapist presses the accept / reject key
# (`game.ui.session_events`); the report says it in words instead of showing it.
KEY_OVERRIDE_NOTE = "therapist key"


def local_time(iso: str) -> datetime:
    """An ISO 8601 time from the records in this computer's local time zone (the stored UTC
    offset is the one of the computer that recorded it; a time without one is taken as
    local). Raises ValueError for text that is not an ISO time."""
    return datetime.fromisoformat(iso).astimezone()


def counts_as_attempt(trial: TrialRecord) -> bool:
    """True for trials that ran to a verdict (see the module docstring)."""
    return trial.outcome in (TrialOutcome.SUCCESS, TrialOutcome.TIMEOUT) or (
        trial.override is not None
    )


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts and measures over a group of attempts (a session, an expression, or both)."""

    attempts: int = 0
    made: int = 0
    made_without_help: int = 0
    latencies_ms: tuple[int, ...] = ()
    peak_scores: tuple[float, ...] = ()

    @classmethod
    def of(cls, trials: Iterable[TrialRecord]) -> Tally:
        attempts = [t for t in trials if counts_as_attempt(t)]
        made = [t for t in attempts if t.success]
        return cls(
            attempts=len(attempts),
            made=len(made),
            made_without_help=sum(1 for t in made if t.prompt_level == 0),
            latencies_ms=tuple(t.latency_ms for t in made if t.latency_ms is not None),
            peak_scores=tuple(t.peak_score for t in attempts),
        )

    @property
    def made_rate(self) -> float | None:
        """Share of attempts made (0 to 1), None without attempts."""
        return _share(self.made, self.attempts)

    @property
    def without_help_rate(self) -> float | None:
        """Share of attempts made without any prompt."""
        return _share(self.made_without_help, self.attempts)

    @property
    def with_help_rate(self) -> float | None:
        return _share(self.made - self.made_without_help, self.attempts)

    @property
    def median_latency_s(self) -> float | None:
        return statistics.median(self.latencies_ms) / 1000 if self.latencies_ms else None

    def latency_quartiles_s(self) -> tuple[float, float] | None:
        """(25th, 75th) percentile of time to make the face, in seconds."""
        if len(self.latencies_ms) < 2:
            return None
        q1, _q2, q3 = statistics.quantiles(self.latencies_ms, n=4, method="inclusive")
        return q1 / 1000, q3 / 1000

    @property
    def mean_peak(self) -> float | None:
        return statistics.fmean(self.peak_scores) if self.peak_scores else None


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """One session's numbers, overall and per target expression."""

    number: int  # 1-based, oldest first
    session: SessionRecord
    overall: Tally
    by_expression: dict[str, Tally]
    trials: int  # every stored trial, attempts or not
    overrides: int

    @property
    def started(self) -> datetime:
        """When the session started, in this computer's local time zone."""
        return local_time(self.session.started_at)

    @property
    def minutes(self) -> float | None:
        if not self.session.ended_at:
            return None
        ended = local_time(self.session.ended_at)
        return max(0.0, (ended - self.started).total_seconds() / 60)


@dataclass(frozen=True, slots=True)
class NoteLine:
    """A therapist's note or override, for the notes table."""

    session_number: int
    date: str  # ISO date of the session
    trial_number: int | None  # 1-based (the export's trial_number); None: whole session
    target: str
    machine_said: str  # "made" / "not yet" / ""
    decision: str  # "counted as made" / "not counted" / ""
    text: str
    by_key: bool = False  # the override was made with the therapist's key (no typed reason)


@dataclass(frozen=True, slots=True)
class ProgressSummary:
    """Everything the report and the in-game progress scene draw for one child."""

    profile_id: str
    sessions: tuple[SessionSummary, ...]
    overall: Tally
    by_expression: dict[str, Tally]
    notes: tuple[NoteLine, ...]

    @property
    def expressions(self) -> tuple[str, ...]:
        """Targets that were practised, in the vocabulary's order (unknown ones last)."""
        known = [e for e in EXPRESSION_ORDER if e in self.by_expression]
        return tuple(known + sorted(set(self.by_expression) - set(known)))


def _by_expression(trials: Sequence[TrialRecord]) -> dict[str, Tally]:
    targets = {t.target for t in trials}
    return {target: Tally.of(t for t in trials if t.target == target) for target in targets}


def summarize(sessions: Sequence[SessionRecord], trials: Sequence[StoredTrial]) -> ProgressSummary:
    """Numbers for one child from `store.sessions_for(pid)` and `store.trials_for(pid)`."""
    ordered = sorted(sessions, key=lambda s: (s.started_at, s.session_id))
    summaries: list[SessionSummary] = []
    notes: list[NoteLine] = []
    for number, session in enumerate(ordered, start=1):
        stored = sorted(
            (t for t in trials if t.session_id == session.session_id),
            key=lambda t: t.trial.trial_index,
        )
        records = [t.trial for t in stored]
        summaries.append(
            SessionSummary(
                number=number,
                session=session,
                overall=Tally.of(records),
                by_expression=_by_expression(records),
                trials=len(records),
                overrides=sum(1 for r in records if r.override is not None),
            )
        )
        date = local_time(session.started_at).date().isoformat()
        if session.notes.strip():
            notes.append(NoteLine(number, date, None, "", "", "", session.notes.strip()))
        for item in stored:
            record = item.trial
            reason = record.override_note.strip()
            by_key = reason == KEY_OVERRIDE_NOTE
            text = " ".join(x for x in ("" if by_key else reason, item.therapist_note.strip()) if x)
            if record.override is None and not text:
                continue
            notes.append(
                NoteLine(
                    session_number=number,
                    date=date,
                    trial_number=record.trial_index + 1,
                    target=record.target,
                    machine_said="made" if record.machine_success else "not yet",
                    decision={"accept": "counted as made", "reject": "not counted"}.get(
                        record.override.value if record.override else "", ""
                    ),
                    text=text,
                    by_key=by_key and record.override is not None,
                )
            )
    all_records = [t.trial for t in trials]
    profile_id = sessions[0].profile_id if sessions else (trials[0].profile_id if trials else "")
    return ProgressSummary(
        profile_id=profile_id,
        sessions=tuple(summaries),
        overall=Tally.of(all_records),
        by_expression=_by_expression(all_records),
        notes=tuple(notes),
    )


def summarize_profile(store: ProgressStore, profile_id: str) -> ProgressSummary:
    """`summarize` for one child straight from the store."""
    summary = summarize(store.sessions_for(profile_id), store.trials_for(profile_id))
    if not summary.profile_id:
        return ProgressSummary(profile_id, (), Tally(), {}, ())
    return summary
