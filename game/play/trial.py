"""One trial: prompt -> attempt -> holding -> success | timeout, with pauses that stop the clock.

Driven by `update(reading, now_ms)` once per game frame (reading None when vision has nothing
new; a reading whose `t_ms` was already seen is ignored) and by commands (pause, resume,
accept, skip, end). Every method returns the events it caused. Rules:

- Active time = time since the prompt minus paused time. The time limit and the prompt
  steps' `after_ms` count active time only.
- Untrusted readings (or none for `stale_after_ms`) for `pause_after_ms` pause the trial;
  the first trusted reading resumes it. A manual pause waits for `resume`. An automatic
  pause of `away_end_ms` ends the trial (the session then ends: the child has left).
- A trusted score at or above the threshold starts (or continues) the hold; success comes
  on a reading at which the hold has lasted `hold_ms`. Falling below the attempt level
  (threshold x attempt_fraction) after rising above it is a failed attempt.
- Help never rises while the child is holding (it would spoil an independent success).
- Grace at the limit: when time runs out while the child holds the face (score at or above
  the threshold, the hold timer running), the hold may finish: the trial runs on for at
  most `hold_ms` more active time. It succeeds when the hold completes
  and times out as soon as the score falls below the threshold, the hold breaks or the grace
  is over. `grace_used` (in the record) says the trial ran past its limit this way.
- Motion: every fresh reading while the trial runs (not under a manual pause) becomes a
  `MotionFrame` of the trial's motion record, timed like `latency_ms` (active time since the
  prompt), and prompts, help, hints, holds and the end become its marks. The record's
  metrics (`game.motion.metrics`) are measured once, when the trial ends, and travel in
  `TrialRecord.motion`; the frames themselves only in `motion()`.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from game.expressions import ADVISORY_FLAGS, Expression, HintKey, QualityFlag, prototype
from game.motion.frame import MarkKind, MotionFrame, MotionMark, TrialMotion
from game.motion.metrics import MotionMetrics, measure_trial
from game.play.adaptive import TrialResult
from game.play.events import (
    Event,
    GaugeChanged,
    HoldProgress,
    OverrideApplied,
    PartHintChanged,
    Paused,
    PauseReason,
    PromptLevelRaised,
    PromptShown,
    Resumed,
    StateChanged,
    Succeeded,
    TimedOut,
    TrialSkipped,
    TrialState,
)
from game.play.level_schema import MIN_THRESHOLD
from game.play.level_set import PromptStep, RewardSettings, Texts
from game.play.prompting import PromptLadder
from game.play.readings import Reading
from game.play.trial_record import Override, TrialOutcome, TrialRecord

logger = logging.getLogger(__name__)

HINT_REFRESH_MS = 2500  # a showing part hint follows the live reading at most this often
DEFAULT_REWARDS = RewardSettings(independent=3, prompted=1)

_OUTCOMES = {
    TrialState.SUCCESS: TrialOutcome.SUCCESS, TrialState.TIMEOUT: TrialOutcome.TIMEOUT,
    TrialState.SKIPPED: TrialOutcome.SKIPPED, TrialState.ENDED: TrialOutcome.ENDED,
}


_END_MARKS = {
    TrialState.SUCCESS: MarkKind.REWARD, TrialState.TIMEOUT: MarkKind.TIMEOUT,
    TrialState.SKIPPED: MarkKind.END, TrialState.ENDED: MarkKind.END,
}


@dataclass(frozen=True, slots=True)
class TrialSpec:
    """Everything one trial needs, fixed when it starts."""

    index: int
    level_id: str
    mode: str
    target: Expression
    threshold: float
    hold_ms: int
    time_limit_ms: int
    steps: tuple[PromptStep, ...] = ()
    start_level: int = 0
    rewards: RewardSettings = DEFAULT_REWARDS
    attempt_fraction: float = 0.5
    pause_after_ms: int = 500
    stale_after_ms: int = 1500
    away_end_ms: int = 180_000
    prompt_text: Texts | None = None
    scene_picture: str = ""


def default_hint(target: Expression) -> HintKey:
    """The hint for the target's most important action (before any reading names one)."""
    actions = prototype(target)
    return actions[0].hint if actions else HintKey.RELAX_FACE


class Trial:
    """The state machine of one trial. Create, then `start(now_ms)`."""

    def __init__(self, spec: TrialSpec) -> None:
        self.spec = spec
        self.state = TrialState.PROMPT
        self.ladder = PromptLadder(spec.steps, spec.start_level)
        self.failures = 0
        self.started_ms: int | None = None
        self.ended_ms: int | None = None
        self.paused_ms = 0
        self.pause_reason: PauseReason | None = None
        self.score = 0.0
        self.success = False
        self.machine_success = False
        self.reward = 0
        self.override: Override | None = None
        self.override_note = ""
        self.hints_given: list[HintKey] = []
        self.steps_given: list[str] = []
        self.latency_ms: int | None = None
        self.longest_hold_ms = 0
        self.grace_used = False
        self.child_breaks = 0  # breaks the child asked for while it ran or in the gap after
        self._paused_since = 0
        self._hold_start: int | None = None
        self._untrusted_since: int | None = None
        self._last_t: int | None = None
        self._last_reading_ms = 0
        self._last_face = True
        self._last_flags: frozenset[QualityFlag] = frozenset()
        self._hint: HintKey | None = None         # the part hint showing
        self._latest_hint: HintKey | None = None  # the live reading's hint
        self._hint_ms = 0
        self._sum = 0.0
        self._scored = 0
        self._peak = 0.0
        self._seen = 0
        self._flag_counts: Counter[str] = Counter()
        self._frames: list[MotionFrame] = []
        self._marks: list[MotionMark] = []
        self._metrics: MotionMetrics | None = None

    # -- views -------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.state.finished

    @property
    def threshold(self) -> float:
        """The threshold in force now (after any lowered-threshold step)."""
        return max(MIN_THRESHOLD, round(self.spec.threshold - self.ladder.threshold_drop, 4))

    @property
    def prompt_level(self) -> int:
        return self.ladder.level

    @property
    def result(self) -> TrialResult:
        if self.state in (TrialState.SKIPPED, TrialState.ENDED) or not self.finished:
            return TrialResult.NEUTRAL
        if not self.success:
            return TrialResult.FAILURE
        return TrialResult.INDEPENDENT if self.ladder.level == 0 else TrialResult.PROMPTED

    def active_ms(self, now_ms: int) -> int:
        """Time since the prompt, not counting pauses (frozen once the trial ends)."""
        if self.started_ms is None:
            return 0
        end = self.ended_ms if self.ended_ms is not None else now_ms
        paused = self.paused_ms + (end - self._paused_since if self._paused_now() else 0)
        return max(0, end - self.started_ms - paused)

    def time_left_ms(self, now_ms: int) -> int:
        return max(0, self.spec.time_limit_ms - self.active_ms(now_ms))

    def held_ms(self, now_ms: int) -> int:
        return 0 if self._hold_start is None else now_ms - self._hold_start

    def paused_total_ms(self, now_ms: int) -> int:
        return self.paused_ms + (now_ms - self._paused_since if self._paused_now() else 0)

    def _paused_now(self) -> bool:
        return self.state is TrialState.PAUSED

    # -- inputs ------------------------------------------------------------------------
    def start(self, now_ms: int) -> list[Event]:
        if self.started_ms is not None:
            raise RuntimeError("trial already started")
        self.started_ms = now_ms
        self._last_reading_ms = now_ms
        self._mark(MarkKind.PROMPT, now_ms)
        s = self.spec
        events: list[Event] = [PromptShown(
            now_ms, s.index, s.level_id, s.mode, s.target,
            f"prompt.show_me.{s.target}", s.prompt_text, s.scene_picture, self.ladder.level,
            self.threshold, s.hold_ms, s.time_limit_ms)]
        for number, step in enumerate(self.ladder.showing, start=1):
            events.append(self._raised(step, number, now_ms))
        return events

    def update(self, reading: Reading | None, now_ms: int) -> list[Event]:
        """Feed the latest reading (or None) at time `now_ms`."""
        if self.started_ms is None or self.finished:
            return []
        fresh = reading is not None and (self._last_t is None or reading.t_ms > self._last_t)
        if self.pause_reason is PauseReason.MANUAL:
            if fresh and reading is not None:
                self._last_t = reading.t_ms
            return []
        events: list[Event] = []
        if fresh and reading is not None:
            self._note(reading, now_ms)
        if self.state is TrialState.PAUSED:
            if not (fresh and reading is not None and reading.trusted):
                if now_ms - self._paused_since >= self.spec.away_end_ms:
                    events += self._finish(TrialState.ENDED, now_ms)
                return events
            events += self._resume(now_ms)
        if self.active_ms(now_ms) >= self.spec.time_limit_ms:
            return events + self._at_the_limit(reading if fresh else None, now_ms)
        if fresh and reading is not None and reading.trusted:
            self._untrusted_since = None
            events += self._score(reading, now_ms)
            if self.finished:
                return events
        else:
            if fresh and self.state is TrialState.HOLDING:
                # An untrusted reading breaks the hold: success needs an unbroken run of
                # trusted readings above threshold for the whole hold time.
                self._hold_start = None
                events += self._set_state(TrialState.ATTEMPT, now_ms)
            if (fresh or now_ms - self._last_reading_ms >= self.spec.stale_after_ms) and (
                    self._untrusted_since is None):
                self._untrusted_since = now_ms
        if (self._untrusted_since is not None
                and now_ms - self._untrusted_since >= self.spec.pause_after_ms):
            return events + self._pause(now_ms, self._auto_reason(now_ms))
        if self.state is not TrialState.HOLDING:
            events += self._escalate(now_ms)
        return events

    def _at_the_limit(self, reading: Reading | None, now_ms: int) -> list[Event]:
        """Time is up: a timeout, unless the child is holding the face (grace, see above)."""
        s = self.spec
        if (self.state is not TrialState.HOLDING or s.hold_ms <= 0
                or self.active_ms(now_ms) >= s.time_limit_ms + s.hold_ms):
            return self._finish(TrialState.TIMEOUT, now_ms)
        if not self.grace_used:
            self.grace_used = True
            logger.debug("trial %d: grace at the limit", s.index)
        if reading is None:  # no new reading this frame: the hold goes on as it was
            return []
        if not reading.trusted:
            return self._finish(TrialState.TIMEOUT, now_ms)
        events = self._score(reading, now_ms)
        if not self.finished and self.state is not TrialState.HOLDING:
            events += self._finish(TrialState.TIMEOUT, now_ms)
        return events

    def pause(self, now_ms: int) -> list[Event]:
        """Manual pause (therapist or break): the clock stops until `resume`."""
        if self.started_ms is None or self.finished or self.pause_reason is PauseReason.MANUAL:
            return []
        if self.state is TrialState.PAUSED:  # automatic pause becomes manual
            self.pause_reason = PauseReason.MANUAL
            return [Paused(now_ms, self.spec.index, PauseReason.MANUAL, frozenset(), "")]
        return self._pause(now_ms, PauseReason.MANUAL)

    def resume(self, now_ms: int) -> list[Event]:
        """End a manual pause (automatic pauses end by themselves when the face is back)."""
        if self.pause_reason is not PauseReason.MANUAL or self.finished:
            return []
        return self._resume(now_ms)

    def accept(self, now_ms: int, note: str = "") -> list[Event]:
        """Therapist: the child made it. Ends a running trial as a success (the record keeps
        `machine_success` False); on a finished timeout it turns the verdict to success."""
        if self.started_ms is None or self.state in (TrialState.SKIPPED, TrialState.ENDED):
            return []
        self.override, self.override_note = Override.ACCEPT, note
        events: list[Event] = []
        if not self.finished:
            events += self._finish(TrialState.SUCCESS, now_ms, machine=False)
        elif not self.success:
            self.success = True
            self.reward = self._reward_size()
        return [*events, OverrideApplied(now_ms, self.spec.index, Override.ACCEPT, note,
                                         self.success, self.reward)]

    def reject(self, now_ms: int, note: str = "") -> list[Event]:
        """Therapist: the machine was wrong to count it. Only for a finished trial."""
        if not self.finished or self.state in (TrialState.SKIPPED, TrialState.ENDED):
            return []
        self.override, self.override_note = Override.REJECT, note
        self.success = False
        return [OverrideApplied(now_ms, self.spec.index, Override.REJECT, note, False,
                                self.reward)]

    def skip(self, now_ms: int) -> list[Event]:
        if self.started_ms is None or self.finished:
            return []
        return self._finish(TrialState.SKIPPED, now_ms)

    def end(self, now_ms: int) -> list[Event]:
        if self.started_ms is None or self.finished:
            return []
        return self._finish(TrialState.ENDED, now_ms)

    # -- internals ---------------------------------------------------------------------
    def _note(self, reading: Reading, now_ms: int) -> None:
        self._frames.append(MotionFrame(
            self.active_ms(now_ms), reading.motion, frozenset(reading.flags),
            bool(reading.trusted), min(1.0, max(0.0, float(reading.target_score)))))
        self._last_t = reading.t_ms
        self._last_reading_ms = now_ms
        self._last_face = reading.face_present
        self._last_flags = frozenset(reading.flags)
        self._seen += 1
        self._flag_counts.update(flag.value for flag in reading.flags)

    def _mark(self, kind: MarkKind, now_ms: int, detail: str = "") -> None:
        self._marks.append(MotionMark(self.active_ms(now_ms), kind, detail))

    def motion(self) -> TrialMotion:
        """The trial's motion record so far: its frames and marks."""
        s = self.spec
        return TrialMotion(
            target=s.target.value, mode=s.mode, frames=tuple(self._frames),
            marks=tuple(self._marks),
            model_face_shown=s.mode == "mimic" or "model_face" in self.steps_given)

    def metrics(self) -> MotionMetrics:
        """The motion metrics of the finished trial (measured once)."""
        if self._metrics is None:
            self._metrics = measure_trial(self.motion())
        return self._metrics

    def _auto_reason(self, now_ms: int) -> PauseReason:
        if now_ms - self._last_reading_ms >= self.spec.stale_after_ms:
            return PauseReason.NO_READING
        return PauseReason.UNTRUSTED if self._last_face else PauseReason.NO_FACE

    def _set_state(self, new: TrialState, now_ms: int) -> list[Event]:
        old, self.state = self.state, new
        return [] if old is new else [StateChanged(now_ms, self.spec.index, old, new)]

    def _score(self, reading: Reading, now_ms: int) -> list[Event]:
        score = min(1.0, max(0.0, float(reading.target_score)))
        self.score = score
        self._sum += score
        self._scored += 1
        self._peak = max(self._peak, score)
        threshold = self.threshold
        events: list[Event] = [GaugeChanged(now_ms, self.spec.index, score, threshold)]
        if reading.hint is not None:
            events += self._follow_hint(reading.hint, now_ms)
        attempt_level = threshold * self.spec.attempt_fraction
        if score >= threshold:
            if self.state is not TrialState.HOLDING:
                if self.latency_ms is None:
                    self.latency_ms = self.active_ms(now_ms)
                self._hold_start = now_ms
                self._mark(MarkKind.HOLD_START, now_ms)
                events += self._set_state(TrialState.HOLDING, now_ms)
            held = self.held_ms(now_ms)
            self.longest_hold_ms = max(self.longest_hold_ms, held)
            events.append(HoldProgress(now_ms, self.spec.index, held, self.spec.hold_ms))
            if held >= self.spec.hold_ms:
                events += self._finish(TrialState.SUCCESS, now_ms)
            return events
        if self._hold_start is not None:
            self._mark(MarkKind.HOLD_END, now_ms)
        self._hold_start = None
        if self.state is TrialState.PROMPT:
            if score >= attempt_level:
                events += self._set_state(TrialState.ATTEMPT, now_ms)
        elif score < attempt_level:
            self.failures += 1
            events += self._set_state(TrialState.PROMPT, now_ms)
        elif self.state is TrialState.HOLDING:
            events += self._set_state(TrialState.ATTEMPT, now_ms)
        return events

    def _follow_hint(self, hint: HintKey, now_ms: int) -> list[Event]:
        self._latest_hint = hint
        if not self.ladder.part_hint_showing or hint is self._hint:
            return []
        if now_ms - self._hint_ms < HINT_REFRESH_MS:
            return []
        self._hint, self._hint_ms = hint, now_ms
        self.hints_given.append(hint)
        self._mark(MarkKind.HINT, now_ms, hint.value)
        return [PartHintChanged(now_ms, self.spec.index, hint)]

    def _escalate(self, now_ms: int) -> list[Event]:
        raised = self.ladder.raise_due(self.active_ms(now_ms), self.failures)
        first = self.ladder.level - len(raised) + 1
        return [self._raised(step, first + i, now_ms) for i, step in enumerate(raised)]

    def _raised(self, step: PromptStep, number: int, now_ms: int) -> PromptLevelRaised:
        self.steps_given.append(step.kind)
        self._mark(MarkKind.HELP, now_ms, step.kind)
        hint = None
        if step.kind == "part_hint":
            hint = self._latest_hint or default_hint(self.spec.target)
            self._hint, self._hint_ms = hint, now_ms
            self.hints_given.append(hint)
            self._mark(MarkKind.HINT, now_ms, hint.value)
        threshold = max(MIN_THRESHOLD, round(
            self.spec.threshold - sum(s.threshold_drop for s in self.ladder.steps[:number]
                                      if s.kind == "lower_threshold"), 4))
        return PromptLevelRaised(now_ms, self.spec.index, number, step.kind, hint, threshold)

    def _pause(self, now_ms: int, reason: PauseReason) -> list[Event]:
        self._mark(MarkKind.PAUSE, now_ms, reason.value)
        events = self._set_state(TrialState.PAUSED, now_ms)
        self._hold_start = None
        self._paused_since = now_ms
        self.pause_reason = reason
        flags = frozenset() if reason is PauseReason.MANUAL else self._last_flags
        key = ""
        if reason in (PauseReason.NO_FACE, PauseReason.NO_READING):
            key = "cant_see_you"
        elif reason is PauseReason.UNTRUSTED:
            blocking = [f for f in QualityFlag if f in flags and f not in ADVISORY_FLAGS]
            key = f"quality.{blocking[0].value}" if blocking else "cant_see_you"
        logger.debug("trial %d paused: %s", self.spec.index, reason)
        return [*events, Paused(now_ms, self.spec.index, reason, flags, key)]

    def _resume(self, now_ms: int) -> list[Event]:
        paused = now_ms - self._paused_since
        self.paused_ms += paused
        self.pause_reason = None
        self._untrusted_since = None
        self._last_reading_ms = now_ms  # the stale-reading clock restarts
        events = self._set_state(TrialState.PROMPT, now_ms)
        self._mark(MarkKind.RESUME, now_ms)
        return [*events, Resumed(now_ms, self.spec.index, paused)]

    def _reward_size(self) -> int:
        rewards = self.spec.rewards
        return rewards.independent if self.ladder.level == 0 else rewards.prompted

    def _finish(self, state: TrialState, now_ms: int, machine: bool = True) -> list[Event]:
        if self.state is TrialState.PAUSED:
            self.paused_ms += now_ms - self._paused_since
            self.pause_reason = None
        self._hold_start = None
        events = self._set_state(state, now_ms)
        self.ended_ms = now_ms
        self._mark(_END_MARKS[state], now_ms,
                   ("independent" if self.ladder.level == 0 else "prompted")
                   if state is TrialState.SUCCESS else "")
        index, target = self.spec.index, self.spec.target
        if state is TrialState.SUCCESS:
            self.success = True
            self.machine_success = machine
            self.reward = self._reward_size()
            independent = self.ladder.level == 0
            key = "praise.independent" if independent else "praise.prompted"
            events.append(Succeeded(now_ms, index, target, self.reward,
                                    independent, self.ladder.level, key))
        elif state is TrialState.TIMEOUT:
            events.append(TimedOut(now_ms, index, target))
        elif state is TrialState.SKIPPED:
            events.append(TrialSkipped(now_ms, index))
        logger.debug("trial %d ended: %s", index, state)
        return events

    def record(self, session_start_ms: int) -> TrialRecord:
        """The finished trial as a record; times are ms since the session started."""
        if not self.finished or self.started_ms is None or self.ended_ms is None:
            raise RuntimeError("a trial is recorded only once it has finished")
        seen = self._seen
        quality = {flag: round(count / seen, 4) for flag, count in self._flag_counts.items()}
        return TrialRecord(
            trial_index=self.spec.index, level_id=self.spec.level_id, mode=self.spec.mode,
            target=str(self.spec.target), outcome=_OUTCOMES[self.state], success=self.success,
            machine_success=self.machine_success, started_ms=self.started_ms - session_start_ms,
            ended_ms=self.ended_ms - session_start_ms, prompt_level=self.ladder.level,
            prompt_name=self.ladder.name, latency_ms=self.latency_ms,
            hold_ms=self.longest_hold_ms, hold_required_ms=self.spec.hold_ms,
            threshold=self.threshold, peak_score=self._peak,
            mean_score=round(self._sum / self._scored, 4) if self._scored else 0.0,
            reward=self.reward, paused_ms=self.paused_ms, hints_given=tuple(
                h.value for h in self.hints_given),
            override=self.override, override_note=self.override_note, quality=quality,
            steps_given=tuple(self.steps_given), grace_used=self.grace_used,
            child_breaks=self.child_breaks, motion=self.metrics(),
        )
