"""What the rules engine tells the UI, the audio and the records: one immutable event each.

Every event carries `t_ms`, the `now_ms` of the call that produced it. `trial_index` is the
0-based index of the trial within the session (as in `TrialRecord.trial_index`). Phrase
keys name entries of `game.phrases` so the UI and audio can say them in either language.
Nothing here is ever negative: a timeout says "let's try another one".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from game.expressions import Expression, HintKey, QualityFlag
from game.motion.frame import TrialMotion
from game.play.level_set import Texts
from game.play.trial_record import Override, TrialRecord


class TrialState(enum.StrEnum):
    PROMPT = "prompt"        # prompt shown, waiting for the child to move
    ATTEMPT = "attempt"      # the score is rising towards the threshold
    HOLDING = "holding"      # at or above the threshold; the hold timer runs
    PAUSED = "paused"        # no face / untrusted readings / manual: the clock is stopped
    SUCCESS = "success"      # held long enough (or accepted by the therapist)
    TIMEOUT = "timeout"      # time limit reached: "let's try another one"
    SKIPPED = "skipped"      # the therapist skipped it
    ENDED = "ended"          # the session ended while it ran

    @property
    def finished(self) -> bool:
        return self in _FINISHED


_FINISHED = frozenset({TrialState.SUCCESS, TrialState.TIMEOUT, TrialState.SKIPPED,
                       TrialState.ENDED})


class PauseReason(enum.StrEnum):
    NO_FACE = "no_face"          # no face or no camera: "I can't see you"
    UNTRUSTED = "untrusted"      # a face, but turned away / too small / too dark
    NO_READING = "no_reading"    # vision sent nothing new for `stale_after_ms`
    MANUAL = "manual"            # the therapist (or a break)


class EndReason(enum.StrEnum):
    COMPLETE = "complete"        # every level played
    TIME_CAP = "time_cap"        # the session's active time reached its cap
    ENDED = "ended"              # the therapist ended it
    CHILD_AWAY = "child_away"    # an automatic pause lasted `away_end_ms`


@dataclass(frozen=True, slots=True)
class Event:
    t_ms: int


@dataclass(frozen=True, slots=True)
class LevelStarted(Event):
    level_index: int
    level_id: str
    mode: str
    title: Texts
    intro: Texts | None          # say it once, when given
    trials: int


@dataclass(frozen=True, slots=True)
class PromptShown(Event):
    trial_index: int
    level_id: str
    mode: str
    target: Expression
    prompt_key: str              # e.g. "prompt.show_me.happy" (used when prompt_text is None)
    prompt_text: Texts | None    # the level's own prompt or the story scene's text
    scene_picture: str           # story mode: picture name ("" when none)
    prompt_level: int            # steps already showing at the start (most-to-least)
    threshold: float
    hold_ms: int
    time_limit_ms: int


@dataclass(frozen=True, slots=True)
class PromptLevelRaised(Event):
    trial_index: int
    prompt_level: int            # 1-based rung now showing
    step: str                    # voice_repeat | model_face | part_hint | lower_threshold
    hint: HintKey | None         # part_hint: the face part to move
    threshold: float             # threshold now in force (lower after lower_threshold)


@dataclass(frozen=True, slots=True)
class PartHintChanged(Event):
    trial_index: int
    hint: HintKey


@dataclass(frozen=True, slots=True)
class StateChanged(Event):
    trial_index: int
    old: TrialState
    new: TrialState


@dataclass(frozen=True, slots=True)
class GaugeChanged(Event):
    trial_index: int
    score: float
    threshold: float


@dataclass(frozen=True, slots=True)
class HoldProgress(Event):
    trial_index: int
    held_ms: int
    required_ms: int

    @property
    def fraction(self) -> float:
        return 1.0 if self.required_ms <= 0 else min(1.0, self.held_ms / self.required_ms)


@dataclass(frozen=True, slots=True)
class Succeeded(Event):
    trial_index: int
    target: Expression
    reward: int
    independent: bool            # no help was showing: the bigger reward
    prompt_level: int
    praise_key: str              # "praise.independent" or "praise.prompted" (add ".N")


@dataclass(frozen=True, slots=True)
class TimedOut(Event):
    trial_index: int
    target: Expression
    phrase_key: str = "try_another"


@dataclass(frozen=True, slots=True)
class Paused(Event):
    trial_index: int | None      # None when paused between trials
    reason: PauseReason
    flags: frozenset[QualityFlag]
    phrase_key: str              # "cant_see_you", "quality.<flag>" or "" (manual)


@dataclass(frozen=True, slots=True)
class Resumed(Event):
    trial_index: int | None
    paused_ms: int


@dataclass(frozen=True, slots=True)
class TrialSkipped(Event):
    trial_index: int


@dataclass(frozen=True, slots=True)
class OverrideApplied(Event):
    trial_index: int
    override: Override
    note: str
    success: bool                # the verdict now
    reward: int


@dataclass(frozen=True, slots=True)
class CommandIgnored(Event):
    command: str
    reason: str


@dataclass(frozen=True, slots=True)
class DifficultyChanged(Event):
    level_id: str
    direction: str               # "harder" | "easier"
    threshold: float
    hold_ms: int


@dataclass(frozen=True, slots=True)
class TrialRecorded(Event):
    record: TrialRecord          # the moment the trial ends: store it at once
    motion: TrialMotion | None = None  # its frames and marks (kept where the child consented)


@dataclass(frozen=True, slots=True)
class TrialAmended(Event):
    record: TrialRecord          # a stored trial after a therapist override: replace it


@dataclass(frozen=True, slots=True)
class BreakStarted(Event):
    """A real break: every clock stops until `BreakEnded` (the level's `[levels.breaks]`)."""

    reason: str                  # "time" | "timeouts" | "child" (the child asked for it)
    active_ms: int               # session active time when it began
    max_ms: int                  # it ends by itself after this long
    min_ms: int                  # a smile ends it only after this long
    end_on_smile: bool
    smile_threshold: float       # the happy score that counts as a smile
    phrase_key: str = "rest.start"


class BreakEnd(enum.StrEnum):
    KEY = "key"                  # the child or therapist pressed a key, clicked or tapped
    SMILE = "smile"              # the child smiled (after `min_ms`)
    TIME = "time"                # `max_ms` passed


@dataclass(frozen=True, slots=True)
class BreakEnded(Event):
    how: BreakEnd
    break_ms: int


@dataclass(frozen=True, slots=True)
class SessionEnded(Event):
    reason: EndReason
    trials_recorded: int
    active_ms: int
