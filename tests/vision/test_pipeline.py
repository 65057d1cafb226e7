"""The threaded VisionPipeline end to end: a video written here from real images, calibration,
camera loss and frame dropping."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from game.expressions import Expression, QualityFlag
from game.vision.calibration import CalibrationState
from game.vision.pipeline import VisionChain, VisionPipeline
from game.vision.records import ExpressionReading, FaceObservation, Frame
from game.vision.sources import FrameSource, SourceState, open_source
from tests.vision.images import in_frame
from tests.vision.test_sources import write_video


def test_video_of_real_faces_through_the_whole_pipeline(
    tmp_path: Path, astronaut_rgb: np.ndarray, blank_rgb: np.ndarray, tiny_model_path: Path
) -> None:
    face = in_frame(astronaut_rgb)
    frames = [blank_rgb] * 3 + [face] * 12 + [blank_rgb] * 3
    video = write_video(tmp_path / "clip.avi", frames, fps=15.0)
    readings: list[tuple[ExpressionReading, FaceObservation]] = []
    chain = VisionChain.create(tiny_model_path, target=Expression.HAPPY)
    with VisionPipeline(
        open_source(str(video), paced=False),
        chain,
        on_reading=lambda r, o: readings.append((r, o)),
    ) as pipeline:
        assert pipeline.wait_finished(120)
        stats = pipeline.stats()
        latest = pipeline.latest()
        latest_frame = pipeline.latest_frame()
    assert stats.error is None
    assert stats.frames_processed == len(frames) == len(readings)
    assert stats.frames_dropped == 0  # a file source waits for the worker
    assert stats.source_state is SourceState.ENDED
    assert [r.t_ms for r, _ in readings] == sorted(r.t_ms for r, _ in readings)
    faces = [o.has_face for _, o in readings]
    assert faces[:3] == [False] * 3 and faces[-3:] == [False] * 3
    assert sum(faces[3:15]) >= 11  # VIDEO mode tracks the face as soon as it appears
    scored = [r for r, o in readings[3:15] if o.has_face]
    assert scored[-1].trusted and scored[-1].target_score > 0.7
    assert scored[-1].flags == {QualityFlag.NOT_CALIBRATED}
    assert all(QualityFlag.NO_FACE in r.flags for r, _ in readings[-3:])
    assert latest is readings[-1][0] and latest_frame is not None
    assert latest_frame.size == (640, 480)


class _ListSource(FrameSource):
    """Frames from a list; None entries stand for a lost camera."""

    def __init__(self, items: list[np.ndarray | None], realtime: bool = False) -> None:
        super().__init__()
        self.items, self.realtime, self.t = list(items), realtime, 0
        self.exhausted = threading.Event()

    def read(self) -> Frame | None:
        if not self.items:
            self.exhausted.set()
            self.close()
            return None
        item = self.items.pop(0)
        self.t += 33
        if item is None:
            self.state = SourceState.CAMERA_LOST
            return None
        self.state = SourceState.RUNNING
        return Frame(self.t, item)


def test_calibration_through_the_pipeline_sets_the_baseline(astronaut_rgb: np.ndarray) -> None:
    face = in_frame(astronaut_rgb)
    chain = VisionChain.create(None)
    pipeline = VisionPipeline(_ListSource([face] * 40), chain)
    pipeline.start_calibration(duration_ms=600)
    pipeline.set_target(Expression.HAPPY)
    assert pipeline.calibration_status().state is CalibrationState.COLLECTING
    with pipeline:
        assert pipeline.wait_finished(120)
    status = pipeline.calibration_status()
    assert status.state is CalibrationState.DONE, status.message
    assert status.baseline is not None and status.good_frames >= 15
    latest = pipeline.latest()
    assert latest is not None and latest.target is Expression.HAPPY
    # Scored against its own neutral, the unchanged smile is no change at all.
    assert QualityFlag.NOT_CALIBRATED not in latest.flags
    assert latest.target_score < 0.2


def test_lost_camera_gives_a_camera_lost_reading_then_recovers(
    astronaut_rgb: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    face = in_frame(astronaut_rgb)
    seen: list[ExpressionReading] = []
    source = _ListSource([face, face, None, None, face, face])
    original_read = source.read
    lost_seen = threading.Event()

    def read() -> Frame | None:
        frame = original_read()
        if frame is None and source.state is SourceState.CAMERA_LOST:
            lost_seen.set()
        return frame

    monkeypatch.setattr(source, "read", read)
    pipeline = VisionPipeline(
        source, VisionChain.create(None), on_reading=lambda r, o: seen.append(r)
    )
    lost_readings: list[ExpressionReading] = []
    publish = pipeline._publish_lost

    def record_lost() -> None:
        publish()
        reading = pipeline.latest()
        assert reading is not None
        lost_readings.append(reading)

    monkeypatch.setattr(pipeline, "_publish_lost", record_lost)
    with pipeline:
        assert pipeline.wait_finished(120)
    assert lost_seen.is_set()
    assert lost_readings and all(
        r.flags == {QualityFlag.CAMERA_LOST} and not r.face_present for r in lost_readings
    )
    assert len(seen) == 4 and seen[-1].face_present


def test_realtime_source_drops_stale_frames_and_counts_them(astronaut_rgb: np.ndarray) -> None:
    source = _ListSource([in_frame(astronaut_rgb)] * 12, realtime=True)
    # The vision thread is held on its first reading until every frame has been captured:
    # all but the newest waiting frame must be dropped, never queued.
    def held(reading: ExpressionReading, observation: FaceObservation) -> None:
        source.exhausted.wait(60)

    pipeline = VisionPipeline(source, VisionChain.create(None), on_reading=held)
    with pipeline:
        assert pipeline.wait_finished(120)
        stats = pipeline.stats()
    assert stats.frames_captured == 12
    # The worker takes the first frame it finds (the first, or a later one if it starts late)
    # and, once released, the newest: one or two readings, everything else dropped.
    assert stats.frames_processed in (1, 2)
    assert stats.frames_processed + stats.frames_dropped == 12
    latest = pipeline.latest()
    assert latest is not None and latest.t_ms == 12 * 33
