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
    """The one profile whose pseudonymous id or whole name matches (`store.resolve_profile`,
    the resolver `play`, `report`, `export` and `profiles` share).

    Raises:
        StoreError: none matches, or several children share that name (the message lists
            their ids, never names).
    """
    return store.resolve_profile(name_or_id)
