"""The live chain on short real-face videos: a parent leaning in, a child walking closer, a
hand over the mouth. Each video is written to a file and played through `facequest watch`
(the real source, tracker, occlusion check, model and scorer), one JSON line per frame."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from game.vision.conditions import occluded
from game.vision.face_tracker import FaceTracker, TrackerSettings
from game.vision.records import Frame
from tests.cli.test_watch import lines, watch
from tests.vision.test_sources import write_video

SIZE = (1280, 720)


def face_only(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The image and its face's landmarks (image mode)."""
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        obs = tracker.observe(Frame(0, rgb))
    assert obs.has_face
    return rgb, obs.landmarks


def place(canvas: np.ndarray, face: tuple[np.ndarray, np.ndarray], width: float,
          centre: tuple[float, float]) -> None:
    """Paste the face (an oval around it) `width` px wide with its centre at `centre`."""
    from game.vision.conditions import _paste

    _paste(canvas, face[0], face[1], width, centre)


def blank() -> np.ndarray:
    return np.full((SIZE[1], SIZE[0], 3), 110, np.uint8)


def box_centre(record: dict[str, Any]) -> tuple[float, float]:
    x0, y0, x1, y1 = record["face_box"]
    return (x0 + x1) / 2, (y0 + y1) / 2


def lean_in_video(tmp_path: Path, child: tuple[np.ndarray, np.ndarray],
                  adult: tuple[np.ndarray, np.ndarray]) -> Path:
    """10 frames of the child alone (130 px, middle), then 15 with an adult's face 1.4 times
    bigger leaning in beside them, coming closer to the middle."""
    frames: list[np.ndarray] = []
    for i in range(25):
        canvas = blank()
        if i >= 10:
            place(canvas, adult, 182, (980 - 12 * (i - 10), 330))
        place(canvas, child, 130, (640, 380))
        frames.append(canvas)
    return write_video(tmp_path / "lean_in.avi", frames, fps=10.0)


def check_lean_in(records: list[dict[str, Any]]) -> None:
    assert len(records) == 25
    assert all(r["face"] for r in records[2:]), [r["face"] for r in records]
    for r in records[2:]:
        cx, cy = box_centre(r)
        assert abs(cx - 640) < 40 and abs(cy - 380) < 60, r["face_box"]
    assert any(r["faces_seen"] >= 2 for r in records[10:])
    assert any("several_faces" in r["flags"] for r in records[10:])


def test_a_bigger_face_leaning_in_never_takes_over(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    child = face_only(astronaut_rgb)
    adult = face_only(np.ascontiguousarray(astronaut_rgb[:, ::-1] // 2 + 60))
    records = lines(watch("--source", str(lean_in_video(tmp_path, child, adult)), "--json",
                          "--target", "happy"))
    check_lean_in(records)
    # The child's smile is still what is scored.
    assert max(r["target_score"] for r in records[12:]) >= 0.6


@pytest.mark.datasets
def test_a_childs_happy_face_is_credited_with_an_adult_leaning_in(
    tmp_path: Path, children_dir: Path, performers_dir: Path
) -> None:
    from game.training.feature_cache import read_rgb

    child = face_only(read_rgb(children_dir / "images" / "happy_F-AA-02.jpg"))
    adult_file = next(
        line.split(",")[0]
        for line in (performers_dir / "labels.csv").read_text().splitlines()[1:]
        if line.split(",")[1] == "neutral"
    )
    adult = face_only(read_rgb(performers_dir / adult_file))
    records = lines(watch("--source", str(lean_in_video(tmp_path, child, adult)), "--json",
                          "--target", "happy"))
    check_lean_in(records)
    assert max(r["target_score"] for r in records[12:]) >= 0.6


def test_a_far_child_walking_closer_is_found_and_asked_to_come_closer(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    face = face_only(astronaut_rgb)
    widths = np.geomspace(44, 220, 30)
    frames = []
    for i, width in enumerate(widths):
        canvas = blank()
        place(canvas, face, float(width), (500 + 4 * i, 360))
        frames.append(canvas)
    records = lines(watch("--source", str(write_video(tmp_path / "walk.avi", frames)),
                          "--json", "--no-model"))
    found = [r["face"] for r in records]
    assert sum(found[3:]) >= 0.9 * len(found[3:]), found
    first = found.index(True)
    assert all(found[first:]), found  # once found, never lost on the way in
    assert "face_too_small" in records[first]["flags"]  # "Come a little bit closer!"
    assert "no_face" not in records[first]["flags"]
    assert "face_too_small" not in records[-1]["flags"]


def test_a_hand_over_the_mouth_is_flagged_while_it_is_there(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    face = face_only(astronaut_rgb)
    covered = occluded(face[0], face[1], "mouth", "hand", np.random.default_rng(3))
    frames = []
    for image in [face[0]] * 6 + [covered] * 8 + [face[0]] * 6:
        canvas = blank()
        place(canvas, (image, face[1]), 200, (640, 360))
        frames.append(canvas)
    records = lines(watch("--source", str(write_video(tmp_path / "hand.avi", frames)),
                          "--json", "--target", "happy"))
    flagged = ["mouth_covered" in r["flags"] for r in records]
    assert not any(flagged[:6]) and not any(flagged[-5:]), flagged
    assert sum(flagged[6:14]) >= 6, flagged
    assert all(not r["trusted"] for r, f in zip(records, flagged, strict=True) if f)
    assert records[-1]["trusted"] and records[3]["trusted"]


def test_the_child_leaving_pauses_even_with_the_parent_still_there(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    child = face_only(astronaut_rgb)
    adult = face_only(np.ascontiguousarray(astronaut_rgb[:, ::-1] // 2 + 60))
    frames = []
    for i in range(20):
        canvas = blank()
        place(canvas, adult, 182, (900, 330))
        if i < 8:
            place(canvas, child, 150, (560, 380))
        frames.append(canvas)
    records = lines(watch("--source", str(write_video(tmp_path / "away.avi", frames)),
                          "--json", "--no-model"))
    assert all(r["face"] for r in records[:8])
    assert all(abs(box_centre(r)[0] - 560) < 40 for r in records[:8])
    assert not any(r["face"] for r in records[9:]), [r["face"] for r in records]
    assert all("no_face" in r["flags"] for r in records[9:])
