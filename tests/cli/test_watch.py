"""`facequest watch` end to end in a subprocess, on real faces."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tests.vision.images import in_frame, rotated
from tests.vision.model_factory import write_model
from tests.vision.test_sources import write_png, write_video

REPO = Path(__file__).resolve().parents[2]


def watch(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, GLOG_minloglevel="2")
    return subprocess.run(
        [sys.executable, "-m", "game", "watch", *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
        env=env,
    )


def lines(result: subprocess.CompletedProcess[str]) -> list[dict[str, Any]]:
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def astronaut_png(tmp_path_factory: pytest.TempPathFactory, astronaut_rgb: np.ndarray) -> Path:
    return write_png(tmp_path_factory.mktemp("img") / "astronaut.png", astronaut_rgb)


def test_astronaut_is_a_smiling_face(astronaut_png: Path) -> None:
    (record,) = lines(watch("--source", str(astronaut_png), "--json", "--no-model"))
    assert record["face"] is True and record["faces_seen"] == 1
    assert record["blendshapes"]["mouthSmileLeft"] > 0.5
    assert record["t_ms"] == 0


def test_blank_image_has_no_face(tmp_path: Path, blank_rgb: np.ndarray) -> None:
    png = write_png(tmp_path / "blank.png", blank_rgb)
    (record,) = lines(watch("--source", str(png), "--json"))
    assert record["face"] is False
    assert "no_face" in record["flags"] and record["trusted"] is False


def test_target_happy_with_a_model_scores_the_astronaut_high(
    tmp_path: Path, astronaut_png: Path, astronaut_rgb: np.ndarray
) -> None:
    from game.vision.face_tracker import FaceTracker, TrackerSettings
    from game.vision.features import extract_features
    from game.vision.records import Frame

    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        values = extract_features(tracker.observe(Frame(0, astronaut_rgb))).values
    model = write_model(tmp_path / "m.onnx", values)
    (record,) = lines(
        watch("--source", str(astronaut_png), "--json", "--target", "happy", "--model", str(model))
    )
    assert record["target"] == "happy"
    assert record["target_score"] > 0.7
    assert record["trusted"] is True
    assert record["flags"] == ["not_calibrated"]  # advisory only: no baseline for a photo
    assert max(record["probabilities"], key=record["probabilities"].get) == "happy"
    assert set(record["actions"]) == {"lip_corners_up", "cheeks_raised"}


def test_video_and_folder_sources_print_one_line_per_frame(
    tmp_path: Path, astronaut_rgb: np.ndarray, blank_rgb: np.ndarray
) -> None:
    frames = [in_frame(astronaut_rgb)] * 4 + [blank_rgb] * 2
    video = write_video(tmp_path / "clip.avi", frames, fps=10.0)
    records = lines(watch("--source", str(video), "--json", "--no-model"))
    assert [r["t_ms"] for r in records] == [0, 100, 200, 300, 400, 500]
    assert [r["face"] for r in records] == [True] * 4 + [False] * 2
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i, rgb in enumerate(frames):
        write_png(folder / f"{i:02d}.png", rgb)
    text = watch("--source", str(folder), "--max-frames", "3", "--target", "happy", "--no-model")
    assert text.returncode == 0, text.stderr
    out = text.stdout.splitlines()
    assert len(out) == 3 and all("face" in line and "happy score" in line for line in out)


def _same_reading(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Two records of one picture: equal but for the time and the timing."""
    skip = {"t_ms", "vision_ms", "file"}
    return {k: v for k, v in a.items() if k not in skip} == {
        k: v for k, v in b.items() if k not in skip}


def test_a_picture_in_a_folder_is_read_as_it_is_alone(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    """A folder is not a video: the reading of picture B after picture A is B's reading alone
    (no smoothing, hint or lock carried over), as `facequest evaluate` scores B."""
    a = rotated(in_frame(astronaut_rgb, height=300), 20)  # another framing, another score
    b = astronaut_rgb
    folder = tmp_path / "pair"
    folder.mkdir()
    write_png(folder / "a.png", a)
    write_png(folder / "b.png", b)
    alone = write_png(tmp_path / "b.png", b)
    for target in ("sad", "happy"):
        first, second = lines(watch("--source", str(folder), "--json", "--target", target))
        (only,) = lines(watch("--source", str(alone), "--json", "--target", target))
        assert second["file"].endswith("b.png") and first["file"].endswith("a.png")
        assert _same_reading(second, only), (target, second, only)
        assert second["target_score"] == second["raw_score"]
    # the face box is in the picture's own pixels (the padding a still gets is taken off)
    x0, y0, x1, y1 = only["face_box"]
    assert 0 < x0 < x1 < b.shape[1] and 0 < y0 < y1 < b.shape[0]


@pytest.mark.datasets
def test_a_smile_after_a_surprised_face_is_read_as_it_is_alone(
    tmp_path: Path, astronaut_rgb: np.ndarray, performers_dir: Path
) -> None:
    """The same with a picture A that scores far from B: smoothing carried over from A (what
    `watch` did before) would hold B's happy score far below B's own."""
    from game.training.dataset import load_labels

    surprised = next(i for i in load_labels(performers_dir) if i.label.value == "surprised")
    folder = tmp_path / "pair"
    folder.mkdir()
    (folder / "a.jpg").symlink_to(surprised.path)  # a link, never a copy of the picture
    write_png(folder / "b.png", astronaut_rgb)
    alone = write_png(tmp_path / "b.png", astronaut_rgb)
    first, second = lines(watch("--source", str(folder), "--json", "--target", "happy"))
    (only,) = lines(watch("--source", str(alone), "--json", "--target", "happy"))
    assert only["target_score"] - first["target_score"] > 0.5  # A and B are far apart
    assert _same_reading(second, only), (second, only)


def test_missing_webcam_is_one_sentence_suggesting_source() -> None:
    result = watch("--source", "webcam:97")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("facequest:")]
    assert len(errors) == 1 and "--source" in errors[0]
    assert "Traceback" not in result.stderr


def test_bad_model_and_missing_file_are_clear_errors(tmp_path: Path, astronaut_png: Path) -> None:
    junk = tmp_path / "junk.onnx"
    junk.write_bytes(b"nope")
    result = watch("--source", str(astronaut_png), "--model", str(junk))
    assert result.returncode == 2 and "not a readable ONNX model" in result.stderr
    result = watch("--source", str(tmp_path / "nothing.mp4"))
    assert result.returncode == 2 and "does not exist" in result.stderr


@pytest.mark.parametrize(("content", "words"), [
    (b'{"spec_version": "1", ', "it is not valid JSON (damaged at line 1, column 23)"),
    (b"\xff\xfe", "it is not a text file, so not a baseline (JSON from calibration)"),
    (b"[1]", "it is not a baseline from calibration (a field is missing or wrong)"),
    (b"{}", "it is not a baseline from calibration (a field is missing or wrong)"),
    (None, "it cannot be read (No such file or directory)"),
], ids=["cut-short", "not-text", "not-object", "no-fields", "missing"])
def test_a_damaged_baseline_is_one_sentence_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None,
        words: str) -> None:
    """A damaged --baseline showed the raw JSON error ("Expecting property name enclosed in
    double quotes: line 1 column 23 (char 22)")."""
    from game.cli import main
    from tests.cli.helpers import one_sentence

    baseline = tmp_path / "baseline.json"
    if content is not None:
        baseline.write_bytes(content)
    code = main(["watch", "--baseline", str(baseline), "--source", str(tmp_path / "x.png")])
    assert code == 2
    assert one_sentence(capsys) == f"facequest: cannot use the baseline {baseline}: {words}"
