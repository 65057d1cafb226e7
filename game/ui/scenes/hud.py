"""What every trial scene shows around its main picture: gauge, hold ring, trial dots, timer.

`TrialView` is the UI's copy of the running trial, filled by the session driver from the
rules engine's events and state; scenes draw from it and never decide anything. The gauge
shows the live target score with the threshold marker; its fill turns to the success colour
above the threshold, and the hold bar beneath fills while the child holds the face.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import pygame

from game.expressions import CREDIT_THRESHOLD, Expression, HintKey
from game.ui import widgets
from game.ui.avatar_params import NEUTRAL_FACE, AvatarFace, hint_visual
from game.ui.theme import Theme
from game.ui.widgets import draw_card

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
        mirror: the avatar pose mirroring the child (kept across scenes, so it never jumps).
    """

    mode: str = "mimic"
    target: Expression = Expression.HAPPY
    intensity: float = 1.0
    trial_index: int = 0
    trials_total: int = 1
    threshold: float = CREDIT_THRESHOLD
    score: float = 0.0
    hold_ms: int = 0
    hold_required_ms: int = 1000
    hint: HintKey | None = None
    show_model: bool = True
    prompt_text: str = ""
    story: str | None = None  # the story picture's name (story trials)
    active: bool = False
    level_id: str = ""
    stars: int = 0
    mirror: AvatarFace = NEUTRAL_FACE
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def hold_fraction(self) -> float:
        if self.hold_required_ms <= 0:
            return 0.0
        return max(0.0, min(1.0, self.hold_ms / self.hold_required_ms))


def draw_trial_gauge(surface: pygame.Surface, rect: pygame.Rect, view: TrialView,
                     theme: Theme) -> None:
    """The live score gauge (threshold star, hold bar beneath) on its card; the card leaves
    room above the bar for the threshold star."""
    card = rect.inflate(28, 28)
    card.top -= 26
    card.height += 26
    draw_card(surface, card, theme, radius=22)
    widgets.draw_gauge(surface, rect, view.score, view.threshold, theme,
                       hold=view.hold_fraction, active=view.active)


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


def draw_hint(surface: pygame.Surface, rect: pygame.Rect, view: TrialView, text: str,
              theme: Theme) -> None:
    """The hint bubble: the face part's picture, its arrow and the short text."""
    part, arrow = hint_visual(view.hint)
    widgets.draw_hint_bubble(surface, rect, text, theme, part=part, arrow=arrow)
