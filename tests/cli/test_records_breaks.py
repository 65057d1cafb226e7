"""Issue 25's break-it list, the records part: every break ends in one sentence, non-zero
where it failed, with no traceback and nothing lost."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.records import open_store
from game.records.store import RECORDS_FILE, StoreError
from tests.cli.helpers import one_sentence
from tests.records.factories import make_trial

# -- --out is never the records ---------------------------------------------------------------


@pytest.mark.parametrize("name", [RECORDS_FILE, "progress.lock", "therapist-pin.json",
                                  "trials/x.csv", "backups/x.csv", "calibration/x.csv"])
def test_export_into_the_records_is_refused(
    records: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (records / RECORDS_FILE).read_bytes()
    (records / "calibration").mkdir(exist_ok=True)
    assert main(["export", "--data-dir", str(records), "--out", str(records / name)]) == 2
    assert "records" in one_sentence(capsys)
    assert (records / RECORDS_FILE).read_bytes() == before
    assert main(["profiles", "list", "--data-dir", str(records)]) == 0


def test_out_into_another_data_folder_s_records_is_refused(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other"
    with open_store(other) as store:
        store.create_profile("Ben")
    before = (other / RECORDS_FILE).read_bytes()
    for command in (["export", "--data-dir", str(records)],
                    ["report", "Ava", "--data-dir", str(records)]):
        out = other / ("progress.html" if command[0] == "report" else RECORDS_FILE)
        assert main([*command, "--out", str(out)]) == 2
        assert "records" in one_sentence(capsys)
    assert (other / RECORDS_FILE).read_bytes() == before


def test_out_through_a_link_to_the_records_is_refused(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    link = tmp_path / "innocent.csv"
    link.symlink_to(records / RECORDS_FILE)
    before = (records / RECORDS_FILE).read_bytes()
    assert main(["export", "--data-dir", str(records), "--out", str(link)]) == 2
    one_sentence(capsys)
    assert (records / RECORDS_FILE).read_bytes() == before


# -- full or special outputs ------------------------------------------------------------------


def test_export_to_a_fifo_writes_into_it_and_leaves_it_a_fifo(
    records: Path, tmp_path: Path
) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    code = main(["export", "--data-dir", str(records), "--out", str(fifo)])
    reader.join(timeout=10)
    assert code == 0
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # never replaced by a regular file
    assert got and got[0].count(b"\n") == 4  # header + 3 trials


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_export_to_dev_full_fails_in_one_sentence(
    records: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)
    assert main(["export", "--data-dir", str(records), "--out", "/dev/full"]) == 1
    assert "disk is full" in one_sentence(capsys)
    assert stat.S_ISCHR(os.stat("/dev/full").st_mode)  # the device is still a device


# -- bad values are contained -----------------------------------------------------------------


def _edit_records(data_dir: Path, edit: Callable[[dict[str, Any]], None]) -> None:
    path = data_dir / RECORDS_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    edit(document)
    path.write_text(json.dumps(document), encoding="utf-8")  # NaN written as Python does


def _trials_file(data_dir: Path) -> Path:
    (path,) = (data_dir / "trials").glob("C-*.jsonl")
    return path


def _works(data_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
           caplog: pytest.LogCaptureFixture) -> str:
    """Run list, show, export and report; all succeed; returns what they printed."""
    out = tmp_path / "t.csv"
    assert main(["profiles", "list", "--data-dir", str(data_dir)]) == 0
    assert main(["profiles", "show", "Ava", "--data-dir", str(data_dir)]) == 0
    assert main(["export", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert main(["report", "Ava", "--data-dir", str(data_dir),
                 "--out", str(tmp_path / "r.html")]) == 0
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return captured.out + captured.err + caplog.text


def test_a_nan_in_a_session_is_left_out_and_the_rest_works(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    def edit(document: dict[str, Any]) -> None:
        session = next(iter(document["sessions"].values()))
        session["started_at"] = float("nan")

    _edit_records(records, edit)
    raw = (records / RECORDS_FILE).read_bytes()
    printed = _works(records, tmp_path, capsys, caplog)
    assert "damaged record" in printed
    assert (records / RECORDS_FILE).read_bytes() == raw  # read-only commands changed nothing
    with open_store(records) as store:  # a writable open sets it aside, in a file
        assert store.list_profiles() and not store.sessions_for(
            store.list_profiles()[0].profile_id)
    (aside,) = records.glob("progress.set-aside-*.json")
    assert "NaN" in aside.read_text(encoding="utf-8")
    assert "NaN" not in (records / RECORDS_FILE).read_text(encoding="utf-8")


def test_a_wrong_type_names_the_record_set_aside_by_its_id_never_the_name(
    records: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    """A hand-edited `"birth_year": "2017"` (a text): the warning said "NaN, Infinity or a
    missing field" and named nothing, so the therapist could not tell which child had gone."""
    def edit(document: dict[str, Any]) -> None:
        profile = next(iter(document["profiles"].values()))
        profile["birth_year"] = "2017"

    _edit_records(records, edit)
    with open_store(records, read_only=True) as store:
        assert store.list_profiles() == []
    with open_store(records) as store:  # a writable open sets it aside, in a file
        assert store.list_profiles() == []
    (left_out, set_aside) = [r.getMessage() for r in caplog.records if "damaged" in r.message]
    (aside,) = records.glob("progress.set-aside-*.json")
    (kept,) = json.loads(aside.read_text(encoding="utf-8"))["profiles"].values()
    assert kept["birth_year"] == "2017" and kept["display_name"] == "Ava"
    for said in (left_out, set_aside):
        assert f"profile {kept['profile_id']}" in said and "wrong type" in said
        assert "Ava" not in said
    assert aside.name in set_aside


def test_a_name_written_where_an_id_belongs_never_reaches_the_warning() -> None:
    from game.records.damaged import damaged_names

    damaged = {"profiles": {"3": {"profile_id": "Ava Rossi", "display_name": "Ava Rossi"}},
               "sessions": {"7": {"session_id": "S-BF150297"}, "8": {}},
               "stickers": {"2": {"profile_id": "C-4F98B8"}}}
    assert damaged_names(damaged) == ("profile #3, session S-BF150297, session #8, "
                                      "stickers record #2")


@pytest.mark.parametrize("damage", ["missing outcome", "nan", "infinity"])
def test_a_damaged_trial_line_is_set_aside_and_the_child_s_other_trials_work(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture, damage: str,
) -> None:
    path = _trials_file(records)
    lines = path.read_text(encoding="utf-8").splitlines()
    doc = json.loads(lines[1])
    if damage == "missing outcome":
        del doc["trial"]["outcome"]
    else:
        doc["trial"]["peak_score"] = float("nan" if damage == "nan" else "inf")
    lines[1] = json.dumps(doc)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    printed = _works(records, tmp_path, capsys, caplog)
    assert printed.count("damaged trial line") == 3  # one per command that reads trials
    out = (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    assert out.count("\n") == 3  # header + the two sound trials
    with open_store(records) as store:
        child = store.list_profiles()[0]
        assert [t.trial.trial_index for t in store.trials_for(child.profile_id)] == [0, 2]
    aside = path.with_name(f"{path.stem}.set-aside.jsonl")
    assert aside.read_text(encoding="utf-8").strip() == lines[1]  # kept, as it was
    assert lines[1] not in path.read_text(encoding="utf-8")
    assert oct(aside.stat().st_mode & 0o777) == "0o600"
    # deleting the child erases the set-aside lines too
    assert main(["profiles", "delete", child.profile_id, "--yes",
                 "--data-dir", str(records)]) == 0
    assert not aside.exists()


@pytest.mark.parametrize("until", ["NaN", "Infinity", "1000000000000"])
def test_a_tampered_pin_lock_counts_as_damaged_and_is_capped(
    tmp_path: Path, until: str, caplog: pytest.LogCaptureFixture
) -> None:
    from game.records.pin import LONGEST_WAIT_S, PIN_FILE, PinLockedError, TherapistPin

    now = [1_000_000.0]
    pin = TherapistPin(tmp_path, clock=lambda: now[0])
    pin.set("4711")
    path = tmp_path / PIN_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('"locked_until": 0', f'"locked_until": {until}'),
                    encoding="utf-8")
    assert pin.seconds_locked() == LONGEST_WAIT_S
    assert "capped" in caplog.text
    with pytest.raises(PinLockedError):
        pin.verify("4711")
    now[0] += LONGEST_WAIT_S + 1
    assert pin.seconds_locked() == 0
    assert pin.verify("4711")


# -- lost writes are an honest failure --------------------------------------------------------


def test_a_headless_run_whose_writes_could_not_be_saved_exits_non_zero_and_says_so(
    tmp_path: Path, astronaut_rgb: Any, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    import errno

    import cv2

    from game.records.storage import JSONFileStorage
    from game.records.trial_log import TrialLog

    image = tmp_path / "face.png"  # a smiling face: the first trial succeeds within seconds
    cv2.imwrite(str(image), cv2.cvtColor(astronaut_rgb, cv2.COLOR_RGB2BGR))
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        store.create_profile("Ava")
    before = (data_dir / RECORDS_FILE).read_bytes()

    def full(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(JSONFileStorage, "write", full)  # the disk fills once play began
    monkeypatch.setattr(TrialLog, "_append_line", full)
    code = main(["play", "--headless", "--source", str(image), "--data-dir", str(data_dir),
                 "--profile", "Ava", "--max-seconds", "8"])
    assert code == 1
    sentence = one_sentence(capsys)
    assert "could not be saved" in sentence and "lost" in sentence and "kept" in sentence
    assert os.strerror(errno.ENOSPC) in sentence
    assert (data_dir / RECORDS_FILE).read_bytes() == before  # nothing half-written


# -- links are never followed -----------------------------------------------------------------


def test_a_trials_file_linked_elsewhere_is_refused_and_never_written_through(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    trials = _trials_file(records)
    victim = tmp_path / "passwd"
    victim.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    trials.unlink()
    trials.symlink_to(victim)
    for command in (["profiles", "list"], ["profiles", "show", "Ava"],
                    ["export", "--out", str(tmp_path / "t.csv")]):
        assert main([*command, "--data-dir", str(records)]) == 2
        assert "link" in one_sentence(capsys)
    with pytest.raises(StoreError, match="link"):
        open_store(records)
    assert victim.read_text(encoding="utf-8") == "root:x:0:0:root:/root:/bin/bash\n"


def test_a_trial_append_never_follows_a_link_made_after_opening(
    records: Path, tmp_path: Path
) -> None:
    victim = tmp_path / "other.jsonl"
    victim.write_text("", encoding="utf-8")
    with open_store(records) as store:
        child = store.list_profiles()[0]
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        trials = _trials_file(records)
        trials.unlink()
        trials.symlink_to(victim)
        with pytest.raises(OSError, match="link"):
            store.add_trial(session.session_id, make_trial(0))
    assert victim.read_text(encoding="utf-8") == ""


def test_a_trials_file_linked_to_another_child_s_is_refused(
    records: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(records) as store:
        ben = store.create_profile("Ben")
    ava_file = _trials_file(records)
    (records / "trials" / f"{ben.profile_id}.jsonl").symlink_to(ava_file)
    assert main(["export", "Ben", "--data-dir", str(records), "--out",
                 str(records.parent / "ben.csv")]) == 2
    assert "link" in one_sentence(capsys)
    assert not (records.parent / "ben.csv").exists()


@pytest.mark.parametrize("name", [RECORDS_FILE, "backups", "trials", "therapist-pin.json"])
def test_a_data_folder_whose_records_are_links_is_refused_in_one_sentence(
    records: Path, tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    real = records / name
    if real.exists():
        real.rename(elsewhere / name)
    else:
        (elsewhere / name).write_text("{}", encoding="utf-8")
    real.symlink_to(elsewhere / name)
    assert main(["profiles", "list", "--data-dir", str(records)]) in (1, 2)
    sentence = one_sentence(capsys)
    assert "link" in sentence and name in sentence


def test_profiles_delete_with_backups_linked_out_of_the_folder_is_refused(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    open_store(records).close()
    outside = tmp_path / "outside-backups"
    (records / "backups").rename(outside)
    (records / "backups").symlink_to(outside)
    kept = sorted(p.read_bytes() for p in outside.rglob("*") if p.is_file())
    assert main(["profiles", "delete", "Ava", "--yes", "--data-dir", str(records)]) == 2
    assert "link" in one_sentence(capsys)
    assert sorted(p.read_bytes() for p in outside.rglob("*") if p.is_file()) == kept
    assert main(["profiles", "restore-backup", "--data-dir", str(records)]) == 2
    assert "link" in one_sentence(capsys)


# -- research ---------------------------------------------------------------------------------


def test_profiles_show_lists_the_child_s_sessions(
    records: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(records) as store:
        child = store.list_profiles()[0]
        (first,) = store.sessions_for(child.profile_id)
        second = store.start_session(child.profile_id, level_set_id="first-faces")
        store.add_trial(second.session_id, make_trial(0, success=False))
        store.record_break(second.session_id, 20_000)
        store.end_session(second.session_id, reason="time_cap")
    assert main(["profiles", "show", "Ava", "--data-dir", str(records)]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = next(n for n, line in enumerate(lines) if line.startswith("session "))
    assert "ended" in lines[header] and "breaks" in lines[header]
    rows = {line.split()[0]: line.split() for line in lines[header + 1:]}
    assert set(rows) == {first.session_id, second.session_id}  # both started this second
    assert rows[first.session_id][4:8] == ["completed", "3", "3", "0"]
    assert rows[second.session_id][4:8] == ["time_cap", "1", "0", "1"]


def test_export_has_the_session_end_reason_and_breaks(records: Path, tmp_path: Path) -> None:
    import csv

    with open_store(records) as store:
        (session,) = store.sessions_for(store.list_profiles()[0].profile_id)
        store.record_break(session.session_id, 15_000)
        store.record_break(session.session_id, 5_000)
    out = tmp_path / "t.csv"
    assert main(["export", "--data-dir", str(records), "--out", str(out)]) == 0
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {(r["session_end_reason"], r["session_breaks"], r["session_break_ms"])
            for r in rows} == {("completed", "2", "20000")}
