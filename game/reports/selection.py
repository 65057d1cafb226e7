"""Find the records and the child a command names (shared by `report` and `export`)."""

from __future__ import annotations

from pathlib import Path

from game.paths import user_data_dir
from game.records.models import Profile
from game.records.storage import StoreError
from game.records.store import RECORDS_FILE, ProgressStore, open_store


def open_records_for_reading(data_dir: Path | None) -> ProgressStore:
    """The records in `data_dir` (default: the user's data folder), opened read-only.

    Raises:
        StoreError: no records there, or they cannot be read (one sentence to show).
    """
    folder = Path(data_dir) if data_dir is not None else user_data_dir()
    if not (folder / RECORDS_FILE).is_file():
        raise StoreError(f"there are no FaceQuest records in {folder} (try --data-dir)")
    return open_store(folder, read_only=True)


def resolve_profile(store: ProgressStore, name_or_id: str) -> Profile:
    """The one profile whose pseudonymous id or whole name matches.

    Raises:
        StoreError: none matches, or several children share that name (the message lists
            their ids, never names).
    """
    found = store.find_profiles(name_or_id)
    if not found:
        known = ", ".join(p.profile_id for p in store.list_profiles()) or "none yet"
        raise StoreError(f"no child has that name or id (the ids here: {known})")
    if len(found) > 1:
        ids = ", ".join(p.profile_id for p in found)
        raise StoreError(f"several children have that name; use one of the ids: {ids}")
    return found[0]
