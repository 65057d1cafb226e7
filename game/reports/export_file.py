"""The export as a file, in any of its formats: `facequest export`'s writer.

It sits apart from `game.reports.export` (the rows and the CSV/JSON text) because the Parquet
writer builds on those rows: keeping the dispatch here leaves no import cycle between the two.
pyarrow is imported only when a Parquet file is written.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from game.records.fileio import atomic_file, atomic_write_bytes
from game.records.storage import local_now
from game.records.store import ProgressStore
from game.reports.export import (
    CSV_ENCODING,
    FORMATS,
    iter_export_rows,
    write_csv,
    write_json,
)


def write_export(
    store: ProgressStore,
    out: Path,
    *,
    fmt: str,
    profile_ids: Sequence[str] | None = None,
    include_notes: bool = True,
    exported_at: datetime | None = None,
) -> int:
    """Write the export (atomically, mode 0600; CSV as UTF-8 with a byte-order mark, JSON
    as plain UTF-8, Parquet with typed columns, see `game.reports.parquet_export`); returns
    the number of trial rows.

    Raises:
        ValueError: an unknown `fmt`.
        StoreError: a stored time cannot be read as a time (Parquet only).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; use one of {', '.join(FORMATS)}")
    rows = iter_export_rows(store, profile_ids, include_notes=include_notes)
    when = exported_at or local_now()
    if fmt == "parquet":
        from game.reports import parquet_export  # pyarrow loads only here

        kept = list(rows)
        atomic_write_bytes(Path(out), parquet_export.rows_to_parquet(kept, exported_at=when))
        return len(kept)
    with atomic_file(Path(out)) as raw:
        text = io.TextIOWrapper(raw, encoding=CSV_ENCODING if fmt == "csv" else "utf-8",
                                newline="")
        try:
            count = (write_csv(rows, text) if fmt == "csv"
                     else write_json(rows, text, exported_at=when))
            text.flush()
        finally:
            text.detach()  # the atomic writer syncs, renames and closes the file itself
    return count
