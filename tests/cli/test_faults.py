"""Every fault from issue 15's break-it run gives one sentence and a non-zero exit, never a
traceback. Faults are injected: chmod means nothing to root, so read-only and full disks
are monkeypatched OS calls that fail with the real errno."""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from game.cli import main
from game.records import open_store
from game.records.store import LOCK_FILE, RECORDS_FILE
from tests.cli.helpers import one_sentence
from tests.records.factories import make_trial


@pytest.fixture()
def image(tmp_path: Path, blank_rgb: np.ndarray) -> Path:
    import cv2

    path = tmp_path / "blank.png"
    cv2.imwrite(str(path), np.asarray(blank_rgb))
    return path


def play(image: Path, data_dir: Path, *extra: str) -> int:
    return main(["play", "--headless", "--source", str(image), "--data-dir", str(data_dir),
                 "--max-seconds", "1", *extra])


def failing(real: Callable[..., Any], code: int, when: Callable[[Any], bool]) -> Callable[..., Any]:
    """`real`, except that it fails with errno `code` when `when(first argument)`."""

    def call(*args: Any, **kwargs: Any) -> Any:
        if when(args[0] if args else None):
            raise OSError(code, os.strerror(code), str(args[0]))
        return real(*args, **kwargs)

    return call


def test_a_read_only_data_folder_is_one_sentence(
    records: Path, image: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(os, "open", failing(
        os.open, errno.EROFS, lambda p: str(p).startswith(str(records))))
    assert play(image, records) == 1
    assert "read-only" in one_sentence(capsys)


def test_a_full_disk_on_export_is_one_sentence_and_leaves_no_half_file(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    out = tmp_path / "trials.csv"
    monkeypatch.setattr(os, "fsync", failing(os.fsync, errno.ENOSPC, lambda fd: True))
    assert main(["export", "--data-dir", str(records), "--out", str(out)]) == 1
    assert "disk is full" in one_sentence(capsys)
    assert not out.exists() and not list(tmp_path.glob(".trials.csv.*"))


def test_a_full_disk_on_report_is_one_sentence(
    records: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(os, "fsync", failing(os.fsync, errno.ENOSPC, lambda fd: True))
    assert main(["report", "Ava", "--data-dir", str(records),
                 "--out", str(tmp_path / "r.html")]) == 1
    assert "disk is full" in one_sentence(capsys)


def test_a_data_folder_deleted_while_playing_is_made_again_and_no_trial_is_lost(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    store = open_store(data_dir)
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="first-faces")
    store.add_trial(session.session_id, make_trial(0))
    shutil.rmtree(data_dir)  # e.g. a cleanup tool, mid-session
    store.add_trial(session.session_id, make_trial(1))
    store.end_session(session.session_id)
    store.close()
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    with open_store(data_dir, read_only=True) as reader:
        assert [t.trial.trial_index for t in reader.trials_in(session.session_id)] == [1]
        assert reader.get_session(session.session_id).ended_at is not None


def test_data_dir_that_is_a_file_is_one_sentence(
    tmp_path: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("x", encoding="utf-8")
    assert play(image, a_file) == 2
    assert "is a file" in one_sentence(capsys)


def test_backups_that_is_a_file_is_one_sentence(
    records: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (records / "backups").write_text("not a folder", encoding="utf-8")
    assert play(image, records) == 1
    assert "backups" in one_sentence(capsys)


def test_a_lock_file_that_is_a_folder_is_one_sentence(
    records: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (records / LOCK_FILE).unlink()
    (records / LOCK_FILE).mkdir()
    assert play(image, records) == 1
    assert LOCK_FILE in one_sentence(capsys)


@pytest.mark.parametrize("damage", ["display_name", "schema_version"])
def test_wrong_typed_records_are_one_sentence_for_play_and_export(
    damage: str, records: Path, image: Path, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = records / RECORDS_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    if damage == "display_name":
        next(iter(data["profiles"].values()))["display_name"] = 5
    else:
        data["_meta"]["1"]["schema_version"] = "2"
    path.write_text(json.dumps(data), encoding="utf-8")
    if damage == "display_name":  # one damaged record is set aside (issue 25), play goes on
        assert main(["export", "--data-dir", str(records),
                     "--out", str(tmp_path / "t.csv")]) == 0
        assert play(image, records) == 0
        (aside,) = records.glob("progress.set-aside-*.json")
        assert '"display_name": 5' in aside.read_text(encoding="utf-8")
        return
    assert play(image, records) == 2
    sentence = one_sentence(capsys)
    assert "damaged record" in sentence or "schema_version" in sentence
    assert main(["export", "--data-dir", str(records), "--out", str(tmp_path / "t.csv")]) == 2
    one_sentence(capsys)


def test_out_that_is_a_folder_is_one_sentence(
    records: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--data-dir", str(records), "--out", str(tmp_path)]) == 2
    assert "is a folder" in one_sentence(capsys)
    folder = tmp_path / "r.html"
    folder.mkdir()
    assert main(["report", "Ava", "--data-dir", str(records), "--out", str(folder)]) == 2
    assert "is a folder" in one_sentence(capsys)


def test_screenshots_that_is_a_file_is_one_sentence(
    tmp_path: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shots = tmp_path / "shots"
    shots.write_text("x", encoding="utf-8")
    assert play(image, tmp_path / "data", "--screenshots", str(shots)) == 2
    assert "--screenshots" in one_sentence(capsys)


@pytest.mark.parametrize("which", ["missing", "junk"])
def test_a_bad_model_is_one_sentence(
    which: str, tmp_path: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "model.onnx"
    if which == "junk":
        model.write_bytes(b"this is not onnx")
    assert play(image, tmp_path / "data", "--model", str(model)) == 2
    assert "model" in one_sentence(capsys)


def test_a_bad_landmarker_is_one_sentence(
    tmp_path: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    junk = tmp_path / "face_landmarker.task"
    junk.write_bytes(b"not a zip")
    assert play(image, tmp_path / "data", "--landmarker", str(junk)) == 2
    assert "--landmarker" in one_sentence(capsys)


@pytest.mark.parametrize("value", ["nan", "-5", "0", "inf", "soon"])
def test_max_seconds_must_be_a_finite_number_above_zero(
    value: str, image: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["play", "--headless", "--source", str(image), "--max-seconds", value])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "--max-seconds" in err and "Traceback" not in err


def test_a_shared_folder_keeps_its_permissions_and_our_files_are_private(
    tmp_path: Path,
) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    with open_store(shared) as store:
        child = store.create_profile("Ava")
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        store.add_trial(session.session_id, make_trial(0))
    assert stat.S_IMODE(shared.stat().st_mode) == 0o755
    for path in shared.rglob("*"):
        expected = 0o700 if path.is_dir() else 0o600
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


def test_a_level_file_nested_500_deep_is_one_level_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("a = " + "[" * 500 + "]" * 500 + "\n", encoding="utf-8")
    assert main(["levels", "check", str(deep)]) != 0
    out = capsys.readouterr()
    assert "nested too deeply" in out.out + out.err and "Traceback" not in out.err
