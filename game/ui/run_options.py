"""How one run of the game plays: `RunOptions`, fixed from start-up to the end.

`facequest play` turns its arguments into one `RunOptions`; the runner builds the game from
it and the context (`GameContext.options`) carries it, so a scene reads a typed field
(`ctx.options.seed`) and never a string key. Values are checked when the record is made:
a bad one raises `ValueError` with one sentence, before anything starts.

No pygame here: the command line imports it before the display opens.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from game.locales import LANGUAGES
from game.ui.settings import PALETTES

if TYPE_CHECKING:
    from game.home.plan import HomePlan


@dataclass(frozen=True, slots=True)
class RunOptions:
    """The options of one run (from `facequest play`'s arguments).

    Attributes:
        headless: no window: draw off-screen, play by itself (`game.ui.autoplay` presses
            the keys a person would) and end the program when the goodbye card closes.
        profile: pick this child (a name or an id) at once; None: the start screen.
        data_dir: where profiles and progress are kept; None: nothing is recorded.
        max_seconds: end the session, then the program, after this many seconds (> 0);
            None: no cap.
        screenshots: save a PNG at every scene change into this folder; None: none.
        lang: the language given on the command line ("en", "zh-CN"); None: the child's.
        palette: the colours given on the command line ("calm", "high_contrast"); None:
            the child's.
        seed: seed for orders and mazes (each level's maze uses `seed * 1000 + level`).
        model: another expression model (.onnx); None: the bundled one.
        landmarker: another face_landmarker.task; None: the bundled one.
        fixed_levels: `--levels` was given (or a home plan names a level set): every child
            plays the level set started with, whatever their programme.
        home_plan: a home installation's plan (one child, every session's place "home");
            None in a clinic.
        calibrate: capture the child's calm face before play; False when the source is a
            still picture (the runner sets it from the source): play then uses the
            population neutral.

    Raises:
        ValueError: a value out of range (one sentence naming the option).
    """

    headless: bool = False
    profile: str | None = None
    data_dir: Path | None = None
    max_seconds: float | None = None
    screenshots: Path | None = None
    lang: str | None = None
    palette: str | None = None
    seed: int = 0
    model: Path | None = None
    landmarker: Path | None = None
    fixed_levels: bool = False
    home_plan: HomePlan | None = None
    calibrate: bool = True

    def __post_init__(self) -> None:
        if self.max_seconds is not None and not (
                math.isfinite(self.max_seconds) and self.max_seconds > 0):
            raise ValueError(f"max_seconds must be a number above 0, got {self.max_seconds}")
        if self.lang is not None and self.lang not in LANGUAGES:
            raise ValueError(f"lang must be one of {LANGUAGES}, got {self.lang!r}")
        if self.palette is not None and self.palette not in PALETTES:
            raise ValueError(f"palette must be one of {PALETTES}, got {self.palette!r}")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int):
            raise ValueError(f"seed must be a whole number, got {self.seed!r}")
        if self.profile is not None and not self.profile.strip():
            raise ValueError("profile must name a child (a name or an id), got an empty text")

    def command_line_settings(self) -> dict[str, str]:
        """The settings given on the command line (language, palette); they win over the
        child's own and over the settings for new children."""
        found: dict[str, str] = {}
        if self.lang:
            found["language"] = self.lang
        if self.palette:
            found["palette"] = self.palette
        return found
