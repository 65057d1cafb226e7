"""Issue 25's break-it list, the records part: every break ends in one sentence, non-zero
where it failed, with no traceback and nothing lost."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from game.cli import main
from game.records import open_store
from game.records.store import RECORDS_FILE
from tests.records.factories import make_trial


@pytest.fixture()
def records(tmp_path: Path) -> Path:
    """A data folder holding one child (Ava) with one ended session of three trials."""
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        for index in range(3):
            store.add_trial(session.session_id, make_trial(index))
        store.end_session(session.session_id)
    return data_dir


def one_sentence(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.startswith("facequest:")]
    assert len(lines) == 1, err
    return lines[0]


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
