"""A session: a level set played for one child, trial after trial, within a time cap.

The game loop drives it; nothing here reads a clock or draws anything::

    session = Session(level_set, random.Random(seed))
    events = session.start(now_ms)
    every frame:  events = session.update(vision.latest(), now_ms)
    on a button:  events = session.accept(now_ms, note) / reject / skip / pause / resume / end

Each call returns the events it caused, in order (see `game.play.events`). States:
READY -> TRIAL (a trial runs; it may be paused) -> BETWEEN (a calm gap of
`inter_trial_ms`; the therapist may accept or reject the trial that just ended) -> TRIAL
... -> ENDED. After the gap a break may come first: BREAK (every clock stopped) until
`end_break` (a key, click or tap), a smile after the level's `breaks.min_ms`, or
`breaks.max_ms`; then the next trial. A break is due after the level's
`breaks.after_timeouts` timeouts in a row (else the session's `break_after_timeouts`), or
after `break_every_ms` of active play since the last break (a pause by hand counts as one).
The child may also ask for one (`request_break`, reason "child"): during a trial that trial
is paused by hand and goes on where it was when the break ends; in the gap the break starts
at once. Each such break is counted in the trial's `child_breaks`.
A `TrialRecorded` event carries each trial's record in the same call that ends the trial
(before any reward, gap or break), so the game stores it at once; an accept or reject during
the gap after it brings a `TrialAmended` with the changed record. Levels play in order,
`trials` each. The session ends when every level is played, when its active time (pauses
not counted) reaches `time_cap_ms` (checked after each trial, so the last trial finishes),
when `end` is called, or when an automatic pause lasts `away_end_ms`.
"""

from __future__ import annotations

import enum
import logging
import random
from collections import Counter
from collections.abc import Sequence

from game.expressions import Expression
from game.play.adaptive import Staircase
from game.play.events import (
    BreakEnd,
    BreakEnded,
    BreakStarted,
    CommandIgnored,
    DifficultyChanged,
    EndReason,
    Event,
    LevelStarted,
    Paused,
    PauseReason,
    Resumed,
    SessionEnded,
    TrialAmended,
    TrialRecorded,
    TrialState,
)
from game.play.level_set import Level, LevelSet, Texts
from game.play.ordering import target_sequence
from game.play.prompting import PromptFader
from game.play.readings import Reading
from game.play.trial import Trial, TrialSpec
from game.play.trial_record import TrialOutcome, TrialRecord

logger = logging.getLogger(__name__)


class SessionState(enum.StrEnum):
    READY = "ready"
    TRIAL = "trial"
    BETWEEN = "between"
    BREAK = "break"
    ENDED = "ended"


class Session:
    """Runs `level_set` (or only the levels named in `level_ids`, in the set's order)."""

    def __init__(self, level_set: LevelSet, rng: random.Random,
                 level_ids: Sequence[str] | None = None) -> None:
        levels = level_set.levels
        if level_ids is not None:
            unknown = set(level_ids) - {level.id for level in levels}
            if unknown:
                raise KeyError(f"level set {level_set.id!r} has no level {sorted(unknown)}")
            levels = tuple(level for level in levels if level.id in set(level_ids))
        if not levels:
            raise ValueError("a session needs at least one level")
        self.level_set = level_set
        self.levels: tuple[Level, ...] = levels
        self.settings = level_set.session
        self.state = SessionState.READY
        self.records: list[TrialRecord] = []
        self.trial: Trial | None = None          # running, or the one just ended (BETWEEN)
        self.level_index = -1
        self.end_reason: EndReason | None = None
        self.start_ms = 0
        self._rng = rng
        self._sequence: tuple[Expression, ...] = ()
        self._trial_in_level = 0
        self._next_index = 0
        self._closed_paused_ms = 0
        self._between_until = 0
        self._gap_paused_since: int | None = None
        self._last_break_active = 0
        self._timeouts_in_row = 0
        self._break_due: str | None = None       # "time" | "timeouts": after this gap
        self._break_since: int | None = None     # a break runs since then
        self._break_in_trial = False             # the child's break paused a running trial
        self._pending: Trial | None = None
        self._staircase: Staircase | None = None
        self._fader: PromptFader | None = None
        self._scene_uses: Counter[Expression] = Counter()

    # -- views -------------------------------------------------------------------------
    @property
    def level(self) -> Level | None:
        return self.levels[self.level_index] if 0 <= self.level_index < len(self.levels) else None

    @property
    def trial_number_in_level(self) -> int:
        """1-based number of the current trial within its level (0 before the start)."""
        return self._trial_in_level

    @property
    def stars(self) -> int:
        """Stars given so far: the reward of every recorded trial (0 for one without). A
        reward once given stays (a rejected success keeps it), and counts once."""
        return sum(record.reward for record in self.records)

    @property
    def successes(self) -> int:
        """Recorded trials that ended in a success (the machine's, or the therapist's accept
        while the trial ran); a later override does not change it."""
        return sum(1 for record in self.records if record.outcome is TrialOutcome.SUCCESS)

    @property
    def paused(self) -> bool:
        if self.state is SessionState.BETWEEN:
            return self._gap_paused_since is not None
        if self.state is SessionState.BREAK:
            return True
        return self.trial is not None and self.trial.state is TrialState.PAUSED

    def active_ms(self, now_ms: int) -> int:
        """Session time so far, not counting any pause."""
        if self.state is SessionState.READY:
            return 0
        paused = self._closed_paused_ms
        if self.trial is not None and not self.trial.finished:
            paused += self.trial.paused_total_ms(now_ms)
        if self._gap_paused_since is not None:
            paused += now_ms - self._gap_paused_since
        if self._break_since is not None and not self._break_in_trial:
            paused += now_ms - self._break_since  # (in a trial, the trial's pause counts it)
        return max(0, now_ms - self.start_ms - paused)

    def time_left_ms(self, now_ms: int) -> int:
        return max(0, self.settings.time_cap_ms - self.active_ms(now_ms))

    # -- driving -----------------------------------------------------------------------
    def start(self, now_ms: int) -> list[Event]:
        if self.state is not SessionState.READY:
            raise RuntimeError("the session has already started")
        self.start_ms = now_ms
        return self._start_level(0, now_ms) + self._start_trial(now_ms)

    def update(self, reading: Reading | None, now_ms: int) -> list[Event]:
        """Once per frame: the latest reading (None when vision has nothing new)."""
        if self.state is SessionState.TRIAL and self.trial is not None:
            events = self.trial.update(reading, now_ms)
            if self.trial.finished:
                events += self._after_trial(now_ms)
            return events
        if (self.state is SessionState.BETWEEN and self._gap_paused_since is None
                and now_ms >= self._between_until):
            return self._finalize(now_ms) + self._after_gap(now_ms)
        if self.state is SessionState.BREAK:
            return self._break_update(reading, now_ms)
        return []

    # -- commands ----------------------------------------------------------------------
    def accept(self, now_ms: int, note: str = "") -> list[Event]:
        """Therapist: count it. Ends the running trial as a success, or turns the trial that
        just ended (during the gap) into a success."""
        if self.state is SessionState.TRIAL and self.trial is not None:
            events = self.trial.accept(now_ms, note)
            return events + self._after_trial(now_ms) if self.trial.finished else events
        if self.state is SessionState.BETWEEN and self._pending is not None:
            return self._amended(self._pending.accept(now_ms, note), now_ms) or self._ignored(
                now_ms, "accept", "a skipped trial cannot be counted")
        return self._ignored(now_ms, "accept", "no trial to count")

    def reject(self, now_ms: int, note: str = "") -> list[Event]:
        """Therapist: don't count the trial that just ended (during the gap after it)."""
        if self.state is SessionState.BETWEEN and self._pending is not None:
            return self._amended(self._pending.reject(now_ms, note), now_ms) or self._ignored(
                now_ms, "reject", "a skipped trial has nothing to reject")
        return self._ignored(now_ms, "reject", "only a trial that just ended can be rejected")

    def skip(self, now_ms: int) -> list[Event]:
        if self.state is SessionState.TRIAL and self.trial is not None:
            return self.trial.skip(now_ms) + self._after_trial(now_ms)
        return self._ignored(now_ms, "skip", "no trial is running")

    def end_break(self, now_ms: int) -> list[Event]:
        """The child or therapist ends the break (a key, click or tap): play goes on."""
        if self.state is not SessionState.BREAK:
            return self._ignored(now_ms, "end_break", "no break is running")
        return self._finish_break(now_ms, BreakEnd.KEY)

    def request_break(self, now_ms: int) -> list[Event]:
        """The child asks for a break (their rest button or key): a `BreakStarted` with
        reason "child", ended like any break (`end_break`, a smile, `breaks.max_ms`).

        During a trial, the trial is paused by hand (its clock stops, nothing is charged to
        its time limit) and goes on where it was when the break ends. In the calm gap after a
        trial, the break starts at once and the next trial follows it. The trial it falls in
        (or the one that has just ended, then amended: `TrialAmended`) counts it in
        `child_breaks`. Ignored (`CommandIgnored`) before the start, during a break and after
        the end.
        """
        if self.state is SessionState.TRIAL and self.trial is not None:
            self.trial.child_breaks += 1
            self.trial.pause(now_ms)  # its Paused event is not shown: the break screen is
            self._break_in_trial = True
            return [self._begin_break(now_ms, "child")]
        if self.state is SessionState.BETWEEN:
            events: list[Event] = []
            if self._gap_paused_since is not None:  # a pause by hand ends with the break
                self._closed_paused_ms += now_ms - self._gap_paused_since
                self._gap_paused_since = None
            ended = self._pending
            if ended is not None:
                ended.child_breaks += 1
                events += self._amended([], now_ms, changed=True)
            self._break_due = None
            return [*events, *self._finalize(now_ms), self._begin_break(now_ms, "child")]
        return self._ignored(now_ms, "request_break", "no trial or gap to rest in")

    def pause(self, now_ms: int) -> list[Event]:
        """Manual pause (the therapist): every clock stops until `resume`."""
        if self.state is SessionState.TRIAL and self.trial is not None:
            return self.trial.pause(now_ms) or self._ignored(now_ms, "pause", "already paused")
        if self.state is SessionState.BETWEEN and self._gap_paused_since is None:
            self._gap_paused_since = now_ms
            return [Paused(now_ms, None, PauseReason.MANUAL, frozenset(), "")]
        return self._ignored(now_ms, "pause", "nothing to pause")

    def resume(self, now_ms: int) -> list[Event]:
        """End a pause by hand; during a break, end the break (`end_break`)."""
        if self.state is SessionState.BREAK:
            return self.end_break(now_ms)
        events: list[Event] = []
        if self.state is SessionState.TRIAL and self.trial is not None:
            events = self.trial.resume(now_ms)
        elif self.state is SessionState.BETWEEN and self._gap_paused_since is not None:
            paused = now_ms - self._gap_paused_since
            self._gap_paused_since = None
            self._closed_paused_ms += paused
            self._between_until += paused
            events = [Resumed(now_ms, None, paused)]
        if not events:
            return self._ignored(now_ms, "resume", "not paused by hand")
        self._last_break_active = self.active_ms(now_ms)  # a pause by hand counts as a break
        return events

    def end(self, now_ms: int) -> list[Event]:
        """End the session now (the running trial is recorded as ended)."""
        if self.state is SessionState.TRIAL and self.trial is not None:
            events = self.trial.end(now_ms) + self._record(self.trial, now_ms)
            self._closed_paused_ms += self.trial.paused_ms
            self._pending = self.trial
            return events + self._finalize(now_ms) + self._end(now_ms, EndReason.ENDED)
        if self.state is SessionState.BETWEEN:
            if self._gap_paused_since is not None:
                self._closed_paused_ms += now_ms - self._gap_paused_since
                self._gap_paused_since = None
            return self._finalize(now_ms) + self._end(now_ms, EndReason.ENDED)
        if self.state is SessionState.BREAK:
            in_trial = self._break_in_trial
            self._close_break(now_ms)
            if in_trial:  # the paused trial is recorded as ended, as in any trial
                self.state = SessionState.TRIAL
                return self.end(now_ms)
            return self._end(now_ms, EndReason.ENDED)
        return self._ignored(now_ms, "end", "the session is not running")

    # -- internals ---------------------------------------------------------------------
    def _ignored(self, now_ms: int, command: str, reason: str) -> list[Event]:
        logger.debug("%s ignored: %s", command, reason)
        return [CommandIgnored(now_ms, command, reason)]

    def _start_level(self, index: int, now_ms: int) -> list[Event]:
        level = self.levels[index]
        self.level_index = index
        self._sequence = target_sequence(level.targets, level.trials, level.ordering, self._rng)
        self._staircase = Staircase(level.adaptive, level.threshold, level.hold_ms)
        self._fader = PromptFader(level.prompting)
        self._trial_in_level = 0
        self._timeouts_in_row = 0  # breaks count the timeouts of this level
        self._scene_uses.clear()
        return [LevelStarted(now_ms, index, level.id, level.mode, level.title, level.intro,
                             level.trials)]

    def _start_trial(self, now_ms: int) -> list[Event]:
        level = self.levels[self.level_index]
        assert self._staircase is not None and self._fader is not None
        target = self._sequence[self._trial_in_level]
        prompt_text: Texts | None = level.prompts.get(target) if level.prompts else None
        picture = ""
        scenes = level.scenes_for(target)
        if scenes:
            scene = scenes[self._scene_uses[target] % len(scenes)]
            self._scene_uses[target] += 1
            prompt_text, picture = scene.text, scene.picture
        s = self.settings
        spec = TrialSpec(
            index=self._next_index, level_id=level.id, mode=level.mode, target=target,
            threshold=self._staircase.threshold, hold_ms=self._staircase.hold_ms,
            time_limit_ms=level.time_limit_ms, steps=level.prompting.steps,
            start_level=self._fader.start_level, rewards=level.rewards,
            attempt_fraction=level.attempt_fraction, pause_after_ms=s.pause_after_ms,
            stale_after_ms=s.stale_after_ms, away_end_ms=s.away_end_ms,
            prompt_text=prompt_text, scene_picture=picture,
        )
        self._next_index += 1
        self._trial_in_level += 1
        self.trial = Trial(spec)
        self.state = SessionState.TRIAL
        return self.trial.start(now_ms)

    def _after_trial(self, now_ms: int) -> list[Event]:
        trial = self.trial
        assert trial is not None and trial.finished
        self._closed_paused_ms += trial.paused_ms
        self._pending = trial
        recorded = self._record(trial, now_ms)
        if trial.state is TrialState.ENDED:  # only an away pause ends a trial by itself
            return recorded + self._finalize(now_ms) + self._end(now_ms, EndReason.CHILD_AWAY)
        if trial.state is TrialState.TIMEOUT:
            self._timeouts_in_row += 1
        elif trial.state is TrialState.SUCCESS:
            self._timeouts_in_row = 0
        self.state = SessionState.BETWEEN
        self._between_until = now_ms + self.settings.inter_trial_ms
        self._break_due = self._break_check(now_ms)
        if self.settings.inter_trial_ms == 0:
            return recorded + self._finalize(now_ms) + self._after_gap(now_ms)
        return recorded

    def _record(self, trial: Trial, now_ms: int) -> list[Event]:
        """The trial has just ended: its record, to be stored before anything else happens."""
        record = trial.record(self.start_ms)
        self.records.append(record)
        return [TrialRecorded(now_ms, record, trial.motion())]

    def _amended(self, events: list[Event], now_ms: int, changed: bool = False) -> list[Event]:
        """An override in the gap (or, `changed`, a break the child asked for) changed the
        trial that just ended: its new record."""
        trial = self._pending
        if not (events or changed) or trial is None:
            return events
        record = trial.record(self.start_ms)
        for n, old in enumerate(self.records):
            if old.trial_index == record.trial_index:
                self.records[n] = record
        return [*events, TrialAmended(now_ms, record)]

    def _break_check(self, now_ms: int) -> str | None:
        s, active = self.settings, self.active_ms(now_ms)
        level = self.levels[self.level_index]
        after = level.breaks.after_timeouts
        after_timeouts = s.break_after_timeouts if after is None else after
        if after_timeouts and self._timeouts_in_row >= after_timeouts:
            return "timeouts"
        if s.break_every_ms and active - self._last_break_active >= s.break_every_ms:
            return "time"
        return None

    def _after_gap(self, now_ms: int) -> list[Event]:
        """The gap is over: a break when one is due (and the session goes on), else play."""
        reason, self._break_due = self._break_due, None
        level = self.levels[self.level_index]
        last = (self._trial_in_level >= level.trials
                and self.level_index + 1 >= len(self.levels))
        if reason is None or last or self.active_ms(now_ms) >= self.settings.time_cap_ms:
            return self._advance(now_ms)
        return [self._begin_break(now_ms, reason)]

    def _begin_break(self, now_ms: int, reason: str) -> BreakStarted:
        """Every clock stops: a break of the level's `[levels.breaks]` settings."""
        self._timeouts_in_row = 0
        self._last_break_active = self.active_ms(now_ms)
        self._break_since = now_ms
        self.state = SessionState.BREAK
        b = self.levels[self.level_index].breaks
        logger.info("break (%s)", reason)
        return BreakStarted(now_ms, reason, self._last_break_active, b.max_ms, b.min_ms,
                            b.end_on_smile, b.smile_threshold)

    def _break_update(self, reading: Reading | None, now_ms: int) -> list[Event]:
        assert self._break_since is not None
        b = self.levels[self.level_index].breaks
        lasted = now_ms - self._break_since
        if lasted >= b.max_ms:
            return self._finish_break(now_ms, BreakEnd.TIME)
        smiling = (reading is not None and reading.trusted
                   and reading.target_score >= b.smile_threshold)
        if b.end_on_smile and lasted >= b.min_ms and smiling:
            return self._finish_break(now_ms, BreakEnd.SMILE)
        return []

    def _close_break(self, now_ms: int) -> int:
        assert self._break_since is not None
        lasted = now_ms - self._break_since
        if not self._break_in_trial:  # (a paused trial counts its own pause)
            self._closed_paused_ms += lasted
        self._break_since = None
        self._break_in_trial = False
        return lasted

    def _finish_break(self, now_ms: int, how: BreakEnd) -> list[Event]:
        in_trial = self._break_in_trial
        lasted = self._close_break(now_ms)
        logger.info("break ended (%s) after %d ms", how, lasted)
        if in_trial and self.trial is not None:  # the child's break: the trial goes on
            self.state = SessionState.TRIAL
            return [BreakEnded(now_ms, how, lasted), *self.trial.resume(now_ms)]
        return [BreakEnded(now_ms, how, lasted), *self._advance(now_ms)]

    def _finalize(self, now_ms: int) -> list[Event]:
        """The gap is over: the (possibly amended) result steers prompting and difficulty."""
        trial, self._pending = self._pending, None
        if trial is None:
            return []
        events: list[Event] = []
        assert self._staircase is not None and self._fader is not None
        result = trial.result
        self._fader.record(result)
        direction = self._staircase.record(result)
        if direction is not None:
            events.append(DifficultyChanged(now_ms, trial.spec.level_id, direction,
                                            self._staircase.threshold, self._staircase.hold_ms))
        return events

    def _advance(self, now_ms: int) -> list[Event]:
        if self.active_ms(now_ms) >= self.settings.time_cap_ms:
            return self._end(now_ms, EndReason.TIME_CAP)
        events: list[Event] = []
        if self._trial_in_level >= self.levels[self.level_index].trials:
            if self.level_index + 1 >= len(self.levels):
                return self._end(now_ms, EndReason.COMPLETE)
            events += self._start_level(self.level_index + 1, now_ms)
        return events + self._start_trial(now_ms)

    def _end(self, now_ms: int, reason: EndReason) -> list[Event]:
        active = self.active_ms(now_ms)
        self.state = SessionState.ENDED
        self.end_reason = reason
        logger.info("session ended (%s) after %d trials", reason, len(self.records))
        return [SessionEnded(now_ms, reason, len(self.records), active)]
