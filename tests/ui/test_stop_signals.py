"""SIGTERM and SIGINT end a session within 2 s: the trial in flight is recorded as ended and
the session's end reason is "stopped" (SDL used to turn SIGTERM into a window close whose
"Quit FaceQuest?" nobody answered, so a headless run went on for its whole time cap)."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.paths import DEFAULT_MODEL_PATH, LEVELS_DIR, REPO_ROOT
from game.play.level_loader import load_level_set
from game.play.session import SessionState
from game.play.trial_record import TrialOutcome
from game.records import open_store
from game.ui.app import App
from game.ui.autoplay import AutoplayScript
from game.ui.clock import FrameClock, frames
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.run_options import RunOptions
from game.ui.runner import forget_fonts, session_factory
from game.ui.scene_stack import SceneStack
from game.ui.settings import SensorySettings
from game.ui.stop_signals import stop_on_signals

TRIAL_SCENES = {"mimic", "cue", "maze", "story"}
ASTRONAUT = REPO_ROOT / "assets" / "bench" / "astronaut.jpg"


def test_the_handlers_are_put_back_after_the_run() -> None:
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    seen: list[str] = []
    with stop_on_signals(seen.append):
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)  # the handler runs between bytecodes of the main thread
    assert seen == ["SIGTERM"]
    assert {sig: signal.getsignal(sig) for sig in before} == before


@pytest.mark.slow
def test_sigint_during_a_trial_records_it_as_ended_and_the_session_as_stopped(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    import cv2

    from game.ui.live_source import live_source
    from game.vision.pipeline import VisionChain, VisionPipeline
    from game.vision.sources import open_source

    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(np.asarray(astronaut_rgb), cv2.COLOR_RGB2BGR))
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
    level_set = load_level_set(LEVELS_DIR / "first-faces.toml")
    store = open_store(data_dir)
    pipeline = VisionPipeline(live_source(open_source(str(photo))),
                              VisionChain.create(DEFAULT_MODEL_PATH))
    sent: list[float] = []
    pygame.init()
    try:
        surface = pygame.display.set_mode(WINDOW_SIZE)
        settings = SensorySettings()
        ctx = GameContext(settings=settings, clock=FrameClock(),
                          store=store, pipeline=pipeline, level_set=level_set,
                          options=RunOptions(seed=0, headless=True, calibrate=False))
        stack = SceneStack()
        flow = GameFlow(ctx, stack, session_factory(level_set, 0), data_dir=data_dir,
                        profile_name="Ava", close_after_session=True)

        def events() -> list[pygame.event.Event]:
            pygame.event.pump()
            top, driver = stack.top, flow.driver
            trial = driver.session.trial if driver is not None else None
            if (not sent and top is not None and top.name in TRIAL_SCENES
                    and driver is not None and driver.trials >= 1
                    and driver.session.state is SessionState.TRIAL
                    and trial is not None and trial.started_ms is not None
                    and not trial.finished):  # the second trial is in flight
                sent.append(time.monotonic())
                os.kill(os.getpid(), signal.SIGINT)  # Ctrl+C in the terminal
            return []

        app = App(ctx, surface, stack, frame_source=itertools.islice(frames(60), 60 * 90),
                  event_source=AutoplayScript(stack, ctx.clock, source=events))
        pipeline.start()
        flow.begin()
        try:
            app.run()
            stopped = time.monotonic()
        finally:
            flow.close()
    finally:
        pipeline.stop()
        store.close()
        forget_fonts()
        pygame.quit()

    assert sent, "no second trial started within the run"
    assert stopped - sent[0] < 2.0
    with open_store(data_dir, read_only=True) as records:
        (session,) = records.sessions_for(child.profile_id)
        trials = [t.trial for t in records.trials_in(session.session_id)]
    assert session.end_reason == "stopped" and session.ended_at is not None
    assert len(trials) >= 2 and trials[-1].outcome is TrialOutcome.ENDED, trials[-1]


@pytest.mark.slow
def test_sigterm_stops_a_headless_game_within_2_s(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
           "PYTHONPATH": str(REPO_ROOT)}
    game = subprocess.Popen(
        [sys.executable, "-m", "game", "play", "--headless", "--source", str(ASTRONAUT),
         "--profile", "Kid", "--data-dir", str(data_dir), "--max-seconds", "300"],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 120
        while not any((data_dir / "trials").glob("*.jsonl")):  # the first trial is stored
            assert game.poll() is None, game.communicate()
            assert time.monotonic() < deadline, "no trial was stored within 120 s"
            time.sleep(0.2)
        time.sleep(0.5)
        sent = time.monotonic()
        game.send_signal(signal.SIGTERM)
        _out, err = game.communicate(timeout=30)
        took = time.monotonic() - sent
    finally:
        if game.poll() is None:
            game.kill()
    assert game.returncode == 0, err.decode()
    assert took < 2.0, f"the game took {took:.1f} s to stop"
    assert b"W0000" not in err and b"INFO: " not in err, err.decode()  # quiet by default
    with open_store(data_dir, read_only=True) as records:
        (profile,) = records.find_profiles("Kid")
        (session,) = records.sessions_for(profile.profile_id)
    assert session.end_reason == "stopped", session.end_reason
