"""Calm faces apart from the records (issue 25): each child's baseline in its own file."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

from game.records import open_store
from game.records.store import RECORDS_FILE

BASELINE: dict[str, Any] = {"version": 3, "median": {"mouthSmileLeft": 0.1},
                            "mesh": [0.5] * 2000}


def _old_records(data_dir: Path) -> str:
    """Records written before the move: the baseline inside progress.json."""
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
    path = data_dir / RECORDS_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    next(iter(document["profiles"].values()))["baseline"] = BASELINE
    path.write_text(json.dumps(document), encoding="utf-8")
    return child.profile_id


def test_an_old_progress_file_s_baselines_move_to_their_own_files(tmp_path: Path) -> None:
    child = _old_records(tmp_path)
    with open_store(tmp_path, read_only=True) as reader:  # not moved yet: still read
        assert reader.get_profile(child).baseline == BASELINE
    with open_store(tmp_path) as store:
        assert store.get_profile(child).baseline == BASELINE
    moved = tmp_path / "calibration" / f"{child}.json"
    assert json.loads(moved.read_text(encoding="utf-8"))["baseline"] == BASELINE
    assert stat.S_IMODE(moved.stat().st_mode) == 0o600
    assert "mouthSmileLeft" not in (tmp_path / RECORDS_FILE).read_text(encoding="utf-8")
    with open_store(tmp_path, read_only=True) as reader:
        assert reader.get_profile(child).baseline == BASELINE
        assert reader.baseline_of(child) == BASELINE


def test_calibrating_writes_only_the_child_s_file_and_delete_erases_it(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        child = store.create_profile("Ava")
        before = (tmp_path / RECORDS_FILE).read_bytes()
        store.set_baseline(child.profile_id, BASELINE)
        assert (tmp_path / RECORDS_FILE).read_bytes() == before  # progress.json untouched
        assert store.get_profile(child.profile_id).baseline == BASELINE
        store.update_profile(child.profile_id, notes="calm today")
        assert "mouthSmileLeft" not in (tmp_path / RECORDS_FILE).read_text(encoding="utf-8")
        assert store.get_profile(child.profile_id).baseline == BASELINE
        store.set_baseline(child.profile_id, None)
        assert store.get_profile(child.profile_id).baseline is None
        store.set_baseline(child.profile_id, BASELINE)
        store.delete_profile(child.profile_id)
    assert not list((tmp_path / "calibration").iterdir())


def test_a_damaged_calibration_file_counts_as_none(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        child = store.create_profile("Ava")
        store.set_baseline(child.profile_id, BASELINE)
        (tmp_path / "calibration" / f"{child.profile_id}.json").write_text("{", "utf-8")
        assert store.get_profile(child.profile_id).baseline is None
