"""The replay in a window of its own: `facequest replay CHILD` without `--out`.

The same `ReplayScene` the child's page opens in the game, run by the app loop on a fresh
display; pygame is started and stopped here, so the command line never imports it.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from game.ui.replay_source import ReplayTrial, child_trials

if TYPE_CHECKING:
    from game.records.models import Profile
    from game.records.store import ProgressStore


def open_replay_window(store: ProgressStore, profile: Profile, trial: ReplayTrial,
                       lang: str) -> None:
    """Show the child's replays in a window, starting at `trial`, until Esc or close."""
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame

    from game.ui.app import App, init_display
    from game.ui.avatar_params import look_named
    from game.ui.clock import FrameClock
    from game.ui.context import WINDOW_SIZE, GameContext
    from game.ui.runner import forget_fonts
    from game.ui.scene_stack import SceneStack
    from game.ui.scenes.replay import ReplayScene
    from game.ui.settings import SensorySettings

    trials = child_trials(store, profile.profile_id)
    start = next((i for i, t in enumerate(trials)
                  if t.session_id == trial.session_id and t.number == trial.number), 0)
    settings = SensorySettings.from_dict({**(profile.settings or {}), "language": lang})
    surface = init_display(WINDOW_SIZE, headless=False)
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, window_size=surface.get_size())
    try:
        App(ctx, surface, SceneStack()).run(ReplayScene(ctx, trials, start=start,
                                                        look=look_named(profile.avatar)))
    finally:
        forget_fonts()
        pygame.quit()
