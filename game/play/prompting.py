"""The prompting hierarchy: which help is showing within a trial, and where trials start.

Rungs are numbered from 1 (least help) to len(steps) (most); level 0 is independent.
Within a trial, `PromptLadder` raises the level when the next step's time (active ms since
the prompt) or failed-attempt count is reached. Across trials, `PromptFader` picks the level
a trial starts at: one lower after a success, one higher after a failure (help comes earlier
next time); `most_to_least` starts at the top, `least_to_most` at 0; `errorless` always
starts at the top.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.play.adaptive import TrialResult
from game.play.level_set import PromptingSettings, PromptStep

INDEPENDENT = "independent"


class PromptLadder:
    """The steps showing in one trial."""

    def __init__(self, steps: Sequence[PromptStep], start_level: int) -> None:
        self.steps = tuple(steps)
        self.level = max(0, min(start_level, len(self.steps)))

    @property
    def top(self) -> int:
        return len(self.steps)

    @property
    def name(self) -> str:
        """"independent" or the kind of the highest step showing."""
        return INDEPENDENT if self.level == 0 else self.steps[self.level - 1].kind

    @property
    def showing(self) -> tuple[PromptStep, ...]:
        return self.steps[: self.level]

    @property
    def threshold_drop(self) -> float:
        return sum(s.threshold_drop for s in self.showing if s.kind == "lower_threshold")

    @property
    def part_hint_showing(self) -> bool:
        return any(s.kind == "part_hint" for s in self.showing)

    def raise_due(self, active_ms: int, failures: int) -> list[PromptStep]:
        """Raise the level past every next step whose time or failure count is reached."""
        raised: list[PromptStep] = []
        while self.level < self.top:
            step = self.steps[self.level]
            by_time = step.after_ms is not None and active_ms >= step.after_ms
            by_failures = step.after_failures is not None and failures >= step.after_failures
            if not (by_time or by_failures):
                break
            self.level += 1
            raised.append(step)
        return raised


class PromptFader:
    """Where each trial of a level starts on the ladder."""

    def __init__(self, settings: PromptingSettings) -> None:
        self.settings = settings
        self.top = len(settings.steps)
        top_first = settings.errorless or settings.direction == "most_to_least"
        self.start_level = self.top if top_first else 0

    def record(self, result: TrialResult) -> None:
        if self.settings.errorless or result is TrialResult.NEUTRAL:
            return
        if result is TrialResult.FAILURE:
            self.start_level = min(self.top, self.start_level + 1)
        else:
            self.start_level = max(0, self.start_level - 1)
