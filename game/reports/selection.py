"""Find the records and the child a command names (shared by `report` and `export`)."""

from __future__ import annotations

from pathlib import Path

from game.paths import default_data_path, user_data_dir
from game.records.backups import newest_backup
from game.records.clinic_ledger import CLINIC_DIR
from game.records.default_settings import DEFAULT_SETTINGS_FILE
from game.records.layout import (
    BACKUPS_DIR,
    CALIBRATION_DIR,
    LOCK_FILE,
    MOTION_DIR,
    TRACES_DIR,
    kept_aside_records,
)
from game.records.models import Profile
from game.records.pin import PIN_FILE
from game.records.storage import StoreError
from game.records.store import RECORDS_FILE, ProgressStore, open_store
from game.records.trial_log import TRIALS_DIR

# what FaceQuest keeps in a data folder: files, and folders only it writes into
OWN_FILES = (RECORDS_FILE, LOCK_FILE, PIN_FILE, DEFAULT_SETTINGS_FILE)
HOME_DIR = "home"  # game.home.install.HOME_DIR (not imported here: it pulls in the crypto)
# home/ and clinic/ hold the installation's and the clinic's private keys, plan and ledger
OWN_FOLDERS = (TRIALS_DIR, TRACES_DIR, MOTION_DIR, BACKUPS_DIR, CALIBRATION_DIR, HOME_DIR,
               CLINIC_DIR)


def open_records_for_reading(data_dir: Path | None) -> ProgressStore:
    """The records in `data_dir` (default: the user's data folder), opened read-only.

    Raises:
        StoreError: no records there, or they cannot be read (one sentence to show).
    """
    folder = Path(data_dir) if data_dir is not None else user_data_dir()
    if not (folder / RECORDS_FILE).is_file():
        raise StoreError(no_records_sentence(folder, otherwise=" (try --data-dir)"))
    return open_store(folder, read_only=True)


def no_records_sentence(folder: Path, *, otherwise: str = "") -> str:
    """Why `folder` has no records file, in one sentence without its full stop: its records
    file was unreadable and kept aside (a command that changes the records moved it), or
    there are none (`otherwise` added); either way the restore command where a backup
    exists."""
    restore = (" (a backup can be put back with `facequest profiles restore-backup`)"
               if newest_backup(folder) is not None else "")
    kept = kept_aside_records(folder)
    if kept:
        return (f"there are no readable FaceQuest records in {folder}: the records file could "
                f"not be read and was kept as {kept[-1].name}{restore}")
    return f"there are no FaceQuest records in {folder}{restore or otherwise}"


def resolve_profile(store: ProgressStore, name_or_id: str) -> Profile:
    """The one profile whose pseudonymous id or whole name matches (`store.resolve_profile`,
    the resolver `play`, `report`, `export` and `profiles` share).

    Raises:
        StoreError: none matches, or several children share that name (the message lists
            their ids, never names).
    """
    return store.resolve_profile(name_or_id)


def check_not_own_records(out: Path, data_dir: Path | None) -> None:
    """Refuse an output file that is one of the records FaceQuest keeps, or lies in one of
    its own folders (an export written there would replace or pose as a record): in
    `data_dir`, in the user's data folder, and in any folder above `out` that holds
    FaceQuest records (a `progress.json` beside a `progress.lock` or a `trials/` folder).
    Links are followed first, so a link that points into the records is refused too.

    Raises:
        StoreError: one sentence naming the file.
    """
    target = Path(out).resolve()
    folders = {Path(data_dir).resolve()} if data_dir is not None else set()
    folders.add(default_data_path().resolve())  # compared only: never made here
    folders.update(folder for folder in target.parents if _holds_records(folder))
    for folder in sorted(folders):
        if target.parent == folder and (target.name in OWN_FILES
                                        or target.name.startswith("progress.")):
            raise StoreError(f"{out} is one of FaceQuest's own records; write to another file")
        if any(target.is_relative_to(folder / name) for name in OWN_FOLDERS):
            raise StoreError(f"{out} is inside the records' own folders in {folder}; write it "
                             "somewhere else")


def _holds_records(folder: Path) -> bool:
    """True when `folder` is a FaceQuest data folder (its records file and lock or trials)."""
    return (folder / RECORDS_FILE).is_file() and (
        (folder / LOCK_FILE).exists() or (folder / TRIALS_DIR).is_dir())
