"""The long-format motion export: one row per frame of every kept motion record, for research.

`facequest export --format motion --out FILE.parquet` reads each selected child's session
motion files (`game.records.motion_log`, kept only where the profile allows frame traces)
and writes them as one Parquet file: the context columns (`CONTEXT_COLUMNS`: pseudonymous
profile id, session, trial index and 1-based number, target, level mode), then the motion
file's own per-frame columns in their order (`motion_log.FRAME_COLUMNS`). No name, no
notes, no image. The trials' timeline marks (prompt, hints, hold, reward) go into the
file's key-value metadata `facequest.marks` (JSON: session id -> trial index -> [[t_ms,
kind, detail], ...]). Columns: docs/data-dictionary.md, "Motion export".

Sessions are read and written one at a time (a Parquet row group each), so a long history
never sits in memory whole. The file is written to a temporary name beside `out`, flushed
and renamed over it: a failure leaves no half file. A motion file that cannot be read is
left out and counted (`MotionExportResult.unreadable`), never a crash.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from game import __version__
from game.records.fileio import atomic_file
from game.records.models import Profile
from game.records.motion_log import FLOAT_COLUMNS, METADATA_KEY, read_session_motion
from game.records.store import ProgressStore

logger = logging.getLogger(__name__)

FORMAT = "facequest-motion"
FORMAT_VERSION = 1
MARKS_KEY = b"facequest.marks"
CONTEXT_COLUMNS: tuple[str, ...] = (
    "profile_id", "session_id", "trial_index", "trial_number", "target", "mode",
)
# The motion file's per-frame columns after `trial_index` and `target`, in its order.
FRAME_COLUMNS: tuple[str, ...] = (
    "t_ms", "trusted", "has_face", "neutral", "flags", *FLOAT_COLUMNS,
)
FACE_COLUMNS = frozenset(FLOAT_COLUMNS) - {"target_score"}  # null in frames without a face
SCHEMA = pa.schema(
    [
        ("profile_id", pa.string()),
        ("session_id", pa.string()),
        ("trial_index", pa.int64()),
        ("trial_number", pa.int64()),
        ("target", pa.string()),
        ("mode", pa.string()),
        ("t_ms", pa.int64()),
        ("trusted", pa.bool_()),
        ("has_face", pa.bool_()),
        ("neutral", pa.string()),
        ("flags", pa.string()),
        *[(name, pa.float32()) for name in FLOAT_COLUMNS],
    ]
)


def motion_export_columns() -> tuple[str, ...]:
    """Every column of the motion export, in order (the data dictionary documents these)."""
    return tuple(SCHEMA.names)


@dataclass(frozen=True, slots=True)
class MotionExportResult:
    """What `write_motion_export` wrote: frame rows, sessions with a motion file, children
    with at least one, and motion files that could not be read (left out)."""

    rows: int = 0
    sessions: int = 0
    children: int = 0
    unreadable: int = 0


def _session_table(
    path: Path, profile_id: str, session_id: str
) -> tuple[pa.Table, dict[str, Any]]:
    """One session's frames in the export's schema, and its trials' marks. A file the
    records layer cannot read as trials (damaged, or values no record can hold) raises
    MotionFileError, as it does for the report and the replay."""
    read_session_motion(path)  # the same judgement of a file everywhere
    source = pq.read_table(path)
    meta = json.loads((source.schema.metadata or {})[METADATA_KEY])
    trials: dict[str, Any] = meta["trials"]
    count = source.num_rows
    index = source.column("trial_index").cast(pa.int64())
    modes = {int(key): str(info.get("mode", "")) for key, info in trials.items()}
    columns: dict[str, pa.Array | pa.ChunkedArray] = {
        "profile_id": pa.array([profile_id] * count, pa.string()),
        "session_id": pa.array([session_id] * count, pa.string()),
        "trial_index": index,
        "trial_number": pa.array([i + 1 for i in index.to_pylist()], pa.int64()),
        "target": source.column("target").cast(pa.string()),
        "mode": pa.array([modes.get(i, "") for i in index.to_pylist()], pa.string()),
    }
    has_face = source.column("has_face")
    for field in SCHEMA:
        if field.name in columns:
            continue
        if field.name not in source.column_names:  # a file from a version without it
            columns[field.name] = pa.nulls(count, field.type)
            continue
        column = source.column(field.name).cast(field.type)
        if field.name in FACE_COLUMNS:  # the record keeps NaN where no face was found
            column = pc.if_else(has_face, column, pa.scalar(None, field.type))
        columns[field.name] = column
    table = pa.table([columns[name] for name in SCHEMA.names], schema=SCHEMA)
    marks = {key: info.get("marks", []) for key, info in trials.items()}
    return table, marks


def _profiles(store: ProgressStore, profile_ids: Sequence[str] | None) -> list[Profile]:
    if profile_ids is not None:
        return [store.get_profile(pid) for pid in profile_ids]
    return sorted(store.list_profiles(), key=lambda p: p.profile_id)


def write_motion_export(
    store: ProgressStore,
    out: Path,
    profile_ids: Sequence[str] | None = None,
    *,
    exported_at: datetime,
) -> MotionExportResult:
    """Write every kept motion record of the children (`profile_ids`, None: every child) to
    `out` as one Parquet file (atomically, mode 0600, zstd); see the module docstring.

    Raises:
        OSError: `out` cannot be written (nothing is left behind).
    """
    out = Path(out)
    rows = sessions = unreadable = 0
    children: set[str] = set()
    marks: dict[str, Any] = {}
    with atomic_file(out) as handle:
        writer = pq.ParquetWriter(handle, SCHEMA, compression="zstd")
        for profile in _profiles(store, profile_ids):
            for session in store.sessions_for(profile.profile_id):
                path = store.motion_path(session.session_id)
                if path is None or not path.is_file():
                    continue
                try:
                    table, session_marks = _session_table(
                        path, profile.profile_id, session.session_id
                    )
                except (OSError, KeyError, ValueError, pa.ArrowException) as exc:
                    unreadable += 1
                    logger.warning("motion record of session %s left out: %s",
                                   session.session_id, exc)
                    continue
                writer.write_table(table)
                rows += table.num_rows
                sessions += 1
                children.add(profile.profile_id)
                marks[session.session_id] = session_marks
        info = {"format": FORMAT, "format_version": FORMAT_VERSION,
                "exported_at": exported_at.isoformat(timespec="seconds"),
                "app_version": __version__}
        writer.add_key_value_metadata({"facequest": json.dumps(info),
                                       MARKS_KEY.decode(): json.dumps(marks)})
        writer.close()
    return MotionExportResult(rows, sessions, len(children), unreadable)
