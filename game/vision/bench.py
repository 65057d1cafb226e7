"""Measure the real vision chain on a real face, in 640x480 frames (`facequest bench`).

The face is scikit-image's astronaut photo (a dev dependency) scaled into a grey 640x480
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

from game.vision.records import Frame
from game.vision.sources import FrameSource

logger = logging.getLogger(__name__)

FRAME_SIZE = (640, 480)
FACE_HEIGHT_PX = 400
SWAY_PX = 24
SWAY_FRAMES = 32  # distinct frames in one sway cycle, reused (keeps the bench's memory small)


def astronaut_frames(count: int) -> list[np.ndarray]:
    """`count` 640x480 RGB frames with the astronaut's face swaying left and right."""
    import cv2
    from skimage import data

    face = data.astronaut()
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

    def as_json(self) -> dict[str, Any]:
        return {
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
    lat = np.asarray(latencies or [0.0])
    return BenchResult(
        vision_ms_median=float(np.median(vision)),
        vision_ms_p95=float(np.percentile(vision, 95)),
        fps=fps,
        startup_s=startup_s,
        rss_mb=peak_rss_mb(),
        latency_ms_median=float(np.median(lat)),
        latency_ms_p95=float(np.percentile(lat, 95)),
        paced_fps=stats.frames_processed / elapsed,
        dropped=stats.frames_dropped,
        frames=frames,
        model=str(model_path) if model_path else None,
        machine=machine_summary(),
    )
