"""Measure the real vision chain on a real face, in 640x480 frames (`facequest bench`).

The face is the astronaut photo shipped in `assets/bench/` (scikit-image's public-domain
`data.astronaut()`, so the base install can bench) scaled into a grey 640x480
frame and moved a few pixels from frame to frame, so the tracker works as it does on a
webcam. Three measurements:

1. start-up: from nothing loaded to the first reading (imports, landmarker, model);
2. the chain alone, frame after frame on this thread: `vision_ms` median and p95;
3. the threaded pipeline: as fast as it goes (`fps`, the capacity), then paced like a
   30 fps camera (capture-to-reading latency and dropped frames).
"""

from __future__ import annotations

import logging
import math
import os
import platform
import resource
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.paths import ASSETS_DIR
from game.vision.records import Frame
from game.vision.sources import FrameSource

logger = logging.getLogger(__name__)

FRAME_SIZE = (640, 480)
FACE_HEIGHT_PX = 400
SWAY_PX = 24
SWAY_FRAMES = 32  # distinct frames in one sway cycle, reused (keeps the bench's memory small)


BENCH_FACE_PATH = ASSETS_DIR / "bench" / "astronaut.jpg"


def astronaut_rgb() -> np.ndarray:
    """The shipped astronaut photo (512x512 RGB, uint8).

    Raises:
        FileNotFoundError: the picture is missing from the install.
    """
    import cv2

    bgr = cv2.imread(str(BENCH_FACE_PATH), cv2.IMREAD_COLOR)
    if bgr is None:
        raise FileNotFoundError(f"the bench face {BENCH_FACE_PATH} is missing or unreadable")
    return np.ascontiguousarray(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))


def astronaut_frames(count: int) -> list[np.ndarray]:
    """`count` 640x480 RGB frames with the astronaut's face swaying left and right."""
    import cv2

    face = astronaut_rgb()
    scale = FACE_HEIGHT_PX / face.shape[0]
    face = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = face.shape[:2]
    width, height = FRAME_SIZE
    frames = []
    for i in range(count):
        canvas = np.full((height, width, 3), 110, dtype=np.uint8)
        x = (width - w) // 2 + int(SWAY_PX * math.sin(2 * math.pi * i / SWAY_FRAMES))
        y = (height - h) // 2
        canvas[y : y + h, x : x + w] = face
        frames.append(canvas)
    return frames


class ArraySource(FrameSource):
    """Frames from memory; paced at `fps` (a realtime source, like a camera) or unpaced."""

    def __init__(self, images: list[np.ndarray], fps: float | None = None) -> None:
        super().__init__()
        self.images, self.fps = images, fps
        self.realtime = fps is not None
        self.description = f"{len(images)} frames in memory"
        self._t0: float | None = None

    def read(self) -> Frame | None:
        if self.frames_read >= len(self.images):
            self.close()
            return None
        t_ms = round(self.frames_read * 1000 / (self.fps or 30.0))
        if self.fps is not None:
            if self._t0 is None:
                self._t0 = time.monotonic()
            delay = self._t0 + t_ms / 1000 - time.monotonic()
            if delay > 0:
                time.sleep(delay)
        frame = Frame(t_ms, self.images[self.frames_read])
        self.frames_read += 1
        return frame


@dataclass(frozen=True, slots=True)
class BenchResult:
    vision_ms_median: float
    vision_ms_p95: float
    fps: float
    startup_s: float
    rss_mb: float
    latency_ms_median: float
    latency_ms_p95: float
    paced_fps: float
    dropped: int
    frames: int
    model: str | None
    machine: str
    stages: dict[str, dict[str, float]]

    def as_json(self) -> dict[str, Any]:
        return {
            "stages": self.stages,
            "vision_ms": {
                "median": round(self.vision_ms_median, 2),
                "p95": round(self.vision_ms_p95, 2),
            },
            "fps": round(self.fps, 1),
            "startup_s": round(self.startup_s, 2),
            "rss_mb": round(self.rss_mb, 1),
            "latency_ms": {
                "median": round(self.latency_ms_median, 1),
                "p95": round(self.latency_ms_p95, 1),
            },
            "paced_fps": round(self.paced_fps, 1),
            "dropped": self.dropped,
            "frames": self.frames,
            "frame_size": list(FRAME_SIZE),
            "model": self.model,
            "machine": self.machine,
        }


def machine_summary() -> str:
    """CPU model, cores and load average: benchmark numbers mean little without them."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    return f"{cpu}, {os.cpu_count()} cores, load average {load[0]:.2f}"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _summary(times: list[float]) -> dict[str, float]:
    values = np.asarray(times or [0.0])
    return {
        "median": round(float(np.median(values)), 2),
        "p95": round(float(np.percentile(values, 95)), 2),
    }


def far_face_frames(count: int, face_px: int = 57) -> list[np.ndarray]:
    """`count` 1280x720 frames with the astronaut's face `face_px` wide (landmark box),
    drifting right by 2 px a frame: a child about 2 m from a 720p webcam."""
    import cv2

    face = astronaut_rgb()[20:300, 100:330]
    scale = face_px / 91.0  # the landmark box of this crop is about 91 px wide
    face = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    h, w = face.shape[:2]
    frames = []
    for i in range(count):
        canvas = np.full((720, 1280, 3), 110, dtype=np.uint8)
        x, y = 400 + 2 * (i % 100), 300
        canvas[y : y + h, x : x + w] = face
        frames.append(canvas)
    return frames


def stage_timings(
    model_path: Path | None, *, landmarker: Path | None = None, frames: int = 100
) -> dict[str, dict[str, float]]:
    """Median and p95 (ms) of each stage of the chain, and of the far-face search.

    - `track_640` / `score_640`: the tracker (landmarker on the child's region) and the
      scorer (quality flags with the occlusion check, features, model, and the face's
      motion sample) on the swaying 640x480 astronaut, scored for "happy";
    - `motion_sample_640`: of that, the motion sample alone (`face_motion`, the vision
      worker's share of the motion record);
    - `motion_frame_ui`: the rules engine keeping one frame of the record (`MotionFrame`,
      the UI thread's per-frame share); `motion_metrics_30s`: measuring a 30 s trial of
      900 frames (`measure_trial`, once per trial as it ends, on the UI thread);
    - `chain_720p_57px`: the whole chain on a 57 px face in 1280x720, once followed;
    - `search_sweep_720p` / `search_sweep_640`: a face-less frame before any face was
      locked (the whole frame and every search tile at once);
    - `search_away_720p`: a face-less frame while a locked child is away (the whole frame
      and `tiles_per_frame` tiles, in turn).
    """
    from game.expressions import Expression
    from game.motion.frame import MotionFrame, TrialMotion
    from game.motion.metrics import measure_trial
    from game.vision.motion_sample import face_motion
    from game.vision.pipeline import VisionChain
    from game.vision.population import population_baseline

    stages: dict[str, dict[str, float]] = {}
    images = astronaut_frames(SWAY_FRAMES)
    far = far_face_frames(frames + 5)
    empty_720 = np.full((720, 1280, 3), 110, dtype=np.uint8)
    empty_640 = np.full((480, 640, 3), 110, dtype=np.uint8)
    with VisionChain.create(model_path, landmarker=landmarker,
                            target=Expression.HAPPY) as chain:
        track, score, sample, keep = [], [], [], []
        recorded: list[MotionFrame] = []
        for i in range(frames + 5):
            t0 = time.perf_counter()
            obs = chain.tracker.observe(Frame(i * 33, images[i % len(images)]))
            t1 = time.perf_counter()
            reading, features = chain.scorer.score(obs)
            t2 = time.perf_counter()
            if features is not None:
                face_motion(features, population_baseline(), obs)
            t3 = time.perf_counter()
            recorded.append(MotionFrame(i * 33, reading.motion, reading.flags, reading.trusted,
                                        reading.target_score))
            t4 = time.perf_counter()
            if i >= 5:
                track.append((t1 - t0) * 1000)
                score.append((t2 - t1) * 1000)
                sample.append((t3 - t2) * 1000)
                keep.append((t4 - t3) * 1000)
        stages["track_640"], stages["score_640"] = _summary(track), _summary(score)
        stages["motion_sample_640"], stages["motion_frame_ui"] = _summary(sample), _summary(keep)
        trial = tuple(MotionFrame(n * 33, recorded[n % len(recorded)].face,
                                  recorded[n % len(recorded)].flags,
                                  recorded[n % len(recorded)].trusted) for n in range(900))
        metric_times = []
        for _ in range(7):
            t0 = time.perf_counter()
            measure_trial(TrialMotion("happy", "mimic", trial, model_face_shown=True))
            metric_times.append((time.perf_counter() - t0) * 1000)
        stages["motion_metrics_30s"] = _summary(metric_times)
        chain.tracker.reset_lock()
        base = (frames + 10) * 33
        times = [
            chain.process(Frame(base + i * 33, far[i])).vision_ms for i in range(len(far))
        ]
        stages["chain_720p_57px"] = _summary(times[5:])
        base += (len(far) + 5) * 33
        away = []
        for i in range(max(frames // 4, 5)):
            t0 = time.perf_counter()
            chain.tracker.observe(Frame(base + i * 33, empty_720))
            away.append((time.perf_counter() - t0) * 1000)
        stages["search_away_720p"] = _summary(away)
        for name, empty in (("search_sweep_720p", empty_720), ("search_sweep_640", empty_640)):
            sweeps = []
            for i in range(max(frames // 10, 5)):
                chain.tracker.reset_lock()
                t0 = time.perf_counter()
                chain.tracker.observe(Frame(base + (100 + i) * 33, empty))
                sweeps.append((time.perf_counter() - t0) * 1000)
            stages[name] = _summary(sweeps)
    return stages


def run_bench(
    model_path: Path | None,
    *,
    frames: int = 300,
    paced_seconds: float = 5.0,
    landmarker: Path | None = None,
    progress: Callable[[str], None] = lambda _: None,
) -> BenchResult:
    """Run the three measurements (see the module docstring)."""
    from game.expressions import Expression
    from game.vision.pipeline import VisionChain, VisionPipeline

    started = time.perf_counter()
    images = astronaut_frames(SWAY_FRAMES)
    chain = VisionChain.create(model_path, landmarker=landmarker, target=Expression.HAPPY)
    chain.process(Frame(0, images[0]))
    startup_s = time.perf_counter() - started
    progress(f"start-up {startup_s:.2f} s; timing the chain over {frames} frames")

    with chain:
        for i in range(1, 11):  # warm-up
            chain.process(Frame(i * 33, images[i % len(images)]))
        times = []
        for i in range(frames):
            times.append(chain.process(Frame((11 + i) * 33, images[i % len(images)])).vision_ms)
    vision = np.asarray(times)

    progress("pipeline, as fast as it goes")
    fast = VisionPipeline(
        ArraySource([images[i % len(images)] for i in range(frames)]),  # views, not copies
        VisionChain.create(model_path, landmarker=landmarker, target=Expression.HAPPY),
    )
    with fast:
        t0 = time.perf_counter()
        fast.wait_finished()
        elapsed = time.perf_counter() - t0
        fps = fast.stats().frames_processed / elapsed

    progress(f"pipeline paced at 30 fps for {paced_seconds:.0f} s")
    count = int(paced_seconds * 30)
    paced_images = [images[i % len(images)] for i in range(count)]
    latencies: list[float] = []
    paced = VisionPipeline(
        ArraySource(paced_images, fps=30.0),
        VisionChain.create(model_path, landmarker=landmarker, target=Expression.HAPPY),
        on_reading=lambda reading, _obs: latencies.append(reading.latency_ms),
    )
    with paced:
        t0 = time.perf_counter()
        paced.wait_finished()
        elapsed = time.perf_counter() - t0
        stats = paced.stats()
    rss_mb = peak_rss_mb()  # before the stage timings, which load a fourth chain
    progress("stages: tracking, scoring, the far-face search")
    stages = stage_timings(model_path, landmarker=landmarker, frames=max(frames // 3, 10))
    lat = np.asarray(latencies or [0.0])
    return BenchResult(
        stages=stages,
        vision_ms_median=float(np.median(vision)),
        vision_ms_p95=float(np.percentile(vision, 95)),
        fps=fps,
        startup_s=startup_s,
        rss_mb=rss_mb,
        latency_ms_median=float(np.median(lat)),
        latency_ms_p95=float(np.percentile(lat, 95)),
        paced_fps=stats.frames_processed / elapsed,
        dropped=stats.frames_dropped,
        frames=frames,
        model=str(model_path) if model_path else None,
        machine=machine_summary(),
    )
