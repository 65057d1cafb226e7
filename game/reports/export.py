"""Research export: one row per trial, the child named only by the pseudonymous id.

Columns are built from `TrialRecord`'s dataclass fields, so a field the rules engine adds
appears in the export by itself (and `tests/reports/test_export.py` then asks for it to be
documented in `docs/data-dictionary.md`). The `quality` dict is spread into one column per
`QualityFlag`, and the `motion` metrics (`game.motion.metrics.MotionMetrics`) into one column
per metric, `motion_<field>` (all empty for a trial recorded before motion was measured).
Free-text notes are exported with the child's name (as written in the
profile, whole or any part of it, and any name the child had before a rename; matched after
Unicode normalisation and case folding) replaced by the child's pseudonymous id, or left
empty with `include_notes=False`.

Every decimal is rounded to `DECIMALS` places, the same in CSV, JSON and Parquet. Trials
carry both `trial_index` (0-based, as recorded) and `trial_number` (1-based, as the report
shows it). `session_utc_offset_min` keeps the local UTC offset (minutes) of the session's
start, which Parquet readers (DuckDB, Spark) drop when they turn times into instants.

CSV cells are neutralised for spreadsheets: a text cell that starts with `=`, `+`, `-`,
`@`, a tab or a carriage return gets a leading `'`, and so does every line inside a cell,
so Excel, LibreOffice or Sheets show it as text instead of running it as a formula (OWASP
"CSV injection"). Rows end in CRLF (RFC 4180) and a cell holding a line break is quoted,
so it stays one cell. Numbers are left as numbers. JSON and Parquet keep the text as it
is (no spreadsheet runs them).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any, TextIO

from game import __version__
from game.expressions import QualityFlag
from game.motion.metrics_record import MotionMetrics
from game.play.trial_record import TrialRecord
from game.records.models import Profile
from game.records.store import ProgressStore

logger = logging.getLogger(__name__)

FORMATS = ("csv", "json", "parquet")
DECIMALS = 3  # every decimal column, in every format
# CSV starts with a UTF-8 byte-order mark: without it Excel reads the file in the computer's
# legacy code page and Chinese notes turn to mojibake. JSON stays plain UTF-8 (RFC 8259).
CSV_ENCODING = "utf-8-sig"
CONTEXT_COLUMNS: tuple[str, ...] = (
    "profile_id",
    "birth_year",
    "session_id",
    "session_started_at",
    "session_ended_at",
    "session_utc_offset_min",
    "session_end_reason",
    "session_breaks",
    "session_break_ms",
    "level_set_id",
    "place",
    "plan_id",
    "app_version",
    "model_version",
    "model_hash",
    "recorded_at",
    "therapist_note",
)
QUALITY_FIELD = "quality"
QUALITY_PREFIX = "quality_"
MOTION_FIELD = "motion"
MOTION_PREFIX = "motion_"
MOTION_COLUMNS: tuple[str, ...] = tuple(
    MOTION_PREFIX + item.name for item in dataclasses.fields(MotionMetrics)
)
NOTE_COLUMNS = frozenset({"therapist_note", "override_note"})
NAME_PLACEHOLDER = "[child]"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
TRIAL_NUMBER = "trial_number"  # 1-based, right after `trial_index`


def trial_columns() -> tuple[str, ...]:
    """The columns that come from `TrialRecord`, in field order."""
    columns: list[str] = []
    for item in dataclasses.fields(TrialRecord):
        if item.name == QUALITY_FIELD:
            columns.extend(QUALITY_PREFIX + flag.value for flag in QualityFlag)
        elif item.name == MOTION_FIELD:
            columns.extend(MOTION_COLUMNS)
        else:
            columns.append(item.name)
        if item.name == "trial_index":
            columns.append(TRIAL_NUMBER)
    return tuple(columns)


def export_columns() -> tuple[str, ...]:
    """Every exported column, in order (the data dictionary documents exactly these)."""
    return CONTEXT_COLUMNS + trial_columns()


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` as names are matched in it: each character NFKC-normalised and case-folded
    ("Ｍｉａ", "MIA" and "mia" are one; "ß" is "ss"), with the index in `text` that each
    folded character came from."""
    out: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = unicodedata.normalize("NFKC", ch).casefold()
        out.append(folded)
        origin.extend([index] * len(folded))
    return "".join(out), origin


def _name_patterns(names: Iterable[str]) -> list[re.Pattern[str]]:
    """Patterns (on folded text) for every name in `names`: the whole name, and each part
    between spaces, hyphens and apostrophes ("Anne-Marie O'Neil"), longest first."""
    parts: set[str] = set()
    for name in names:
        folded = _folded(unicodedata.normalize("NFC", name))[0]
        parts |= {folded.strip(), *folded.split(),
                  *re.split(r"[\s\-\u2010\u2011'\u2019]+", folded)}
    patterns = []
    for part in sorted((p for p in parts if len(p) >= 2), key=len, reverse=True):
        # Chinese and the like have no spaces between words, so no word boundaries either
        bounded = rf"(?<!\w){re.escape(part)}(?!\w)"
        patterns.append(re.compile(bounded if part.isascii() else re.escape(part)))
    return patterns


def _name_spans(text: str, names: Iterable[str]) -> list[tuple[int, int]]:
    """Where in `text` (already NFC) any of `names` is written, as merged (start, end)."""
    folded, origin = _folded(text)
    spans = sorted(
        (origin[m.start()], origin[m.end() - 1] + 1)
        for pattern in _name_patterns(names)
        for m in pattern.finditer(folded)
        if m.end() > m.start()
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def scrub_name(
    text: str,
    display_name: str,
    replacement: str = NAME_PLACEHOLDER,
    former_names: Iterable[str] = (),
) -> str:
    """Replace the child's name, each part of it, and every former name of the child (a
    rename) with `replacement` in free text. Names are found after Unicode normalisation
    (the text is NFC; both sides NFKC per character and case-folded), so a name typed
    decomposed (NFD), in full-width letters or in capitals is found too."""
    text = unicodedata.normalize("NFC", text)
    spans = _name_spans(text, [display_name, *former_names])
    if not spans:
        return text
    pieces: list[str] = []
    done = 0
    for start, end in spans:
        pieces += [text[done:start], replacement]
        done = end
    return "".join(pieces) + text[done:]


def mentions_name(text: str, display_name: str, former_names: Iterable[str] = ()) -> bool:
    """True when free text holds the child's name, a part of it or a former name, as the
    export finds them (`scrub_name`)."""
    return bool(_name_spans(unicodedata.normalize("NFC", text), [display_name, *former_names]))


_LINE_BREAK = re.compile(r"(\r\n|\r|\n)")


def neutralise_formula(text: str) -> str:
    """A text cell a spreadsheet would run as a formula, prefixed with `'` to stay text: the
    cell's start, and the start of every line inside it (a tool that splits the cell at its
    line breaks must not find a live formula either)."""
    parts = _LINE_BREAK.split(text)  # lines at even indices, the breaks between them odd
    for index in range(2, len(parts), 2):
        if parts[index].startswith(FORMULA_STARTS):
            parts[index] = "'" + parts[index]
    joined = "".join(parts)
    return "'" + joined if text.startswith(FORMULA_STARTS) else joined


def motion_values(motion: MotionMetrics | None) -> dict[str, Any]:
    """The `motion_<field>` columns of one trial's metrics (every one None without metrics)."""
    data = motion.to_dict() if motion is not None else {}
    return {column: data.get(column.removeprefix(MOTION_PREFIX)) for column in MOTION_COLUMNS}


_QUALITY_VALUES = frozenset(flag.value for flag in QualityFlag)
_QUALITY_COLUMNS = tuple((flag.value, QUALITY_PREFIX + flag.value) for flag in QualityFlag)


def _trial_values(trial: TrialRecord) -> dict[str, Any]:
    values = trial.to_dict()
    quality = values.pop(QUALITY_FIELD, {}) or {}
    if not quality.keys() <= _QUALITY_VALUES:
        unknown = sorted(set(quality) - _QUALITY_VALUES)
        logger.warning("quality flags not in the vocabulary are not exported: %s", unknown)
    for value, column in _QUALITY_COLUMNS:
        values[column] = float(quality.get(value, 0.0))
    values.pop(MOTION_FIELD, None)
    values.update(motion_values(trial.motion))
    values[TRIAL_NUMBER] = trial.trial_index + 1
    return {k: round(v, DECIMALS) if isinstance(v, float) else v for k, v in values.items()}


def utc_offset_minutes(iso: str | None) -> int | None:
    """The UTC offset of an ISO 8601 time in minutes (+60 for `...+01:00`); None without a
    time, without an offset, or for text that is not an ISO time (logged)."""
    if not iso:
        return None
    try:
        offset = datetime.fromisoformat(iso).utcoffset()
    except ValueError:
        logger.warning("a stored session time is not an ISO time; its UTC offset is left empty")
        return None
    return None if offset is None else int(offset.total_seconds()) // 60


def export_rows(
    store: ProgressStore,
    profile_ids: Sequence[str] | None = None,
    *,
    include_notes: bool = True,
) -> list[dict[str, Any]]:
    """One dict per trial (JSON-ready values, keys = `export_columns()`), oldest first.

    Args:
        store: the records.
        profile_ids: the children to export; None for every child.
        include_notes: False leaves the free-text note columns empty.
    """
    return list(iter_export_rows(store, profile_ids, include_notes=include_notes))


def iter_export_rows(
    store: ProgressStore,
    profile_ids: Sequence[str] | None = None,
    *,
    include_notes: bool = True,
) -> Iterator[dict[str, Any]]:
    """`export_rows`, one row at a time (a file is written row by row: 30,000 trials never
    sit in memory as rows all at once)."""
    profiles: list[Profile] = (
        [store.get_profile(pid) for pid in profile_ids]
        if profile_ids is not None
        else sorted(store.list_profiles(), key=lambda p: p.profile_id)
    )
    columns = export_columns()
    for profile in profiles:
        sessions = {s.session_id: s for s in store.sessions_for(profile.profile_id)}
        trials = store.trials_for(profile.profile_id)
        store.release_trials(profile.profile_id)  # the file's parsed lines: no longer needed
        for stored in trials:
            row: dict[str, Any] = {
                "profile_id": profile.profile_id,
                "birth_year": profile.birth_year,
                "session_id": stored.session_id,
                "recorded_at": stored.recorded_at,
                "therapist_note": stored.therapist_note,
            }
            session = sessions.get(stored.session_id)
            if session is None:
                # The trial outlived its session's record (the records file was restored
                # from a backup older than the trial): the trial is exported all the same.
                logger.warning("trial of session %s: that session is not in the records",
                               stored.session_id)
            else:
                row.update({
                    "session_started_at": session.started_at,
                    "session_ended_at": session.ended_at,
                    "session_utc_offset_min": utc_offset_minutes(session.started_at),
                    "session_end_reason": session.end_reason or None,
                    "session_breaks": session.breaks,
                    "session_break_ms": session.break_ms,
                    "level_set_id": session.level_set_id,
                    "place": session.place,
                    "plan_id": session.plan_id,
                    "app_version": session.app_version,
                    "model_version": session.model_version,
                    "model_hash": session.model_hash,
                })
            row.update(_trial_values(stored.trial))
            for column in NOTE_COLUMNS:
                text = str(row.get(column) or "")
                row[column] = (scrub_name(text, profile.display_name, profile.profile_id,
                                          profile.former_names)
                               if include_notes else "")
            yield {column: row.get(column) for column in columns}


def _csv_cell(value: Any) -> str:
    kind = type(value)
    if kind is float or kind is int:  # most cells (bool is its own type, handled below)
        return repr(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | tuple):
        return neutralise_formula(";".join(str(item) for item in value))
    if isinstance(value, dict):
        return neutralise_formula(json.dumps(value, ensure_ascii=False, sort_keys=True))
    if isinstance(value, float | int):
        return repr(value)
    return neutralise_formula(str(value))


def rows_to_csv(rows: Iterable[dict[str, Any]]) -> str:
    """CSV text with a header row; lists joined by `;`, booleans `true`/`false`, None empty,
    text that a spreadsheet would run as a formula prefixed with `'`."""
    buffer = io.StringIO()
    write_csv(rows, buffer)
    return buffer.getvalue()


def write_csv(rows: Iterable[dict[str, Any]], handle: TextIO) -> int:
    """`rows_to_csv` written to a text handle row by row; returns the number of rows.

    Rows end in CRLF (RFC 4180), so a cell holding a CR or an LF is quoted and stays one
    cell: with "\n" alone the csv module leaves a bare CR unquoted, and spreadsheets then
    start a new row there."""
    writer = csv.writer(handle, lineterminator="\r\n")
    columns = export_columns()
    writer.writerow(columns)
    count = 0
    for row in rows:
        writer.writerow([_csv_cell(row.get(column)) for column in columns])
        count += 1
    return count


def rows_to_json(rows: Iterable[dict[str, Any]], *, exported_at: datetime) -> str:
    """A JSON object: format info, the column list and the rows (native JSON types)."""
    buffer = io.StringIO()
    write_json(rows, buffer, exported_at=exported_at)
    return buffer.getvalue()


def write_json(rows: Iterable[dict[str, Any]], handle: TextIO, *,
               exported_at: datetime) -> int:
    """`rows_to_json` written to a text handle row by row, one row per line (the C encoder:
    an indented row would take Python's slow one); returns the number of rows."""
    head = json.dumps({
        "format": "facequest-trials",
        "format_version": 1,
        "exported_at": exported_at.isoformat(timespec="seconds"),
        "app_version": __version__,
        "columns": list(export_columns()),
    }, ensure_ascii=False, indent=1)
    handle.write(head[:-2] + ',\n "rows": [')
    count = 0
    for row in rows:
        handle.write(("," if count else "") + "\n  " + json.dumps(row, ensure_ascii=False))
        count += 1
    handle.write("\n ]\n}\n" if count else "]\n}\n")
    return count
