"""Sensory settings: what the child sees and hears, chosen by the therapist per child.

A plain immutable record with `to_dict()` / `from_dict()` so the records layer can keep it
in the child's profile as JSON without importing the UI. Unknown keys are ignored and bad
values fall back to the defaults, so an old or hand-edited profile never stops the game.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, TypeVar

from game.phrases import LANGUAGES

logger = logging.getLogger(__name__)

PALETTES = ("calm", "high_contrast")
TEXT_SCALES = (1.0, 1.25, 1.5)
VOLUME_STEP = 0.1

SettingValue = str | float | bool  # the type of every setting (ints count as floats)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class SensorySettings:
    """The sensory settings of one child.

    Attributes:
        palette: "calm" (soft colours, default) or "high_contrast".
        language: one of `game.phrases.LANGUAGES` ("en", "zh-CN"): texts shown, voice.
        text_scale: 1.0, 1.25 or 1.5.
        reduced_motion: no bobbing, no sliding; changes appear at once.
        muted: every sound off.
        quiet_mode: voice and effects softer, no music (for a child who finds sound too
            much; the audio system applies it).
        voice_volume / effects_volume / music_volume: 0..1 per channel.
        show_timer: show the session cap as a gentle timer.
        camera_view_allowed: the therapist may show the child's camera image.
        session_minutes: the session cap (the rules engine ends the session).
    """

    palette: str = "calm"
    language: str = "en"
    text_scale: float = 1.0
    reduced_motion: bool = False
    muted: bool = False
    quiet_mode: bool = False
    voice_volume: float = 0.8
    effects_volume: float = 0.5
    music_volume: float = 0.3
    show_timer: bool = True
    camera_view_allowed: bool = False
    session_minutes: int = 15

    def __post_init__(self) -> None:
        if self.palette not in PALETTES:
            raise ValueError(f"palette must be one of {PALETTES}, got {self.palette!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, got {self.language!r}")
        for name, value in (("voice_volume", self.voice_volume),
                            ("effects_volume", self.effects_volume),
                            ("music_volume", self.music_volume)):
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if not 0.5 <= self.text_scale <= 2.0:
            raise ValueError(f"text_scale must be in [0.5, 2], got {self.text_scale}")
        if not 1 <= self.session_minutes <= 60:
            raise ValueError(f"session_minutes must be 1..60, got {self.session_minutes}")

    def to_dict(self) -> dict[str, Any]:
        """The settings as JSON values (kept in the child's profile)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> SensorySettings:
        """Settings from stored JSON; unknown keys are ignored, invalid values defaulted."""
        settings = cls()
        if not data:
            return settings
        known = {f.name for f in fields(cls)}
        for key, value in data.items():
            if key not in known:
                continue
            try:
                settings = replace(settings, **{key: value})
            except (ValueError, TypeError):
                logger.warning("ignoring invalid setting %s=%r", key, value)
        return settings

    def with_changes(self, **changes: SettingValue) -> SensorySettings:
        """A copy with the named settings changed.

        Raises:
            ValueError: a value out of range (checked as at construction).
            TypeError: no setting of such a name.
        """
        # a field named at run time: mypy cannot pair names with types; __post_init__
        # checks the values as it does for every new record
        return replace(self, **changes)  # type: ignore[arg-type]

    def volume(self, channel: str) -> float:
        """The effective volume (0..1) of "voice", "effects" or "music" (0 when muted).

        Raises:
            ValueError: another channel name.
        """
        volumes = {"voice": self.voice_volume, "effects": self.effects_volume,
                   "music": self.music_volume}
        if channel not in volumes:
            raise ValueError(f"no audio channel {channel!r} (voice, effects or music)")
        return 0.0 if self.muted else float(volumes[channel])


def cycle(options: tuple[T, ...], current: object, step: int = 1) -> T:
    """The option after (or before, step=-1) `current`, wrapping around."""
    try:
        index = options.index(current)
    except ValueError:
        return options[0]
    return options[(index + step) % len(options)]


def step_volume(value: float, step: int) -> float:
    """`value` moved by one volume step up or down, kept in [0, 1]."""
    return round(min(1.0, max(0.0, value + step * VOLUME_STEP)), 2)
