"""A therapist screen over a running trial holds the session (the engine's manual pause), so
no trial times out behind it; closing the screen resumes play, and a pause the therapist had
made already stays."""

from __future__ import annotations

import random
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game.play import events as ev
from game.play.level_loader import load_level_set
from game.play.readings import Reading
from game.play.session import Session, SessionState
from game.records import TherapistPin, memory_store
from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.overlays import HelpOverlay, PauseOverlay
from game.ui.scenes.pin import PinScene
from game.ui.scenes.progress import ProgressScene
from game.ui.scenes.settings_scene import SettingsScene
from game.ui.scenes.trial import TrialScene
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline
from game.vision.records import ExpressionReading

REPO = Path(__file__).resolve().parents[2]
TIME_LIMIT_MS = 15_000  # first-faces' trials


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


class _Game:
    """A flow with a running session on first-faces, a hand-moved clock, trusted readings."""

    def __init__(self, tmp_path: Path, pin: str | None = None) -> None:
        self.ms = 0
        store = memory_store()
        store.create_profile("Mia")
        therapist_pin = TherapistPin(tmp_path)
        if pin is not None:
            therapist_pin.set(pin)
        settings = SensorySettings()
        pipeline = Mock(spec=VisionPipeline)
        pipeline.latest.return_value = None
        level_set = load_level_set(REPO / "levels" / "first-faces.toml")
        self.ctx = GameContext(settings=settings, clock=FrameClock(lambda: self.ms / 1000.0),
                               store=store, pipeline=pipeline, level_set=level_set)
        self.stack = SceneStack()
        self.events: list[ev.Event] = []
        events = self.events

        class RecordingSession(Session):
            def update(self, reading: Reading | None, now_ms: int) -> list[ev.Event]:
                found = super().update(reading, now_ms)
                events.extend(found)
                return found

        def make(profile: object, now_ms: int) -> Session:
            return RecordingSession(level_set, random.Random(1))

        self.flow = GameFlow(self.ctx, self.stack, make, pin=therapist_pin if pin else None,
                             profile_name="Mia")
        self.flow.begin()
        self.flow.calibration_finished(None)  # the session starts at 0 ms
        self.flow.start_play()  # past today's schedule (issue 23)

    @property
    def session(self) -> Session:
        session = self.ctx.session
        assert session is not None
        return session

    def run(self, ms: int, step_ms: int = 100) -> None:
        """Play on for `ms`: a new trusted (low-score) reading every step."""
        end = self.ms + ms
        while self.ms < end:
            self.ms += step_ms
            self.ctx.reading = ExpressionReading(t_ms=self.ms, probabilities={}, target_score=0.1)
            self.flow.tick(self.ms)

    def timeouts(self) -> int:
        return sum(isinstance(e, ev.TimedOut) for e in self.events)


def test_settings_over_a_trial_hold_the_session_until_closed(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    assert isinstance(game.stack.top, TrialScene)
    game.run(2_000)
    game.flow.therapist(Action.SETTINGS)
    assert isinstance(game.stack.top, SettingsScene)
    game.run(3 * TIME_LIMIT_MS)
    assert game.session.paused and game.timeouts() == 0
    assert game.session.state is SessionState.TRIAL
    assert isinstance(game.stack.top, SettingsScene)  # no pause card over the settings
    assert not any(isinstance(s, PauseOverlay) for s in game.stack.scenes)

    game.stack.handle(InputEvent(Action.BACK))  # close the settings
    game.run(200)
    assert not game.session.paused and isinstance(game.stack.top, TrialScene)
    trial = game.session.trial
    assert trial is not None and trial.active_ms(game.ms) < 3_000  # the clock had stopped
    game.run(TIME_LIMIT_MS)
    assert game.timeouts() == 1  # and runs again once the screen is closed


@pytest.mark.parametrize("door", ["help", "progress"])
def test_help_and_progress_hold_the_session_too(tmp_path: Path, door: str) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.therapist(Action.HELP if door == "help" else Action.PROGRESS)
    assert isinstance(game.stack.top, HelpOverlay if door == "help" else ProgressScene)
    game.run(2 * TIME_LIMIT_MS)
    assert game.session.paused and game.timeouts() == 0
    game.stack.handle(InputEvent(Action.BACK))
    game.run(100)
    assert not game.session.paused


def test_the_pin_then_the_settings_behind_it_hold_throughout(tmp_path: Path) -> None:
    game = _Game(tmp_path, pin="2468")
    game.run(500)
    game.flow.therapist(Action.SETTINGS)
    assert isinstance(game.stack.top, PinScene)
    game.run(2 * TIME_LIMIT_MS)
    for digit in "2468":
        game.stack.handle(InputEvent(Action.DIGIT, text=digit))
    game.stack.handle(InputEvent(Action.CONFIRM))
    assert isinstance(game.stack.top, SettingsScene)  # the PIN scene was replaced
    game.run(2 * TIME_LIMIT_MS)
    assert game.session.paused and game.timeouts() == 0
    game.stack.handle(InputEvent(Action.BACK))
    game.run(100)
    assert not game.session.paused


def test_a_pause_the_therapist_made_stays_after_the_screen_closes(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.therapist(Action.PAUSE)
    assert game.session.paused and isinstance(game.stack.top, PauseOverlay)
    game.flow.therapist(Action.HELP)
    game.run(1_000)
    game.stack.handle(InputEvent(Action.BACK))  # help closes
    game.run(TIME_LIMIT_MS * 2)
    assert game.session.paused and isinstance(game.stack.top, PauseOverlay)
    assert game.timeouts() == 0
    game.stack.handle(InputEvent(Action.PAUSE))  # the therapist resumes by hand
    game.run(100)
    assert not game.session.paused


def test_between_trials_the_gap_is_held_and_the_next_prompt_waits(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.therapist(Action.SKIP)  # the trial ends; the calm gap before the next starts
    assert game.session.state is SessionState.BETWEEN
    game.flow.therapist(Action.HELP)
    game.run(10_000)
    assert game.session.state is SessionState.BETWEEN and game.session.paused
    assert isinstance(game.stack.top, HelpOverlay)  # no new prompt cleared it away
    game.stack.handle(InputEvent(Action.BACK))
    game.run(5_000)
    assert game.session.state is SessionState.TRIAL
