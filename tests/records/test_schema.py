"""Schema versions: old files are migrated (after a backup), newer ones are left alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from game.records import schema
from game.records.schema import SCHEMA_VERSION, SchemaTooNewError, migrate, schema_version
from game.records.storage import MemoryStorage
from game.records.store import RECORDS_FILE, ProgressStore, open_store
from tests.records.factories import StepClock

UNVERSIONED = {
    "profiles": {
        "1": {
            "profile_id": "C-0A0B0C",
            "display_name": "Old",
            "created_at": "2024-01-01T10:00:00+00:00",
            "updated_at": "2024-01-01T10:00:00+00:00",
        }
    }
}


def test_unversioned_tinydb_file_is_backed_up_then_migrated(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / RECORDS_FILE).write_text(json.dumps(UNVERSIONED), encoding="utf-8")
    store = open_store(data_dir, clock=StepClock())
    assert store.get_profile("C-0A0B0C").display_name == "Old"
    store.close()
    on_disk = json.loads((data_dir / RECORDS_FILE).read_text(encoding="utf-8"))
    assert schema_version(on_disk) == SCHEMA_VERSION
    assert set(schema.TABLES) <= set(on_disk)
    backups = sorted((data_dir / "backups").iterdir())
    assert len(backups) == 1
    assert json.loads(backups[0].read_text(encoding="utf-8")) == UNVERSIONED


def test_read_only_open_migrates_in_memory_only(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    path = data_dir / RECORDS_FILE
    path.write_text(json.dumps(UNVERSIONED), encoding="utf-8")
    store = open_store(data_dir, read_only=True)
    assert store.get_profile("C-0A0B0C").display_name == "Old"
    assert json.loads(path.read_text(encoding="utf-8")) == UNVERSIONED


def test_file_from_a_newer_version_is_refused_and_untouched(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    newer = {"_meta": {"1": {"schema_version": SCHEMA_VERSION + 1}}, "profiles": {}}
    text = json.dumps(newer)
    (data_dir / RECORDS_FILE).write_text(text, encoding="utf-8")
    with pytest.raises(SchemaTooNewError, match="newer FaceQuest"):
        open_store(data_dir)
    assert (data_dir / RECORDS_FILE).read_text(encoding="utf-8") == text


def test_migrations_run_one_step_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
        seen.append(schema_version(data))
        for doc in data["profiles"].values():
            doc["nickname"] = doc["display_name"].lower()
        return data

    monkeypatch.setitem(schema.MIGRATIONS, 1, v1_to_v2)
    migrated = migrate(json.loads(json.dumps(UNVERSIONED)), target=2)
    assert seen == [1]
    assert schema_version(migrated) == 2
    assert migrated["profiles"]["1"]["nickname"] == "old"


def test_missing_migration_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match=f"no migration from schema version {SCHEMA_VERSION}"):
        migrate(schema.empty_document(), target=SCHEMA_VERSION + 1)


def test_every_old_version_has_a_migration() -> None:
    assert set(schema.MIGRATIONS) == set(range(SCHEMA_VERSION))


def test_memory_store_migrates_too() -> None:
    storage = MemoryStorage(json.loads(json.dumps(UNVERSIONED)))
    store = ProgressStore(storage)
    assert store.get_profile("C-0A0B0C").display_name == "Old"
    stored = storage.read()
    assert stored is not None and schema_version(stored) == SCHEMA_VERSION
