"""`ProgressStore.delete_profile` erases the child from the copies in the data folder too, and
`newest_backup` / `restore_backup` put a backup back."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest

from game.records import (
    StoreError,
    list_backups,
    memory_store,
    newest_backup,
    open_store,
    restore_backup,
)
from game.records.erase import ChildMarks, erase_from_copies
from game.records.layout import RECORDS_FILE
from tests.records.factories import StepClock, fill_progress


def _grep(folder: Path, text: str) -> list[str]:
    return [p.relative_to(folder).as_posix() for p in sorted(folder.rglob("*"))
            if p.is_file() and (text.encode() in p.read_bytes() or text in p.name)]


def test_a_session_kept_only_in_a_backup_is_erased_with_its_trace(tmp_path: Path) -> None:
    """A restored older backup no longer lists a session a newer backup and a trace hold."""
    data = tmp_path / "data"
    clock = StepClock()
    with open_store(data, clock=clock) as store:
        ava = store.create_profile("Ava", allow_frame_traces=True)
        ben = store.create_profile("Ben")
        fill_progress(store, ava.profile_id, sessions=1, trials_per_session=2)
    clock.jump(timedelta(days=1))
    with open_store(data, clock=clock) as store:
        older = newest_backup(data)
        late = store.start_session(ava.profile_id, level_set_id="first-faces")
        trace = store.open_trace(late.session_id)
        assert trace is not None
        with trace:
            trace.append({"t_ms": 0, "score": 0.4})
    clock.jump(timedelta(days=1))
    open_store(data, clock=clock).close()  # a backup that holds the late session
    assert older is not None
    restore_backup(data, older)
    with open_store(data, clock=clock) as store:
        assert late.session_id not in [s.session_id for s in store.sessions_for(ava.profile_id)]
        assert _grep(data, late.session_id)  # still in a backup and the trace's name
        erased = store.delete_profile(ava.profile_id)
        assert erased.rewritten  # the copies of progress.json; the child's trials backups go
        assert all(p.parent.name == "trials" and p.name.endswith(".jsonl.gz")
                   for p in erased.deleted)
    assert _grep(data, late.session_id) == []
    assert _grep(data, ava.profile_id) == []
    with open_store(data) as store:
        assert [p.profile_id for p in store.list_profiles()] == [ben.profile_id]


def test_rewritten_backups_keep_their_order_and_stay_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    clock = StepClock()
    for day in range(4):
        clock.jump(timedelta(days=1))
        with open_store(data, clock=clock) as store:
            store.create_profile(f"Child {day}")
    before = list_backups(data)
    times = [p.stat().st_mtime_ns for p in before]
    with open_store(data, clock=clock) as store:
        child = store.find_profiles("Child 0")[0]
        erased = store.delete_profile(child.profile_id)
    after = list_backups(data)
    assert after[1:] == before and newest_backup(data) == after[0]
    assert [p.stat().st_mtime_ns for p in after[1:]] == times
    assert set(erased.rewritten) == set(before) | {after[0]}
    for path in after:
        assert os.stat(path).st_mode & 0o777 == 0o600
        assert "profiles" in json.loads(path.read_text("utf-8"))  # still a records document
        assert child.profile_id.encode() not in path.read_bytes()


def test_damaged_copies_go_only_when_they_mention_the_child(tmp_path: Path) -> None:
    data = tmp_path / "data"
    for folder in ("traces", "backups", "trials", "shots"):
        (data / folder).mkdir(parents=True)
    files = {
        "progress.corrupt-1.json": b'{"profiles": {"1": {"profile_id": "C-AAAAAA", "displ',
        "progress.corrupt-2.json": b'{"profiles": {"1": {"display_name": "Zo\\u00eb", "x',
        "progress.corrupt-3.json": b'{"profiles": {"1": {"profile_id": "C-BBBBBB", "displ',
        "therapist-pin.json": b'{"salt": "C-AAAAAA"}',  # never touched (here: on purpose)
        "traces/S-11111111.jsonl": b'{"t_ms": 0}\n',
        "traces/S-22222222.jsonl": b'{"t_ms": 0}\n',
        "trials/C-AAAAAA.jsonl": b'{"session_id": "S-11111111"}\n',
        "trials/C-BBBBBB.jsonl": b'{"session_id": "S-22222222"}\n',
        "backups/.progress.backup-x.json.1.tmp": b'{"profiles": {"1": {"display_name": "Zo\\u00eb"',
        "backups/.progress.backup-y.json.2.tmp": b'{"sessions": {"1": {"session_id": "S-222',
        ".progress.json.3.tmp": b'{"profiles": {"1": {"profile_id": "C-AAAAAA"',
        "my-export.csv": b"profile_id\nC-AAAAAA\nC-BBBBBB\n",  # the user's own: left, listed
        "shots/C-AAAAAA.txt": b"C-AAAAAA",  # a folder FaceQuest does not keep: not looked in
    }
    for name, raw in files.items():
        (data / name).write_bytes(raw)
    marks = ChildMarks("C-AAAAAA", frozenset({"S-11111111"}), frozenset({"Zoë"}))
    done = erase_from_copies(data, marks)
    left = {p.relative_to(data).as_posix() for p in data.rglob("*") if p.is_file()}
    assert left == {"progress.corrupt-3.json", "therapist-pin.json", "traces/S-22222222.jsonl",
                    "trials/C-BBBBBB.jsonl", "backups/.progress.backup-y.json.2.tmp",
                    "my-export.csv", "shots/C-AAAAAA.txt"}
    assert {p.name for p in done.deleted} == {
        "progress.corrupt-1.json", "progress.corrupt-2.json", "S-11111111.jsonl",
        "C-AAAAAA.jsonl", ".progress.backup-x.json.1.tmp", ".progress.json.3.tmp"}
    assert [p.name for p in done.left] == ["my-export.csv"]


def test_a_memory_store_deletes_without_copies() -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    fill_progress(store, child.profile_id, sessions=1, trials_per_session=2)
    assert not store.delete_profile(child.profile_id)
    assert store.list_profiles() == []


def test_restore_backup_reports_what_it_set_aside_or_backed_up(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert newest_backup(data) is None and list_backups(data) == []
    clock = StepClock()
    with open_store(data, clock=clock) as store:
        store.create_profile("Ava")
    clock.jump(timedelta(days=1))
    with open_store(data, clock=clock) as store:
        store.create_profile("Ben")
    backup = newest_backup(data)
    assert backup is not None
    done = restore_backup(data, backup)  # readable: the replaced records are backed up
    assert done.set_aside is None and done.backed_up is not None
    assert b"Ben" in done.backed_up.read_bytes()
    (data / RECORDS_FILE).write_bytes(b"\x00\x00")
    done = restore_backup(data, backup)
    assert done.set_aside is not None and done.set_aside.read_bytes() == b"\x00\x00"
    assert done.backed_up is None and done.restored_from == backup
    with open_store(data) as store:
        assert [p.display_name for p in store.list_profiles()] == ["Ava"]
        with pytest.raises(StoreError, match="close the game"):
            restore_backup(data, backup)


def test_restore_backup_refuses_what_is_not_a_backup(tmp_path: Path) -> None:
    data = tmp_path / "data"
    open_store(data).close()
    junk = tmp_path / "junk.json"
    junk.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(StoreError, match="is not a FaceQuest records backup"):
        restore_backup(data, junk)
    junk.write_bytes(b"\xff")
    with pytest.raises(StoreError, match="not readable JSON"):
        restore_backup(data, junk)
    with pytest.raises(StoreError, match="there is no backup file"):
        restore_backup(data, tmp_path / "missing.json")


@pytest.mark.parametrize("content", ["{}", '{"settings": {"volume": {}}}', '{"_meta": {}}'])
def test_restore_backup_refuses_json_that_holds_no_records(tmp_path: Path,
                                                           content: str) -> None:
    """`profiles restore-backup --backup` took `{}` and left records with no children."""
    data = tmp_path / "data"
    with open_store(data) as store:
        store.create_profile("Ava")
    before = (data / RECORDS_FILE).read_bytes()
    junk = tmp_path / "other.json"
    junk.write_text(content, encoding="utf-8")
    with pytest.raises(StoreError, match=r"^other.json is not a FaceQuest records backup \(it "
                       r"holds no FaceQuest records\); nothing was replaced$"):
        restore_backup(data, junk)
    assert (data / RECORDS_FILE).read_bytes() == before


def test_the_game_restores_the_newest_backup_after_a_corrupt_file(tmp_path: Path) -> None:
    """The game's order: the fresh store opened after the corruption is closed, the newest
    backup restored, the records opened again."""
    from game.records import CorruptStoreError

    data = tmp_path / "data"
    clock = StepClock()
    with open_store(data, clock=clock) as store:
        child = store.create_profile("Ava")
        fill_progress(store, child.profile_id, sessions=1, trials_per_session=2)
    clock.jump(timedelta(days=1))
    open_store(data, clock=clock).close()
    (data / RECORDS_FILE).write_bytes(b"{")
    with pytest.raises(CorruptStoreError) as caught:
        open_store(data, clock=clock)
    fresh = open_store(data, clock=clock)
    assert fresh.list_profiles() == []
    newest = newest_backup(data)
    assert newest is not None and newest == caught.value.backups[0]
    with pytest.raises(StoreError):  # not while the game holds the records
        restore_backup(data, newest)
    fresh.close()
    done = restore_backup(data, newest)
    assert done.restored_from == newest
    with open_store(data, clock=clock) as store:
        assert len(store.trials_for(child.profile_id)) == 2
