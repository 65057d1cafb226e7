"""How the face moved, exported: the `motion_` columns of the trial export, and the
long-format motion export (`facequest export --format motion`) read back with DuckDB."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import stat
from pathlib import Path

import pytest

from game.cli import main
from game.motion.metrics import MotionMetrics
from game.play.trial_record import TrialRecord
from game.records.motion_log import encode_session
from game.records.store import memory_store, open_store
from game.reports.export import MOTION_COLUMNS, export_rows, motion_values
from game.reports.export_file import write_export
from game.reports.motion_export import MARKS_KEY, motion_export_columns
from tests.duckdb_query import query
from tests.records.factories import StepClock, make_trial
from tests.reports.motion_factories import metrics, smile_motion
from tests.reports.test_export import DICTIONARY


def test_motion_is_flattened_into_one_column_per_metric() -> None:
    values = motion_values(metrics())
    assert list(values) == [f"motion_{f.name}" for f in dataclasses.fields(MotionMetrics)]
    assert values["motion_peak_intensity"] == 0.7 and values["motion_onset_latency_ms"] == 900
    assert values["motion_measurable"] is True and values["motion_neutral"] == "child"
    assert set(motion_values(None).values()) == {None}


def _trial_with(index: int, motion: MotionMetrics | None) -> TrialRecord:
    return dataclasses.replace(make_trial(index), motion=motion)


def test_motion_columns_in_csv_json_and_parquet(tmp_path: Path) -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, _trial_with(0, metrics()))
    store.add_trial(session.session_id, _trial_with(1, metrics(measurable=False)))
    store.add_trial(session.session_id, _trial_with(2, None))  # recorded before motion
    rows = export_rows(store)
    assert "motion" not in rows[0]
    assert rows[0]["motion_hold_stability"] == 0.912  # 3 decimals, like every decimal

    csv_out, parquet_out = tmp_path / "t.csv", tmp_path / "t.parquet"
    write_export(store, csv_out, fmt="csv")
    write_export(store, parquet_out, fmt="parquet")
    with open(csv_out, encoding="utf-8-sig", newline="") as handle:
        first, unmeasured, old = list(csv.DictReader(handle))
    assert first["motion_peak_intensity"] == "0.7" and first["motion_measurable"] == "true"
    assert unmeasured["motion_measurable"] == "false" and unmeasured["motion_asymmetry"] == ""
    assert unmeasured["motion_reason"] == "too_few_trusted_frames"
    assert all(old[c] == "" for c in MOTION_COLUMNS)

    types = dict(query(
        f"select column_name, column_type from (describe select * from "
        f"read_parquet('{parquet_out}'))").fetchall())
    assert types["motion_onset_latency_ms"] == "BIGINT"
    assert types["motion_peak_intensity"] == "DOUBLE"
    assert types["motion_measurable"] == "BOOLEAN" and types["motion_reason"] == "VARCHAR"
    got = query(
        f"select motion_onset_latency_ms, motion_smoothness_ldlj, motion_measurable "
        f"from read_parquet('{parquet_out}') order by trial_index").fetchall()
    assert got == [(900, -8.25, True), (None, None, False), (None, None, None)]


# -- the long-format motion export ----------------------------------------------------------


@pytest.fixture
def motion_dir(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """Two children with kept motion records (3 and 1 sessions), one child without consent;
    returns (data folder, frame rows per profile id)."""
    data_dir = tmp_path / "data"
    rows: dict[str, int] = {}
    with open_store(data_dir, clock=StepClock()) as store:
        for name, sessions in (("Mia Rossi", 3), ("Leo", 1), ("Zoe NoConsent", 0)):
            child = store.create_profile(name, allow_frame_traces=sessions > 0)
            rows[child.profile_id] = 0
            for number in range(max(sessions, 1)):
                session = store.start_session(child.profile_id, level_set_id="first-faces")
                trials = [(0, smile_motion("happy")), (1, smile_motion("sad", frames=30,
                                                                        mode="cue"))]
                for index, _motion in trials:
                    store.add_trial(session.session_id, _trial_with(index, metrics()))
                if sessions:
                    path = store.motion_path(session.session_id)
                    assert path is not None
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(encode_session(trials[: 1 + number % 2]))
                    rows[child.profile_id] += sum(len(m.frames) for _, m in
                                                  trials[: 1 + number % 2])
                store.end_session(session.session_id, reason="completed")
    return data_dir, rows


def test_motion_export_is_one_row_per_frame_with_no_name(
    motion_dir: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, rows = motion_dir
    out = tmp_path / "motion.parquet"
    assert main(["export", "--data-dir", str(data_dir), "--format", "motion",
                 "--out", str(out)]) == 0
    assert "Wrote 270 frame rows (4 sessions of 2 children)" in capsys.readouterr().out
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    relation = query(f"select * from read_parquet('{out}')")
    assert tuple(relation.columns) == motion_export_columns()
    per_child = dict(query(
        f"select profile_id, count(*) from read_parquet('{out}') group by profile_id"
    ).fetchall())
    assert per_child == {pid: n for pid, n in rows.items() if n}
    sessions = query(f"select count(distinct session_id) from read_parquet('{out}')")
    assert sessions.fetchall() == [(4,)]
    sad = query(
        f"select min(trial_number), max(trial_index), any_value(mode), count(*), "
        f"count(*) filter (where not has_face), max(act_lip_corners_down) "
        f"from read_parquet('{out}') where target = 'sad'").fetchall()
    assert sad[0][:5] == (2, 1, "cue", 30, 2) and sad[0][5] == pytest.approx(0.8, abs=1e-3)
    assert query(f"select typeof(t_ms), typeof(trial_index) from read_parquet('{out}') "
                      "limit 1").fetchall() == [("BIGINT", "BIGINT")]
    raw = out.read_bytes()
    for name in ("Mia", "Rossi", "Leo", "Zoe"):
        assert name.encode() not in raw
    text_values = query(
        f"select distinct concat_ws('|', profile_id, session_id, target, mode, neutral, flags) "
        f"from read_parquet('{out}')").fetchall()
    assert not any(re.search("mia|rossi|leo|zoe", v, re.IGNORECASE) for (v,) in text_values)
    import pyarrow.parquet as pq

    marks = json.loads(pq.read_metadata(out).metadata[MARKS_KEY])
    first = next(iter(marks.values()))
    assert first["0"][1] == [1200, "hold_start", ""]


def test_motion_export_of_one_child_and_of_a_child_without_records(
    motion_dir: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, rows = motion_dir
    out = tmp_path / "leo.parquet"
    assert main(["export", "Leo", "--data-dir", str(data_dir), "--format", "motion",
                 "--out", str(out)]) == 0
    leo = next(pid for pid, n in rows.items() if n == 60)
    assert query(f"select distinct profile_id, count(*) over () from "
                      f"read_parquet('{out}')").fetchall() == [(leo, 60)]
    capsys.readouterr()
    none = tmp_path / "zoe.parquet"
    assert main(["export", "Zoe NoConsent", "--data-dir", str(data_dir), "--format", "motion",
                 "--out", str(none)]) == 0
    said = capsys.readouterr().out
    assert "Wrote 0 frame rows (0 sessions of 0 children)" in said
    assert "only when the profile allows per-frame records" in said
    assert query(f"select count(*) from read_parquet('{none}')").fetchall() == [(0,)]


def test_a_damaged_motion_file_is_left_out_and_counted(
    motion_dir: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, rows = motion_dir
    damaged = sorted((data_dir / "motion").glob("*.parquet"))[0]
    damaged.write_bytes(b"not parquet")
    out = tmp_path / "m.parquet"
    assert main(["export", "--data-dir", str(data_dir), "--format", "motion",
                 "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "1 motion record could not be read" in said and "Traceback" not in said
    count = query(f"select count(*) from read_parquet('{out}')").fetchall()[0][0]
    assert 0 < count < sum(rows.values())


def test_motion_export_into_a_missing_folder_is_one_sentence(
    motion_dir: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = motion_dir
    out = tmp_path / "nope" / "m.parquet"
    assert main(["export", "--data-dir", str(data_dir), "--format", "motion",
                 "--out", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert not list(tmp_path.glob("**/.m.parquet*"))


def test_the_data_dictionary_documents_every_motion_export_column() -> None:
    text = DICTIONARY.read_text(encoding="utf-8")
    section = text.split("## Motion export", 1)[1].split("\n## ", 1)[0]
    documented = re.findall(r"^\| `([a-z0-9_<>]+)` \|", section, flags=re.MULTILINE)
    expected = [c for c in motion_export_columns()
                if not c.startswith(("bs_", "act_", "left_", "right_"))]
    assert documented == [*expected, "bs_<blendshape>", "act_<action>", "left_<action>",
                          "right_<action>"]
