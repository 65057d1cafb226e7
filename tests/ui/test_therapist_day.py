"""A therapist's day in one app instance: two children play one after the other.

The real parts: the app loop (`App`, 60 frames a second of real time), the real `GameFlow`
and `SceneStack`, the real scenes, the vision pipeline on a real photo (the smiling
astronaut shipped with scikit-image, played as a steady camera), the real expression model
and a real store in a temporary data folder. A scripted "therapist" presses real keys
(pygame KEYDOWN events through the `InputAdapter`), looking only at which scene is on top:

child 1 (typed to find among the names) plays, the happy trial succeeds, the therapist
presses E and confirms, the goodbye card says a key goes back to the start, a key does;
child 2 is found and played the same way; Esc on the start screen asks "Quit FaceQuest?",
Y quits. Both sessions are recorded under the right child; child 1 allows per-frame traces
and gets a trace file with the documented fields; child 2 does not, and has none.
"""

from __future__ import annotations

import itertools
import os
import time
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.paths import DEFAULT_MODEL_PATH, LEVELS_DIR
from game.play.level_loader import load_level_set
from game.records import open_store, read_trace
from game.ui.app import App
from game.ui.clock import FrameClock, frames
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.run_options import RunOptions
from game.ui.runner import forget_fonts, session_factory
from game.ui.scene_stack import SceneStack
from game.ui.settings import SensorySettings

TRACE_FIELDS = {"t_ms", "trial_index", "target", "score", "raw_score", "trusted", "flags"}
TRIAL_SCENES = {"mimic", "cue", "maze", "story"}


def _key(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


class Therapist:
    """Presses keys like a therapist would, one key a frame, by the scene on top."""

    def __init__(self, stack: SceneStack, flow: GameFlow, names: list[str]) -> None:
        self.stack, self.flow = stack, flow
        self.names = list(names)
        self.keys: list[int] = []
        self.seen: list[str] = []
        self.since = time.monotonic()
        self.played = 0
        self.quitting = False

    def __call__(self) -> list[pygame.event.Event]:
        pygame.event.pump()
        top = self.stack.top
        name = top.name if top is not None else ""
        if not self.seen or self.seen[-1] != name:
            self.seen.append(name)
            self.since = time.monotonic()
        waited = time.monotonic() - self.since
        if self.keys:
            return [_key(self.keys.pop(0))]
        driver = self.flow.driver
        if name == "start" and waited > 0.3:
            if self.played < len(self.names):
                letters = self.names[self.played][:2].lower()
                self.keys = [getattr(pygame, f"K_{c}") for c in letters] + [pygame.K_RETURN]
            elif not self.quitting:
                self.quitting = True
                self.keys = [pygame.K_ESCAPE]
        elif name == "schedule" and waited > 0.4:  # issue 23: today's schedule, then go
            self.keys = [pygame.K_SPACE]
        elif name in TRIAL_SCENES and driver is not None and driver.successes >= 1:
            self.keys = [pygame.K_e]
        elif name == "confirm_end" and waited > 0.2:
            self.keys = [pygame.K_RETURN]
        elif name == "end" and waited > 1.3:
            self.played += 1
            self.keys = [pygame.K_SPACE]
        elif name == "confirm_quit" and waited > 0.2:
            self.keys = [pygame.K_y]
        return []


@pytest.mark.slow
@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no shipped expression model")
def test_two_children_play_one_after_the_other_in_one_app(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    import cv2

    from game.ui.live_source import live_source
    from game.vision.pipeline import VisionChain, VisionPipeline
    from game.vision.sources import open_source

    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(np.asarray(astronaut_rgb), cv2.COLOR_RGB2BGR))
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:  # the children of the day, and some others
        for name in ("Noah", "Zoe", "Liam"):
            store.create_profile(name)
        ava = store.create_profile("Ava Chen", allow_frame_traces=True)
        ben = store.create_profile("Ben")

    level_set = load_level_set(LEVELS_DIR / "first-faces.toml")
    store = open_store(data_dir)
    pipeline = VisionPipeline(live_source(open_source(str(photo))),
                              VisionChain.create(DEFAULT_MODEL_PATH))
    pygame.init()
    try:
        surface = pygame.display.set_mode(WINDOW_SIZE)
        settings = SensorySettings()
        ctx = GameContext(settings=settings, clock=FrameClock(),
                          store=store, pipeline=pipeline, level_set=level_set,
                          options=RunOptions(seed=0, calibrate=False))
        stack = SceneStack()
        flow = GameFlow(ctx, stack, session_factory(level_set, 0), data_dir=data_dir)
        therapist = Therapist(stack, flow, ["Ava", "Ben"])
        app = App(ctx, surface, stack, screenshots_dir=tmp_path / "shots",
                  frame_source=itertools.islice(frames(60), 60 * 120),
                  event_source=therapist)
        pipeline.start()
        flow.begin()
        try:
            app.run()
        finally:
            flow.close()
    finally:
        pipeline.stop()
        store.close()
        forget_fonts()
        pygame.quit()

    assert len(stack) == 0, f"the therapist could not quit; scenes seen: {therapist.seen}"
    assert therapist.played == 2, therapist.seen
    order = [n for n in therapist.seen if n in {"start", "end", "confirm_end", "confirm_quit"}]
    assert order == ["start", "confirm_end", "end", "start", "confirm_end", "end", "start",
                     "confirm_quit"], therapist.seen
    with open_store(data_dir, read_only=True) as records:
        for child in (ava, ben):
            (session,) = records.sessions_for(child.profile_id)
            trials = [t.trial for t in records.trials_in(session.session_id)]
            assert session.ended_at is not None and session.end_reason == "therapist"
            assert trials[0].target == "happy" and trials[0].success, trials[0]
        for other in records.list_profiles():
            if other.profile_id not in (ava.profile_id, ben.profile_id):
                assert records.sessions_for(other.profile_id) == []
        (ava_session,) = records.sessions_for(ava.profile_id)
        (ben_session,) = records.sessions_for(ben.profile_id)
        ava_trace = records.trace_path(ava_session.session_id)
        ben_trace = records.trace_path(ben_session.session_id)
    assert ava_trace is not None and ben_trace is not None
    rows = read_trace(ava_trace)
    assert rows and all(set(row) == TRACE_FIELDS for row in rows)
    assert {row["trial_index"] for row in rows} >= {0}
    assert max(row["score"] for row in rows if row["trial_index"] == 0) >= 0.5
    assert all(0.0 <= row["score"] <= 1.0 and isinstance(row["flags"], list) for row in rows)
    assert os.stat(ava_trace).st_mode & 0o777 == 0o600
    assert not ben_trace.exists(), "a trace was written although the switch is off"
    assert sorted(p.name for p in (data_dir / "traces").iterdir()) == [ava_trace.name]
    shots = [p.stem.split("_", 1)[1] for p in sorted((tmp_path / "shots").glob("*.png"))]
    assert shots.count("end") == 2 and shots.count("start") >= 3
