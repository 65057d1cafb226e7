"""Bad input around motion records ends in one sentence and loses nothing (found by a fresh
tester): outputs aimed at the records, damaged but readable motion files, a tampered motion
folder at delete time, a motion export of nothing readable, bad `metrics` arguments."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from game.cli import main
from game.records.motion_log import (
    METADATA_KEY,
    MotionFileError,
    encode_session,
    read_session_motion,
)
from game.records.store import RECORDS_FILE, open_store
from tests.records.factories import make_trial
from tests.reports.motion_factories import metrics, smile_motion


def _child_with_record(data: Path) -> tuple[str, Path]:
    with open_store(data) as store:
        child = store.create_profile("Mia", allow_frame_traces=True)
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        store.add_trial(session.session_id,
                        dataclasses.replace(make_trial(0), motion=metrics()))
        store.end_session(session.session_id, reason="completed")
        path = store.motion_path(session.session_id)
    assert path is not None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(encode_session([(0, smile_motion("happy"))]))
    return session.session_id, path


@pytest.mark.parametrize(("args", "target"), [
    (["export", "--format", "csv"], RECORDS_FILE),
    (["export", "--format", "motion"], "motion/own.parquet"),
    (["report", "Mia"], "trials/r.html"),
    (["replay", "Mia"], "motion/clip.gif"),
])
def test_outputs_aimed_at_the_records_are_refused(tmp_path: Path, args: list[str], target: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    _child_with_record(data)
    before = {p: p.read_bytes() for p in data.rglob("*") if p.is_file()}
    out = data / target
    if args[0] == "export":
        command = [*args, "--out", str(out), "--data-dir", str(data)]
    else:
        command = [args[0], args[1], "--out", str(out), "--data-dir", str(data)]
    assert main(command) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert {p: p.read_bytes() for p in data.rglob("*") if p.is_file()} == before


def _rewrite(path: Path, change: str) -> None:
    table = pq.read_table(path)
    meta = dict(table.schema.metadata or {})
    if change == "nan":
        scores = np.full(table.num_rows, np.nan, dtype=np.float32)
        table = table.set_column(table.column_names.index("target_score"), "target_score",
                                 pa.array(scores))
    elif change == "order":
        t = table.column("t_ms").to_numpy()[::-1].copy()
        table = table.set_column(table.column_names.index("t_ms"), "t_ms", pa.array(t))
    elif change == "column":
        table = table.drop_columns(["act_lip_corners_up"])
    elif change == "marks":
        info = json.loads(meta[METADATA_KEY])
        for trial in info["trials"].values():
            trial["marks"] = [[1]]
        meta[METADATA_KEY] = json.dumps(info).encode()
    elif change == "format":
        info = json.loads(meta[METADATA_KEY])
        info["format"] = "99"
        meta[METADATA_KEY] = json.dumps(info).encode()
    pq.write_table(table.replace_schema_metadata(meta), path)


@pytest.mark.parametrize("change", ["nan", "order", "column", "marks", "format"])
def test_a_readable_file_with_bad_values_is_one_sentence_everywhere(
        tmp_path: Path, change: str, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    _, motion = _child_with_record(data)
    _rewrite(motion, change)
    with pytest.raises(MotionFileError, match=r"is not a readable motion record$"):
        read_session_motion(motion)
    assert main(["report", "Mia", "--out", str(tmp_path / "r.html"), "--data-dir",
                 str(data)]) == 0
    assert "could not be read" in (tmp_path / "r.html").read_text(encoding="utf-8")
    assert main(["replay", "Mia", "--out", str(tmp_path / "c.gif"), "--data-dir",
                 str(data)]) != 0
    assert main(["export", "--format", "motion", "--out", str(tmp_path / "m.parquet"),
                 "--data-dir", str(data)]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err


@pytest.mark.parametrize("tamper", ["motion_is_a_file", "record_is_a_folder"])
def test_delete_finishes_whatever_was_made_of_the_motion_folder(tmp_path: Path,
                                                                tamper: str) -> None:
    data = tmp_path / "data"
    session_id, motion = _child_with_record(data)
    if tamper == "motion_is_a_file":
        motion.unlink()
        motion.parent.rmdir()
        motion.parent.write_text("not a folder")
    else:
        motion.unlink()
        (motion / "inside").mkdir(parents=True)
    assert main(["profiles", "delete", "Mia", "--yes", "--data-dir", str(data)]) == 0
    with open_store(data) as store:
        assert not store.find_profiles("Mia")
    assert not any(session_id in p.name for p in data.rglob("*"))


def test_motion_export_needs_a_parquet_name(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    _child_with_record(data)
    assert main(["export", "--format", "motion", "--out", str(tmp_path / "m.csv"),
                 "--data-dir", str(data)]) == 2
    assert ".parquet" in capsys.readouterr().err
    assert not (tmp_path / "m.csv").exists()


@pytest.mark.parametrize(("args", "words"), [
    (["--target", "neutral"], "no movement to measure"),
    (["--target", "happy", "--neutral", "{tmp}"], "is a folder"),
])
def test_metrics_refuses_what_it_cannot_measure(tmp_path: Path, args: list[str], words: str,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    clip = tmp_path / "clip"
    clip.mkdir()
    command = ["metrics", "--source", str(clip), *[a.format(tmp=tmp_path) for a in args]]
    assert main(command) == 2
    assert words in capsys.readouterr().err
