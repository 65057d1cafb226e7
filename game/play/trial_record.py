"""What one finished trial leaves behind: the row a therapist reads and a researcher exports.

`TrialRecord` is the contract between the rules engine (`game.play`), which fills it when a
trial ends, and the records layer (`game.records`), which stores and exports it. Every
field is a plain value (str, int, float, bool, tuple, None) so it serialises as JSON.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import Any

from game.motion.metrics_record import MotionMetrics


class TrialOutcome(enum.StrEnum):
    SUCCESS = "success"      # held above threshold for the hold time (or accepted by override)
    TIMEOUT = "timeout"      # time limit reached: "let's try another one"
    SKIPPED = "skipped"      # therapist skipped it
    ENDED = "ended"          # session ended (time cap or therapist) while the trial ran


class Override(enum.StrEnum):
    ACCEPT = "accept"        # therapist: the child did make it, count it
    REJECT = "reject"        # therapist: the machine was wrong to count it


MIN_PLAYED_MS = 3000  # a trial cut off sooner (face time, pauses excluded) was never played


@dataclass(frozen=True, slots=True)
class TrialRecord:
    """One trial, as recorded when it ends. Times are in ms; scores in [0, 1]."""

    trial_index: int                  # 0-based within the session
    level_id: str
    mode: str                         # mimic | cue | maze | story
    target: str                       # Expression value
    outcome: TrialOutcome
    success: bool                     # final verdict, after any therapist override
    machine_success: bool             # what the machine judged before any override
    started_ms: int                   # session clock when the prompt was shown
    ended_ms: int
    prompt_level: int                 # 0 = independent; higher = more help was showing
    prompt_name: str                  # e.g. "independent", "voice_repeat", "model", "part_hint"
    latency_ms: int | None            # prompt to first threshold crossing (None: never crossed)
    hold_ms: int                      # longest continuous hold above threshold
    hold_required_ms: int
    threshold: float                  # threshold in force at the end (after any lowering)
    peak_score: float
    mean_score: float                 # over trusted readings while the trial ran
    reward: int                       # reward size given (0 when none)
    paused_ms: int                    # time paused (no face / manual), not charged to the limit
    hints_given: tuple[str, ...] = ()  # HintKey values in the order they were given
    override: Override | None = None
    override_note: str = ""
    quality: dict[str, float] = field(default_factory=dict)  # flag -> share of readings
    steps_given: tuple[str, ...] = ()  # prompt step kinds in the order they appeared
    grace_used: bool = False          # ran past its time limit while the child held the face
    child_breaks: int = 0             # breaks the child asked for during it or the gap after it
    motion: MotionMetrics | None = None  # how the face moved (game.motion.metrics); None:
    #                                      recorded before motion metrics existed

    def never_played(self) -> bool:
        """Cut off (outcome ENDED) before the child had `MIN_PLAYED_MS` of it with their face
        in view (paused time, when no face was seen, does not count)."""
        played = self.ended_ms - self.started_ms - self.paused_ms
        return self.outcome is TrialOutcome.ENDED and played < MIN_PLAYED_MS

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (enums as their strings, tuples as lists). Shallow: only
        `quality` (the one mutable field) is copied, so 30,000 trials export in seconds."""
        data = {name: getattr(self, name) for name in _FIELD_NAMES}
        data["quality"] = dict(self.quality)
        data["outcome"] = self.outcome.value
        data["override"] = self.override.value if self.override else None
        data["hints_given"] = list(self.hints_given)
        data["steps_given"] = list(self.steps_given)
        data["motion"] = self.motion.to_dict() if self.motion is not None else None
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrialRecord:
        values = dict(data)
        values["outcome"] = TrialOutcome(values["outcome"])
        values["override"] = Override(values["override"]) if values.get("override") else None
        values["hints_given"] = tuple(values.get("hints_given", ()))
        values["steps_given"] = tuple(values.get("steps_given", ()))
        values["quality"] = dict(values.get("quality", {}))
        motion = values.get("motion")
        values["motion"] = MotionMetrics.from_dict(motion) if isinstance(motion, dict) else None
        return cls(**values)


_FIELD_NAMES: tuple[str, ...] = tuple(item.name for item in fields(TrialRecord))
