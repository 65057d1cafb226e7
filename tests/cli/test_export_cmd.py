"""`facequest export` after headless scripted sessions: one documented row per trial."""

from __future__ import annotations

import csv
import errno
import json
import os
from datetime import datetime
from pathlib import Path

import pytest

from game.cli import main
from game.records.store import open_store
from game.reports.export import export_columns
from tests.conftest import REPO_ROOT
from tests.records.factories import StepClock, play_scripted_session

LEVELS = REPO_ROOT / "levels" / "first-faces.toml"


@pytest.fixture
def played(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    """Two children, each with two scripted sessions; returns trial counts per profile id."""
    data_dir = tmp_path / "data"
    clock = StepClock()
    counts: dict[str, int] = {}
    with open_store(data_dir, clock=clock) as store:
        for name in ("Mia Rossi", "Leo"):
            child = store.create_profile(name)
            for seed in range(2):
                play_scripted_session(store, child.profile_id, LEVELS, seed=seed)
            counts[child.profile_id] = len(store.trials_for(child.profile_id))
    return data_dir, counts


def test_export_csv_has_one_row_per_trial_and_the_documented_columns(
    played: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, counts = played
    out = tmp_path / "trials.csv"
    code = main(
        ["export", "Mia Rossi", "--data-dir", str(data_dir), "--format", "csv", "--out", str(out)]
    )
    assert code == 0
    with open(out, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        assert tuple(reader.fieldnames or ()) == export_columns()
    mia = next(pid for pid in counts if any(r["profile_id"] == pid for r in rows))
    assert len(rows) == counts[mia] > 0
    assert "Mia" not in out.read_text(encoding="utf-8")
    notes = [r["override_note"] for r in rows if r["override"]]
    assert notes and all(n == "Made it; the camera was slow." for n in notes)
    assert f"Wrote {counts[mia]} trial rows ({mia})" in capsys.readouterr().out


def test_export_json_of_every_child(played: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    data_dir, counts = played
    out = tmp_path / "trials.json"
    assert main(["export", "--data-dir", str(data_dir), "--format", "json", "--out", str(out)]) == 0
    rows = json.loads(out.read_text(encoding="utf-8"))["rows"]
    assert len(rows) == sum(counts.values())
    per_child = {pid: sum(1 for r in rows if r["profile_id"] == pid) for pid in counts}
    assert per_child == counts


def test_export_without_notes(played: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    data_dir, _ = played
    out = tmp_path / "t.csv"
    args = ["export", "--data-dir", str(data_dir), "--out", str(out), "--without-notes"]
    assert main(args) == 0
    with open(out, encoding="utf-8-sig", newline="") as handle:
        assert all(row["override_note"] == "" for row in csv.DictReader(handle))


def test_export_into_a_missing_folder_is_a_user_error(
    played: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, _ = played
    out = tmp_path / "nope" / "t.csv"
    assert main(["export", "--data-dir", str(data_dir), "--out", str(out)]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_export_into_a_folder_it_may_not_write_names_that_folder(
    played: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, fmt: str,
) -> None:
    """A read-only folder (here refused the way the kernel refuses a user other than root,
    who may write anywhere): the sentence names the folder, not FaceQuest's temporary file."""
    data_dir, _ = played
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o500)

    def refused(*args: object, dir: str, **kwargs: object) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, "Permission denied", f"{dir}/.t.{fmt}.x1y2.tmp")

    monkeypatch.setattr("game.records.fileio.tempfile.mkstemp", refused)
    out = shared / f"t.{fmt}"
    assert main(["export", "--data-dir", str(data_dir), "--format", fmt, "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert err == f"facequest: FaceQuest is not allowed to use {shared}; check its permissions.\n"
    assert list(shared.iterdir()) == []


def test_the_out_name_picks_the_format_and_a_contradiction_is_refused(
    played: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`export --out site-a.parquet` without --format wrote a CSV file named .parquet, which
    DuckDB's read_parquet then refused."""
    data_dir, _ = played
    base = ["export", "--data-dir", str(data_dir), "--out"]
    assert main([*base, str(tmp_path / "site-a.parquet")]) == 0
    assert (tmp_path / "site-a.parquet").read_bytes()[:4] == b"PAR1"
    assert main([*base, str(tmp_path / "t.json")]) == 0
    assert json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))["format"] == (
        "facequest-trials")
    assert main([*base, str(tmp_path / "t.txt")]) == 0  # no format's name: CSV, as before
    assert (tmp_path / "t.txt").read_text(encoding="utf-8-sig").startswith("profile_id,")
    capsys.readouterr()
    wrong = tmp_path / "wrong.parquet"
    assert main([*base, str(wrong), "--format", "csv"]) == 2
    assert capsys.readouterr().err == ("facequest: --format csv does not write a .parquet "
                                       "file; give --format parquet, or an --out name ending "
                                       "in .csv\n")
    assert not wrong.exists()


def test_export_parquet_through_the_cli_reads_in_duckdb_with_the_csv_rows(
    played: tuple[Path, dict[str, int]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.duckdb_query import query

    data_dir, counts = played
    csv_out, parquet_out = tmp_path / "trials.csv", tmp_path / "trials.parquet"
    base = ["export", "--data-dir", str(data_dir), "--out"]
    assert main([*base, str(csv_out)]) == 0
    assert main([*base, str(parquet_out), "--format", "parquet"]) == 0
    assert f"Wrote {sum(counts.values())} trial rows (2 children)" in capsys.readouterr().out
    relation = query(f"select * from read_parquet('{parquet_out}')")
    assert tuple(relation.columns) == export_columns()
    typed = relation.fetchall()
    with open(csv_out, encoding="utf-8-sig", newline="") as handle:
        text_rows = list(csv.DictReader(handle))
    assert len(typed) == len(text_rows) == sum(counts.values())
    index = relation.columns.index
    for values, text in zip(typed, text_rows, strict=True):
        assert values[index("session_id")] == text["session_id"]
        assert values[index("trial_number")] == int(text["trial_index"]) + 1
        assert values[index("peak_score")] == float(text["peak_score"])
        assert values[index("success")] == (text["success"] == "true")
        when = datetime.fromisoformat(text["recorded_at"])
        assert values[index("recorded_at")] == when
    names = query(
        f"select count(*) from read_parquet('{parquet_out}') "
        "where concat_ws(' ', therapist_note, override_note) ilike '%mia%' "
        "or concat_ws(' ', therapist_note, override_note) ilike '%leo%'"
    ).fetchall()
    assert names == [(0,)]


def test_export_parquet_of_a_child_with_only_an_empty_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.duckdb_query import query

    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        store.end_session(session.session_id, reason="source_ended")
    out = tmp_path / "t.parquet"
    assert main(["export", "Ava", "--data-dir", str(data_dir), "--format", "parquet",
                 "--out", str(out)]) == 0
    assert "Wrote 0 trial rows" in capsys.readouterr().out
    assert query(f"select count(*) from read_parquet('{out}')").fetchall() == [(0,)]
