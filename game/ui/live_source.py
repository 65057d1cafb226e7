"""Still images played as a steady camera, so a picture or a folder of pictures can drive a
whole session (demos, research, tests).

`game.vision.sources` hands out an image file as one frame and a folder as one frame per
image, then the source ends: right for evaluating pictures, but a game needs a stream.
With one frame, the calibration never gets its ~3 s of frames and no session ever starts.
`live_source` wraps such a source in `StillImageStream`, which shows each image for
`hold_ms` (a single image for ever), `fps` times a second, with timestamps on the wall
clock like a webcam's; a folder starts again from its first image after the last.

A video file in the game is held on its first frame (`HeldVideoSource`) until the game
needs the camera (`FrameSource.start_playing`, when a child is chosen and the calibration
begins), so the minutes a therapist spends adding a child or setting a PIN do not run the
clip out before the session.

Pictures are not calibrated: the calm face would be the very picture being scored (a
smiling photo would then be "calm" and never score as happy), so `is_still` sources are
scored against the population's neutral face, as `facequest evaluate` scores pictures.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from game.vision.records import Frame
from game.vision.sources import (
    FrameSource,
    ImageListSource,
    SourceError,
    SourceState,
    VideoFileSource,
    read_image,
)

logger = logging.getLogger(__name__)

STILL_FPS = 15.0
FOLDER_HOLD_MS = 4000  # each picture of a folder stays this long (a trial's hold fits in it)


class StillImageStream(FrameSource):
    """Images shown one after another as a live stream.

    Args:
        paths: the images (at least one), shown in this order, then again from the start.
        description: what to call the source in messages.
        mirror: flip left-right.
        fps: frames per second handed out (`read` waits for the next one's time).
        hold_ms: how long each image stays (ignored for a single image).
        clock, sleep: monotonic seconds and a sleep function (tests pass fakes).
    """

    realtime = True

    def __init__(
        self,
        paths: list[Path],
        description: str = "",
        *,
        mirror: bool = False,
        fps: float = STILL_FPS,
        hold_ms: int = FOLDER_HOLD_MS,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        if not paths:
            raise ValueError("a still-image stream needs at least one image")
        self.paths = list(paths)
        self.description = description or str(self.paths[0])
        self.mirror = mirror
        self.fps = fps
        self.hold_ms = max(1, int(hold_ms))
        self._clock, self._sleep = clock, sleep
        self._start: float | None = None
        self._last_t_ms = -1
        self._index = -1
        self._rgb: np.ndarray | None = None

    @property
    def nominal_fps(self) -> float | None:
        return self.fps

    @property
    def current_path(self) -> Path:
        """The image being shown."""
        return self.paths[max(self._index, 0)]

    def image_index(self, t_ms: int) -> int:
        """Which image is shown at `t_ms` after the start."""
        return (t_ms // self.hold_ms) % len(self.paths) if len(self.paths) > 1 else 0

    def read(self) -> Frame | None:
        """The next frame, at its time (waits up to one frame interval). A picture that
        cannot be decoded is dropped with a warning; when none is left the stream ends."""
        if self.state is SourceState.ENDED:
            return None
        now = self._clock()
        if self._start is None:
            self._start = now
        due = self._start + self.frames_read / self.fps
        if due > now:
            self._sleep(due - now)
            now = due
        t_ms = max(round((now - self._start) * 1000), self._last_t_ms + 1)
        self._last_t_ms = t_ms
        while (index := self.image_index(t_ms)) != self._index or self._rgb is None:
            try:
                self._rgb = self._load(index)
            except SourceError as exc:  # a picture that passed its header check, yet broken
                logger.warning("skipping a picture: %s", exc)
                del self.paths[index]
                self._index, self._rgb = -1, None
                if not self.paths:
                    self.close()
                    return None
                continue
            self._index = index
        self.frames_read += 1
        return Frame(t_ms, self._rgb)

    def _load(self, index: int) -> np.ndarray:
        rgb = read_image(self.paths[index])
        if self.mirror:
            rgb = rgb[:, ::-1]
        rgb = np.ascontiguousarray(rgb)
        rgb.flags.writeable = False  # one array is shared by many frames
        logger.debug("showing %s", self.paths[index])
        return rgb


class HeldVideoSource(FrameSource):
    """A video file that shows its first frame (a paused clip) until `start_playing`, then
    plays from its start at the file's own speed.

    Timestamps run on from the held frames, so they only ever grow. The wrapped source is
    read unpaced; this class paces it.

    Args:
        video: the opened video file (its pacing is taken over here).
        clock, sleep: monotonic seconds and a sleep function (tests pass fakes).
    """

    realtime = True

    def __init__(
        self,
        video: VideoFileSource,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        super().__init__()
        video.paced = False
        self.video = video
        self.description = video.description
        self.mirror = video.mirror
        self._fps = video.nominal_fps or 30.0
        self._clock, self._sleep = clock, sleep
        self._playing = False
        self._first: Frame | None = None  # the held frame, played again first
        self._start: float | None = None  # when the held stream started
        self._play_start: float | None = None
        self._offset_ms = 0  # the stream's time when playing began
        self._last_t_ms = -1

    @property
    def nominal_fps(self) -> float | None:
        return self._fps

    @property
    def playing(self) -> bool:
        """True once `start_playing` was called."""
        return self._playing

    def start_playing(self) -> None:
        if not self._playing:
            logger.info("%s: the game needs the camera: the video starts", self.description)
        self._playing = True

    def read(self) -> Frame | None:
        """The held first frame (paced at the file's fps) until playing, then the video's
        frames at their times; None once the video is over."""
        if self.state is SourceState.ENDED:
            return None
        if self._first is None:
            self._first = self.video.read()
            if self._first is None:
                self.close()
                return None
        now = self._clock()
        if self._start is None:
            self._start = now
        if not self._playing:
            due = self._start + self.frames_read / self._fps
            if due > now:
                self._sleep(due - now)
                now = due
            return self._emit(round((now - self._start) * 1000), self._first)
        if self._play_start is None:
            self._play_start, self._offset_ms = now, self._last_t_ms + 1
            frame: Frame | None = self._first
        else:
            frame = self.video.read()
        if frame is None:
            self.close()
            return None
        delay = self._play_start + frame.t_ms / 1000 - self._clock()
        if delay > 0:
            self._sleep(delay)
        return self._emit(self._offset_ms + frame.t_ms, frame)

    def _emit(self, t_ms: int, frame: Frame) -> Frame:
        t_ms = max(t_ms, self._last_t_ms + 1)
        self._last_t_ms = t_ms
        self.frames_read += 1
        return Frame(t_ms, frame.rgb)

    def close(self) -> None:
        self.video.close()
        super().close()


def is_still(source: FrameSource) -> bool:
    """True for an image file or a folder of images (no calibration for those)."""
    return isinstance(source, ImageListSource | StillImageStream)


def live_source(source: FrameSource) -> FrameSource:
    """`source` as the game needs it: still images become a `StillImageStream` (the image
    source it replaces is closed), a paced video a `HeldVideoSource` (it waits for
    `start_playing`); webcams and unpaced videos are returned as they are."""
    if isinstance(source, VideoFileSource) and source.paced:
        return HeldVideoSource(source)
    if not isinstance(source, ImageListSource):
        return source
    paths, mirror, description = list(source.paths), source.mirror, source.description
    source.close()
    logger.info("%s: shown as a steady camera (%d image%s)", description, len(paths),
                "" if len(paths) == 1 else "s")
    return StillImageStream(paths, description, mirror=mirror)
