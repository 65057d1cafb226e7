"""The app loop driven by scripted frames and events: input routing, vision read once per
frame, screenshots at scene changes, the --max-seconds cap, therapist keys over any scene."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game.ui.app import App
from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import Scene, SceneStack
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class ColourScene(Scene):
    """Fills the screen; records what it was given."""

    def __init__(self, name: str, colour: tuple[int, int, int]) -> None:
        super().__init__()
        self.name = name
        self.colour = colour
        self.handled: list[InputEvent] = []
        self.updates = 0

    def handle(self, event: InputEvent) -> bool:
        self.handled.append(event)
        return event.action is Action.CONFIRM

    def update(self, dt_ms: int, now_ms: int) -> None:
        self.updates += 1

    def draw(self, surface: pygame.Surface) -> None:
        surface.fill(self.colour)


@pytest.fixture
def surface() -> pygame.Surface:
    pygame.display.init()
    return pygame.display.set_mode((320, 200))


def _frames(fake: FakeTime, count: int, step_ms: int = 16) -> Iterator[int]:
    for _ in range(count):
        fake.now += step_ms / 1000
        yield step_ms


def _ctx(fake: FakeTime) -> GameContext:
    settings = SensorySettings()
    return GameContext(settings=settings, clock=FrameClock(fake))


def _key(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


def test_app_reads_vision_once_per_frame_and_updates_the_top_scene(
    surface: pygame.Surface,
) -> None:
    fake = FakeTime()
    ctx = _ctx(fake)
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    ctx.pipeline = pipeline
    stack = SceneStack()
    scene = ColourScene("a", (10, 20, 30))
    app = App(ctx, surface, stack, frame_source=_frames(fake, 5), event_source=lambda: [])
    app.run(scene)
    assert pipeline.latest.call_count == 5
    assert scene.updates == 5
    assert app.frame_stats().frames == 5


def test_screenshots_are_saved_at_every_scene_change(
    surface: pygame.Surface, tmp_path: Path
) -> None:
    fake = FakeTime()
    stack = SceneStack()
    a, b = ColourScene("alpha", (200, 0, 0)), ColourScene("beta", (0, 0, 200))
    script = iter([[], [_key(pygame.K_RETURN)], [], []])

    def events() -> list[pygame.event.Event]:
        batch = next(script, [])
        if batch:
            stack.push(b)  # a scene change between frames
        return batch

    app = App(_ctx(fake), surface, stack, screenshots_dir=tmp_path,
              frame_source=_frames(fake, 4), event_source=events)
    app.run(a)
    names = sorted(p.name for p in tmp_path.glob("*.png"))
    assert names == ["000_alpha.png", "001_beta.png"]
    shot = pygame.image.load(str(tmp_path / "001_beta.png"))
    assert shot.get_at((5, 5))[:3] == (0, 0, 200)


def test_max_seconds_ends_the_session_through_the_flow_then_stops(
    surface: pygame.Surface,
) -> None:
    fake = FakeTime()
    ctx = _ctx(fake)
    flow = Mock(spec=GameFlow)
    ctx.flow = flow
    stack = SceneStack()
    app = App(ctx, surface, stack, max_seconds=1.0, frame_source=_frames(fake, 400, 20),
              event_source=lambda: [])
    app.run(ColourScene("a", (0, 0, 0)))
    flow.end_session.assert_called_once()
    assert fake.now < 5.0  # stopped after the grace period, not at the end of the frames


def test_therapist_keys_not_used_by_the_scene_go_to_the_flow(surface: pygame.Surface) -> None:
    fake = FakeTime()
    ctx = _ctx(fake)
    ctx.flow = Mock(spec=GameFlow)
    stack = SceneStack()
    scene = ColourScene("a", (0, 0, 0))
    batches = iter([[_key(pygame.K_k), _key(pygame.K_RETURN), _key(pygame.K_LEFT)]])
    app = App(ctx, surface, stack, frame_source=_frames(fake, 2),
              event_source=lambda: next(batches, []))
    app.run(scene)
    ctx.flow.therapist.assert_called_once_with(Action.SKIP)
    assert [e.action for e in scene.handled] == [Action.SKIP, Action.CONFIRM, Action.LEFT]


def test_closing_the_window_asks_the_flow_first(surface: pygame.Surface) -> None:
    fake = FakeTime()
    ctx = _ctx(fake)
    ctx.flow = Mock(spec=GameFlow)
    stack = SceneStack()
    scene = ColourScene("a", (0, 0, 0))
    batches = iter([[pygame.event.Event(pygame.QUIT)]])
    app = App(ctx, surface, stack, frame_source=_frames(fake, 5),
              event_source=lambda: next(batches, []))
    app.run(scene)
    ctx.flow.ask_quit.assert_called_once()
    ctx.flow.quit.assert_not_called()
    ctx.flow.end_session.assert_not_called()


def test_closing_the_window_twice_quits_at_once(surface: pygame.Surface) -> None:
    fake = FakeTime()
    ctx = _ctx(fake)
    ctx.flow = Mock(spec=GameFlow)
    stack = SceneStack()
    question = ColourScene("confirm_quit", (0, 0, 0))
    batches = iter([[pygame.event.Event(pygame.QUIT)]])
    app = App(ctx, surface, stack, frame_source=_frames(fake, 5),
              event_source=lambda: next(batches, []))
    app.run(question)
    ctx.flow.quit.assert_called_once()
