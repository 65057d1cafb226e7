"""Pictures as a game source: still images become a steady stream, pictures are not
calibrated, and a calibration that gets no frames never keeps a session from starting."""

from __future__ import annotations

import itertools
from pathlib import Path
from unittest.mock import Mock

import numpy as np
import pytest

from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.live_source import StillImageStream, is_still, live_source
from game.ui.run_options import RunOptions
from game.ui.scenes.calibration import CAPTURE_TIMEOUT_MS, INTRO_MS, CalibrationScene
from game.ui.settings import SensorySettings
from game.vision.calibration import CalibrationState, CalibrationStatus
from game.vision.pipeline import VisionPipeline
from game.vision.sources import ImageListSource, SourceState, open_source


class _FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


@pytest.fixture()
def pictures(tmp_path: Path) -> list[Path]:
    import cv2

    paths = []
    for i, value in enumerate((10, 120, 240)):
        path = tmp_path / f"{i}.png"
        image = np.full((24, 32, 3), value, np.uint8)
        image[:, :4] = 0  # a dark left edge, to see the mirror
        cv2.imwrite(str(path), image)
        paths.append(path)
    return paths


def test_a_single_image_is_shown_for_ever_at_the_stream_rate(pictures: list[Path]) -> None:
    fake = _FakeTime()
    stream = StillImageStream(pictures[:1], fps=10, clock=fake.clock, sleep=fake.sleep)
    frames = [stream.read() for _ in range(50)]
    assert all(f is not None for f in frames)
    times = [f.t_ms for f in frames if f is not None]
    assert times[0] == 0 and times[-1] == 4900  # 10 frames a second, on the clock
    assert all(b > a for a, b in itertools.pairwise(times))
    assert frames[0] is not None and frames[-1] is not None
    assert frames[-1].rgb is frames[0].rgb and not frames[0].rgb.flags.writeable
    assert stream.state is SourceState.RUNNING and stream.realtime
    stream.close()
    assert stream.read() is None


def test_a_folder_shows_each_picture_for_a_while_then_starts_again(
    pictures: list[Path],
) -> None:
    fake = _FakeTime()
    stream = StillImageStream(pictures, fps=10, hold_ms=1000, clock=fake.clock,
                              sleep=fake.sleep)
    shown = []
    for _ in range(40):
        frame = stream.read()
        assert frame is not None
        shown.append(int(frame.rgb[0, 10, 0]))
    assert shown[:10] == [10] * 10 and shown[10:20] == [120] * 10
    assert shown[20:30] == [240] * 10 and shown[30:] == [10] * 10


def test_a_slow_reader_gets_the_current_time_not_a_backlog(pictures: list[Path]) -> None:
    fake = _FakeTime()
    stream = StillImageStream(pictures[:1], fps=10, clock=fake.clock, sleep=fake.sleep)
    assert stream.read() is not None
    fake.now += 5.0  # the consumer stalled for 5 s
    frame = stream.read()
    assert frame is not None and frame.t_ms == 5000 and fake.slept == []


def test_live_source_turns_pictures_into_a_stream_and_leaves_videos_alone(
    pictures: list[Path],
) -> None:
    image = open_source(str(pictures[0]))
    assert isinstance(image, ImageListSource) and is_still(image)
    live = live_source(image)
    assert isinstance(live, StillImageStream) and is_still(live)
    assert live.paths == [pictures[0]] and image.state is SourceState.ENDED
    folder = live_source(open_source(str(pictures[0].parent)))
    assert isinstance(folder, StillImageStream) and folder.paths == pictures
    mirrored = live_source(ImageListSource(pictures[:1], "x", mirror=True))
    frame = mirrored.read()
    assert frame is not None and frame.rgb[0, -1, 0] == 0  # the dark edge is now right
    other = Mock(spec=["read", "close", "state"])
    assert live_source(other) is other and not is_still(other)


# ------------------------------------------------------------------ calibration scene


def _calibration(status: CalibrationStatus, *, finished: bool = False,
                 calibrate: bool = True) -> tuple[CalibrationScene, Mock]:
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.calibration_status.return_value = status
    pipeline.finished = finished
    flow = Mock(spec=GameFlow)
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      pipeline=pipeline, options=RunOptions(calibrate=calibrate))
    ctx.flow = flow
    scene = CalibrationScene(ctx)
    return scene, flow


def _run(scene: CalibrationScene, ms: int, step: int = 100) -> None:
    for _ in range(ms // step):
        scene.update(step, 0)


def test_a_capture_that_never_finishes_is_retried_once_then_play_goes_on() -> None:
    scene, flow = _calibration(CalibrationStatus(CalibrationState.COLLECTING, progress=0.2))
    _run(scene, INTRO_MS + CAPTURE_TIMEOUT_MS - 500)
    flow.calibration_finished.assert_not_called()
    assert scene.phase == "collecting" and scene.attempt == 1
    _run(scene, 1_000)
    assert scene.phase == "retry"
    _run(scene, 3_000 + CAPTURE_TIMEOUT_MS)
    assert scene.attempt == 2
    _run(scene, 2_000)
    flow.calibration_finished.assert_called_once_with(None)


def test_when_the_source_has_ended_play_goes_on_without_waiting() -> None:
    scene, flow = _calibration(CalibrationStatus(CalibrationState.COLLECTING),
                               finished=True)
    _run(scene, INTRO_MS + 100 + 1_000)
    assert scene.attempt == 1  # no second try: no frame will come
    flow.calibration_finished.assert_called_once_with(None)


def test_pictures_are_not_calibrated_and_no_stored_baseline_is_used() -> None:
    scene, flow = _calibration(CalibrationStatus(CalibrationState.COLLECTING),
                               calibrate=False)
    scene.update(16, 0)
    flow.calibration_finished.assert_called_once_with(None, use_stored=False)
    assert isinstance(scene.ctx.pipeline, Mock)
    scene.ctx.pipeline.start_calibration.assert_not_called()
    scene.update(16, 16)
    assert flow.calibration_finished.call_count == 1


def test_the_flow_leaves_a_stored_baseline_alone_when_told_to() -> None:
    from game.records import memory_store
    from game.vision.population import population_baseline

    store = memory_store()
    child = store.create_profile("Kim")
    store.set_baseline(child.profile_id, population_baseline().to_dict())
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      pipeline=pipeline, store=store)
    level = Mock(id="one", mode="mimic", trials=1)  # the schedule's plan (issue 23)
    flow = GameFlow(ctx, Mock(), lambda profile, now_ms: Mock(start=lambda now: [],
                                                               levels=(level,)))
    ctx.profile = store.get_profile(child.profile_id)
    flow.calibration_finished(None, use_stored=False)
    pipeline.set_baseline.assert_not_called()
    flow.calibration_finished(None)
    pipeline.set_baseline.assert_called_once()
