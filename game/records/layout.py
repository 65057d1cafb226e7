"""The names of the files and folders the records layer keeps in a data folder.

    progress.json                      profiles and sessions (`game.records.store`)
    progress.lock                      held while a game has the records open
    trials/<profile_id>.jsonl          a child's trials (`game.records.trial_log`)
    traces/<session_id>.jsonl          per-frame scores, only when the child's profile allows
    motion/<session_id>.parquet        per-frame face movement (`game.records.motion_log`),
                                       only when the child's profile allows
    backups/progress.backup-*.json     copies of progress.json, one per change (`retention`)
    backups/trials/<id>.backup-*.jsonl.gz  copies of a child's trials file, one per change
    progress.set-aside-*.json          damaged profiles and sessions, set aside (`damaged`)
    trials/<id>.set-aside.jsonl        damaged trial lines, set aside
    backups/progress.schema1.json      the single-file records before trials moved out
    progress.corrupt-*.json            an unreadable records file, moved aside
    calibration/<profile_id>.json      a child's neutral-face baseline (`game.records.calibration`)
    therapist-pin.json                 the therapist PIN (`game.records.pin`)
"""

from __future__ import annotations

from pathlib import Path

from game.records.fileio import stamped_paths

RECORDS_FILE = "progress.json"
LOCK_FILE = "progress.lock"
TRACES_DIR = "traces"
MOTION_DIR = "motion"  # here, not in motion_log, so that naming it needs no numpy
BACKUPS_DIR = "backups"
CALIBRATION_DIR = "calibration"
BEFORE_SPLIT_BACKUP = "progress.schema1.json"  # the single-file records, kept when trials move
CORRUPT_LABEL = "corrupt"  # an unreadable records file, moved aside (`fileio.move_aside`)


def kept_aside_records(data_dir: Path) -> list[Path]:
    """The unreadable records files moved aside in `data_dir`, oldest first (the names hold
    the time they were moved)."""
    records = Path(RECORDS_FILE)
    return stamped_paths(data_dir, records.stem, CORRUPT_LABEL, records.suffix)


def motion_path(data_dir: Path, session_id: str) -> Path:
    """Where a session's motion record is (or would be) kept in `data_dir`."""
    return data_dir / MOTION_DIR / f"{session_id}.parquet"
