"""Colours and sensory settings every drawing function reads.

Two palettes: "calm" (the default: soft, warm, low saturation) and "high_contrast" (dark
background, near-white text, strong outlines, still no red). A `Theme` bundles the palette
with the text size and the reduced-motion setting, so drawing code never reads settings.

This module imports no pygame: colours are plain RGB tuples that pygame accepts directly.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

logger = logging.getLogger(__name__)

Color = tuple[int, int, int]


@dataclass(frozen=True, slots=True)
class Palette:
    """Every colour the UI draws with. No red anywhere: "not yet" is never shown as an error."""

    name: str
    # page and cards
    background: Color
    surface: Color  # cards, bubbles, buttons
    surface_alt: Color  # pressed/selected cards, track of gauges
    outline: Color
    text: Color
    text_muted: Color
    # accents
    accent: Color  # primary buttons, focus ring
    accent_text: Color  # text on an accent fill
    progress: Color  # gauge fill below the threshold
    success: Color  # gauge fill at/above the threshold, hold ring
    threshold: Color  # the threshold marker on the gauge
    highlight: Color  # the soft glow around the face part of a hint
    arrow: Color  # hint arrows
    star: Color
    star_outline: Color
    sticker: Color
    # avatar
    skin: Color
    skin_shade: Color
    cheek: Color
    hair: Color
    feature: Color  # brows, eye outlines, mouth line
    eye_white: Color
    iris: Color
    mouth_inside: Color
    tongue: Color
    teeth: Color


CALM = Palette(
    name="calm",
    background=(236, 241, 236),
    surface=(250, 248, 242),
    surface_alt=(221, 229, 224),
    outline=(150, 160, 158),
    text=(46, 56, 64),
    text_muted=(98, 110, 118),
    accent=(92, 142, 160),
    accent_text=(252, 252, 248),
    progress=(140, 178, 196),
    success=(112, 170, 128),
    threshold=(70, 84, 96),
    highlight=(96, 172, 222),
    arrow=(72, 124, 150),
    star=(240, 196, 92),
    star_outline=(176, 132, 52),
    sticker=(176, 150, 206),
    skin=(246, 214, 184),
    skin_shade=(224, 184, 152),
    cheek=(240, 170, 160),
    hair=(120, 86, 64),
    feature=(70, 52, 44),
    eye_white=(255, 255, 252),
    iris=(88, 118, 96),
    mouth_inside=(122, 72, 84),
    tongue=(228, 152, 144),
    teeth=(255, 255, 250),
)

HIGH_CONTRAST = Palette(
    name="high_contrast",
    background=(18, 20, 26),
    surface=(36, 40, 50),
    surface_alt=(64, 70, 84),
    outline=(240, 240, 240),
    text=(255, 255, 255),
    text_muted=(210, 214, 220),
    accent=(255, 210, 60),
    accent_text=(16, 16, 16),
    progress=(90, 190, 255),
    success=(80, 230, 140),
    threshold=(255, 255, 255),
    highlight=(0, 200, 255),
    arrow=(255, 230, 60),
    star=(255, 214, 40),
    star_outline=(255, 255, 255),
    sticker=(200, 160, 255),
    skin=(250, 216, 180),
    skin_shade=(200, 160, 126),
    cheek=(244, 160, 150),
    hair=(90, 60, 40),
    feature=(10, 10, 10),
    eye_white=(255, 255, 255),
    iris=(40, 90, 60),
    mouth_inside=(84, 40, 60),
    tongue=(232, 144, 140),
    teeth=(255, 255, 255),
)

PALETTES: dict[str, Palette] = {p.name: p for p in (CALM, HIGH_CONTRAST)}


def palette_named(name: str) -> Palette:
    """The palette called `name` ("calm" or "high_contrast"); ValueError names the choices."""
    try:
        return PALETTES[name]
    except KeyError:
        raise ValueError(
            f"unknown palette {name!r}; allowed: {', '.join(PALETTES)}"
        ) from None


# Base text sizes in pixels at text_scale 1.0, for a 1280x720 window.
TEXT_SIZES: dict[str, int] = {
    "small": 22,
    "body": 30,
    "title": 44,
    "huge": 64,
}


@dataclass(frozen=True, slots=True)
class Theme:
    """What drawing code needs to know about the child's sensory settings.

    Attributes:
        palette: the colours.
        text_scale: multiplies every text size (0.75 .. 2.0; the therapist's "text size").
        reduced_motion: when true, drawing uses no pulsing, bouncing or sliding: the same
            input time gives the still pose.
    """

    palette: Palette = field(default=CALM)
    text_scale: float = 1.0
    reduced_motion: bool = False

    def __post_init__(self) -> None:
        if not 0.5 <= self.text_scale <= 3.0:
            raise ValueError(f"text_scale must be within 0.5..3.0, got {self.text_scale}")

    def text_px(self, size: str | int) -> int:
        """Pixel height for a named size ("small", "body", "title", "huge") or a base size."""
        base = TEXT_SIZES[size] if isinstance(size, str) else int(size)
        return max(8, round(base * self.text_scale))

    def motion(self, amount: float) -> float:
        """`amount` of an animation offset, or 0.0 under reduced motion."""
        return 0.0 if self.reduced_motion else amount

    @classmethod
    def from_settings(
        cls, palette: str = "calm", text_scale: float = 1.0, reduced_motion: bool = False
    ) -> Theme:
        """Build a theme from plain settings values (as stored with a profile)."""
        return cls(palette_named(palette), text_scale, reduced_motion)


DEFAULT_THEME = Theme()
