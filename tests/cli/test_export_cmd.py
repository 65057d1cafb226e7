"""`facequest export` after headless scripted sessions: one documented row per trial."""

from __future__ import annotations

import csv
import json
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
