"""Where frames come from: a webcam, a video file, an image file or a folder of images.

`open_source(spec)` turns what the user typed (`webcam`, `webcam:1`, a path) into a
`FrameSource`. Every source hands out `Frame(t_ms, rgb)` with monotonic timestamps through
`read()`, which returns `None` when no frame is available right now; `state` says why
(`CAMERA_LOST` while a webcam is gone, `ENDED` when a file is used up). A webcam that
disappears mid-stream is retried every `reconnect_ms` and comes back by itself: losing the
camera is a state the game shows, never an exception inside a thread.

Webcam frames are converted to RGB, mirrored if asked (children expect a mirror) and
16:9 frames are cropped towards 4:3, where the face landmarker finds faces far more often.
"""

from __future__ import annotations

import enum
import logging
import stat
import struct
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from game.closing import Closing
from game.vision.records import Frame

logger = logging.getLogger(__name__)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"})
FOLDER_FRAME_MS = 33  # nominal spacing of images from a folder (about 30 fps)
DEFAULT_RECONNECT_MS = 1000
TARGET_ASPECT = 4 / 3
# Bounds on a picture read from a user's path, checked from its header before decoding:
# a 48-megapixel phone photo passes; a PNG claiming 100000 x 100000 does not.
MAX_IMAGE_PIXELS = 50_000_000
MAX_IMAGE_SIDE = 20_000
MAX_IMAGE_BYTES = 200 * 2**20

Clock = Callable[[], float]  # seconds, monotonic


class SourceError(RuntimeError):
    """A source cannot be opened or read (the message is one sentence for the user)."""


class CameraUnavailableError(SourceError):
    """No webcam could be opened at start-up."""


class SourceState(enum.StrEnum):
    RUNNING = "running"
    CAMERA_LOST = "camera_lost"
    ENDED = "ended"


class FrameSource(Closing, ABC):
    """A stream of frames. `realtime` sources (webcam, paced video) drop frames when the
    consumer is slow; the others wait for it."""

    realtime: bool = False
    description: str = ""
    mirror: bool = False  # frames are flipped left-right (the child sees a mirror)

    def __init__(self) -> None:
        self.state = SourceState.RUNNING
        self.frames_read = 0

    @abstractmethod
    def read(self) -> Frame | None:
        """The next frame, or None (see `state`: camera lost, or ended)."""

    @property
    def nominal_fps(self) -> float | None:
        """Frames per second the source delivers, when known."""
        return None

    def start_playing(self) -> None:
        """The game needs the frames now (calibration or play). A source held until then
        (a video in the game, `game.ui.live_source.HeldVideoSource`) starts; a camera or a
        picture is always live and ignores this. Safe to call from any thread, repeatedly."""

    def close(self) -> None:
        """Release the device or file."""
        self.state = SourceState.ENDED

    def __iter__(self) -> Iterator[Frame]:
        """Frames until the source ends (a lost camera keeps the loop waiting)."""
        while self.state is not SourceState.ENDED:
            frame = self.read()
            if frame is not None:
                yield frame


def crop_to_aspect(rgb: np.ndarray, aspect: float = TARGET_ASPECT) -> np.ndarray:
    """Centre-crop frames wider than `aspect` (16:9 -> 4:3); others are returned as they are."""
    height, width = rgb.shape[:2]
    wanted = round(height * aspect)
    if width <= wanted:
        return rgb
    x0 = (width - wanted) // 2
    return rgb[:, x0 : x0 + wanted]


def image_size(path: Path) -> tuple[int, int]:
    """The (width, height) in px an image file's header claims, read without decoding it.

    Raises SourceError (one sentence) when `path` is not a regular file (a folder, a device
    such as /dev/zero), is larger than `MAX_IMAGE_BYTES`, is not a picture (a text file named
    .jpg), or claims more than `MAX_IMAGE_PIXELS` pixels or a side over `MAX_IMAGE_SIDE` (a
    "pixel bomb": a small file whose header would make the decoder allocate gigabytes).
    """
    import warnings

    from PIL import Image, UnidentifiedImageError

    try:
        info = path.stat()
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"{path} is not a regular file, so it is not read as a picture")
    if info.st_size == 0:
        raise SourceError(f"{path} is an empty file, not a picture")
    if info.st_size > MAX_IMAGE_BYTES:
        raise SourceError(f"{path} is {info.st_size // 2**20} MB, more than the "
                          f"{MAX_IMAGE_BYTES // 2**20} MB a picture may have")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:  # lazy: reads the header, decodes nothing
                width, height = image.size
    except Image.DecompressionBombError:
        raise SourceError(_too_large(path, "far more")) from None
    except (UnidentifiedImageError, SyntaxError, ValueError, EOFError, struct.error):
        raise SourceError(f"{path} is not an image this program can read") from None
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from None
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise SourceError(_too_large(path, f"{width} x {height} pixels, more"))
    if width < 1 or height < 1:
        raise SourceError(f"{path} is not an image this program can read")
    return width, height


def _too_large(path: Path, claim: str) -> str:
    return (f"{path} claims to be {claim} than the {MAX_IMAGE_PIXELS // 1_000_000} megapixels "
            "a picture may have, so it is not read")


def usable_images(paths: list[Path], where: str) -> tuple[list[Path], list[Path]]:
    """`paths` split into the pictures whose header passes `image_size` and those that do
    not (non-pictures, pixel bombs, devices), the latter named in ONE warning for `where`
    (a folder): a bad file among many pictures never ends a run, and never floods the log.
    When none passes there is no warning: the caller stops, saying why in one sentence."""
    good: list[Path] = []
    bad: list[tuple[Path, str]] = []
    for path in paths:
        try:
            image_size(path)
        except SourceError as exc:
            bad.append((path, str(exc)))
        else:
            good.append(path)
    if bad and good:
        names = ", ".join(path.name for path, _ in bad[:5])
        more = f" and {len(bad) - 5} more" if len(bad) > 5 else ""
        logger.warning("skipping a picture: %d of %d files in %s cannot be used (%s%s); the "
                       "first: %s", len(bad), len(paths), where, names, more, bad[0][1])
    return good, [path for path, _ in bad]


def _no_pictures(folder: Path) -> None:
    """A folder without one picture FaceQuest reads: what it holds instead, in one sentence
    (a folder of iPhone .HEIC photos is not "empty")."""
    others = sorted(p.name for p in folder.iterdir()
                    if p.is_file() and not p.name.startswith("."))
    if not others:
        raise SourceError(f"no images found in folder {folder}")
    kinds = ", ".join(sorted(IMAGE_SUFFIXES))
    raise SourceError(f"no pictures FaceQuest can read ({kinds}) in folder {folder}: it holds "
                      f"{len(others)} other file(s), such as {others[0]}; give --source one "
                      "video file, or a folder of JPEG or PNG pictures")


def read_image(path: Path) -> np.ndarray:
    """An image file as RGB uint8 (H, W, 3); SourceError (one sentence) when it cannot be
    decoded or its header is refused by `image_size` before any decoding."""
    import cv2

    image_size(path)
    try:
        data = np.fromfile(str(path), dtype=np.uint8)
    except OSError as exc:
        raise SourceError(f"cannot read {path}: {exc.strerror or exc}") from exc
    try:
        bgr = cv2.imdecode(data, cv2.IMREAD_COLOR) if data.size else None
    except cv2.error:
        bgr = None
    if bgr is None:
        raise SourceError(f"{path} is not an image this program can read")
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def _bgr_to_frame(bgr: np.ndarray, t_ms: int, mirror: bool, crop: bool) -> Frame:
    import cv2

    rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
    if crop:
        rgb = crop_to_aspect(rgb)
    if mirror:
        rgb = rgb[:, ::-1]
    return Frame(t_ms, np.ascontiguousarray(rgb))


class WebcamSource(FrameSource):
    """A webcam through OpenCV. Raises CameraUnavailableError when it cannot be opened."""

    realtime = True

    def __init__(
        self,
        index: int = 0,
        *,
        width: int = 640,
        height: int = 480,
        fps: float = 30.0,
        mirror: bool = True,
        crop_16_9: bool = True,
        reconnect_ms: int = DEFAULT_RECONNECT_MS,
        clock: Clock = time.monotonic,
    ) -> None:
        super().__init__()
        self.index, self.width, self.height, self.fps = index, width, height, fps
        self.mirror, self.crop, self.reconnect_ms = mirror, crop_16_9, reconnect_ms
        self.description = f"webcam:{index}"
        self._clock = clock
        self._t0 = clock()
        self._last_t_ms = -1
        self._next_retry = 0.0
        self.losses = 0
        self._capture = self._open()
        if self._capture is None:
            raise CameraUnavailableError(
                f"no webcam found at index {index}; plug one in, try another with "
                "--source webcam:N, or use --source PATH for a video, an image or a folder"
            )

    def _open(self) -> object | None:
        import cv2

        # OpenCV prints several lines of warnings when probing a missing camera: silence them,
        # the caller says what happened in one sentence.
        level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        try:
            capture = cv2.VideoCapture(self.index)
            opened = capture.isOpened()
        finally:
            cv2.utils.logging.setLogLevel(level)
        if not opened:
            capture.release()
            return None
        capture.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        capture.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        capture.set(cv2.CAP_PROP_FPS, self.fps)
        capture.set(cv2.CAP_PROP_BUFFERSIZE, 1)  # keep the newest frame, not a queue
        logger.info(
            "webcam %d opened at %dx%d",
            self.index,
            int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )
        return capture

    @property
    def nominal_fps(self) -> float | None:
        return self.fps

    def _now_ms(self) -> int:
        t_ms = max(int((self._clock() - self._t0) * 1000), self._last_t_ms + 1)
        self._last_t_ms = t_ms
        return t_ms

    def read(self) -> Frame | None:
        if self.state is SourceState.ENDED:
            return None
        if self._capture is None:
            if self._clock() < self._next_retry:
                time.sleep(0.01)
                return None
            self._capture = self._open()
            if self._capture is None:
                self._next_retry = self._clock() + self.reconnect_ms / 1000
                return None
            logger.info("webcam %d is back", self.index)
            self.state = SourceState.RUNNING
        ok, bgr = self._capture.read()  # type: ignore[attr-defined]
        if not ok or bgr is None:
            logger.warning("webcam %d stopped delivering frames; retrying", self.index)
            self._capture.release()  # type: ignore[attr-defined]
            self._capture = None
            self.state = SourceState.CAMERA_LOST
            self.losses += 1
            self._next_retry = self._clock() + self.reconnect_ms / 1000
            return None
        self.frames_read += 1
        return _bgr_to_frame(bgr, self._now_ms(), self.mirror, self.crop)

    def close(self) -> None:
        if self._capture is not None:
            self._capture.release()  # type: ignore[attr-defined]
            self._capture = None
        super().close()


class VideoFileSource(FrameSource):
    """A video file. Paced: frames come at the file's fps (a realtime source, like a camera);
    unpaced: as fast as the consumer takes them. t_ms is the frame's time in the video."""

    def __init__(
        self,
        path: Path,
        *,
        paced: bool = True,
        mirror: bool = False,
        crop_16_9: bool = False,
        clock: Clock = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        import cv2

        super().__init__()
        self.path, self.paced, self.mirror, self.crop = path, paced, mirror, crop_16_9
        self.realtime = paced
        self.description = str(path)
        self._capture = cv2.VideoCapture(str(path))
        if not self._capture.isOpened():
            self._capture.release()
            raise SourceError(f"cannot open {path} as a video")
        fps = float(self._capture.get(cv2.CAP_PROP_FPS) or 0.0)
        self._fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self._clock, self._sleep = clock, sleep
        self._t0: float | None = None

    @property
    def nominal_fps(self) -> float | None:
        return self._fps

    def read(self) -> Frame | None:
        if self.state is SourceState.ENDED:
            return None
        ok, bgr = self._capture.read()
        if not ok or bgr is None:
            self.close()
            return None
        t_ms = round(self.frames_read * 1000 / self._fps)
        self.frames_read += 1
        if self.paced:
            if self._t0 is None:
                self._t0 = self._clock()
            delay = self._t0 + t_ms / 1000 - self._clock()
            if delay > 0:
                self._sleep(delay)
        return _bgr_to_frame(bgr, t_ms, self.mirror, self.crop)

    def close(self) -> None:
        self._capture.release()
        super().close()


class ImageListSource(FrameSource):
    """Still images, one frame each, `FOLDER_FRAME_MS` apart (an image file is a list of one)."""

    def __init__(
        self,
        paths: list[Path],
        description: str,
        *,
        mirror: bool = False,
        skipped: list[Path] | None = None,
    ) -> None:
        super().__init__()
        self.skipped: list[Path] = list(skipped or [])  # files that could not be read
        if not paths:
            if self.skipped:
                raise SourceError(f"no usable images in {description} ({len(self.skipped)} "
                                  "file(s) skipped)")
            raise SourceError(f"no images found in {description}")
        self.paths, self.mirror, self.description = paths, mirror, description

    @property
    def current_path(self) -> Path | None:
        """The file of the frame `read()` returned last."""
        return self.paths[self.frames_read - 1] if self.frames_read else None

    def read(self) -> Frame | None:
        """The next image as a frame; an image that cannot be read (unreadable file, broken
        or empty image) is skipped with a warning, so one bad picture never ends a session."""
        while True:
            if self.frames_read >= len(self.paths):
                self.close()
                return None
            try:
                rgb = read_image(self.paths[self.frames_read])
            except SourceError as exc:
                if len(self.paths) == 1:
                    raise
                logger.warning("skipping a picture: %s", exc)
                self.skipped.append(self.paths[self.frames_read])
                self.frames_read += 1
                continue
            break
        if self.mirror:
            rgb = np.ascontiguousarray(rgb[:, ::-1])
        frame = Frame(self.frames_read * FOLDER_FRAME_MS, rgb)
        self.frames_read += 1
        return frame


def parse_webcam_spec(spec: str) -> int | None:
    """The camera index of "webcam" / "webcam:N" / "camera:N", or None for a path."""
    head, _, tail = spec.strip().partition(":")
    if head.lower() not in ("webcam", "camera", "cam"):
        return None
    if not tail:
        return 0
    if not tail.isdigit():
        raise SourceError(f"{spec!r}: write webcam:N with N a camera number, like webcam:1")
    return int(tail)


def _not_a_file(path: Path) -> str:
    """Why a path that is neither a folder nor a regular file is refused, in one sentence."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return f"cannot read {path}: {exc.strerror or exc}"
    kind = ("a named pipe (FIFO)" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return (f"{path} is {kind}, not a video file, a picture or a folder of pictures; give one "
            "of those, or --source webcam:N for camera N")


def open_source(
    spec: str,
    *,
    width: int = 640,
    height: int = 480,
    fps: float = 30.0,
    mirror: bool | None = None,
    paced: bool = True,
    clock: Clock = time.monotonic,
) -> FrameSource:
    """Open "webcam[:N]", a video file, an image file or a folder of images.

    Args:
        spec: what to open.
        width, height, fps: the resolution and rate asked of a webcam.
        mirror: flip left-right; default True for a webcam, False for files.
        paced: play a video file at its own fps (True) or as fast as possible (False).
        clock: monotonic seconds (tests pass a fake).

    Raises:
        CameraUnavailableError: no webcam at that index.
        SourceError: the path is missing or cannot be read.
    """
    if not spec.strip():  # Path("") is the current folder, which nobody meant
        raise SourceError("--source is empty: give webcam, webcam:N, a video file, a picture "
                          "or a folder of pictures")
    index = parse_webcam_spec(spec)
    if index is not None:
        return WebcamSource(
            index,
            width=width,
            height=height,
            fps=fps,
            mirror=True if mirror is None else mirror,
            clock=clock,
        )
    path = Path(spec).expanduser()
    if path.is_dir():
        listed = sorted(p for p in path.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)
        if not listed:
            _no_pictures(path)
        images, skipped = usable_images(listed, f"folder {path}")
        if skipped and not images:  # nothing to show: why, in one sentence
            try:
                image_size(skipped[0])
            except SourceError as exc:
                if len(skipped) == 1:
                    raise
                raise SourceError(f"none of the {len(skipped)} pictures in folder {path} can "
                                  f"be used; the first: {exc}") from None
        return ImageListSource(images, f"folder {path}", mirror=bool(mirror), skipped=skipped)
    if not path.exists():
        raise SourceError(f"{spec} does not exist (use --source webcam, or a video/image path)")
    if not path.is_file():  # opening a FIFO would wait for a writer for ever
        raise SourceError(_not_a_file(path))
    if path.suffix.lower() in IMAGE_SUFFIXES:
        image_size(path)  # a pixel bomb or a non-picture is refused before anything starts
        return ImageListSource([path], str(path), mirror=bool(mirror))
    return VideoFileSource(path, paced=paced, mirror=bool(mirror), clock=clock)
