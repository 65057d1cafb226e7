"""The records document's schema version and the migrations that bring old files up to date.

The version is kept in TinyDB's layout as table `_meta`, document `1`:
`{"_meta": {"1": {"schema_version": N}}, "profiles": {...}, "sessions": {...}, "trials": {...}}`.
A file without `_meta` is version 0 (e.g. written by plain TinyDB before versioning).

To change the layout: bump `SCHEMA_VERSION`, add `MIGRATIONS[old] = function` that turns a
version-`old` document into a version-`old + 1` document, and add a test with an old file.
The store backs the file up before it migrates.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from game.records.storage import StoreError

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 2
META_TABLE = "_meta"
META_DOC_ID = "1"
TABLES = ("profiles", "sessions")
LEGACY_TRIALS_TABLE = "trials"  # schema 0-1 kept every trial in this one file

Migration = Callable[[dict[str, Any]], dict[str, Any]]


class SchemaError(StoreError, ValueError):
    """The document's version stamp is not a version number."""


class SchemaTooNewError(StoreError):
    """The file was written by a newer FaceQuest; it is left untouched."""


def schema_version(data: dict[str, Any]) -> int:
    """The version written in the document (0 when it has none)."""
    meta = data.get(META_TABLE, {})
    meta = meta.get(META_DOC_ID, {}) if isinstance(meta, dict) else None
    version = meta.get("schema_version", 0) if isinstance(meta, dict) else None
    if not isinstance(version, int) or isinstance(version, bool) or version < 0:
        raise SchemaError(f"the records file has an invalid schema_version {version!r}; "
                          "restore a backup from the backups folder")
    return version


def _stamp(data: dict[str, Any], version: int) -> dict[str, Any]:
    data[META_TABLE] = {META_DOC_ID: {"schema_version": version}}
    return data


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Unversioned TinyDB file: make sure every table exists, then stamp version 1."""
    for table in TABLES:
        data.setdefault(table, {})
    return data


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    """Trials move to one append-only file per child (`game.records.trial_log`); the store
    copies them there before it writes a version-2 document (see `legacy_trials`)."""
    data.pop(LEGACY_TRIALS_TABLE, None)
    return data


MIGRATIONS: dict[int, Migration] = {
    0: _v0_to_v1,
    1: _v1_to_v2,
}


def legacy_trials(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The trial documents of a schema 0-1 document (empty for newer ones), in stored order."""
    if schema_version(data) >= 2:
        return []
    table = data.get(LEGACY_TRIALS_TABLE) or {}
    if not isinstance(table, dict):
        return []
    return [dict(doc) for _id, doc in sorted(table.items(), key=lambda kv: _doc_order(kv[0]))
            if isinstance(doc, dict)]


def _doc_order(doc_id: str) -> tuple[int, str]:
    return (int(doc_id), "") if str(doc_id).isdigit() else (1 << 62, str(doc_id))


def empty_document() -> dict[str, Any]:
    """A new, current-version document with empty tables."""
    return _stamp({table: {} for table in TABLES}, SCHEMA_VERSION)


def migrate(data: dict[str, Any], target: int = SCHEMA_VERSION) -> dict[str, Any]:
    """Apply migrations one version at a time until `data` is at `target`.

    Raises:
        SchemaTooNewError: the document's version is above `target`.
        ValueError: a version has no migration (a bug: every old version needs one).
    """
    version = schema_version(data)
    if version > target:
        raise SchemaTooNewError(
            f"these records were written by a newer FaceQuest (schema {version}; "
            f"this version reads up to {target}); update FaceQuest to open them"
        )
    while version < target:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ValueError(f"no migration from schema version {version}")
        data = _stamp(step(data), version + 1)
        logger.info("records migrated from schema %d to %d", version, version + 1)
        version += 1
    return data
