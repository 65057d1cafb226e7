"""The research export as Parquet: the CSV's columns, in the same order, with real types.

Multi-site studies pool these files with DuckDB, Spark or pandas, no server needed:

    duckdb.sql("select * from read_parquet('site-*.parquet')")

Types (`column_kind`, documented in docs/data-dictionary.md): integers are int64, decimals
float64 (rounded to `export.DECIMALS` places, as in the CSV), booleans bool, lists
list<string>, and the `_at` times `timestamp[us]` with a time zone. A Parquet column holds
one time zone: the UTC offset its times were recorded with when they all share one
(e.g. "+01:00"), else "UTC"; the instants are exact either way, and the text column
`session_utc_offset_min` keeps each session's own offset. Text is stored as it is (no
spreadsheet-formula prefix, which is for CSV only).
"""

from __future__ import annotations

import dataclasses
import functools
import io
import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from game import __version__
from game.motion.metrics_record import MotionMetrics
from game.play.trial_record import TrialRecord
from game.records.storage import StoreError
from game.reports.export import (
    DECIMALS,
    MOTION_PREFIX,
    QUALITY_PREFIX,
    TRIAL_NUMBER,
    export_columns,
)

TIME_UNIT = "us"
# The context columns' kinds; the trial's own columns take theirs from `TrialRecord`'s field
# types (so a field added there is typed here by itself).
CONTEXT_KINDS: dict[str, str] = {
    "birth_year": "int",
    "session_started_at": "time",
    "session_ended_at": "time",
    "recorded_at": "time",
    "session_utc_offset_min": "int",
    "session_breaks": "int",
    "session_break_ms": "int",
    TRIAL_NUMBER: "int",
}
_FIELD_KINDS = {
    "int": "int", "int | None": "int", "float": "decimal", "float | None": "decimal",
    "bool": "bool", "tuple[str, ...]": "list",
}


@functools.cache
def _motion_kinds() -> dict[str, str]:
    """`motion_<field>` -> its kind, from `MotionMetrics`' field types."""
    return {MOTION_PREFIX + item.name: _FIELD_KINDS.get(str(item.type), "text")
            for item in dataclasses.fields(MotionMetrics)}


@functools.cache
def _trial_kinds() -> dict[str, str]:
    kinds = {}
    for item in dataclasses.fields(TrialRecord):
        kinds[item.name] = _FIELD_KINDS.get(str(item.type), "text")
    return kinds


def column_kind(column: str) -> str:
    """"int", "decimal", "bool", "list", "time" or "text" for an export column."""
    if column in CONTEXT_KINDS:
        return CONTEXT_KINDS[column]
    if column.startswith(QUALITY_PREFIX):
        return "decimal"
    if column in _motion_kinds():
        return _motion_kinds()[column]
    return _trial_kinds().get(column, "text")


_ARROW_TYPES: dict[str, pa.DataType] = {
    "int": pa.int64(),
    "decimal": pa.float64(),
    "bool": pa.bool_(),
    "list": pa.list_(pa.string()),
    "text": pa.string(),
}


def _parse_time(column: str, value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    try:
        when = datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise StoreError(f"a stored {column} is not a time ({str(value)[:40]!r})") from exc
    return when if when.tzinfo is not None else when.astimezone()


def _zone(times: Sequence[datetime | None]) -> str:
    offsets = {t.strftime("%z") for t in times if t is not None}
    if len(offsets) != 1:
        return "UTC"
    (raw,) = offsets
    return f"{raw[:3]}:{raw[3:5]}"


def _time_array(column: str, values: list[Any]) -> pa.Array:
    times = [_parse_time(column, v) for v in values]
    return pa.array(times, type=pa.timestamp(TIME_UNIT, tz=_zone(times)))


def _array(column: str, values: list[Any]) -> pa.Array:
    kind = column_kind(column)
    if kind == "time":
        return _time_array(column, values)
    if kind == "decimal":
        values = [None if v is None else round(float(v), DECIMALS) for v in values]
    elif kind == "list":
        values = [None if v is None else [str(item) for item in v] for v in values]
    elif kind == "text":
        values = [None if v is None else str(v) for v in values]
    return pa.array(values, type=_ARROW_TYPES[kind])


def rows_to_table(rows: Sequence[dict[str, Any]], *, exported_at: datetime) -> pa.Table:
    """The rows of `export_rows` as an Arrow table (columns = `export_columns()`, in order),
    with the export's format, version and time in the schema metadata.

    Raises:
        StoreError: a stored `_at` value is not an ISO 8601 time.
    """
    columns = export_columns()
    arrays = [_array(c, [row.get(c) for row in rows]) for c in columns]
    metadata = {
        "facequest": json.dumps({
            "format": "facequest-trials",
            "format_version": 1,
            "exported_at": exported_at.isoformat(timespec="seconds"),
            "app_version": __version__,
        })
    }
    return pa.Table.from_arrays(arrays, names=list(columns), metadata=metadata)


def rows_to_parquet(rows: Sequence[dict[str, Any]], *, exported_at: datetime) -> bytes:
    """The Parquet file's bytes (zstd-compressed, one row group)."""
    buffer = io.BytesIO()
    pq.write_table(rows_to_table(rows, exported_at=exported_at), buffer, compression="zstd")
    return buffer.getvalue()
