"""Every scene draws in both palettes and both languages, with fake pipeline/session/store
built with spec= (no camera, no window), and the session driver turns engine events into
the right scenes."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pygame
import pytest

from game.expressions import Expression, HintKey, QualityFlag
from game.play import events as ev
from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import Profile, ProgressStore, memory_store
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext, theme_for
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.base import GameScene
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.end import EndScene
from game.ui.scenes.hud import TrialView
from game.ui.scenes.maze import MazeScene
from game.ui.scenes.name_entry import NameEntryScene
from game.ui.scenes.overlays import THERAPIST_KEYS, HelpOverlay, MessageCard, PauseOverlay
from game.ui.scenes.pin import PinScene, PinSetupScene
from game.ui.scenes.progress import ProgressScene
from game.ui.scenes.reward import RewardScene
from game.ui.scenes.settings_scene import SettingsScene
from game.ui.scenes.start import StartScene
from game.ui.scenes.story import PICTURES, StoryScene, paint_picture
from game.ui.scenes.trial import CueScene, MimicScene
from game.ui.settings import SensorySettings
from game.vision.calibration import CalibrationState, CalibrationStatus
from game.vision.pipeline import VisionPipeline
from game.vision.records import ExpressionReading, Frame

REPO = Path(__file__).resolve().parents[2]
WHEN = "2026-01-01T10:00:00+00:00"  # when the start screen's children were added


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _reading() -> ExpressionReading:
    probs = {e: 0.0 for e in Expression} | {Expression.HAPPY: 0.8, Expression.NEUTRAL: 0.2}
    return ExpressionReading(t_ms=100, probabilities=probs, target=Expression.HAPPY,
                             target_score=0.7, raw_score=0.7, hint=HintKey.SMILE_WIDER,
                             flags=frozenset({QualityFlag.NOT_CALIBRATED}))


def _context(
    palette: str, lang: str, store: ProgressStore | None = None, *, scale: float = 1.0,
    camera_view: bool = True,
) -> GameContext:
    settings = SensorySettings(palette=palette, language=lang, camera_view_allowed=camera_view,
                               text_scale=scale)
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = _reading()
    pipeline.latest_frame.return_value = Frame(100, np.full((120, 160, 3), 90, np.uint8))
    pipeline.calibration_status.return_value = CalibrationStatus(
        CalibrationState.COLLECTING, progress=0.6)
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      pipeline=pipeline, store=store, reading=_reading(),
                      level_set=level_set)
    flow = Mock(spec=GameFlow)
    flow.remaining_fraction.return_value = 0.6
    ctx.flow = flow
    ctx.session = Mock(spec=Session)
    return ctx


def _view(mode: str) -> TrialView:
    return TrialView(mode=mode, target=Expression.SURPRISED, trials_total=6, trial_index=2,
                     threshold=0.55, score=0.62, hold_ms=300, hold_required_ms=600,
                     hint=HintKey.RAISE_BROWS, prompt_text="Show me a surprised face!",
                     story="birthday_cake", active=True)


SCENES: dict[str, Callable[[GameContext], GameScene]] = {
    "start": lambda c: StartScene(c, []),
    "pin": lambda c: PinScene(c, lambda pin: False, lambda: StartScene(c, [])),
    "pin_setup": lambda c: PinSetupScene(c, lambda pin: True, lambda: StartScene(c, [])),
    "name_entry": lambda c: NameEntryScene(c, lambda name: None),
    "settings": lambda c: SettingsScene(c),
    "calibration": CalibrationScene,
    "mimic": lambda c: MimicScene(c, _view("mimic")),
    "cue": lambda c: CueScene(c, _view("cue")),
    "maze": lambda c: MazeScene(c, _view("maze")),
    "story": lambda c: StoryScene(c, _view("story")),
    "reward": lambda c: RewardScene(c, 3, True),
    "pause_no_face": lambda c: PauseOverlay(c, "no_face"),
    "pause_manual": lambda c: PauseOverlay(c, "manual"),
    "message": lambda c: MessageCard(c, "try_another"),
    "help": HelpOverlay,
    "progress": ProgressScene,
    "end": lambda c: EndScene(c, 7, 4, 6),
}


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("palette", ["calm", "high_contrast"])
@pytest.mark.parametrize("scene_name", sorted(SCENES))
def test_every_scene_draws_in_every_palette_and_language(
    scene_name: str, palette: str, lang: str
) -> None:
    ctx = _context(palette, lang)
    stack = SceneStack()
    scene = SCENES[scene_name](ctx)
    stack.push(scene)
    for _ in range(3):
        stack.update(400, 1000)
    surface = pygame.Surface(WINDOW_SIZE)
    surface.fill((1, 2, 3))
    stack.draw(surface)
    pixels = pygame.surfarray.array3d(surface)[::8, ::8].reshape(-1, 3)
    colours = {tuple(int(v) for v in px) for px in pixels}
    assert len(colours) > 3, "the scene drew (almost) nothing"


@pytest.mark.parametrize("picture", sorted(PICTURES))
def test_every_story_picture_draws(picture: str) -> None:
    surface = pygame.Surface((560, 380))
    surface.fill((1, 2, 3))
    paint_picture(picture, surface, surface.get_rect(), theme_for(SensorySettings()).palette)
    pixels = pygame.surfarray.array3d(surface)[::6, ::6].reshape(-1, 3)
    assert len({tuple(int(v) for v in px) for px in pixels}) > 3


def test_every_shipped_story_picture_has_a_painter() -> None:
    for path in sorted((REPO / "levels").glob("*.toml")):
        for level in load_level_set(path).levels:
            for scene in level.scenes:
                assert not scene.picture or scene.picture in PICTURES, (path.name, scene.picture)


def test_draw_changes_no_state() -> None:
    ctx = _context("calm", "en")
    scene = MazeScene(ctx, _view("maze"))
    scene.update(16, 500)
    before = (scene.maze.player, scene.maze.cleared, scene.walk_ms, scene.mirror)
    surface = pygame.Surface(WINDOW_SIZE)
    scene.draw(surface)
    scene.draw(surface)
    assert (scene.maze.player, scene.maze.cleared, scene.walk_ms, scene.mirror) == before


def test_camera_image_shows_only_when_the_profile_allows_it() -> None:
    ctx = _context("calm", "en")
    scene = MimicScene(ctx, _view("mimic"))
    ctx.camera_view = True
    scene.update(16, 100)
    assert scene.camera_image is not None
    ctx.apply_settings(ctx.settings.with_changes(camera_view_allowed=False))
    scene.update(16, 116)
    assert ctx.camera_view is False
    assert scene.camera_image is None


def test_settings_scene_changes_apply_at_once() -> None:
    ctx = _context("calm", "en")
    stack = SceneStack()
    stack.push(SettingsScene(ctx))
    stack.handle(InputEvent(Action.RIGHT))  # first row: palette
    assert ctx.settings.palette == "high_contrast"
    assert ctx.theme.palette.name == "high_contrast"


def test_pin_scene_opens_its_door_only_with_the_right_pin() -> None:
    ctx = _context("calm", "en")
    stack = SceneStack()
    stack.push(StartScene(ctx, []))
    opened = MessageCard(ctx, "ui.ok")
    stack.push(PinScene(ctx, lambda pin: pin == "2468", lambda: opened))
    for digit in "1111":
        stack.handle(InputEvent(Action.DIGIT, text=digit))
    stack.handle(InputEvent(Action.CONFIRM))  # Enter: typing put the focus on OK
    assert isinstance(stack.top, PinScene) and stack.top.failed
    for digit in "2468":
        stack.handle(InputEvent(Action.DIGIT, text=digit))
    stack.handle(InputEvent(Action.CONFIRM))
    assert stack.top is opened


def _pipeline(ctx: GameContext) -> Mock:
    """The stand-in vision pipeline this test put in the context."""
    assert isinstance(ctx.pipeline, Mock)
    return ctx.pipeline


def _child_id(ctx: GameContext) -> str:
    """The id of the child playing in the context."""
    assert ctx.profile is not None
    return ctx.profile.profile_id


def _driver_setup() -> tuple[GameContext, SceneStack, GameFlow, ProgressStore]:
    store = memory_store()
    ctx = _context("calm", "en", store=store)
    ctx.flow = None
    stack = SceneStack()
    level_set = ctx.level_set
    assert level_set is not None

    def make(profile: object, now_ms: int) -> Session:
        return Session(level_set, random.Random(1))

    flow = GameFlow(ctx, stack, make, profile_name="Kim")
    flow.begin()
    return ctx, stack, flow, store


def test_flow_goes_from_calibration_to_the_first_trial_and_speaks_nothing_without_audio() -> None:
    ctx, stack, flow, store = _driver_setup()
    assert isinstance(stack.top, CalibrationScene)
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    assert isinstance(stack.top, MimicScene)
    assert flow.driver is not None and flow.driver.view.target is Expression.HAPPY
    _pipeline(ctx).set_target.assert_called_with(Expression.HAPPY)
    assert not store.sessions_for(_child_id(ctx))  # stored with its first trial
    flow.end_session()
    assert store.sessions_for(_child_id(ctx))


def test_driver_routes_success_timeout_pause_and_end_events() -> None:
    ctx, stack, flow, store = _driver_setup()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    driver = flow.driver
    assert driver is not None
    driver.route([ev.Succeeded(5, 0, Expression.HAPPY, 3, True, 0, "praise.independent")])
    assert isinstance(stack.top, RewardScene) and stack.top.stars == 3
    driver.route([ev.TimedOut(6, 0, Expression.HAPPY)])
    assert isinstance(stack.top, MessageCard)
    driver.route([ev.Paused(7, 0, ev.PauseReason.NO_FACE, frozenset({QualityFlag.NO_FACE}),
                            "cant_see_you")])
    assert isinstance(stack.top, PauseOverlay)
    driver.route([ev.Resumed(8, 0, 1)])
    assert not any(isinstance(s, PauseOverlay) for s in stack.scenes)
    flow.end_session()
    assert isinstance(stack.top, EndScene)
    (session,) = store.sessions_for(_child_id(ctx))
    assert session.ended_at is not None
    assert [t.trial.outcome.value for t in store.trials_for(_child_id(ctx))] == ["ended"]


def test_the_therapists_accept_of_a_running_trial_gives_its_stars_once() -> None:
    _ctx, stack, flow, _store = _driver_setup()
    flow.calibration_finished(None)
    flow.start_play()
    driver = flow.driver
    assert driver is not None
    assert driver.command(Action.ACCEPT, 100)  # ends the trial: Succeeded, OverrideApplied
    (record,) = driver.session.records
    assert record.reward > 0 and driver.view.stars == driver.stars == record.reward
    flow.end_session()
    assert isinstance(stack.top, EndScene)
    assert (stack.top.stars, stack.top.successes, stack.top.trials) == (record.reward, 1, 1)


def test_progress_scene_shows_the_reports_charts_and_a_table_for_the_child() -> None:
    ctx, stack, flow, _store = _driver_setup()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    flow.end_session()
    scene = ProgressScene(ctx)
    stack.push(scene)
    assert scene.rows == [("happy", 1, 0, 0)]
    assert len(scene.charts) == 2
    surface = pygame.Surface(WINDOW_SIZE)
    stack.draw(surface)
    assert surface.get_at((900, 300))[:3] != surface.get_at((5, 5))[:3]  # a chart is drawn


@pytest.mark.parametrize("children", [0, 1, 3, 5])
def test_start_buttons_fit_the_window_never_overlap_and_are_hit_where_drawn(
    children: int,
) -> None:
    ctx = _context("calm", "en")
    profiles = [Profile(f"C-{i:06d}", f"Child {i}", WHEN, WHEN) for i in range(children)]
    scene = StartScene(ctx, profiles)
    rects = scene.menu.rects
    assert len(rects) == children + 2  # and "Add a child", "Quit"
    window = pygame.Rect((0, 0), WINDOW_SIZE)
    assert all(window.contains(r) for r in rects)
    assert all(r.height >= 88 for r in rects)
    assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1:])
    for i, rect in enumerate(rects):
        assert scene.menu.hit(rect.center) == i


def test_a_child_added_on_the_start_scene_gets_a_button() -> None:
    ctx = _context("calm", "en")
    mia, leo = Mock(display_name="Mia", profile_id="C-1"), Mock(display_name="Leo",
                                                                   profile_id="C-2")
    scene = StartScene(ctx, [mia])
    scene.set_profiles([leo, mia], focus=mia)
    surface = pygame.Surface(WINDOW_SIZE)
    scene.draw(surface)
    assert len(scene.menu.rects) == 4
    assert scene.menu.labels[scene.menu.focus] == "Mia"


@pytest.mark.parametrize("text_scale", [1.0, 1.25, 1.5])
def test_the_therapist_keys_fit_their_card_at_every_text_size(text_scale: float) -> None:
    ctx = _context("calm", "zh-CN")
    ctx.apply_settings(ctx.settings.with_changes(text_scale=text_scale))
    scene = HelpOverlay(ctx)
    h = WINDOW_SIZE[1]
    card_bottom = h // 2 + min(660, h - 60) // 2
    top = h // 2 - min(660, h - 60) // 2 + 100
    size, row_h = scene._fitting_rows(card_bottom - 8 - top)
    assert top + row_h * len(THERAPIST_KEYS) <= card_bottom
    if text_scale == 1.0:
        assert size == 30  # the usual body text when there is room


def test_a_source_that_ends_mid_session_ends_the_session() -> None:
    ctx, stack, flow, store = _driver_setup()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    assert isinstance(stack.top, MimicScene)
    flow.tick(1000)
    assert flow.driver is not None and not flow.driver.ended  # frames still coming
    assert flow.driver.command(Action.SKIP, 1500)  # the first trial is played (skipped)
    flow.tick(20_000)  # the next trial is prompted
    _pipeline(ctx).finished = True  # the video file has ended
    flow.tick(21_000)
    assert flow.driver.ended
    assert isinstance(stack.top, EndScene) and stack.top.reason_key == "ui.flow.video_ended"
    (session,) = store.sessions_for(_child_id(ctx))
    assert session.ended_at is not None and session.end_reason == "source_ended"
    assert [t.trial.outcome.value for t in store.trials_in(session.session_id)] == [
        "skipped", "ended"]


def test_a_source_that_ends_in_the_first_trial_leaves_no_session() -> None:
    """The phantom session: the video ended before the child could play a trial."""
    ctx, stack, flow, store = _driver_setup()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    _pipeline(ctx).finished = True
    flow.tick(137)
    assert flow.driver is not None and flow.driver.ended
    assert isinstance(stack.top, EndScene) and stack.top.reason_key == "ui.flow.video_ended"
    assert "The video ended." in stack.top.footer()
    assert store.sessions_for(_child_id(ctx)) == []
    flow.close()  # the app stops: still nothing
    assert store.sessions_for(_child_id(ctx)) == []


def test_a_source_that_ended_during_the_calibration_starts_no_session() -> None:
    ctx, stack, flow, store = _driver_setup()
    _pipeline(ctx).finished = True
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    assert flow.driver is None
    assert isinstance(stack.top, EndScene) and stack.top.reason_key == "ui.flow.video_ended"
    assert store.sessions_for(_child_id(ctx)) == []


def test_an_unusable_stored_neutral_face_falls_back_and_play_starts() -> None:
    ctx, stack, flow, store = _driver_setup()
    assert ctx.profile is not None
    broken = {"spec_version": "4", "frames": 3, "names": "feature_spec", "medians": "!!"}
    ctx.profile = store.set_baseline(ctx.profile.profile_id, broken)
    flow.calibration_finished(None)  # "use the stored calibration"
    flow.start_play()  # past today's schedule (issue 23)
    assert isinstance(stack.top, MimicScene)
    _pipeline(ctx).set_baseline.assert_not_called()


def test_maze_shows_the_hint_in_words_under_the_mirror() -> None:
    ctx = _context("calm", "en")
    scene = MazeScene(ctx, _view("maze"))
    hint, grid = scene.hint_rect(), scene._grid()[0]
    assert not hint.colliderect(grid.inflate(16, 16))
    assert not hint.colliderect(scene.gauge_rect()) and not hint.colliderect(scene.right_rect())
    empty = pygame.Surface(WINDOW_SIZE)
    scene_without = MazeScene(ctx, replace(_view("maze"), hint=None, prompt_text=""))
    scene_without.draw(empty)
    drawn = pygame.Surface(WINDOW_SIZE)
    scene.draw(drawn)
    before = pygame.surfarray.array3d(empty.subsurface(hint))
    after = pygame.surfarray.array3d(drawn.subsurface(hint))
    assert (before != after).any(axis=2).mean() > 0.2  # the bubble, its picture and its words


@pytest.mark.parametrize(("stars", "shows_total"), [(0, False), (3, True)])
def test_the_goodbye_shows_no_zero_total(stars: int, shows_total: bool) -> None:
    """A fresh tester: "★ 0" after a session with no stars reads as "you got nothing"."""
    from game.ui.widgets import layout_probe

    ctx = _context("calm", "en")
    stack = SceneStack()
    stack.push(EndScene(ctx, stars, 0, 6))
    surface = pygame.Surface(WINDOW_SIZE)
    with layout_probe.recording() as probe:
        stack.draw(surface)
    texts = [d.text for d in probe.items if d.kind == "text"]
    assert (str(stars) in texts) is shows_total, texts
