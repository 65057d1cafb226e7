"""Backups that last (issue 25): one a day for 14 days, one a week for 8 weeks, the last 5
changes; a backup only when the records changed; the trials files backed up too."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from game.cli import main
from game.records import list_backups, open_store
from game.records.trial_backups import trials_backups
from tests.records.factories import make_trial

START = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def test_five_quick_edits_keep_the_backup_of_the_day_before(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_store(tmp_path, clock=clock) as store:
        store.create_profile("Ava")
    clock.now += timedelta(days=1)
    open_store(tmp_path, clock=clock).close()  # yesterday's state backed up
    (first,) = list_backups(tmp_path)
    yesterday = first.read_bytes()
    clock.now += timedelta(days=1)
    for n in range(6):  # six edits in twelve seconds, each followed by an opening
        clock.now += timedelta(seconds=2)
        with open_store(tmp_path, clock=clock) as store:
            store.create_profile(f"Child {n}")
    kept = [p.read_bytes() for p in list_backups(tmp_path)]
    assert yesterday in kept
    assert len(kept) == 6  # yesterday's + the last 5 changes


def test_an_opening_without_a_change_writes_no_backup(tmp_path: Path) -> None:
    clock = FakeClock()
    with open_store(tmp_path, clock=clock) as store:
        store.create_profile("Ava")
    for _ in range(10):
        clock.now += timedelta(hours=1)
        open_store(tmp_path, clock=clock).close()
    assert len(list_backups(tmp_path)) == 1


def test_a_daily_opening_for_100_days_reaches_back_8_weeks(tmp_path: Path) -> None:
    clock = FakeClock()
    for day in range(100):
        clock.now = START + timedelta(days=day)
        with open_store(tmp_path, clock=clock) as store:
            store.create_profile(f"Child {day}")
    backups = list_backups(tmp_path)
    assert len(backups) <= 5 + 14 + 8
    names = sorted(p.name for p in backups)
    oldest = datetime.strptime(names[0][len("progress.backup-"):][:15], "%Y%m%d-%H%M%S")
    newest = clock.now.replace(tzinfo=None)
    assert timedelta(weeks=7) <= newest - oldest < timedelta(weeks=8)
    days = {datetime.strptime(n[16:24], "%Y%m%d").date() for n in names}
    for back in range(1, 14):  # each of the last 14 days (today's is written at the next open)
        assert (newest - timedelta(days=back)).date() in days


def test_trials_files_are_backed_up_when_they_change_and_restored(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clock = FakeClock()
    with open_store(tmp_path, clock=clock) as store:
        child = store.create_profile("Ava")
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        store.add_trial(session.session_id, make_trial(0))
    clock.now += timedelta(minutes=5)
    open_store(tmp_path, clock=clock).close()
    clock.now += timedelta(minutes=5)
    open_store(tmp_path, clock=clock).close()  # unchanged: no second copy
    (backup,) = trials_backups(tmp_path, child.profile_id)
    trials = tmp_path / "trials" / f"{child.profile_id}.jsonl"
    assert gzip.decompress(backup.read_bytes()) == trials.read_bytes()
    assert oct(backup.stat().st_mode & 0o777) == "0o600"
    before = trials.read_bytes()
    trials.write_bytes(b"")  # lost
    assert main(["profiles", "restore-backup", "--backup", backup.name,
                 "--data-dir", str(tmp_path)]) == 0
    assert trials.read_bytes() == before
    assert "Restored the trials" in capsys.readouterr().out
    # deleting the child erases their trials backups
    assert main(["profiles", "delete", child.profile_id, "--yes",
                 "--data-dir", str(tmp_path)]) == 0
    assert not list((tmp_path / "backups" / "trials").glob(f"{child.profile_id}*"))
