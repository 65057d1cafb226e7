"""Videos of real faces for the headless sessions, built in the test from a data set's
pictures (never stored in the repository): a calm face for the calibration, then an
expression held."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FPS = 15
SIZE = (640, 480)

# The level set the headless sessions play: one mimic, one maze and one story trial of happy,
# so a run passes through every trial scene.
THREE_MODES_LEVELS = """
format = 1
id = "headless-test"
title = { en = "Test", zh-CN = "测试" }
languages = ["en", "zh-CN"]

[session]
time_cap_ms = 120_000
inter_trial_ms = 2000

[[levels]]
id = "copy-happy"
title = { en = "Copy", zh-CN = "模仿" }
mode = "mimic"
targets = ["happy"]
trials = 1
threshold = 0.4
hold_ms = 400
time_limit_ms = 12_000

[[levels]]
id = "maze-happy"
title = { en = "Maze", zh-CN = "迷宫" }
mode = "maze"
targets = ["happy"]
trials = 1
threshold = 0.4
hold_ms = 400
time_limit_ms = 12_000

[levels.maze]
size = 5

[[levels]]
id = "story-happy"
title = { en = "Story", zh-CN = "故事" }
mode = "story"
targets = ["happy"]
trials = 1
threshold = 0.4
hold_ms = 400
time_limit_ms = 12_000

[[levels.scenes]]
target = "happy"
text = { en = "It is your birthday! How do you feel?", zh-CN = "今天是你的生日！你感觉怎么样？" }
picture = "birthday_cake"
"""


def faces_by_subject(dataset_dir: Path) -> dict[str, dict[str, list[Path]]]:
    """Each subject's pictures of a data set (labels.csv), by label."""
    faces: dict[str, dict[str, list[Path]]] = {}
    with open(dataset_dir / "labels.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            by_label = faces.setdefault(row["subject"], {})
            by_label.setdefault(row["label"], []).append(dataset_dir / row["file"])
    return faces


def padded(path: Path) -> np.ndarray:
    """The face image scaled and centred on a calm grey 640x480 canvas (BGR)."""
    import cv2

    image = cv2.imread(str(path))
    assert image is not None, path
    side = 320
    image = cv2.resize(image, (side, side), interpolation=cv2.INTER_AREA)
    canvas = np.full((SIZE[1], SIZE[0], 3), 120, np.uint8)
    top, left = (SIZE[1] - side) // 2, (SIZE[0] - side) // 2
    canvas[top:top + side, left:left + side] = image
    return canvas


def write_video(path: Path, segments: list[tuple[Path, float]]) -> Path:
    """An MJPG video at `FPS` showing each (image, seconds) in turn."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    assert writer.isOpened()
    for image_path, seconds in segments:
        frame = padded(image_path)
        for _ in range(round(seconds * FPS)):
            writer.write(frame)
    writer.release()
    return path


def performer_session_video(performers_dir: Path, out: Path, subject: str = "P01") -> Path:
    """A performer's calm face for 7 s, then their happy face held for 30 s."""
    faces = faces_by_subject(performers_dir)[subject]
    return write_video(out, [(faces["neutral"][0], 7.0), (faces["happy"][0], 30.0)])


@dataclass(frozen=True, slots=True)
class PlayedSession:
    """The data folder and the screenshots of one headless run by the profile `name`, whose
    profile allows per-frame records. Shared by tests: open `data` read-only, or copy it
    before changing it."""

    name: str
    video: Path
    levels: Path
    data: Path
    shots: Path
