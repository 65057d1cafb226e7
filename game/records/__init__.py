"""Progress records: profiles, sessions and trials of each child, kept on this computer.

The game calls `open_store(data_dir)` once and keeps the `ProgressStore`; see
`game.records.store` for the calls, `game.records.pin` for the therapist PIN.
"""

from game.records.fileio import sha256_file
from game.records.models import Profile, SessionRecord, StoredTrial
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
    ProgressStore,
    RecordNotFoundError,
    memory_store,
    open_store,
    restore_backup,
)
from game.records.traces import TraceWriter, read_trace

__all__ = [
    "CorruptStoreError",
    "DocumentStorage",
    "DuplicateTrialError",
    "JSONFileStorage",
    "MemoryStorage",
    "PinError",
    "Profile",
    "ProgressStore",
    "ReadOnlyStoreError",
    "RecordNotFoundError",
    "SchemaTooNewError",
    "SessionRecord",
    "StoreError",
    "StoredTrial",
    "TherapistPin",
    "TraceWriter",
    "memory_store",
    "open_store",
    "read_trace",
    "restore_backup",
    "sha256_file",
]
