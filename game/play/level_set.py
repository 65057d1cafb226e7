"""Typed, immutable level sets as the engine uses them (built by `game.play.level_loader`).

Field names are the file's field names (`game.play.level_schema`); a test keeps the two
in step. Texts are read-only mappings language -> text.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from game.expressions import CREDIT_THRESHOLD, Expression

Texts = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class PromptStep:
    kind: str                      # voice_repeat | model_face | part_hint | lower_threshold
    after_ms: int | None
    after_failures: int | None
    threshold_drop: float


@dataclass(frozen=True, slots=True)
class PromptingSettings:
    direction: str                 # least_to_most | most_to_least
    errorless: bool
    steps: tuple[PromptStep, ...]


@dataclass(frozen=True, slots=True)
class RewardSettings:
    independent: int
    prompted: int


@dataclass(frozen=True, slots=True)
class AdaptiveSettings:
    enabled: bool
    up_after: int
    down_after: int
    threshold_step: float
    threshold_min: float
    threshold_max: float
    hold_step_ms: int
    hold_min_ms: int
    hold_max_ms: int


@dataclass(frozen=True, slots=True)
class StoryScene:
    target: Expression
    text: Texts
    picture: str


@dataclass(frozen=True, slots=True)
class MazeSettings:
    size: int
    show_path: bool
    walk_ms: int


@dataclass(frozen=True, slots=True)
class BreakSettings:
    after_timeouts: int | None     # None: the session's break_after_timeouts
    max_ms: int
    end_on_smile: bool
    smile_threshold: float
    min_ms: int


DEFAULT_BREAKS = BreakSettings(None, 60_000, True, CREDIT_THRESHOLD, 3000)


@dataclass(frozen=True, slots=True)
class Level:
    id: str
    title: Texts
    mode: str                      # mimic | cue | maze | story
    targets: tuple[Expression, ...]
    trials: int
    ordering: str                  # fixed | shuffled | balanced
    threshold: float
    hold_ms: int
    time_limit_ms: int
    attempt_fraction: float
    intro: Texts | None
    prompts: Mapping[Expression, Texts] | None
    prompting: PromptingSettings
    rewards: RewardSettings
    adaptive: AdaptiveSettings
    scenes: tuple[StoryScene, ...]
    maze: MazeSettings | None
    breaks: BreakSettings = DEFAULT_BREAKS

    def scenes_for(self, target: Expression) -> tuple[StoryScene, ...]:
        return tuple(scene for scene in self.scenes if scene.target is target)


@dataclass(frozen=True, slots=True)
class SessionSettings:
    time_cap_ms: int
    break_every_ms: int
    break_after_timeouts: int
    inter_trial_ms: int
    pause_after_ms: int
    stale_after_ms: int
    away_end_ms: int


@dataclass(frozen=True, slots=True)
class LevelSet:
    format: int
    id: str
    title: Texts
    description: Texts | None
    languages: tuple[str, ...]
    session: SessionSettings
    levels: tuple[Level, ...]
    source: Path | None = None     # the file it was loaded from (not a file field)

    def _all_texts(self) -> Iterator[Texts]:
        yield self.title
        if self.description:
            yield self.description
        for level in self.levels:
            yield level.title
            if level.intro:
                yield level.intro
            if level.prompts:
                yield from level.prompts.values()
            for scene in level.scenes:
                yield scene.text

    def spoken_texts(self) -> dict[str, tuple[str, ...]]:
        """Every text this set can show or say, per language, distinct, in file order.

        Covers the set's title and description and each level's title, intro, prompt
        overrides and story scenes. Fixed phrases (praise, hints, "let's try another one")
        come from `game.phrases`, not from here.
        """
        found: dict[str, dict[str, None]] = {lang: {} for lang in self.languages}
        for texts in self._all_texts():
            for lang in self.languages:
                found[lang][texts[lang]] = None
        return {lang: tuple(texts) for lang, texts in found.items()}

    def level(self, level_id: str) -> Level:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(f"level set {self.id!r} has no level {level_id!r}")
