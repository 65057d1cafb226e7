"""What every trial scene shows around its main picture: gauge, hold ring, trial dots, timer.

`TrialView` is the UI's copy of the running trial, filled by the session driver from the
rules engine's events and state; scenes draw from it and never decide anything. The gauge
shows the live target score with the threshold marker; its fill turns to the success colour
above the threshold, and the hold bar beneath fills while the child holds the face.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field
from typing import Any

import pygame

from game.expressions import Expression, HintKey
from game.ui.scenes.base import draw_card, draw_text
from game.ui.scenes.reward import star_points
from game.ui.theme import Theme

logger = logging.getLogger(__name__)


@dataclass(slots=True)
class TrialView:
    """The running trial as the scenes draw it (UI state only; the rules live in game.play).

    Attributes:
        mode: "mimic" | "cue" | "maze" | "story".
        target: the expression asked for.
        intensity: how strong the model face is drawn (0..1).
        trial_index / trials_total: for the progress dots (0-based index).
        threshold: the score the child must reach (after any lowering).
        score: the live target score (0..1), from the latest trusted reading.
        hold_ms / hold_required_ms: how long the face has been held / must be held.
        hint: the hint being shown (None: none yet).
        show_model: the avatar shows the target face (mimic, or a "model" prompt).
        prompt_text: the spoken prompt in the child's language.
        story: the story scene (picture name and text) for story mode, else None.
        active: a trial is running (False between trials).
        level_id: the level being played.
        stars: stars collected this session.
    """

    mode: str = "mimic"
    target: Expression = Expression.HAPPY
    intensity: float = 1.0
    trial_index: int = 0
    trials_total: int = 1
    threshold: float = 0.6
    score: float = 0.0
    hold_ms: int = 0
    hold_required_ms: int = 1000
    hint: HintKey | None = None
    show_model: bool = True
    prompt_text: str = ""
    story: Any = None
    active: bool = False
    level_id: str = ""
    stars: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def hold_fraction(self) -> float:
        if self.hold_required_ms <= 0:
            return 0.0
        return max(0.0, min(1.0, self.hold_ms / self.hold_required_ms))


def draw_gauge(surface: pygame.Surface, rect: pygame.Rect, view: TrialView, theme: Theme,
               label: str = "") -> None:
    """A horizontal gauge of the live score, the threshold marker and the hold bar under it."""
    p = theme.palette
    draw_card(surface, rect.inflate(24, 24), p.surface, p.outline, radius=22)
    track = pygame.Rect(rect.left, rect.top, rect.width, round(rect.height * 0.58))
    radius = track.height // 2
    pygame.draw.rect(surface, p.surface_alt, track, border_radius=radius)
    reached = view.score >= view.threshold and view.active
    fill_w = round(track.width * max(0.0, min(1.0, view.score)))
    if fill_w > 0:
        fill = pygame.Rect(track.left, track.top, max(fill_w, track.height), track.height)
        pygame.draw.rect(surface, p.success if reached else p.progress, fill,
                         border_radius=radius)
    mark_x = track.left + round(track.width * view.threshold)
    pygame.draw.line(surface, p.threshold, (mark_x, track.top - 8),
                     (mark_x, track.bottom + 8), width=4)
    star_center = (mark_x, track.top - 20)
    pygame.draw.polygon(surface, p.star, star_points(star_center, 14))
    pygame.draw.polygon(surface, p.star_outline, star_points(star_center, 14), width=2)
    hold = pygame.Rect(rect.left, track.bottom + 12, rect.width, rect.bottom - track.bottom - 12)
    pygame.draw.rect(surface, p.surface_alt, hold, border_radius=hold.height // 2)
    hold_w = round(hold.width * view.hold_fraction)
    if hold_w > 0:
        pygame.draw.rect(surface, p.success,
                         pygame.Rect(hold.left, hold.top, max(hold_w, hold.height), hold.height),
                         border_radius=hold.height // 2)


def draw_trial_dots(surface: pygame.Surface, topleft: tuple[int, int], view: TrialView,
                    theme: Theme) -> None:
    """One dot per trial of the level: done ones filled, the current one ringed."""
    p = theme.palette
    x, y = topleft
    total = max(1, min(view.trials_total, 20))
    for i in range(total):
        center = (x + 14 + i * 34, y + 14)
        if i < view.trial_index:
            pygame.draw.circle(surface, p.accent, center, 11)
        elif i == view.trial_index:
            pygame.draw.circle(surface, p.accent, center, 13, width=4)
        else:
            pygame.draw.circle(surface, p.outline, center, 9, width=2)


def draw_timer(surface: pygame.Surface, center: tuple[int, int], remaining_fraction: float,
               theme: Theme) -> None:
    """A gentle session timer: a soft pie that empties, no numbers, no ticking."""
    p = theme.palette
    radius = 22
    pygame.draw.circle(surface, p.surface_alt, center, radius)
    frac = max(0.0, min(1.0, remaining_fraction))
    if frac > 0.0:
        points: list[tuple[float, float]] = [center]
        steps = max(2, round(40 * frac))
        for i in range(steps + 1):
            angle = -math.pi / 2 + 2 * math.pi * frac * i / steps
            points.append((center[0] + radius * math.cos(angle),
                           center[1] + radius * math.sin(angle)))
        if len(points) >= 3:
            pygame.draw.polygon(surface, p.progress, points)
    pygame.draw.circle(surface, p.outline, center, radius, width=2)


def draw_hint_text(surface: pygame.Surface, text: str, center: tuple[int, int], width: int,
                   font: pygame.font.Font, theme: Theme) -> None:
    """The hint's short text in a soft bubble (nothing when `text` is empty)."""
    if not text:
        return
    p = theme.palette
    lines_h = font.get_linesize() * (2 if font.size(text)[0] > width - 40 else 1)
    bubble = pygame.Rect(0, 0, width, lines_h + 28)
    bubble.center = center
    draw_card(surface, bubble, p.surface, p.highlight, radius=20)
    draw_text(surface, text, font, p.text, bubble.center, max_width=width - 40)
