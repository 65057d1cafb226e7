"""The document storages: both behave alike; the file one is atomic, private and careful."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from game.records.storage import (
    CorruptStoreError,
    DocumentStorage,
    JSONFileStorage,
    MemoryStorage,
    ReadOnlyStoreError,
)
from game.records.store import LOCK_FILE, RECORDS_FILE, StoreError, open_store, restore_backup
from tests.records.factories import StepClock, fill_progress

DOC = {"_meta": {"1": {"schema_version": 1}}, "profiles": {"1": {"name": "Zoë 小红", "n": 3}}}


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(params=["file", "memory"])
def storage(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DocumentStorage]:
    made: DocumentStorage
    if request.param == "file":
        made = JSONFileStorage(tmp_path / "data" / "records.json")
    else:
        made = MemoryStorage()
    yield made
    made.close()


def test_storage_is_empty_until_written(storage: DocumentStorage) -> None:
    assert storage.read() is None


def test_storage_round_trips_unicode(storage: DocumentStorage) -> None:
    storage.write(DOC)
    assert storage.read() == DOC


def test_storage_rejects_values_json_cannot_hold(storage: DocumentStorage) -> None:
    storage.write(DOC)
    with pytest.raises(ValueError):
        storage.write({"t": {"1": {"x": float("nan")}}})
    assert storage.read() == DOC


def test_file_is_utf8_private_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = tmp_path / "data" / "records.json"
    storage = JSONFileStorage(path)
    storage.write(DOC)
    assert json.loads(path.read_bytes().decode("utf-8")) == DOC
    assert "小红" in path.read_text(encoding="utf-8")  # stored as text, not \\u escapes
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert sorted(p.name for p in path.parent.iterdir()) == ["records.json"]


def test_a_failed_write_leaves_the_old_file_and_the_store_rereads_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    child = store.create_profile("Ava")

    def disk_full(path: Path, data: bytes) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("game.records.storage.atomic_write_text", lambda p, t: disk_full(p, b""))
    with pytest.raises(OSError, match="No space"):
        store.update_profile(child.profile_id, notes="lost")
    monkeypatch.undo()
    assert store.get_profile(child.profile_id).notes == ""  # memory agrees with the disk
    assert [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")] == []


def test_a_new_storage_reads_what_another_wrote(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    JSONFileStorage(path).write(DOC)
    assert JSONFileStorage(path).read() == DOC


def test_stale_temp_files_of_a_killed_writer_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    JSONFileStorage(path).write(DOC)
    stale = tmp_path / ".records.json.abc123.tmp"
    stale.write_text('{"half', encoding="utf-8")
    assert JSONFileStorage(path).read() == DOC
    assert not stale.exists()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"   ",
        b'{"profiles": {"1": {"name": "cut of',
        b"\xff\xfe\x00garbage",
        b"[1, 2]",
        b'{"profiles": 3}',
    ],
    ids=["empty", "blank", "truncated", "not-utf8", "not-object", "table-not-object"],
)
def test_unreadable_file_is_moved_aside_with_a_timestamp_and_reported(
    tmp_path: Path, content: bytes
) -> None:
    path = tmp_path / "records.json"
    path.write_bytes(content)
    clock = StepClock(datetime(2025, 5, 6, 7, 8, 9))
    storage = JSONFileStorage(path, clock=clock)
    with pytest.raises(CorruptStoreError) as caught:
        storage.read()
    error = caught.value
    assert error.moved_to == tmp_path / "records.corrupt-20250506-070809.json"
    assert error.moved_to.read_bytes() == content  # kept byte for byte
    assert not path.exists()  # nothing written over it
    assert "records.json" in str(error) and "records.corrupt-20250506-070809.json" in str(error)


def test_a_file_moved_aside_is_private_whatever_its_mode_was(tmp_path: Path) -> None:
    """A corrupt records file copied in with mode 0644 was kept aside as 0644."""
    path = tmp_path / "records.json"
    path.write_bytes(b"{bad")
    path.chmod(0o644)
    with pytest.raises(CorruptStoreError) as caught:
        JSONFileStorage(path).read()
    assert caught.value.moved_to is not None and mode(caught.value.moved_to) == 0o600


def test_two_corrupt_files_in_the_same_second_are_both_kept(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    clock = StepClock(datetime(2025, 5, 6, 7, 8, 9), step=timedelta(0))
    for content in (b"{bad", b"{worse"):
        path.write_bytes(content)
        with pytest.raises(CorruptStoreError):
            JSONFileStorage(path, clock=clock).read()
    kept = sorted(p.name for p in tmp_path.glob("records.corrupt-*"))
    assert kept == [
        "records.corrupt-20250506-070809-2.json",
        "records.corrupt-20250506-070809.json",
    ]


def test_read_only_storage_reports_corruption_but_moves_and_writes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    path.write_bytes(b"{bad")
    storage = JSONFileStorage(path, read_only=True)
    with pytest.raises(CorruptStoreError) as caught:
        storage.read()
    assert caught.value.moved_to is None
    assert path.read_bytes() == b"{bad"
    with pytest.raises(ReadOnlyStoreError):
        storage.write(DOC)


def test_backups_rotate_keeping_the_newest(tmp_path: Path) -> None:
    path = tmp_path / "records.json"
    storage = JSONFileStorage(path, backups_to_keep=3, clock=StepClock())
    made = []
    for n in range(6):
        storage.write({"t": {"1": {"n": n}}})
        made.append(storage.backup())
    assert storage.backup() is None  # unchanged since the last backup: no new copy
    kept = storage.list_backups()
    assert kept == [*made[:2:-1], made[0]]  # the last 3 changes, and the week's first
    assert [json.loads(p.read_text(encoding="utf-8"))["t"]["1"]["n"] for p in kept] == [
        5, 4, 3, 0]
    assert all(mode(p) == 0o600 for p in kept)
    assert mode(storage.backup_dir) == 0o700


def test_corrupt_store_is_reported_with_backups_and_can_be_restored(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir, clock=StepClock())
    child = store.create_profile("Ava")
    fill_progress(store, child.profile_id, sessions=1, trials_per_session=3)
    store.close()
    open_store(data_dir, clock=StepClock(datetime(2025, 4, 1))).close()  # backs up the 3 trials
    (data_dir / RECORDS_FILE).write_bytes(b'{"profiles": {"1": {')  # e.g. a disk fault

    with pytest.raises(CorruptStoreError) as caught:
        open_store(data_dir)
    error = caught.value
    assert error.moved_to is not None and error.moved_to.exists()
    assert error.backups, "the error names the backups the game can offer"

    restore_backup(data_dir, error.backups[0])
    restored = open_store(data_dir)
    assert len(restored.trials_for(child.profile_id)) == 3
    assert error.moved_to.exists()  # the damaged file is still kept for a human to look at


def test_opening_again_after_a_reported_corruption_starts_empty(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / RECORDS_FILE).write_text("not json", encoding="utf-8")
    with pytest.raises(CorruptStoreError):
        open_store(data_dir)
    store = open_store(data_dir)
    assert store.list_profiles() == []
    assert len(list(data_dir.glob("progress.corrupt-*.json"))) == 1


def test_data_dir_and_every_file_in_it_are_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    child = store.create_profile("Ava", allow_frame_traces=True)
    fill_progress(store, child.profile_id, sessions=1, trials_per_session=2)
    session = store.sessions_for(child.profile_id)[0]
    trace = store.open_trace(session.session_id)
    assert trace is not None
    trace.append({"t_ms": 0, "score": 0.5})
    trace.close()
    store.close()
    open_store(data_dir).close()  # makes a backup
    assert mode(data_dir) == 0o700
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert {p.parent.name for p in files} == {"data", "backups", "traces", "trials"}
    for path in files:
        assert mode(path) == 0o600, path
    for folder in (p for p in data_dir.rglob("*") if p.is_dir()):
        assert mode(folder) == 0o700, folder


def test_read_only_store_changes_nothing_on_disk(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    child = store.create_profile("Ava")
    store.close()
    before = {p: p.stat().st_mtime_ns for p in data_dir.rglob("*")}
    reader = open_store(data_dir, read_only=True)
    assert reader.get_profile(child.profile_id).display_name == "Ava"
    with pytest.raises(Exception, match="reading only"):
        reader.create_profile("Ben")
    assert {p: p.stat().st_mtime_ns for p in data_dir.rglob("*")} == before
    assert sorted(os.listdir(data_dir)) == sorted([LOCK_FILE, RECORDS_FILE])


def test_only_one_writable_store_per_folder_but_readers_are_welcome(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    writer = open_store(data_dir)
    child = writer.create_profile("Ava")
    with pytest.raises(StoreError, match="already open"):
        open_store(data_dir)
    reader = open_store(data_dir, read_only=True)
    assert reader.get_profile(child.profile_id).display_name == "Ava"
    writer.close()
    writer.close()  # twice is fine
    again = open_store(data_dir)
    assert again.get_profile(child.profile_id).display_name == "Ava"
    again.close()


def test_sha256_file_matches_hashlib(tmp_path: Path) -> None:
    import hashlib

    from game.records import sha256_file

    path = tmp_path / "model.onnx"
    path.write_bytes(b"x" * 3_000_000)
    assert sha256_file(path) == hashlib.sha256(b"x" * 3_000_000).hexdigest()
