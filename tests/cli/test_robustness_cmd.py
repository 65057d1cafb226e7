"""`facequest robustness` end to end: real faces, the real chain, every figure in range."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from game.vision.conditions import CONDITIONS
from tests.vision.test_sources import write_png

REPO = Path(__file__).resolve().parents[2]
FIELDS = {"condition", "description", "images", "found", "flagged", "trusted", "accuracy",
          "confident_wrong", "hit_rate", "false_alarm_rate", "kept_credit", "flags", "ece",
          "false_alarms_by_target", "confidence_frontier"}


def robustness(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "game", "robustness", *args],
        capture_output=True, text=True, timeout=600, cwd=REPO,
    )


def _one_face_folder(tmp_path: Path, astronaut_rgb: np.ndarray) -> Path:
    """A labelled folder of one picture, the astronaut's smiling face."""
    folder = tmp_path / "faces"
    folder.mkdir()
    write_png(folder / "a.png", astronaut_rgb)
    (folder / "labels.csv").write_text("file,label,subject\na.png,happy,EC\n")
    return folder


def test_the_astronaut_under_a_few_conditions(tmp_path: Path, astronaut_rgb: np.ndarray) -> None:
    folder = tmp_path / "faces"
    folder.mkdir()
    write_png(folder / "astronaut.png", astronaut_rgb)
    (folder / "labels.csv").write_text("file,label,subject\nastronaut.png,happy,EC\n")
    names = "clean,mouth_hand,far_64px,second_face_beside_arrives"
    result = robustness("--data", str(folder), "--conditions", names, "--json")
    assert result.returncode == 0, result.stderr
    rows = {r["condition"]: r for r in json.loads(result.stdout)["conditions"]}
    assert list(rows) == names.split(",")
    for row in rows.values():
        assert set(row) == FIELDS
        assert row["images"] == 1
        for key in ("found", "flagged", "confident_wrong", "hit_rate", "false_alarm_rate"):
            assert 0.0 <= row[key] <= 1.0
    assert rows["clean"]["found"] == 1.0 and rows["clean"]["accuracy"] == 1.0
    assert rows["clean"]["hit_rate"] == 1.0
    assert rows["mouth_hand"]["flagged"] == 1.0  # covered: not scored
    assert rows["mouth_hand"]["flags"] == {"mouth_covered": 1}
    assert rows["far_64px"]["found"] == 1.0
    assert rows["second_face_beside_arrives"]["accuracy"] == 1.0
    assert rows["second_face_beside_arrives"]["kept_credit"] == 1.0
    assert rows["clean"]["kept_credit"] is None
    # one right reading: no temperature makes it a confident wrong one
    frontier = rows["clean"]["confidence_frontier"]
    assert frontier["lowest_confident_wrong"]["confident_wrong"] == 0.0
    assert all(p["confident_wrong"] == 0.0 for p in frontier["points"])
    assert rows["mouth_hand"]["confidence_frontier"] is None  # no trusted reading


def test_the_frontier_counts_a_confident_wrong_reading_as_the_row_does(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    """The smiling astronaut labelled sad: a confident wrong reading. The frontier's point
    at the fitted temperature counts it as the row does; a soft enough one does not."""
    folder = _one_face_folder(tmp_path, astronaut_rgb)
    (folder / "labels.csv").write_text("file,label,subject\na.png,sad,EC\n")
    result = robustness("--data", str(folder), "--conditions", "clean", "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["conditions"]
    assert row["accuracy"] == 0.0 and row["confident_wrong"] == 1.0
    points = {p["factor"]: p for p in row["confidence_frontier"]["points"]}
    assert points[1.0]["confident_wrong"] == row["confident_wrong"]
    assert points[1.0]["ece"] == pytest.approx(row["ece"], abs=1e-4)
    assert points[3.0]["confident_wrong"] == 0.0  # tempered x 3, under 0.6


def test_a_markdown_table_by_default_and_one_sentence_for_a_bad_condition(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    folder = _one_face_folder(tmp_path, astronaut_rgb)
    result = robustness("--data", str(folder), "--conditions", "clean")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("| condition |") and "| clean | 1 |" in result.stdout
    bad = robustness("--data", str(folder), "--conditions", "sideways")
    assert bad.returncode == 2
    assert bad.stderr.strip().startswith("facequest: unknown condition 'sideways'")
    assert "Traceback" not in bad.stderr
    for args in (["--conditions", ""], ["--conditions", ","], ["--seed", "-5"],
                 ["--per-set", "0"]):
        refused = robustness("--data", str(folder), *args)
        assert refused.returncode == 2, args
        lines = [x for x in refused.stderr.splitlines() if x.startswith("facequest:")]
        assert len(lines) == 1 and "Traceback" not in refused.stderr, (args, refused.stderr)


def test_an_unreadable_picture_is_one_sentence(tmp_path: Path) -> None:
    folder = tmp_path / "faces"
    folder.mkdir()
    (folder / "broken.png").write_bytes(b"not a picture at all")
    (folder / "labels.csv").write_text("file,label,subject\nbroken.png,happy,EC\n")
    result = robustness("--data", str(folder), "--conditions", "clean")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "broken.png" in result.stderr and "is a readable picture" in result.stderr


@pytest.mark.datasets
@pytest.mark.slow
def test_every_condition_on_a_few_dev_faces(children_dir: Path, performers_dir: Path) -> None:
    # one face of each set: every condition runs on both sets' faces (how --per-set spreads
    # larger picks over the subjects: tests/training/test_robustness_pick.py)
    result = robustness("--data", str(children_dir), "--data", str(performers_dir),
                        "--per-set", "1", "--json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)["conditions"]
    assert [r["condition"] for r in rows] == [c.name for c in CONDITIONS]
    assert all(r["images"] == 2 for r in rows)
    clean = rows[0]
    assert clean["found"] == 1.0 and clean["flagged"] == 0.0


def test_it_counts_the_pictures_the_model_trained_on(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    """By content: the astronaut is no training picture, so no note; with --exclude-trained a
    folder of only her is measured as it is."""
    folder = _one_face_folder(tmp_path, astronaut_rgb)
    result = robustness("--data", str(folder), "--conditions", "clean", "--json",
                        "--exclude-trained")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["trained_images"] == {
        "basis": "content", "excluded": True, "datasets": {"faces": {"images": 1, "trained": 0}}
    }
    assert report["trained_note"] is None and "note:" not in result.stderr
    assert report["conditions"][0]["images"] == 1


def test_varied_glasses_is_an_out_of_fold_option_refused_in_one_sentence(
    tmp_path: Path, astronaut_rgb: np.ndarray
) -> None:
    folder = _one_face_folder(tmp_path, astronaut_rgb)
    for args, words in (
        (["--varied-glasses", "extra"], "needs --out-of-fold K"),
        (["--out-of-fold", "2", "--varied-glasses", "extra", "--no-copies"],
         "leave out --no-copies"),
        (["--out-of-fold", "2", "--varied-glasses", "instead", "--hold-out-style", "thin"],
         "leave out --hold-out-style"),
    ):
        refused = robustness("--data", str(folder), "--conditions", "clean", *args)
        assert refused.returncode == 2, (args, refused.stderr)
        lines = [x for x in refused.stderr.splitlines() if x.startswith("facequest:")]
        assert len(lines) == 1 and words in lines[0], (args, refused.stderr)
        assert "Traceback" not in refused.stderr
