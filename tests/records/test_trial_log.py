"""Trials in one append-only file per child: cost per write, torn lines, amends, migration."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import pytest

from game.play.trial_record import Override
from game.records.schema import SCHEMA_VERSION, schema_version
from game.records.storage import JSONFileStorage, StoreError
from game.records.store import BEFORE_SPLIT_BACKUP, RECORDS_FILE, DuplicateTrialError, open_store
from game.records.trial_log import TRIALS_DIR, TrialLog
from tests.records.factories import make_trial


def test_storing_a_trial_appends_to_the_childs_file_and_never_rewrites_the_records_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    ava, ben = store.create_profile("Ava"), store.create_profile("Ben")
    session = store.start_session(ava.profile_id, level_set_id="s")
    whole_file_writes: list[int] = []
    real_write = JSONFileStorage.write

    def counted_write(self: JSONFileStorage, data: dict[str, dict[str, Any]]) -> None:
        whole_file_writes.append(1)
        real_write(self, data)

    monkeypatch.setattr(JSONFileStorage, "write", counted_write)
    for index in range(3):
        store.add_trial(session.session_id, make_trial(index))
    assert whole_file_writes == []
    lines = (data_dir / TRIALS_DIR / f"{ava.profile_id}.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["trial"]["trial_index"] for line in lines] == [0, 1, 2]
    assert not (data_dir / TRIALS_DIR / f"{ben.profile_id}.jsonl").exists()
    store.close()


def test_an_amended_trial_replaces_the_first_version_keeping_note_and_time(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
        session = store.start_session(child.profile_id, level_set_id="s")
        first = store.add_trial(session.session_id, make_trial(0, success=False),
                                therapist_note="slow camera")
        changed = dataclasses.replace(first.trial, success=True, override=Override.ACCEPT)
        store.replace_trial(session.session_id, changed)
    with open_store(data_dir, read_only=True) as reader:
        (stored,) = reader.trials_in(session.session_id)
    assert stored.trial == changed
    assert stored.therapist_note == "slow camera" and stored.recorded_at == first.recorded_at


def test_a_line_cut_short_by_a_kill_is_skipped_and_the_next_trial_starts_a_new_line(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
        session = store.start_session(child.profile_id, level_set_id="s")
        store.add_trial(session.session_id, make_trial(0))
    path = data_dir / TRIALS_DIR / f"{child.profile_id}.jsonl"
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"session_id": "' + session.session_id + '", "trial": {"tri')
    with open_store(data_dir) as store:
        assert [t.trial.trial_index for t in store.trials_in(session.session_id)] == [0]
        store.add_trial(session.session_id, make_trial(1))
    with open_store(data_dir, read_only=True) as reader:
        assert [t.trial.trial_index for t in reader.trials_in(session.session_id)] == [0, 1]


def test_a_profile_id_that_is_not_a_plain_id_never_names_a_file(tmp_path: Path) -> None:
    log = TrialLog(tmp_path / "trials")
    with pytest.raises(StoreError, match="cannot name a file"):
        log.docs_for("../../etc/passwd")


def single_file_records(trials_per_child: int) -> dict[str, object]:
    """A schema-1 document as FaceQuest wrote it before trials moved out."""
    profiles: dict[str, object] = {}
    sessions: dict[str, object] = {}
    trials: dict[str, object] = {}
    for n, pid in enumerate(("C-00000A", "C-00000B"), start=1):
        profiles[str(n)] = {"profile_id": pid, "display_name": f"Kid{n}",
                            "created_at": "2025-01-01T10:00:00+00:00",
                            "updated_at": "2025-01-01T10:00:00+00:00"}
        sid = f"S-0000000{n}"
        sessions[str(n)] = {"session_id": sid, "profile_id": pid, "level_set_id": "x",
                            "started_at": "2025-01-01T10:00:00+00:00", "app_version": "0.1"}
        for i in range(trials_per_child):
            trials[str(len(trials) + 1)] = {
                "session_id": sid, "profile_id": pid,
                "recorded_at": "2025-01-01T10:01:00+00:00", "therapist_note": "",
                "trial": make_trial(i).to_dict()}
    return {"_meta": {"1": {"schema_version": 1}}, "profiles": profiles,
            "sessions": sessions, "trials": trials}


def test_single_file_records_move_to_per_child_files_on_first_open_keeping_the_old_file(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    old = json.dumps(single_file_records(3))
    (data_dir / RECORDS_FILE).write_text(old, encoding="utf-8")
    with open_store(data_dir, read_only=True) as reader:  # a reader sees them, moves nothing
        assert len(reader.trials_for("C-00000A")) == 3
    assert not (data_dir / TRIALS_DIR).exists()
    with open_store(data_dir) as store:
        assert [t.trial.trial_index for t in store.trials_in("S-00000002")] == [0, 1, 2]
    on_disk = json.loads((data_dir / RECORDS_FILE).read_text(encoding="utf-8"))
    assert schema_version(on_disk) == SCHEMA_VERSION and "trials" not in on_disk
    assert sorted(p.name for p in (data_dir / TRIALS_DIR).iterdir()) == [
        "C-00000A.jsonl", "C-00000B.jsonl"]
    assert (data_dir / "backups" / BEFORE_SPLIT_BACKUP).read_text(encoding="utf-8") == old
    with open_store(data_dir) as again:
        assert len(again.trials_for("C-00000B")) == 3


def test_a_trial_write_never_reads_the_childs_earlier_trials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
        old = store.start_session(child.profile_id, level_set_id="s")
        for index in range(5):
            store.add_trial(old.session_id, make_trial(index))
    store = open_store(data_dir)  # the next day: a new game process
    session = store.start_session(child.profile_id, level_set_id="s")

    def no_reading(self: TrialLog, profile_id: str) -> object:
        raise AssertionError("the whole trials file was read for one write")

    monkeypatch.setattr(TrialLog, "_read", no_reading)
    first = store.add_trial(session.session_id, make_trial(0, success=False))
    store.replace_trial(session.session_id, dataclasses.replace(first.trial, success=True))
    store.set_trial_note(session.session_id, 0, "good")
    with pytest.raises(DuplicateTrialError):
        store.add_trial(session.session_id, make_trial(0))
    monkeypatch.undo()
    assert len(store.trials_for(child.profile_id)) == 6
    (stored,) = store.trials_in(session.session_id)
    assert stored.trial.success and stored.therapist_note == "good"
    store.close()


def test_a_write_cut_short_by_a_full_disk_is_taken_back_and_the_retry_stores_the_trial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A fresh tester filled a tmpfs mid-play: the first write stopped part-way, the retry
    appended the whole line onto the fragment, and that trial was lost from the export."""
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="s")
    store.add_trial(session.session_id, make_trial(0))
    real_write = os.write

    def short_write(fd: int, data: bytes) -> int:
        return real_write(fd, data[: len(data) // 4])  # the disk filled up part-way

    monkeypatch.setattr(os, "write", short_write)
    with pytest.raises(OSError):
        store.add_trial(session.session_id, make_trial(1))
    # Even when the fragment cannot be taken back, the retry starts a line of its own.
    monkeypatch.setattr(os, "ftruncate", lambda fd, size: (_ for _ in ()).throw(
        OSError(28, "No space left on device")))
    with pytest.raises(OSError):
        store.add_trial(session.session_id, make_trial(1))
    monkeypatch.setattr(os, "write", real_write)
    store.add_trial(session.session_id, make_trial(1))
    store.close()
    with open_store(data_dir, read_only=True) as reader:
        assert [t.trial.trial_index for t in reader.trials_in(session.session_id)] == [0, 1]
