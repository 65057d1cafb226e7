"""Progress records: profiles, sessions and trials of each child, kept on this computer.

The game calls `open_store(data_dir)` once and keeps the `ProgressStore`; see
`game.records.store` for the calls, `game.records.pin` for the therapist PIN,
`game.records.backups` for restoring a backup (`restore_backup(data_dir,
newest_backup(data_dir))`) and `game.records.erase` for what deleting a child erases.
"""

from game.records.backups import RestoredBackup, list_backups, newest_backup, restore_backup
from game.records.erase import ErasedCopies
from game.records.fileio import sha256_file
from game.records.models import Profile, SessionRecord, StoredTrial
from game.records.names import AmbiguousNameError, DuplicateNameError, UnknownChildError
from game.records.pin import PinError, TherapistPin
from game.records.schema import SchemaTooNewError
from game.records.storage import (
    CorruptStoreError,
    DocumentStorage,
    JSONFileStorage,
    MemoryStorage,
    ReadOnlyStoreError,
    StoreError,
)
from game.records.store import (
    DuplicateTrialError,
    InvalidValueError,
    ProgressStore,
    RecordNotFoundError,
    memory_store,
    open_store,
)
from game.records.traces import TraceWriter, read_trace

__all__ = [
    "AmbiguousNameError",
    "CorruptStoreError",
    "DocumentStorage",
    "DuplicateNameError",
    "DuplicateTrialError",
    "ErasedCopies",
    "InvalidValueError",
    "JSONFileStorage",
    "MemoryStorage",
    "PinError",
    "Profile",
    "ProgressStore",
    "ReadOnlyStoreError",
    "RecordNotFoundError",
    "RestoredBackup",
    "SchemaTooNewError",
    "SessionRecord",
    "StoreError",
    "StoredTrial",
    "TherapistPin",
    "TraceWriter",
    "UnknownChildError",
    "list_backups",
    "memory_store",
    "newest_backup",
    "open_store",
    "read_trace",
    "restore_backup",
    "sha256_file",
]
