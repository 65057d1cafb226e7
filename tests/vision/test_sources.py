"""Frame sources: image file, folder, video file (written here), webcam states."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from game.vision.records import Frame
from game.vision.sources import (
    FOLDER_FRAME_MS,
    CameraUnavailableError,
    ImageListSource,
    SourceError,
    SourceState,
    VideoFileSource,
    WebcamSource,
    crop_to_aspect,
    open_source,
    parse_webcam_spec,
)
from tests.vision.images import in_frame


def write_png(path: Path, rgb: np.ndarray) -> Path:
    assert cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    return path


def write_video(path: Path, frames: list[np.ndarray], fps: float = 10.0) -> Path:
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (w, h))
    assert writer.isOpened()
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()
    return path


def test_image_file_is_one_rgb_frame(tmp_path: Path, astronaut_rgb: np.ndarray) -> None:
    source = open_source(str(write_png(tmp_path / "a.png", astronaut_rgb)))
    frames = list(source)
    assert len(frames) == 1 and source.state is SourceState.ENDED
    assert np.array_equal(frames[0].rgb, astronaut_rgb)  # PNG is lossless, and RGB not BGR


def test_folder_gives_sorted_images_with_monotonic_times(
    tmp_path: Path, astronaut_rgb: np.ndarray, blank_rgb: np.ndarray
) -> None:
    write_png(tmp_path / "2_blank.png", blank_rgb)
    write_png(tmp_path / "1_face.png", astronaut_rgb)
    (tmp_path / "notes.txt").write_text("not an image")
    source = open_source(str(tmp_path))
    assert isinstance(source, ImageListSource)
    seen = []
    for frame in source:
        seen.append((frame.t_ms, source.current_path.name if source.current_path else ""))
    assert seen == [(0, "1_face.png"), (FOLDER_FRAME_MS, "2_blank.png")]


def test_video_file_unpaced_and_paced(tmp_path: Path, astronaut_rgb: np.ndarray) -> None:
    frames = [in_frame(astronaut_rgb)] * 5
    path = write_video(tmp_path / "clip.avi", frames, fps=10.0)
    fast = open_source(str(path), paced=False)
    assert isinstance(fast, VideoFileSource) and not fast.realtime
    times = [f.t_ms for f in fast]
    assert times == [0, 100, 200, 300, 400]
    clock = {"now": 50.0}
    sleeps: list[float] = []

    def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock["now"] += seconds

    paced = VideoFileSource(path, paced=True, clock=lambda: clock["now"], sleep=sleep)
    assert paced.realtime
    got = [f.t_ms for f in paced]
    assert got == times
    assert sum(sleeps) == pytest.approx(0.4)


def test_16_9_frames_are_cropped_towards_4_3() -> None:
    wide = np.zeros((720, 1280, 3), np.uint8)
    assert crop_to_aspect(wide).shape == (720, 960, 3)
    assert crop_to_aspect(np.zeros((480, 640, 3), np.uint8)).shape == (480, 640, 3)


def test_specs_and_missing_paths() -> None:
    assert parse_webcam_spec("webcam") == 0
    assert parse_webcam_spec("webcam:2") == 2
    assert parse_webcam_spec("clip.mp4") is None
    with pytest.raises(SourceError, match="webcam:N"):
        parse_webcam_spec("webcam:front")
    with pytest.raises(SourceError, match="does not exist"):
        open_source("/no/such/clip.mp4")


def test_unreadable_files_are_source_errors(tmp_path: Path) -> None:
    (tmp_path / "bad.png").write_bytes(b"not a png")
    with pytest.raises(SourceError, match="not an image"):
        list(open_source(str(tmp_path / "bad.png")))
    (tmp_path / "bad.mp4").write_bytes(b"not a video")
    with pytest.raises(SourceError, match="cannot open"):
        open_source(str(tmp_path / "bad.mp4"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(SourceError, match="no images"):
        open_source(str(tmp_path / "empty"))


def test_missing_webcam_is_one_clear_error() -> None:
    with pytest.raises(CameraUnavailableError, match="--source"):
        open_source("webcam:97")


class _FlakyCapture:
    """Stands in for cv2.VideoCapture: delivers `good` frames, then fails."""

    def __init__(self, good: int, bgr: np.ndarray) -> None:
        self.good, self.bgr, self.released = good, bgr, False

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.good <= 0:
            return False, None
        self.good -= 1
        return True, self.bgr

    def release(self) -> None:
        self.released = True


def test_webcam_loss_is_a_state_and_recovers(monkeypatch: pytest.MonkeyPatch) -> None:
    bgr = np.zeros((720, 1280, 3), np.uint8)
    captures = [_FlakyCapture(2, bgr), None, _FlakyCapture(1, bgr)]
    monkeypatch.setattr(WebcamSource, "_open", lambda self: captures.pop(0))
    clock = {"now": 0.0}
    cam = WebcamSource(0, reconnect_ms=500, clock=lambda: clock["now"])
    first = cam.read()
    assert isinstance(first, Frame) and first.size == (960, 720)
    assert cam.read() is not None
    assert cam.read() is None and cam.state is SourceState.CAMERA_LOST and cam.losses == 1
    clock["now"] = 0.6  # retry: still gone
    assert cam.read() is None and cam.state is SourceState.CAMERA_LOST
    clock["now"] = 1.2  # retry: back
    back = cam.read()
    assert back is not None and cam.state is SourceState.RUNNING
    assert back.t_ms > first.t_ms
    cam.close()
    assert cam.state is SourceState.ENDED and cam.read() is None
