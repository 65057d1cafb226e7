"""A whole scripted session, headless, on a video of real faces built in the test.

The video (never stored in the repo) shows a performer's calm face for the calibration,
then the happy face held for a long while, so the first trials can succeed. The level set
(written into tmp_path) has one mimic, one maze and one story trial, so the run passes
through every trial scene. Asserts: the run ends cleanly, at least one successful
TrialRecord is stored, and screenshots of the mimic, maze and reward scenes exist.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from game.cli import main

FPS = 15
SIZE = (640, 480)

LEVELS_TOML = """
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


def performer_faces(performers_dir: Path, subject: str = "P01") -> dict[str, list[Path]]:
    """The performer's images by label."""
    faces: dict[str, list[Path]] = {}
    with open(performers_dir / "labels.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["subject"] == subject:
                faces.setdefault(row["label"], []).append(performers_dir / row["file"])
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
    """An MJPG video showing each (image, seconds) in turn."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), FPS, SIZE)
    assert writer.isOpened()
    for image_path, seconds in segments:
        frame = padded(image_path)
        for _ in range(round(seconds * FPS)):
            writer.write(frame)
    writer.release()
    return path


def session_video(performers_dir: Path, out: Path) -> Path:
    faces = performer_faces(performers_dir)
    neutral, happy = faces["neutral"][0], faces["happy"][0]
    return write_video(out, [(neutral, 7.0), (happy, 30.0)])


@pytest.mark.slow
@pytest.mark.datasets
def test_scripted_headless_session_records_a_success_and_shows_every_trial_scene(
    performers_dir: Path, tmp_path: Path
) -> None:
    video = session_video(performers_dir, tmp_path / "session.avi")
    levels = tmp_path / "levels.toml"
    levels.write_text(LEVELS_TOML, encoding="utf-8")
    shots, data = tmp_path / "shots", tmp_path / "data"
    code = main([
        "play", "--headless", "--source", str(video), "--levels", str(levels),
        "--profile", "Tester", "--data-dir", str(data), "--max-seconds", "34",
        "--screenshots", str(shots), "--seed", "3",
    ])
    assert code == 0

    from game.records import open_store

    with open_store(data) as store:
        (profile,) = store.find_profiles("Tester")
        trials = [stored.trial for stored in store.trials_for(profile.profile_id)]
        (session,) = store.sessions_for(profile.profile_id)
        baseline = store.baseline_of(profile.profile_id)  # kept in calibration/<id>.json
    assert any(t.success for t in trials), [t.outcome for t in trials]
    assert session.ended_at is not None
    assert baseline is not None  # calibration on the calm frames worked
    names = {p.stem.split("_", 1)[1] for p in shots.glob("*.png")}
    assert {"calibration", "mimic", "reward", "maze"} <= names, sorted(names)
