"""The therapist's replay screen: keys step, jump, play and scrub; `draw` changes nothing;
it is opened from the child's page (behind the PIN) when a motion record exists, and the
row says why not otherwise. Screenshots in both languages go to .pytest_cache/replay."""

from __future__ import annotations

import random
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game import phrases
from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import ProgressStore, TherapistPin, open_store
from game.records.motion_log import encode_session
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputAdapter, InputEvent
from game.ui.replay_source import ReplayTrial, child_trials
from game.ui.replay_view import ReplayTrack
from game.ui.scene_stack import Scene, SceneStack
from game.ui.scenes.child_admin import ROWS, ChildAdminScene
from game.ui.scenes.replay import ReplayScene
from game.ui.settings import SensorySettings
from game.ui.widgets import layout_probe
from game.vision.pipeline import VisionPipeline
from tests.records.factories import StepClock
from tests.ui.replay_fixtures import smiling_trial

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / ".pytest_cache" / "replay"
PIN = "2468"


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _ctx(lang: str = "en", scale: float = 1.0, store: ProgressStore | None = None
         ) -> GameContext:
    settings = SensorySettings(language=lang, text_scale=scale)
    return GameContext(settings=settings, clock=FrameClock(),
                       store=store)


def _trials() -> list[ReplayTrial]:
    started = "2026-03-04T10:00:00+01:00"
    return [ReplayTrial("S-1", started, 1, 2, smiling_trial(3.0)),
            ReplayTrial("S-1", started, 2, 2, smiling_trial(1.5, target="surprised"))]


def _scene(lang: str = "en", scale: float = 1.0) -> tuple[ReplayScene, SceneStack]:
    stack = SceneStack()
    stack.push(Scene())  # the child's page below
    scene = ReplayScene(_ctx(lang, scale), _trials())
    stack.push(scene)
    return scene, stack


def _state(scene: ReplayScene) -> tuple[object, ...]:
    return (scene.t_ms, scene.playing, scene.index, tuple(scene._tracks))


def test_left_and_right_step_one_recorded_frame_home_and_end_jump() -> None:
    scene, _stack = _scene()
    times = scene.trials[0].motion.frames
    scene.handle(InputEvent(Action.RIGHT))
    assert scene.t_ms == times[1].t_ms
    scene.handle(InputEvent(Action.RIGHT))
    scene.handle(InputEvent(Action.LEFT))
    assert scene.t_ms == times[1].t_ms
    scene.handle(InputEvent(Action.LAST))
    assert scene.track is not None and scene.t_ms == scene.track.duration_ms
    scene.handle(InputEvent(Action.RIGHT))  # stays at the last frame
    assert scene.t_ms == times[-1].t_ms
    scene.handle(InputEvent(Action.FIRST))
    assert scene.t_ms == 0
    scene.handle(InputEvent(Action.LEFT))
    assert scene.t_ms == 0


def test_space_plays_at_the_records_pace_stops_at_the_end_and_plays_again() -> None:
    scene, _stack = _scene()
    scene.handle(InputEvent(Action.CONFIRM, text=" "))
    assert scene.playing
    scene.update(500, 500)
    assert scene.t_ms == 500
    scene.handle(InputEvent(Action.CONFIRM, text=" "))
    scene.update(500, 1000)
    assert not scene.playing and scene.t_ms == 500
    scene.handle(InputEvent(Action.CONFIRM, text=" "))
    for _ in range(20):
        scene.update(400, 0)
    assert scene.track is not None
    assert not scene.playing and scene.t_ms == scene.track.duration_ms
    scene.handle(InputEvent(Action.CONFIRM))
    assert scene.playing and scene.t_ms == 0  # from the start again


def test_a_click_or_drag_on_the_timeline_scrubs_and_elsewhere_does_not() -> None:
    scene, _stack = _scene()
    track = scene.track
    assert track is not None
    plot = scene.layout(track).plot
    scene.handle(InputEvent(Action.POINT, (plot.centerx, plot.centery)))
    assert scene.t_ms == pytest.approx(track.duration_ms / 2, abs=track.duration_ms / 100)
    scene.handle(InputEvent(Action.DRAG, (plot.right + 40, plot.centery)))
    assert scene.t_ms == track.duration_ms  # clamped to the end
    scene.handle(InputEvent(Action.DRAG, (plot.left - 80, 30)))  # anywhere, once pressed
    assert scene.t_ms == 0
    scene.handle(InputEvent(Action.POINT, (plot.centerx, 20)))  # the title: nothing
    scene.handle(InputEvent(Action.DRAG, (plot.centerx, plot.centery)))
    assert scene.t_ms == 0


def test_up_and_down_change_the_trial_from_its_start_and_esc_goes_back() -> None:
    scene, stack = _scene()
    scene.handle(InputEvent(Action.LAST))
    scene.handle(InputEvent(Action.DOWN))
    assert scene.index == 1 and scene.t_ms == 0
    assert scene.track is not None and scene.track.target.value == "surprised"
    scene.handle(InputEvent(Action.PAGE_DOWN))  # stays on the last
    assert scene.index == 1
    scene.handle(InputEvent(Action.PAGE_UP))
    assert scene.index == 0
    scene.handle(InputEvent(Action.BACK))
    assert stack.top is not scene and len(stack) == 1


def test_alone_on_the_stack_esc_ends_the_replay_window() -> None:
    stack = SceneStack()
    scene = ReplayScene(_ctx(), _trials())
    stack.push(scene)
    scene.handle(InputEvent(Action.BACK))
    assert len(stack) == 0


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_draw_changes_nothing_and_every_text_fits(lang: str, scale: float) -> None:
    scene, stack = _scene(lang, scale)
    scene.seek(1950)
    surface = pygame.Surface(WINDOW_SIZE)
    before = _state(scene)
    with layout_probe.recording() as probe:
        stack.draw(surface)
    assert _state(scene) == before
    first = pygame.image.tobytes(surface, "RGB")
    stack.draw(surface)
    assert pygame.image.tobytes(surface, "RGB") == first  # the same time draws the same
    assert layout_probe.problems(probe.items, WINDOW_SIZE) == []
    texts = [item.text for item in probe.items if item.kind == "text"]
    assert phrases.text("ui.replay.keys", lang) in texts
    assert phrases.text("ui.replay.event.hold_end", lang) in texts
    SHOTS.mkdir(parents=True, exist_ok=True)
    pygame.image.save(surface, str(SHOTS / f"replay_{lang}_x{scale}.png"))


def test_a_frame_with_no_face_says_so() -> None:
    scene, stack = _scene()
    scene.seek(500)  # the fixture's face is lost from 0.46 s to 0.6 s
    assert scene.track is not None and scene.track.face_at(500) is None
    with layout_probe.recording() as probe:
        stack.draw(pygame.Surface(WINDOW_SIZE))
    assert "No face in view" in [item.text for item in probe.items]


def test_with_nothing_to_replay_the_screen_says_so_and_esc_goes_back() -> None:
    stack = SceneStack()
    stack.push(Scene())
    scene = ReplayScene(_ctx(), [])
    stack.push(scene)
    for action in (Action.RIGHT, Action.CONFIRM, Action.DOWN, Action.LAST):
        assert scene.handle(InputEvent(action))
    with layout_probe.recording() as probe:
        stack.draw(pygame.Surface(WINDOW_SIZE))
    assert phrases.text("ui.replay.open.none", "en") in [item.text for item in probe.items]
    scene.handle(InputEvent(Action.BACK))
    assert len(stack) == 1


def test_the_track_steps_frames_and_finds_the_latest_mark() -> None:
    track = ReplayTrack.from_motion(smiling_trial(3.0))
    assert track.frame_index(-5) == 0 and track.frame_index(10_000) == len(track.times) - 1
    assert track.step(0, 3) == track.times[3]
    mark = track.mark_at(1350)
    assert mark is not None and mark.detail == "model_face"
    assert track.holds[0] == (1700, 1900) and track.holds[-1][1] == track.duration_ms


def test_home_end_page_keys_and_a_left_drag_become_actions() -> None:
    adapter = InputAdapter(WINDOW_SIZE)
    keys = [pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode="", scancode=0)
            for k in (pygame.K_HOME, pygame.K_END, pygame.K_PAGEUP, pygame.K_PAGEDOWN)]
    assert [e.action for e in adapter.convert(keys)] == [
        Action.FIRST, Action.LAST, Action.PAGE_UP, Action.PAGE_DOWN]
    drag = pygame.event.Event(pygame.MOUSEMOTION, pos=(300, 600), rel=(4, 0), buttons=(1, 0, 0),
                              touch=False)
    move = pygame.event.Event(pygame.MOUSEMOTION, pos=(300, 600), rel=(4, 0), buttons=(0, 0, 0),
                              touch=False)
    assert adapter.convert([drag, move]) == [InputEvent(Action.DRAG, (300, 600))]


# ------------------------------------------------------------- from the child's page


def _game(data: Path, store: ProgressStore) -> SceneStack:
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, pipeline=pipeline,
                      level_set=level_set)
    pin = TherapistPin(data)
    pin.set(PIN)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, lambda profile, now_ms: Session(level_set,
                                                                 random.Random(1)), pin=pin)
    flow.begin()
    return stack


def _open_admin(stack: SceneStack, child: int) -> ChildAdminScene:
    for _ in range(child):
        stack.handle(InputEvent(Action.DOWN))
    stack.handle(InputEvent(Action.MANAGE))
    for digit in PIN:
        stack.handle(InputEvent(Action.DIGIT, text=digit))
    stack.handle(InputEvent(Action.CONFIRM))
    scene = stack.top
    assert isinstance(scene, ChildAdminScene)
    return scene


def _to_replay_row(stack: SceneStack, scene: ChildAdminScene) -> None:
    row = next(i for i, r in enumerate(ROWS) if r.field == "replay")
    while scene.focus != row:
        stack.handle(InputEvent(Action.DOWN))


def test_the_childs_page_opens_the_replay_of_the_newest_session(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_store(data, clock=StepClock()) as store:
        mia = store.create_profile("Mia", allow_frame_traces=True)
        for trials in ([(0, smiling_trial(1.0))], [(0, smiling_trial(2.0)),
                                                    (2, smiling_trial(1.0, "sad"))]):
            session = store.start_session(mia.profile_id, level_set_id="first-faces")
            path = store.motion_path(session.session_id)
            assert path is not None
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(encode_session(trials))
        assert [t.number for t in child_trials(store, mia.profile_id)] == [1, 1, 3]
        stack = _game(data, store)
        admin = _open_admin(stack, 0)
        assert admin.has_motion
        _to_replay_row(stack, admin)
        stack.handle(InputEvent(Action.CONFIRM))
        replay = stack.top
        assert isinstance(replay, ReplayScene)
        assert len(replay.trials) == 3 and replay.index == 1  # the newest session's first
        with layout_probe.recording() as probe:
            stack.draw(pygame.Surface(WINDOW_SIZE))
        assert not any("Mia" in item.text for item in probe.items)
        stack.handle(InputEvent(Action.BACK))
        assert stack.top is admin


def test_without_a_record_the_row_says_why_and_opens_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    with open_store(data) as store:
        store.create_profile("Leo")
        stack = _game(data, store)
        admin = _open_admin(stack, 0)
        assert not admin.has_motion
        _to_replay_row(stack, admin)
        stack.handle(InputEvent(Action.CONFIRM))
        assert stack.top is admin
        with layout_probe.recording() as probe:
            stack.draw(pygame.Surface(WINDOW_SIZE))
        assert phrases.text("ui.replay.open.none", "en") in [i.text for i in probe.items]
        assert layout_probe.problems(probe.items, WINDOW_SIZE) == []


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_face_measured_before_calibration_is_said_so(lang: str) -> None:
    import dataclasses

    from game.ui.replay_view import draw_replay

    trial = smiling_trial()
    frames = tuple(dataclasses.replace(f, face=dataclasses.replace(f.face, neutral="population"))
                   if f.face is not None else f for f in trial.frames)
    track = ReplayTrack.from_motion(dataclasses.replace(trial, frames=frames))
    ctx = _ctx(lang)
    with layout_probe.recording() as probe:
        draw_replay(pygame.Surface(WINDOW_SIZE), pygame.Rect((0, 0), WINDOW_SIZE), track, 1500,
                    lang, ctx.theme)
    texts = [item.text for item in probe.items]
    assert phrases.text("ui.replay.child.population", lang) in texts
    assert phrases.text("ui.replay.child", lang) not in texts
