"""The vision engine at run time: frames in on one thread, the latest reading out.

`VisionChain` is the synchronous chain (face tracker -> features -> model -> scorer) used by
`facequest watch`, `facequest bench`, `facequest evaluate` and `facequest robustness`; a
still picture goes through `VisionChain.process_still` (each picture on its own).
`VisionPipeline` runs it off the game's main thread:

    capture thread: source.read() -> one-slot frame mailbox (a realtime source overwrites
                    the waiting frame and counts a drop; a file source waits instead)
    vision thread:  mailbox -> VisionChain -> one-slot reading mailbox (`latest()`)

The game loop calls `latest()` once per drawn frame and never waits. Commands from the game
(`set_target`, `set_baseline`, `start_calibration`) are handed to the vision thread, which
applies them before its next frame. A lost camera publishes a CAMERA_LOST reading and the
pipeline carries on when the camera comes back.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from types import TracebackType

import numpy as np

from game.closing import Closing
from game.expressions import Expression, QualityFlag
from game.paths import DEFAULT_MODEL_PATH
from game.vision.calibration import (
    DEFAULT_DURATION_MS,
    CalibrationState,
    CalibrationStatus,
    NeutralBaseline,
    NeutralCalibrator,
)
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.model import ExpressionModel, ModelError
from game.vision.records import ExpressionReading, FaceObservation, FeatureVector, Frame
from game.vision.scoring import Scorer
from game.vision.sources import FrameSource, SourceState
from game.vision.stills import pad_still

logger = logging.getLogger(__name__)

STATS_WINDOW = 120  # readings kept for latency percentiles
FPS_WINDOW_S = 2.0
CAMERA_LOST_EVERY_MS = 250  # how often a CAMERA_LOST reading is republished

ReadingCallback = Callable[[ExpressionReading, FaceObservation], None]


def calibrated_model_path(model_path: Path) -> Path:
    """Where the calibrated ("delta") companion of a raw model is shipped
    (models/expression.onnx -> models/expression_calibrated.onnx, as `facequest train`
    writes it)."""
    return model_path.with_name(f"{model_path.stem}_calibrated{model_path.suffix}")


def raw_companion_path(calibrated_path: Path) -> Path:
    """The raw model a calibrated one belongs to (the inverse of `calibrated_model_path`)."""
    stem = calibrated_path.stem.removesuffix("_calibrated")
    return calibrated_path.with_name(stem + calibrated_path.suffix)


def load_calibrated_companion(model: ExpressionModel) -> ExpressionModel | None:
    """The calibrated model beside the raw `model`, or None when there is none (or `model`
    is itself a delta model). A companion that fails to load or is not a delta model is
    skipped with a warning: the raw model then scores calibrated children too."""
    path = calibrated_model_path(model.path)
    if model.input_kind != "raw" or not path.is_file():
        return None
    try:
        companion = ExpressionModel.load(path)
    except ModelError as exc:
        logger.warning("calibrated model skipped: %s", exc)
        return None
    if companion.input_kind != "delta" or companion.classes != model.classes:
        logger.warning(
            "calibrated model skipped: %s is not a delta model of the same classes", path
        )
        return None
    return companion


def resolve_model_path(explicit: Path | None) -> Path | None:
    """`explicit` if given, else the shipped model when it exists, else None (no model)."""
    if explicit is not None:
        return explicit
    return DEFAULT_MODEL_PATH if DEFAULT_MODEL_PATH.is_file() else None


@dataclass(frozen=True, slots=True)
class ChainResult:
    """One frame through the chain, with the time it took (ms)."""

    observation: FaceObservation
    features: FeatureVector | None
    reading: ExpressionReading
    vision_ms: float


class VisionChain(Closing):
    """Face tracker + scorer, run synchronously on the caller's thread."""

    def __init__(self, tracker: FaceTracker, scorer: Scorer) -> None:
        self.tracker, self.scorer = tracker, scorer

    @classmethod
    def create(
        cls,
        model_path: Path | None = None,
        *,
        landmarker: Path | None = None,
        mode: str = "video",
        target: Expression | None = None,
        baseline: NeutralBaseline | None = None,
    ) -> VisionChain:
        """Build the chain; `model_path` None runs without a model (actions only).

        The calibrated companion of the model (`calibrated_model_path`), when shipped,
        scores while a baseline is set.

        Raises ModelError / LandmarkerAssetError with a clear message.
        """
        model = ExpressionModel.load(model_path) if model_path is not None else None
        if model is not None and model.input_kind != "raw":
            raise ModelError(
                f"{model.path} is a calibrated model (it scores changes from a child's "
                f"neutral); give the raw model beside it instead: "
                f"{raw_companion_path(model.path)} (its calibrated companion is used once the "
                "child is calibrated)"
            )
        calibrated = load_calibrated_companion(model) if model is not None else None
        settings = TrackerSettings(
            mode="image" if mode == "image" else "video", landmarker=landmarker
        )
        tracker = FaceTracker(settings)
        scorer = Scorer(model, target=target, baseline=baseline, calibrated_model=calibrated)
        return cls(tracker, scorer)

    def process(self, frame: Frame, waited_ms: float = 0.0) -> ChainResult:
        """Track, extract, score one frame. `waited_ms` (time spent in a queue) is added
        to the reading's latency."""
        started = time.perf_counter()
        observation = self.tracker.observe(frame)
        reading, features = self.scorer.score(observation, latency_ms=waited_ms)
        vision_ms = (time.perf_counter() - started) * 1000
        reading = _with_latency(reading, waited_ms + vision_ms)
        return ChainResult(observation, features, reading, vision_ms)

    def process_still(self, frame: Frame) -> ChainResult:
        """One still picture scored on its own, as `facequest watch` and `facequest evaluate`
        score pictures: padded with a white border (`game.vision.stills`, as the model's
        training pictures were), tracked afresh (IMAGE mode: no lock carried over) and
        scored with no smoothing or hint carried from the picture before. The observation's
        pixel coordinates are those of the padded frame (`stills.pad_offset`).

        Raises ValueError when the chain tracks in video mode (a still needs IMAGE mode).
        """
        if self.tracker.settings.mode != "image":
            raise ValueError("process_still needs a chain made with mode='image'")
        self.scorer.forget()
        return self.process(Frame(frame.t_ms, pad_still(frame.rgb)))

    def close(self) -> None:
        self.tracker.close()


def _with_latency(reading: ExpressionReading, latency_ms: float) -> ExpressionReading:
    return replace(reading, latency_ms=latency_ms)


@dataclass(frozen=True, slots=True)
class PipelineStats:
    """What the pipeline has done so far (for the therapist's debug overlay and bench).

    fps: readings per second over the last 2 s; latency_ms: capture-to-reading;
    vision_ms: the chain alone; dropped: frames overwritten before the vision thread took them.
    """

    running: bool
    frames_captured: int
    frames_processed: int
    frames_dropped: int
    fps: float
    latency_ms_median: float
    latency_ms_p95: float
    vision_ms_median: float
    vision_ms_p95: float
    source_state: SourceState
    camera_losses: int
    error: str | None


def _percentile(values: deque[float], q: float) -> float:
    return float(np.percentile(np.fromiter(values, float), q)) if values else 0.0


class VisionPipeline:
    """The vision chain on worker threads, publishing only the latest reading.

    Use as a context manager, or call `start()` and `stop()`. `on_reading` (optional) is
    called on the vision thread with every reading, for tools that need them all.
    """

    def __init__(
        self,
        source: FrameSource,
        chain: VisionChain,
        *,
        on_reading: ReadingCallback | None = None,
        clock: Callable[[], float] = time.monotonic,
        close_chain: bool = True,
    ) -> None:
        self.source, self.chain = source, chain
        chain.scorer.mirrored = source.mirror  # the motion record names the child's own sides
        self._on_reading, self._clock, self._close_chain = on_reading, clock, close_chain
        self._lock = threading.Lock()
        self._frame_ready = threading.Condition(self._lock)
        self._slot: tuple[Frame, float] | None = None
        self._capture_done = False
        self._stop = threading.Event()
        self._finished = threading.Event()
        self._latest: ExpressionReading | None = None
        self._latest_frame: Frame | None = None
        self._pending_target: tuple[Expression | None] | None = None
        self._pending_baseline: tuple[NeutralBaseline | None] | None = None
        self._pending_calibration: tuple[int, bool] | None = None
        self._calibrator: NeutralCalibrator | None = None
        self._calibration_request: tuple[int, bool] | None = None
        self._apply_calibration = True
        self._calibration = CalibrationStatus(CalibrationState.IDLE)
        self._captured = self._processed = self._dropped = 0
        self._latency: deque[float] = deque(maxlen=STATS_WINDOW)
        self._vision: deque[float] = deque(maxlen=STATS_WINDOW)
        self._done_times: deque[float] = deque(maxlen=STATS_WINDOW)
        self._error: str | None = None
        self._last_frame_time: tuple[int, float] = (0, 0.0)
        self._threads: list[threading.Thread] = []

    # ----- lifecycle -----
    def start(self) -> VisionPipeline:
        if self._threads:
            raise RuntimeError("VisionPipeline already started")
        self._threads = [
            threading.Thread(target=self._capture_loop, name="vision-capture", daemon=True),
            threading.Thread(target=self._vision_loop, name="vision-worker", daemon=True),
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop both threads and close the source (and the chain unless told not to)."""
        self._stop.set()
        with self._lock:
            self._frame_ready.notify_all()
        for thread in self._threads:
            thread.join(timeout_s)
        self.source.close()
        if self._close_chain:
            self.chain.close()

    def __enter__(self) -> VisionPipeline:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def camera_needed(self) -> None:
        """The game needs the camera now (calibration, then trials): a held source, such
        as a video in the game, starts playing (`FrameSource.start_playing`)."""
        self.source.start_playing()

    def wait_finished(self, timeout_s: float | None = None) -> bool:
        """For file sources: wait until every frame has been read and processed."""
        return self._finished.wait(timeout_s)

    @property
    def finished(self) -> bool:
        return self._finished.is_set()

    # ----- what the game reads -----
    def latest(self) -> ExpressionReading | None:
        """The newest reading (None before the first one). Never blocks for long."""
        with self._lock:
            return self._latest

    def latest_frame(self) -> Frame | None:
        """The frame of the newest reading (show it only when the therapist allows)."""
        with self._lock:
            return self._latest_frame

    def stats(self) -> PipelineStats:
        with self._lock:
            now = self._clock()
            recent = [t for t in self._done_times if now - t <= FPS_WINDOW_S]
            fps = (
                (len(recent) - 1) / (recent[-1] - recent[0])
                if len(recent) > 1 and (recent[-1] > recent[0])
                else 0.0
            )
            return PipelineStats(
                running=any(t.is_alive() for t in self._threads),
                frames_captured=self._captured,
                frames_processed=self._processed,
                frames_dropped=self._dropped,
                fps=fps,
                latency_ms_median=_percentile(self._latency, 50),
                latency_ms_p95=_percentile(self._latency, 95),
                vision_ms_median=_percentile(self._vision, 50),
                vision_ms_p95=_percentile(self._vision, 95),
                source_state=self.source.state,
                camera_losses=int(getattr(self.source, "losses", 0)),
                error=self._error,
            )

    # ----- commands from the game -----
    def set_target(self, target: Expression | None) -> None:
        with self._lock:
            self._pending_target = (target,)

    def set_baseline(self, baseline: NeutralBaseline | None) -> None:
        with self._lock:
            self._pending_baseline = (baseline,)

    def start_calibration(self, duration_ms: int = DEFAULT_DURATION_MS, apply: bool = True) -> None:
        """Collect a neutral baseline from the next `duration_ms` of frames. With `apply`,
        a successful baseline is used for scoring at once; either way it is in
        `calibration_status().baseline` for the profile."""
        with self._lock:
            self._pending_calibration = (duration_ms, apply)
            self._calibration = CalibrationStatus(CalibrationState.COLLECTING)

    def calibration_status(self) -> CalibrationStatus:
        with self._lock:
            return self._calibration

    # ----- threads -----
    def _capture_loop(self) -> None:
        last_lost_ms = -CAMERA_LOST_EVERY_MS
        try:
            while not self._stop.is_set():
                frame = self.source.read()
                if frame is None:
                    if self.source.state is SourceState.ENDED:
                        break
                    now_ms = int(self._clock() * 1000)
                    if now_ms - last_lost_ms >= CAMERA_LOST_EVERY_MS:
                        last_lost_ms = now_ms
                        self._publish_lost()
                    continue
                with self._lock:
                    self._captured += 1
                    if not self.source.realtime:
                        while self._slot is not None and not self._stop.is_set():
                            self._frame_ready.wait(0.1)
                    elif self._slot is not None:
                        self._dropped += 1
                    self._slot = (frame, self._clock())
                    self._last_frame_time = (frame.t_ms, self._slot[1])
                    self._frame_ready.notify_all()
        except Exception as exc:  # a broken source must not kill the game
            logger.exception("frame source failed")
            self._error = f"frame source failed: {exc}"
        finally:
            with self._lock:
                self._capture_done = True
                self._frame_ready.notify_all()

    def _publish_lost(self) -> None:
        """Publish a CAMERA_LOST reading, timed on the frames' clock (last frame + elapsed)."""
        with self._lock:
            last_t_ms, last_at = self._last_frame_time
            t_ms = last_t_ms + int((self._clock() - last_at) * 1000) if last_at else 0
            self._latest = ExpressionReading.untrusted(
                t_ms, frozenset({QualityFlag.CAMERA_LOST}), self.chain.scorer.target
            )
            self._latest_frame = None

    def _take_frame(self) -> tuple[Frame, float] | None:
        with self._lock:
            while self._slot is None and not self._capture_done and not self._stop.is_set():
                self._frame_ready.wait(0.1)
            item, self._slot = self._slot, None
            self._frame_ready.notify_all()
            return item

    def _apply_commands(self) -> None:
        with self._lock:
            target, self._pending_target = self._pending_target, None
            baseline, self._pending_baseline = self._pending_baseline, None
            calibration, self._pending_calibration = self._pending_calibration, None
        if target is not None:
            self.chain.scorer.set_target(target[0])
        if baseline is not None:
            self.chain.scorer.set_baseline(baseline[0])
        if calibration is not None:
            self._calibrator = None
            self._calibration_request = calibration

    def _calibrate(self, result: ChainResult) -> None:
        request = self._calibration_request
        if request is not None:
            self._calibrator = NeutralCalibrator(result.reading.t_ms, request[0])
            self._apply_calibration = request[1]
            self._calibration_request = None
        if self._calibrator is None:
            return
        status = self._calibrator.add(result.features, result.reading.flags, result.reading.t_ms)
        if status.state is not CalibrationState.COLLECTING:
            self._calibrator = None
            if status.baseline is not None and self._apply_calibration:
                self.chain.scorer.set_baseline(status.baseline)
        with self._lock:
            self._calibration = status

    def _vision_loop(self) -> None:
        try:
            while not self._stop.is_set():
                self._apply_commands()
                item = self._take_frame()
                if item is None:
                    if self._capture_done:
                        break
                    continue
                frame, captured_at = item
                waited_ms = (self._clock() - captured_at) * 1000
                result = self.chain.process(frame, waited_ms=waited_ms)
                self._calibrate(result)
                done = self._clock()
                with self._lock:
                    self._processed += 1
                    self._latest, self._latest_frame = result.reading, frame
                    self._latency.append(result.reading.latency_ms)
                    self._vision.append(result.vision_ms)
                    self._done_times.append(done)
                if self._on_reading is not None:
                    self._on_reading(result.reading, result.observation)
        except Exception as exc:  # report, never crash the game's thread
            logger.exception("vision worker failed")
            self._error = f"vision worker failed: {exc}"
        finally:
            self._finished.set()
