"""A video `--source` waits for the game: it shows its first frame until a child is chosen
and the calibration needs the camera, then plays from its start (issue: an 85 s clip ran out
while the therapist added a child and set a PIN, and the session had no trials)."""

from __future__ import annotations

import time
from pathlib import Path

import cv2
import numpy as np
import pygame

from game.paths import DEFAULT_MODEL_PATH, LEVELS_DIR
from game.play.level_loader import load_level_set
from game.records import open_store
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.live_source import HeldVideoSource, live_source
from game.ui.run_options import RunOptions
from game.ui.runner import forget_fonts, session_factory
from game.ui.scene_stack import SceneStack
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionChain, VisionPipeline
from game.vision.sources import SourceState, VideoFileSource, open_source


def _video(path: Path, frames: list[np.ndarray], fps: float) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (w, h))
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.now += seconds


def test_the_first_frame_is_held_until_playing_then_the_clip_plays_from_its_start(
    tmp_path: Path,
) -> None:
    shades = [np.full((48, 64, 3), 30 + 40 * i, np.uint8) for i in range(5)]
    video = VideoFileSource(_video(tmp_path / "clip.avi", shades, fps=10.0), paced=True)
    fake = FakeTime()
    held = HeldVideoSource(video, clock=fake.clock, sleep=fake.sleep)

    waiting = [f for _ in range(50) if (f := held.read()) is not None]  # 5 s of set-up
    assert len(waiting) == 50 and all(abs(int(f.rgb.mean()) - 30) <= 3 for f in waiting)
    assert video.frames_read == 1, "the clip moved on while it was held"
    assert fake.now - 100.0 >= 4.8  # paced at the file's 10 fps, like a paused player

    held.start_playing()
    played = []
    while (frame := held.read()) is not None:
        played.append(frame)
    assert [round(int(f.rgb.mean()) / 40) for f in played] == [1, 2, 3, 4, 5][: len(played)]
    assert len(played) == 5, "the clip did not play from its first frame to its end"
    times = [f.t_ms for f in waiting + played]  # VIDEO mode needs growing timestamps
    assert times == sorted(times) and len(set(times)) == len(times)
    assert played[-1].t_ms - played[0].t_ms == 400  # the file's own speed
    assert held.state is SourceState.ENDED


def test_in_the_game_a_video_waits_on_the_start_screen_until_a_child_is_chosen(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    clip = _video(tmp_path / "one-second.avi", [np.asarray(astronaut_rgb)] * 15, fps=15.0)
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Mia")
    source = live_source(open_source(str(clip)))
    assert isinstance(source, HeldVideoSource)
    level_set = load_level_set(LEVELS_DIR / "first-faces.toml")
    store = open_store(data_dir)
    pipeline = VisionPipeline(source, VisionChain.create(DEFAULT_MODEL_PATH))
    pygame.init()
    try:
        pygame.display.set_mode(WINDOW_SIZE)
        settings = SensorySettings()
        ctx = GameContext(settings=settings, clock=FrameClock(),
                          store=store, pipeline=pipeline, level_set=level_set,
                          options=RunOptions(seed=0, calibrate=True))
        stack = SceneStack()
        flow = GameFlow(ctx, stack, session_factory(level_set, 0), data_dir=data_dir)
        pipeline.start()
        flow.begin()
        assert stack.top is not None and stack.top.name == "start"
        time.sleep(2.0)  # twice the clip's length: the therapist is still setting up
        assert not pipeline.finished and not source.playing
        assert source.video.frames_read == 1
        flow.profile_chosen(child)
        assert source.playing
        assert pipeline.wait_finished(10.0), "the clip did not play once a child was chosen"
        assert source.video.frames_read >= 15
        flow.close()
    finally:
        pipeline.stop()
        store.close()
        forget_fonts()
        pygame.quit()
