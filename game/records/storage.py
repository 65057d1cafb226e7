"""Where the records document lives: a JSON file written atomically, or memory (for tests).

Both classes satisfy `DocumentStorage` (read/write one JSON document) and TinyDB's
`Storage` interface, so `TinyDB(storage=lambda: storage)` runs on either. The document is
TinyDB's own layout (`{table: {doc_id: document}}`), so the file stays readable by plain
TinyDB and by any JSON tool.

Why not TinyDB's own `JSONStorage`: it rewrites the file in place (a crash mid-write leaves
half a file), uses the platform's default encoding and re-reads the disk on every query.
`JSONFileStorage` writes a temp file and renames it, always UTF-8, mode 0600, parses the
file once and then keeps the document in memory (one process owns the file; re-parsing a
3,000-trial file costs ~30 ms per query), rotates backups, and moves an unreadable file
aside (raising `CorruptStoreError`) instead of starting over on top of it.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from tinydb.storages import Storage

from game.records.fileio import (
    atomic_write_bytes,
    atomic_write_text,
    ensure_private_dir,
    move_aside,
    read_no_follow,
    remove_stale_temp_files,
    stamped_path,
)
from game.records.layout import CORRUPT_LABEL
from game.records.retention import backups_to_keep, stamp_time

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]


def local_now() -> datetime:
    """The wall clock, timezone-aware in local time (the default clock of the records layer)."""
    return datetime.now().astimezone()


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def prune_backups(backups: list[Path], now: datetime, *, keep_last: int) -> list[Path]:
    """Delete the backups `retention.backups_to_keep` does not keep (times from the names,
    else the files' modification times); returns the deleted ones."""
    stamped = []
    for path in backups:
        when = stamp_time(path.name)
        if when is None:
            when = datetime.fromtimestamp(path.stat().st_mtime)
        stamped.append((path, when))
    kept = backups_to_keep(stamped, now.replace(tzinfo=None), keep_last=keep_last)
    gone = [path for path, _ in stamped if path not in kept]
    for path in gone:
        path.unlink(missing_ok=True)
    return gone


class StoreError(Exception):
    """A records problem the game can show in one sentence (`str(error)`)."""


class CorruptStoreError(StoreError):
    """The records file could not be read; it was moved aside (never overwritten).

    Attributes:
        path: the records file that could not be read.
        moved_to: where it now is (None when opened read-only: nothing was moved).
        backups: the backups that exist, newest first; the game may offer to restore one
            with `restore_backup`.
    """

    def __init__(self, path: Path, moved_to: Path | None, backups: list[Path], reason: str):
        self.path = path
        self.moved_to = moved_to
        self.backups = backups
        self.reason = reason
        where = f"It was kept as {moved_to.name}. " if moved_to else ""
        newest = f"The newest backup is {backups[0].name}." if backups else "No backup exists."
        super().__init__(
            f"The progress file {path.name} could not be read ({reason}). {where}{newest}"
        )


class ReadOnlyStoreError(StoreError):
    """A write was attempted on records opened for reading only."""


class DocumentStorage(Protocol):
    """One JSON document: `read()` gives it (None when there is none yet), `write` replaces it."""

    def read(self) -> dict[str, Any] | None: ...

    def write(self, data: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


def _check_document(data: object) -> dict[str, Any]:
    """TinyDB's layout: an object of tables, each an object of documents."""
    if not isinstance(data, dict):
        raise ValueError("the top level is not a JSON object")
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ValueError(f"table {name!r} is not a JSON object")
        for doc_id, doc in table.items():
            if not isinstance(doc, dict):
                raise ValueError(f"record {doc_id!r} of table {name!r} is not a JSON object")
    return data


def _dumps(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, allow_nan=False)


class MemoryStorage(Storage):
    """The document kept in memory; every write is checked to be JSON-serialisable.

    Like TinyDB's own storages, `read()` returns the live document (TinyDB copies what it
    hands out); the records layer copies nested values when it builds its records.
    """

    def __init__(self, data: dict[str, Any] | None = None) -> None:
        super().__init__()
        self._data: dict[str, Any] | None = None
        self.trial_docs: dict[str, Any] = {}  # a memory store's trials (`TrialLog(memory=)`)
        if data is not None:
            self.write(data)

    @classmethod
    def snapshot(cls, data: dict[str, Any]) -> MemoryStorage:
        """A memory copy of a document as read from a file, kept even when a record holds
        NaN or Infinity (the store sets such records aside before anything is written)."""
        storage = cls()
        storage._data = _check_document(data)
        return storage

    def read(self) -> dict[str, Any] | None:
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        _dumps(data)  # same failure as a file would give for values JSON cannot hold
        self._data = _check_document(data)

    def close(self) -> None:
        pass


class JSONFileStorage(Storage):
    """The document in one UTF-8 JSON file, replaced atomically on every write.

    Args:
        path: the JSON file. Its folder is created private (0700) unless `read_only`.
        read_only: never write, move or back up anything (for reports and exports).
        backups_to_keep: how many of the newest copies `backup()` keeps in
            `<folder>/backups/` whatever their age (besides one a day for 14 days and one
            a week for 8 weeks, `game.records.retention`).
        clock: gives the time used in backup and corrupt-file names.
    """

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        backups_to_keep: int = 5,
        clock: Clock = local_now,
    ) -> None:
        super().__init__()
        self.path = Path(path)
        self.read_only = read_only
        self.backups_to_keep = max(1, backups_to_keep)
        self._clock = clock
        self._data: dict[str, Any] | None = None  # the document as last read or written
        if not read_only:
            ensure_private_dir(self.path.parent)
            remove_stale_temp_files(self.path)

    @property
    def backup_dir(self) -> Path:
        return self.path.parent / "backups"

    def read(self) -> dict[str, Any] | None:
        """The document (parsed from disk on first use, then kept); None if no file yet."""
        if self._data is None:
            self._data = self._load()
        return self._data

    def write(self, data: dict[str, Any]) -> None:
        """Replace the file atomically; on failure the old file stays and is re-read."""
        if self.read_only:
            raise ReadOnlyStoreError(f"{self.path.name} was opened read-only")
        try:
            atomic_write_text(self.path, _dumps(data))
        except BaseException:
            self._data = None  # TinyDB may have changed the kept copy: trust the disk again
            raise
        self._data = _check_document(data)

    def close(self) -> None:
        self._data = None

    def _load(self) -> dict[str, Any] | None:
        try:
            raw = read_no_follow(self.path)
        except FileNotFoundError:
            return None
        try:
            if not raw.strip():
                raise ValueError("the file is empty")
            return _check_document(json.loads(raw.decode("utf-8")))
        except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
            reason = str(exc).splitlines()[0][:120]
            raise self._set_aside(reason) from exc

    def _set_aside(self, reason: str) -> CorruptStoreError:
        moved_to = None
        if not self.read_only:
            moved_to = move_aside(self.path, CORRUPT_LABEL, self._clock())
            # the caller says so in one sentence (CorruptStoreError); the log keeps it quietly
            logger.info("unreadable records file %s moved to %s", self.path.name, moved_to.name)
        return CorruptStoreError(self.path, moved_to, self.list_backups(), reason)

    # -- backups -------------------------------------------------------------------------

    def list_backups(self) -> list[Path]:
        """The backups of this file, newest first."""
        if not self.backup_dir.is_dir():
            return []
        found = self.backup_dir.glob(f"{self.path.stem}.backup-*{self.path.suffix}")
        return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name), reverse=True)

    def backup(self) -> Path | None:
        """Copy the current file into `backups/` when it changed, and keep what
        `game.records.retention` keeps: one per day for 14 days, one per week for 8 weeks,
        and the newest `backups_to_keep` (the last changes).

        Returns the new backup, or None when there is no file or the newest backup already
        holds the same content (compared by SHA-256), so re-opening many times never
        pushes out older copies.
        """
        if self.read_only or not self.path.is_file():
            return None
        content = read_no_follow(self.path)
        existing = self.list_backups()
        if existing and _digest(read_no_follow(existing[0])) == _digest(content):
            return None
        ensure_private_dir(self.backup_dir)
        now = self._clock()
        target = stamped_path(self.backup_dir, self.path.stem, "backup", now, self.path.suffix)
        atomic_write_bytes(target, content)
        prune_backups(self.list_backups(), now, keep_last=self.backups_to_keep)
        logger.info("backed up %s to %s", self.path.name, target.name)
        return target

    def restore_backup(self, backup: Path) -> None:
        """Replace the records file with a backup (the current file, if any, is backed up first)."""
        if self.read_only:
            raise ReadOnlyStoreError(f"{self.path.name} was opened read-only")
        content = Path(backup).read_bytes()
        _check_document(json.loads(content.decode("utf-8")))
        if self.path.is_file():
            self.backup()
        atomic_write_bytes(self.path, content)
        self._data = None
