"""The motion metrics validated where the truth is known, through `facequest metrics`.

Built from a child's own neutral and peak photos (`tests.motion.synth`), in a temporary
folder: morph blends at known intensities, half-face composites with a known side, clips
with a known onset frame, and the same clip shifted by a pixel or recompressed. Each case
runs the real command (`game.cli.main(["metrics", ...])`) and reads its JSON lines. Used by
tests/motion/test_validation.py (a few children) and scripts/validate_motion_metrics.py
(every child of the dev sets, the figures in docs/metrics.md).

What synthetic material cannot show: real dynamics. A morph moves every part of the face
together and linearly, so it says nothing about coordination, smoothness or the timing of a
real child's face; it checks that each metric measures what it says on faces with known
answers, not how children move.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import pickle
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from unittest import mock

import cv2
import numpy as np

from game.cli import main, metrics_cmd
from game.motion.frame import TrialMotion
from game.motion.metrics import MotionMetrics, measure_trial
from game.vision import face_tracker
from tests.motion.synth import aligned_pair, blend, half_composite, load_rgb, onset_clip

CLIP_FRAMES = 8  # a still shown as a clip: enough frames to be measurable
FRACTIONS = (0.0, 0.25, 0.5, 0.75, 1.0)


# Every trial record `metrics` measured, in order, while `recording()` is on (None: off).
_RECORDED: list[TrialMotion] | None = None


@contextlib.contextmanager
def recording() -> Iterator[list[TrialMotion]]:
    """Keep the motion record of every clip `metrics` measures inside the block (in the
    order measured), so the metrics can be recomputed from them without the tracker
    (scripts/validate_motion_metrics.py --records)."""
    global _RECORDED
    saved, _RECORDED = _RECORDED, []
    try:
        yield _RECORDED
    finally:
        _RECORDED = saved


def metrics(sources: list[Path], neutral: Path, target: str, *extra: str) -> list[dict[str, Any]]:
    """`facequest metrics --json` over `sources` with `neutral` as the calibration."""
    args = ["metrics", "--target", target, "--neutral", str(neutral), "--json", *extra]
    for source in sources:
        args += ["--source", str(source)]
    out = io.StringIO()

    def kept(motion: TrialMotion) -> MotionMetrics:
        if _RECORDED is not None:
            _RECORDED.append(motion)
        return measure_trial(motion)

    # the command's own measure, the record kept on the way
    with mock.patch.object(metrics_cmd, "measure_trial", kept), contextlib.redirect_stdout(out):
        code = main(args)
    if code != 0:
        raise RuntimeError(f"facequest metrics exited {code}")
    return [json.loads(line) for line in out.getvalue().splitlines() if line.startswith("{")]


class LandmarkCache:
    """What MediaPipe's landmarker and detector found in each image they were shown, kept
    in an SQLite file by the image's content (sha1 of the pixels the model saw), so a rerun
    of the validation spends no time in MediaPipe for images it has seen (the tracker runs
    both models in IMAGE mode on the region it chooses: the same pixels give the same
    answer). The rest of the chain (features, model, scoring, motion record) always runs.
    For the validation script only: the game never uses it.
    """

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(str(path))
        self._db.execute("create table if not exists found (key text primary key, value blob)")
        self.hits = self.misses = 0
        self.enabled = True
        self._saved: dict[str, Any] = {}

    def _key(self, kind: str, rgb: np.ndarray, region: Any) -> str:
        pixels = face_tracker._sampled(rgb, region)
        digest = hashlib.sha1(pixels.tobytes())
        digest.update(f"{kind}{pixels.shape}".encode())
        return digest.hexdigest()

    def _wrap(self, kind: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def cached(tracker: face_tracker.FaceTracker, rgb: np.ndarray, region: Any) -> Any:
            if not self.enabled:
                return original(tracker, rgb, region)
            key = self._key(kind, rgb, region)
            row = self._db.execute("select value from found where key = ?", (key,)).fetchone()
            if row is not None:
                self.hits += 1
                return pickle.loads(row[0])
            self.misses += 1
            value = original(tracker, rgb, region)
            self._db.execute("insert or replace into found values (?, ?)",
                             (key, pickle.dumps(value)))
            if self.misses % 50 == 0:
                self._db.commit()
            return value
        return cached

    def install(self) -> None:
        """Put the cache in front of every FaceTracker's landmarker and detector."""
        for kind in ("_landmark", "_detect"):
            original = getattr(face_tracker.FaceTracker, kind)
            self._saved[kind] = original
            setattr(face_tracker.FaceTracker, kind, self._wrap(kind, original))

    @contextlib.contextmanager
    def bypassed(self) -> Iterator[None]:
        """MediaPipe itself inside the block (to show that it repeats itself)."""
        self.enabled = False
        try:
            yield
        finally:
            self.enabled = True

    def close(self) -> None:
        for kind, original in self._saved.items():
            setattr(face_tracker.FaceTracker, kind, original)
        self._saved.clear()
        self._db.commit()
        self._db.close()


def still_clip(rgb: np.ndarray, folder: Path, frames: int = CLIP_FRAMES) -> Path:
    """A folder of `frames` copies of one picture: a still shown as a clip."""
    folder.mkdir(parents=True, exist_ok=True)
    bgr = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    for i in range(frames):
        cv2.imwrite(str(folder / f"frame_{i:03d}.png"), bgr)
    return folder


def pair(neutral_path: Path, peak_path: Path, work: Path) -> tuple[np.ndarray, np.ndarray, Path]:
    """The aligned neutral and the peak, and the neutral saved as the calibration picture."""
    neutral, peak = aligned_pair(load_rgb(neutral_path), load_rgb(peak_path))
    work.mkdir(parents=True, exist_ok=True)
    calm = work / "neutral.png"
    cv2.imwrite(str(calm), cv2.cvtColor(neutral, cv2.COLOR_RGB2BGR))
    return neutral, peak, calm


def intensity_case(neutral_path: Path, peak_path: Path, target: str,
                   work: Path) -> list[float | None]:
    """`peak_intensity` of the morph blends at `FRACTIONS` (0 = neutral, 1 = peak)."""
    neutral, peak, calm = pair(neutral_path, peak_path, work)
    clips = [still_clip(blend(neutral, peak, f), work / f"blend_{int(f * 100):03d}")
             for f in FRACTIONS]
    return [r["peak_intensity"] for r in metrics(clips, calm, target)]


def asymmetry_case(neutral_path: Path, peak_path: Path, target: str,
                   work: Path) -> dict[str, float | None]:
    """Signed `asymmetry` of the peak on the image's right half (the child's own left in an
    unmirrored photo), on its left half, and of the whole (symmetric) peak."""
    neutral, peak, calm = pair(neutral_path, peak_path, work)
    clips = {
        "child_left": still_clip(half_composite(neutral, peak, "image_right"), work / "cl"),
        "child_right": still_clip(half_composite(neutral, peak, "image_left"), work / "cr"),
        "symmetric": still_clip(peak, work / "sym"),
    }
    found = metrics(list(clips.values()), calm, target)
    return {name: r["asymmetry"] for name, r in zip(clips, found, strict=True)}


def onset_case(neutral_path: Path, peak_path: Path, target: str, work: Path, *, fps: float,
               onset_frame: int, ramp_frames: int) -> int | None:
    """`onset_latency_ms` of a clip whose first non-neutral frame is `onset_frame`."""
    neutral, peak, calm = pair(neutral_path, peak_path, work)
    n_frames = onset_frame + max(ramp_frames, 1) + round(fps)  # a second held at the peak
    clip = onset_clip(neutral, peak, fps, onset_frame, n_frames, ramp_frames,
                      work / f"onset_{int(fps)}_{onset_frame}_{ramp_frames}.mp4")
    # the game calibrates on the camera's own frames: the calm picture is the clip's first
    calm = first_frame(clip, work / "clip_neutral.png")
    (found,) = metrics([clip], calm, target)
    value = found["onset_latency_ms"]
    return None if value is None else int(value)


def first_frame(clip: Path, out: Path) -> Path:
    """The first frame of a video, saved as a picture."""
    capture = cv2.VideoCapture(str(clip))
    ok, bgr = capture.read()
    capture.release()
    if not ok:
        raise ValueError(f"{clip} has no frames")
    cv2.imwrite(str(out), bgr)
    return out


def perturbed(clip: Path, out: Path, *, shift_px: int = 0, jpeg_quality: int = 0) -> Path:
    """The frames of `clip` (a video) shifted right by `shift_px` and/or recompressed as
    JPEG at `jpeg_quality`, as a video of the same fps."""
    capture = cv2.VideoCapture(str(clip))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    frames: list[np.ndarray] = []
    while True:
        ok, bgr = capture.read()
        if not ok or bgr is None:
            break
        if shift_px:
            bgr = np.roll(bgr, shift_px, axis=1)
        if jpeg_quality:
            ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
            decoded = cv2.imdecode(data, cv2.IMREAD_COLOR)
            assert decoded is not None
            bgr = decoded
        frames.append(bgr)
    capture.release()
    h, w = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps, (w, h))
    for frame in frames:
        writer.write(frame)
    writer.release()
    return out


def repeat_variants(clip: Path, work: Path, target: str) -> list[dict[str, Any]]:
    """The metrics of `clip` shifted right by 1 pixel and recompressed as JPEG (quality 75),
    each calibrated on its own first frame, as the game calibrates on its own camera."""
    found = []
    for name, variant in (("shifted", perturbed(clip, work / "shifted.mp4", shift_px=1)),
                          ("jpeg", perturbed(clip, work / "jpeg.mp4", jpeg_quality=75))):
        found += metrics([variant], first_frame(variant, work / f"{name}_calm.png"), target)
    return found


def roc_auc(positives: list[float], negatives: list[float]) -> float:
    """ROC AUC of a score separating positives from negatives (ties count half)."""
    if not positives or not negatives:
        return float("nan")
    wins = sum((p > n) + 0.5 * (p == n) for p in positives for n in negatives)
    return wins / (len(positives) * len(negatives))


def spearman(x: list[float], y: list[float]) -> float:
    """Spearman's rank correlation (average ranks for ties)."""
    def ranks(values: list[float]) -> np.ndarray:
        order = np.argsort(values, kind="stable")
        r = np.empty(len(values))
        r[order] = np.arange(len(values), dtype=float)
        for v in set(values):  # ties share their mean rank
            idx = [i for i, w in enumerate(values) if w == v]
            r[idx] = r[idx].mean()
        return r

    rx, ry = ranks(x), ranks(y)
    if rx.std() == 0 or ry.std() == 0:
        return float("nan")
    return float(np.corrcoef(rx, ry)[0, 1])
