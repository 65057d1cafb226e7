"""Erase a child from the copies of the records kept in a data folder.

`ProgressStore.delete_profile` removes the child from the live records (profile, sessions,
trials file, trace files) and calls `erase_from_copies` for everything else FaceQuest keeps
in the data folder:

- backups (`backups/progress.backup-*.json`), the single-file records kept before trials
  moved out (`backups/progress.schema1.json`) and readable moved-aside files
  (`progress.corrupt-*.json`): rewritten without the child's documents (every table: a
  document whose `profile_id` is the child's, or whose `session_id` is one of theirs), with
  their modification time kept so "the newest backup" stays the same file;
- such a copy that cannot be read as records (damaged JSON) is deleted when it mentions the
  child (id, a session id, or the name), and so is any other file FaceQuest keeps there (in
  `backups/`, `trials/`, `traces/`, `motion/`, or a temporary file left by a killed write)
  that mentions the child's id or a session id or is named by one;
- a file FaceQuest did not write (the user's own, e.g. an export saved into the data folder)
  is never touched: when it mentions the child it is listed in `ErasedCopies.left`, for the
  caller to tell the user. Only the data folder itself and those four folders are looked in.

Copies made outside the data folder (an export, a backup the therapist took) are not
reached; neither are disk blocks the operating system has already freed.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.records.damaged import loads_finite
from game.records.fileio import atomic_write_bytes
from game.records.layout import (
    BACKUPS_DIR,
    CALIBRATION_DIR,
    LOCK_FILE,
    MOTION_DIR,
    RECORDS_FILE,
    TRACES_DIR,
)
from game.records.trial_log import TRIALS_DIR

logger = logging.getLogger(__name__)

PIN_FILE = "therapist-pin.json"  # game.records.pin; never holds a child's record
# folders only FaceQuest writes into
OWN_FOLDERS = (BACKUPS_DIR, TRIALS_DIR, TRACES_DIR, MOTION_DIR, f"{BACKUPS_DIR}/{TRIALS_DIR}",
               CALIBRATION_DIR)
TEMP_SUFFIX = ".tmp"  # fileio's temporary files: `.<name>.<random>.tmp`


@dataclass
class ErasedCopies:
    """What `erase_from_copies` changed (paths in the data folder): copies rewritten without
    the child, files deleted, and files FaceQuest did not write that mention the child and
    were left as they are."""

    rewritten: list[Path] = field(default_factory=list)
    deleted: list[Path] = field(default_factory=list)
    left: list[Path] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.rewritten or self.deleted or self.left)


@dataclass(frozen=True)
class ChildMarks:
    """What identifies a child's records: the id, the session ids and the name(s)."""

    profile_id: str
    session_ids: frozenset[str]
    names: frozenset[str] = frozenset()

    def ids(self) -> list[bytes]:
        return [x.encode("utf-8") for x in (self.profile_id, *sorted(self.session_ids))]

    def name_forms(self) -> list[bytes]:
        forms: set[bytes] = set()
        for name in self.names:
            if name:
                forms.add(name.encode("utf-8"))
                forms.add(json.dumps(name)[1:-1].encode("ascii"))  # \\u-escaped in JSON
        return sorted(forms)

    def belongs(self, doc: Any) -> bool:
        return isinstance(doc, dict) and (
            doc.get("profile_id") == self.profile_id or doc.get("session_id") in self.session_ids
        )


def _files(data_dir: Path) -> Iterator[Path]:
    """The files in the data folder itself and in the folders FaceQuest keeps there."""
    for folder in (data_dir, *(data_dir / name for name in OWN_FOLDERS)):
        if folder.is_dir() and not folder.is_symlink():
            for path in sorted(folder.iterdir()):
                if path.is_file() and not path.is_symlink():
                    yield path


def _records_document(raw: bytes) -> dict[str, Any] | None:
    """The TinyDB-layout document in `raw`, or None when it is not one."""
    try:
        data = loads_finite(raw.decode("utf-8"))  # NaN cannot be written back: damaged
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if isinstance(data, dict) and data and all(isinstance(t, dict) for t in data.values()):
        return data
    return None


def is_records_copy(path: Path, data_dir: Path) -> bool:
    """A copy of the records file: `progress*.json` in the data folder (other than the live
    one) or in its backups folder."""
    return (path.name.startswith("progress") and path.suffix == ".json"
            and path != data_dir / RECORDS_FILE
            and path.parent in (data_dir, data_dir / BACKUPS_DIR))


def child_in_copies(data_dir: Path, profile_id: str) -> tuple[frozenset[str], frozenset[str]]:
    """The child's session ids and names (a renamed child's older names too) in every
    readable records copy: a backup may hold a session the live file no longer has."""
    sessions: set[str] = set()
    names: set[str] = set()
    for path in _files(Path(data_dir)):
        if not is_records_copy(path, Path(data_dir)):
            continue
        document = _records_document(path.read_bytes())
        for table in (document or {}).values():
            for doc in table.values():
                if not isinstance(doc, dict) or doc.get("profile_id") != profile_id:
                    continue
                if isinstance(doc.get("session_id"), str):
                    sessions.add(doc["session_id"])
                if isinstance(doc.get("display_name"), str):
                    names.add(doc["display_name"])
                if isinstance(doc.get("former_names"), list):
                    names.update(n for n in doc["former_names"] if isinstance(n, str))
    return frozenset(sessions), frozenset(names)


def _is_temp(path: Path) -> bool:
    return path.name.startswith(".") and path.name.endswith(TEMP_SUFFIX)


def _without_child(document: dict[str, Any], marks: ChildMarks) -> dict[str, Any]:
    return {name: {key: doc for key, doc in table.items() if not marks.belongs(doc)}
            for name, table in document.items()}


def _rewrite(path: Path, raw: bytes, marks: ChildMarks, done: ErasedCopies) -> None:
    document = _records_document(raw)
    if document is None:  # damaged: cannot be rewritten, so it goes if it mentions the child
        if any(mark in raw for mark in (*marks.ids(), *marks.name_forms())):
            path.unlink()
            done.deleted.append(path)
        return
    kept = _without_child(document, marks)
    if kept == document:
        return
    text = json.dumps(kept, ensure_ascii=False, allow_nan=False).encode("utf-8")
    if any(mark in text for mark in marks.ids()):  # mentioned where we cannot tell whose
        path.unlink()
        done.deleted.append(path)
        return
    stat = path.stat()
    atomic_write_bytes(path, text)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # "newest backup" stays the same
    done.rewritten.append(path)


def erase_from_copies(data_dir: Path, marks: ChildMarks,
                      keep: Iterable[Path] = ()) -> ErasedCopies:
    """Remove the child from every file in `data_dir` except the live records (and `keep`).

    Returns what was rewritten and what was deleted. Raises OSError when a file cannot be
    changed (the caller reports it; running the deletion again finishes it).
    """
    data_dir = Path(data_dir)
    skip = {data_dir / RECORDS_FILE, data_dir / LOCK_FILE, data_dir / PIN_FILE, *keep}
    done = ErasedCopies()
    for path in _files(data_dir):
        if path in skip:
            continue
        raw = path.read_bytes()
        if is_records_copy(path, data_dir):
            _rewrite(path, raw, marks, done)
        elif _is_temp(path):  # a killed write's leftover: a cut-short copy of a records file
            if any(mark in raw for mark in (*marks.ids(), *marks.name_forms())):
                path.unlink()
                done.deleted.append(path)
        elif any(mark in raw or mark.decode() in path.name for mark in marks.ids()):
            if path.parent != data_dir:  # in a folder only FaceQuest writes into
                path.unlink()
                done.deleted.append(path)
            else:
                done.left.append(path)
    if done:
        logger.info("child %s erased from %d copy(ies) rewritten, %d file(s) deleted",
                    marks.profile_id, len(done.rewritten), len(done.deleted))
    return done
