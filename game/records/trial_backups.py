"""Backups of each child's trials file, kept like the backups of `progress.json`.

`backup_trials(data_dir, now)` (called by `open_store` when it opens the records for
writing) copies every child's `trials/<id>.jsonl` that changed since its newest backup into
`backups/trials/<id>.backup-YYYYmmdd-HHMMSS.<sha>.jsonl.gz` (gzip, 0600), where `<sha>` is
the first 16 hex digits of the file's SHA-256: a file whose digest matches its newest
backup's is not copied again. Each child's backups are pruned by `game.records.retention`
(one per day for 14 days, one per week for 8 weeks, the last 5 changes). The file names
carry the child's id, so `profiles delete` erases them with the child.

`restore_trials(data_dir, backup)` puts one such backup back as the child's trials file
(the file it replaces is backed up first, so nothing is lost).
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import re
from datetime import datetime
from pathlib import Path

from game.records.damaged import loads_finite
from game.records.fileio import atomic_write_bytes, ensure_private_dir, read_no_follow
from game.records.layout import BACKUPS_DIR
from game.records.retention import KEEP_LAST
from game.records.storage import StoreError, prune_backups
from game.records.trial_log import TRIALS_DIR

logger = logging.getLogger(__name__)

TRIALS_BACKUP_DIR = f"{BACKUPS_DIR}/{TRIALS_DIR}"
_CHILD_FILE = re.compile(r"(C-[A-Za-z0-9_-]{1,62})\.jsonl")
_BACKUP_NAME = re.compile(
    r"(?P<id>C-[A-Za-z0-9_-]{1,62})\.backup-\d{8}-\d{6}(?:-\d+)?\.(?P<sha>[0-9a-f]{16})"
    r"\.jsonl\.gz")
DIGEST_CHARS = 16


def trials_backups(data_dir: Path, profile_id: str) -> list[Path]:
    """A child's trials backups, newest first."""
    folder = Path(data_dir) / TRIALS_BACKUP_DIR
    if not folder.is_dir():
        return []
    found = [p for p in folder.glob(f"{profile_id}.backup-*.jsonl.gz")
             if (m := _BACKUP_NAME.fullmatch(p.name)) and m["id"] == profile_id]
    return sorted(found, key=lambda p: p.name, reverse=True)


def backup_trials(data_dir: Path, now: datetime, *, keep_last: int = KEEP_LAST) -> list[Path]:
    """Back up every child's trials file that changed since its newest backup; returns the
    new backups. Raises OSError when one cannot be written (the caller reports it)."""
    data_dir = Path(data_dir)
    source = data_dir / TRIALS_DIR
    if not source.is_dir():
        return []
    made = []
    for path in sorted(source.iterdir()):
        match = _CHILD_FILE.fullmatch(path.name)
        if match is None or not path.is_file() or path.is_symlink():
            continue
        made_one = _backup_one(data_dir, match[1], path, now, keep_last)
        if made_one is not None:
            made.append(made_one)
    if made:
        logger.info("backed up %d child(ren)'s trials", len(made))
    return made


def _backup_one(data_dir: Path, profile_id: str, path: Path, now: datetime,
                keep_last: int) -> Path | None:
    content = read_no_follow(path)
    if not content:
        return None
    digest = hashlib.sha256(content).hexdigest()[:DIGEST_CHARS]
    existing = trials_backups(data_dir, profile_id)
    if existing and _digest_of(existing[0]) == digest:
        return None
    folder = ensure_private_dir(data_dir / TRIALS_BACKUP_DIR)
    base = f"{profile_id}.backup-{now:%Y%m%d-%H%M%S}"
    target = folder / f"{base}.{digest}.jsonl.gz"
    counter = 2
    while target.exists():
        target = folder / f"{base}-{counter}.{digest}.jsonl.gz"
        counter += 1
    atomic_write_bytes(target, gzip.compress(content, compresslevel=6, mtime=0))
    prune_backups(trials_backups(data_dir, profile_id), now, keep_last=keep_last)
    return target


def _digest_of(backup: Path) -> str | None:
    match = _BACKUP_NAME.fullmatch(backup.name)
    return match["sha"] if match else None


def restore_trials(data_dir: Path, backup: Path, now: datetime) -> str:
    """Put a trials backup back as the child's trials file; returns the child's id.

    The trials file it replaces is backed up first (nothing is lost). The records must be
    closed (the caller holds the folder lock).

    Raises:
        StoreError: `backup` is not a FaceQuest trials backup (one sentence).
    """
    match = _BACKUP_NAME.fullmatch(Path(backup).name)
    if match is None:
        raise StoreError(f"{Path(backup).name} is not a FaceQuest trials backup "
                         "(<id>.backup-<time>.<sha>.jsonl.gz)")
    try:
        content = gzip.decompress(Path(backup).read_bytes())
        for line in content.splitlines():
            if line.strip():
                loads_finite(line.decode("utf-8"))
    except (OSError, EOFError, UnicodeDecodeError, ValueError):
        raise StoreError(f"{Path(backup).name} is damaged and cannot be restored") from None
    profile_id = match["id"]
    current = Path(data_dir) / TRIALS_DIR / f"{profile_id}.jsonl"
    if current.is_file():
        _backup_one(Path(data_dir), profile_id, current, now, KEEP_LAST)
    ensure_private_dir(current.parent)
    atomic_write_bytes(current, content)
    logger.info("trials of %s restored from %s", profile_id, Path(backup).name)
    return profile_id
