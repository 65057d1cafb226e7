"""The backups of the records file: find the newest, and put one back.

`open_store` copies `progress.json` into `backups/` when it opens the records for writing
and they changed since the last copy (`JSONFileStorage.backup`; which copies stay:
`game.records.retention`), and each changed trials file into `backups/trials/`
(`game.records.trial_backups`). When the file cannot be read it is moved aside
(`CorruptStoreError`) and the game (or `facequest profiles restore-backup`) can put the
newest backup back with `restore_backup(data_dir, newest_backup(data_dir))`.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.records.fileio import (
    AlreadyLockedError,
    FolderLock,
    LinkedRecordsError,
    atomic_write_bytes,
)
from game.records.layout import LOCK_FILE, RECORDS_FILE
from game.records.links import refuse_links
from game.records.schema import SchemaError, schema_version
from game.records.storage import CorruptStoreError, JSONFileStorage, StoreError, local_now
from game.records.trial_backups import restore_trials

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class RestoredBackup:
    """What `restore_backup` did.

    Attributes:
        restored_from: the backup now in place as the records file.
        set_aside: where an unreadable records file was moved (None when there was none).
        backed_up: the backup that holds the readable records file it replaced (taken
            now, or an identical one that existed already); None when there was no file.
    """

    restored_from: Path
    set_aside: Path | None
    backed_up: Path | None


def list_backups(data_dir: Path) -> list[Path]:
    """The backups of `data_dir/progress.json` (`backups/progress.backup-*.json`), newest
    first (by modification time, then name); empty when there are none."""
    return JSONFileStorage(Path(data_dir) / RECORDS_FILE, read_only=True).list_backups()


def newest_backup(data_dir: Path) -> Path | None:
    """The newest backup in `data_dir/backups/`, or None when there is none."""
    found = list_backups(data_dir)
    return found[0] if found else None


def restore_backup(data_dir: Path, backup: Path) -> RestoredBackup:
    """Put `backup` back as `data_dir/progress.json`.

    An unreadable records file is moved aside first (never overwritten); a readable one is
    backed up first. Trials (`trials/`) are separate files and stay as they are.

    The records must be closed: a game that holds a `ProgressStore` of `data_dir` (e.g. the
    fresh one opened after a `CorruptStoreError`) calls `store.close()`, then this, then
    `open_store(data_dir)` again.

    Raises:
        StoreError: the records are open (in the game or another command), or `backup` is
            missing or is not a records document (one sentence each).
    """
    backup = Path(backup)
    if not backup.is_file():
        raise StoreError(f"there is no backup file {backup}")
    content = backup.read_bytes()  # read first: backing up the current file may rotate it out
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise StoreError(f"{backup.name} is not a FaceQuest records backup "
                         "(it is not readable JSON)") from None
    if not isinstance(document, dict) or not all(isinstance(t, dict) for t in document.values()):
        raise StoreError(f"{backup.name} is not a FaceQuest records backup")
    if not _holds_records(document):
        raise StoreError(f"{backup.name} is not a FaceQuest records backup (it holds no "
                         "FaceQuest records); nothing was replaced")
    with _locked_records(Path(data_dir)):
        storage = JSONFileStorage(Path(data_dir) / RECORDS_FILE)
        set_aside: Path | None = None
        backed_up: Path | None = None
        try:
            storage.read()  # a corrupt current file is moved aside first, never overwritten
        except CorruptStoreError as exc:
            set_aside = exc.moved_to
        else:
            backed_up = _backed_up(storage)
        atomic_write_bytes(storage.path, content)
        logger.info("records restored from %s", backup.name)
        return RestoredBackup(restored_from=backup, set_aside=set_aside, backed_up=backed_up)


def _holds_records(document: dict[str, Any]) -> bool:
    """A records document as FaceQuest writes it: a `profiles` table or a schema version
    (`{}`, or another program's JSON of tables, is not one)."""
    try:
        return "profiles" in document or schema_version(document) > 0
    except SchemaError:
        return False


def restore_trials_backup(data_dir: Path, backup: Path) -> str:
    """Put a child's trials backup (`backups/trials/<id>.backup-*.jsonl.gz`) back as their
    trials file; the file it replaces is backed up first. Returns the child's id.

    Raises:
        StoreError: the records are open, a records file is a link, or `backup` is not a
            readable trials backup (one sentence each).
    """
    with _locked_records(Path(data_dir)):
        return restore_trials(Path(data_dir), Path(backup), local_now())


@contextmanager
def _locked_records(data_dir: Path) -> Iterator[None]:
    """Hold the records' lock while a backup is put back: refuses a records folder with
    links in it and records open elsewhere (the game or another command).

    Raises:
        StoreError: a records file is a link, or the records are open (one sentence each).
    """
    try:
        refuse_links(data_dir)
        lock = FolderLock(data_dir / LOCK_FILE)
    except LinkedRecordsError as exc:
        raise StoreError(str(exc)) from None
    except AlreadyLockedError as exc:
        raise StoreError("the records are open in FaceQuest; close the game (or the other "
                         "command) before restoring a backup") from exc
    try:
        yield
    finally:
        lock.release()


def _backed_up(storage: JSONFileStorage) -> Path | None:
    """Back up the current file; the backup holding its bytes (new, or the newest one when
    that is identical already), or None when there is no file."""
    made = storage.backup()
    if made is not None or not storage.path.is_file():
        return made
    existing = storage.list_backups()
    return existing[0] if existing else None
