"""The whole round trip on a real headless session played at "home" on a child's video.

The video (built in the test from a child's pictures in ../shared/datasets, never stored)
shows the child's calm face, then a happy face held. The home installation plays it with
no `--profile` (the plan's child) and no `--levels` (the plan's level set); the bundle it
sends is imported by the clinic's data folder; the clinic's report shows the home session
and the clinic's trial lines are byte for byte those of home.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.records import open_store
from game.records.trial_log import TRIALS_DIR
from tests.face_videos import faces_by_subject, write_video
from tests.home.helpers import CHILD, cli, make_pair, send

LEVELS_TOML = """
format = 1
id = "home-test"
title = { en = "Home test", zh-CN = "在家测试" }
languages = ["en", "zh-CN"]

[session]
time_cap_ms = 120_000
inter_trial_ms = 2000

[[levels]]
id = "copy-happy"
title = { en = "Copy", zh-CN = "模仿" }
mode = "mimic"
targets = ["happy"]
trials = 2
threshold = 0.4
hold_ms = 400
time_limit_ms = 10_000
"""


def child_faces(children_dir: Path) -> tuple[Path, Path]:
    """A neutral and a happy picture of one child of the set."""
    by_subject = faces_by_subject(children_dir)
    for faces in sorted(by_subject.values(), key=lambda f: str(f.get("happy", [""])[-1])):
        if "neutral" in faces and "happy" in faces:
            return faces["neutral"][-1], faces["happy"][-1]
    pytest.skip("no child with a neutral and a happy picture in the set")


@pytest.mark.slow
@pytest.mark.datasets
def test_a_home_session_on_a_child_video_reaches_the_clinic_unchanged(
        children_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    levels = tmp_path / "levels.toml"
    levels.write_text(LEVELS_TOML, encoding="utf-8")
    pair = make_pair(tmp_path, capsys, levels=str(levels))
    neutral, happy = child_faces(children_dir)
    video = write_video(tmp_path / "child.avi", [(neutral, 7.0), (happy, 24.0)])
    code = main(["play", "--headless", "--source", str(video), "--data-dir", str(pair.home),
                 "--max-seconds", "30", "--seed", "3"])
    assert code == 0
    with open_store(pair.home, read_only=True) as store:
        (session,) = store.sessions_for(pair.profile_id)
        home_trials = store.trials_for(pair.profile_id)
    assert (session.place, session.plan_id) == ("home", pair.plan_id)
    assert session.level_set_id == "home-test" and home_trials

    bundle = send(pair, capsys, tmp_path / "week.fqb")
    code, _out, err = cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))
    assert code == 0, err
    home_lines = (pair.home / TRIALS_DIR / f"{pair.profile_id}.jsonl").read_bytes()
    clinic_lines = (pair.clinic / TRIALS_DIR / f"{pair.profile_id}.jsonl").read_bytes()
    assert clinic_lines == home_lines  # byte for byte
    motion = pair.home / "motion" / f"{session.session_id}.parquet"
    assert motion.is_file()  # the clinic consented: the face's motion was recorded ...
    assert (pair.clinic / "motion" / motion.name).read_bytes() == motion.read_bytes()  # ... sent
    with open_store(pair.clinic, read_only=True) as store:
        (merged,) = store.sessions_for(pair.profile_id)
    assert merged.to_dict() == session.to_dict()

    report = tmp_path / "report.html"
    code, _, err = cli(capsys, "report", CHILD, "--out", str(report), "--data-dir",
                       str(pair.clinic))
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert "Home and clinic" in html and 'class="muted place">Home<' in html
    assert pair.plan_id in html
