"""Sensory settings reach the screen and the sound: the timer row, quiet mode, the mixer format,
the voice warm-up after the first frame, and a settings list that scrolls at large text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pygame
import pytest

from game.audio.system import AudioSystem
from game.expressions import Expression
from game.play.session import Session
from game.ui.app import App
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext, theme_for
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import Scene, SceneStack
from game.ui.scenes.hud import TrialView
from game.ui.scenes.settings_scene import ROWS, SettingsScene
from game.ui.scenes.trial import MimicScene
from game.ui.settings import SensorySettings, SettingValue


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _ctx(**settings: SettingValue) -> GameContext:
    chosen = SensorySettings().with_changes(**settings)
    return GameContext(settings=chosen, clock=FrameClock())


def _row(field: str) -> int:
    return next(i for i, row in enumerate(ROWS) if row.field == field)


def _focus(stack: SceneStack, scene: SettingsScene, index: int) -> None:
    while scene.focus != index:
        stack.handle(InputEvent(Action.DOWN))


@pytest.mark.parametrize("field", ["show_timer", "quiet_mode"])
def test_the_settings_scene_turns_the_timer_and_quiet_mode_on_and_off(field: str) -> None:
    ctx = _ctx()
    stack = SceneStack()
    scene = SettingsScene(ctx)
    stack.push(scene)
    before = getattr(ctx.settings, field)
    _focus(stack, scene, _row(field))
    stack.handle(InputEvent(Action.CONFIRM))
    assert getattr(ctx.settings, field) is (not before)
    stack.handle(InputEvent(Action.RIGHT))
    assert getattr(ctx.settings, field) is before


def test_the_hidden_timer_is_not_drawn() -> None:
    def top_right(show: bool) -> np.ndarray:
        ctx = _ctx(show_timer=show)
        ctx.session = Mock(spec=Session)
        ctx.flow = Mock(spec=GameFlow)
        ctx.flow.remaining_fraction.return_value = 0.5
        surface = pygame.Surface(WINDOW_SIZE)
        MimicScene(ctx, TrialView(target=Expression.HAPPY, active=True)).draw(surface)
        return pygame.surfarray.array3d(surface)[WINDOW_SIZE[0] - 90:, :70]

    shown, hidden = top_right(True), top_right(False)
    background = np.array(theme_for(SensorySettings()).palette.background)
    assert (hidden == background).all()
    assert not (shown == background).all()


def test_quiet_mode_reaches_the_audio_system(tmp_path: Path) -> None:
    empty_pack = tmp_path / "pack"
    empty_pack.mkdir()
    ctx = _ctx()
    with AudioSystem(ctx.settings, cache_dir=tmp_path / "cache", pack_dir=empty_pack,
                     engine_factory=None) as audio:
        ctx.audio = audio
        assert not audio.player.quiet
        ctx.apply_settings(ctx.settings.with_changes(quiet_mode=True))
        assert audio.player.quiet
        assert audio.player.effective_volume("music") == 0.0


def test_settings_keep_quiet_mode_through_the_profile_json() -> None:
    stored = SensorySettings(quiet_mode=True, show_timer=False).to_dict()
    again = SensorySettings.from_dict(stored)
    assert again.quiet_mode and not again.show_timer


def test_the_voice_is_warmed_once_after_start_up_then_for_a_new_language() -> None:
    ctx = _ctx()
    ctx.audio = Mock(spec=AudioSystem)
    ctx.apply_settings(ctx.settings.with_changes(language="zh-CN"))  # before start-up
    ctx.audio.warm_up.assert_not_called()
    ctx.warm_up_voice()
    ctx.warm_up_voice()
    ctx.apply_settings(ctx.settings.with_changes(palette="high_contrast"))
    ctx.audio.warm_up.assert_called_once_with("zh-CN")
    ctx.apply_settings(ctx.settings.with_changes(language="en"))
    assert ctx.audio.warm_up.call_args_list[-1].args == ("en",)


class _Counting(Scene):
    name = "counting"

    def __init__(self) -> None:
        super().__init__()
        self.draws = 0

    def draw(self, surface: pygame.Surface) -> None:
        self.draws += 1


def test_after_first_frame_runs_once_after_the_first_picture() -> None:
    surface = pygame.display.set_mode((64, 48))
    scene = _Counting()
    seen: list[int] = []

    def frames() -> Iterator[int]:
        yield from [16] * 4

    app = App(_ctx(), surface, SceneStack(), frame_source=frames(), event_source=lambda: [],
              after_first_frame=lambda: seen.append(scene.draws))
    app.run(scene)
    assert seen == [1]
    assert scene.draws == 4


def test_the_mixer_opens_in_the_audio_systems_format() -> None:
    from game.audio.player import MIXER_FORMAT
    from game.ui.runner import start_mixer

    pygame.mixer.quit()
    try:
        start_mixer()
        pygame.init()  # must not reopen the mixer in SDL's default format
        assert pygame.mixer.get_init() == (MIXER_FORMAT["frequency"], MIXER_FORMAT["size"],
                                           MIXER_FORMAT["channels"])
    finally:
        pygame.mixer.quit()


@pytest.mark.parametrize("text_scale", [1.0, 1.5])
def test_the_chosen_settings_row_is_always_in_the_window(text_scale: float) -> None:
    ctx = _ctx(text_scale=text_scale)
    stack = SceneStack()
    scene = SettingsScene(ctx)
    stack.push(scene)
    window = pygame.Rect((0, 0), WINDOW_SIZE)
    for _ in range(len(ROWS) + 2):
        rects = scene._row_rects()
        assert scene.focus in rects
        assert all(window.contains(r) for r in rects.values())
        stack.handle(InputEvent(Action.DOWN))
    surface = pygame.Surface(WINDOW_SIZE)
    scene.draw(surface)
    tapped = rects[max(rects)]
    stack.handle(InputEvent(Action.POINT, pos=tapped.center))
    assert scene.focus == max(rects)


def test_frame_stats_report_the_first_frame_time_and_peak_memory() -> None:
    from game.ui.app import process_age_s

    surface = pygame.display.set_mode((64, 48))

    def frames() -> Iterator[int]:
        yield from [16] * 3

    app = App(_ctx(), surface, SceneStack(), frame_source=frames(), event_source=lambda: [])
    before = process_age_s()
    app.run(_Counting())
    stats = app.frame_stats()
    assert stats.frames == 3
    assert before <= stats.first_frame_s <= process_age_s()
    assert stats.peak_rss_mb > 10  # a Python process with pygame loaded
