"""`facequest profiles` on real data folders built through the real store, run through the
real command-line entry (`main`, and once as a separate process)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.records import CorruptStoreError, open_store
from game.records.layout import RECORDS_FILE
from tests.conftest import REPO_ROOT
from tests.records.factories import (
    StepClock,
    add_profile_directly,
    fill_progress,
    play_scripted_session,
)

LEVELS = REPO_ROOT / "levels" / "first-faces.toml"
OLD_NAME = "Zoë Rossi"  # renamed later: the backups hold the old name
NAME = "Zoë R."
OTHER = "Leo Chen"


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file())


def to_schema1(data_dir: Path) -> None:
    """Turn a closed data folder back into the single-file records of schema 1 (trials inside
    progress.json), as FaceQuest kept them before trials moved to `trials/`."""
    path = data_dir / RECORDS_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    trials: dict[str, dict[str, object]] = {}
    for log in sorted((data_dir / "trials").glob("*.jsonl")):
        for line in log.read_text(encoding="utf-8").splitlines():
            trials[str(len(trials) + 1)] = json.loads(line)
        log.unlink()
    document["trials"] = trials
    document["_meta"] = {"1": {"schema_version": 1}}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")


def _current_baseline() -> dict[str, object]:
    from game.vision.calibration import NeutralBaseline
    from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
    from game.vision.records import FeatureVector

    values = np.zeros(len(FEATURE_NAMES), np.float32)
    vector = FeatureVector(values, FEATURE_NAMES, FEATURE_SPEC_VERSION)
    return NeutralBaseline.from_vectors([vector]).to_dict()


class Folder:
    """A data folder in which two children played, with every kind of copy FaceQuest keeps."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.clock = StepClock()
        self.session_ids: dict[str, list[str]] = {}
        with open_store(data_dir, clock=self.clock) as store:
            zoe = store.create_profile(OLD_NAME, birth_year=2017, allow_frame_traces=True,
                                       notes="Likes trains.")
            leo = store.create_profile(OTHER, birth_year=2016, allow_frame_traces=True)
            self.zoe, self.leo = zoe.profile_id, leo.profile_id
            play_scripted_session(store, self.zoe, LEVELS, seed=1)
            fill_progress(store, self.leo, sessions=2, trials_per_session=4, clock=self.clock)
            store.set_baseline(self.zoe, _current_baseline())
        to_schema1(data_dir)
        for round_ in range(3):  # each opening backs the records up (the first one migrates)
            self.clock.jump(timedelta(days=2))
            with open_store(data_dir, clock=self.clock) as store:
                fill_progress(store, self.zoe, sessions=1, trials_per_session=3, seed=round_)
                if round_ == 1:
                    store.update_profile(self.zoe, display_name=NAME)
                for child in (self.zoe, self.leo):
                    last = store.sessions_for(child)[-1].session_id
                    trace = store.open_trace(last)
                    assert trace is not None
                    with trace:
                        trace.append({"t_ms": 40 * round_, "score": 0.5, "trusted": True})
        with open_store(data_dir, clock=self.clock) as store:
            for child in (self.zoe, self.leo):
                self.session_ids[child] = [s.session_id for s in store.sessions_for(child)]
            self.leo_trials = [t.to_dict() for t in store.trials_for(self.leo)]
            self.leo_profile = store.get_profile(self.leo)
        # a damaged records file the game moved aside (it holds both children, cut short)
        records = data_dir / RECORDS_FILE
        good = records.read_bytes()
        records.write_bytes(good[: len(good) * 2 // 3])
        with pytest.raises(CorruptStoreError):
            open_store(data_dir, clock=self.clock)
        records.write_bytes(good)
        # a backup write that was killed half-way left its temporary file
        (data_dir / "backups" / ".progress.backup-x.json.k1x.tmp").write_bytes(good[:500])

    def marks(self) -> list[bytes]:
        texts = [self.zoe, *self.session_ids[self.zoe], OLD_NAME, NAME, "Rossi", "Zoë"]
        forms = {t.encode("utf-8") for t in texts}
        forms |= {json.dumps(t)[1:-1].encode("ascii") for t in texts}  # \\u-escaped too
        return sorted(forms)


@pytest.fixture
def folder(tmp_path: Path) -> Folder:
    return Folder(tmp_path / "data")


def run(*args: str, data_dir: Path) -> int:
    return main(["profiles", *args, "--data-dir", str(data_dir)])


def test_the_folder_holds_the_child_everywhere_before_deletion(folder: Folder) -> None:
    """The deletion test below can fail: the child is in every kind of copy first."""
    holding = {p.relative_to(folder.data_dir).as_posix() for p in all_files(folder.data_dir)
               if folder.zoe.encode() in p.read_bytes() or folder.zoe in p.name}
    assert "progress.json" in holding
    assert f"trials/{folder.zoe}.jsonl" in holding
    assert "backups/progress.schema1.json" in holding
    assert sum(h.startswith("backups/progress.backup-") for h in holding) >= 3
    assert any(h.startswith("progress.corrupt-") for h in holding)
    traces = {p.stem for p in (folder.data_dir / "traces").iterdir()}
    assert len(traces & set(folder.session_ids[folder.zoe])) == 3
    assert any(h.endswith(".tmp") for h in holding)
    everything = b"".join(p.read_bytes() for p in all_files(folder.data_dir))
    assert OLD_NAME.encode() in everything and NAME.encode() in everything


def test_delete_yes_leaves_no_byte_of_the_child_and_keeps_the_other(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = folder.data_dir
    backups_before = sorted(p.name for p in (data_dir / "backups").glob("progress.backup-*"))
    assert run("delete", "zoë r.", "--yes", data_dir=data_dir) == 0
    said = capsys.readouterr().out
    assert f"Deleted {folder.zoe}" in said and "are not reached" in said

    for path in all_files(data_dir):
        raw = path.read_bytes()
        for mark in folder.marks():
            assert mark not in raw, f"{path.relative_to(data_dir)} still holds {mark!r}"
        for named in (folder.zoe, *folder.session_ids[folder.zoe]):
            assert named not in path.name
    # the other child is whole: profile, sessions, trials, trace, and in the backups
    with open_store(data_dir) as store:
        assert [p.profile_id for p in store.list_profiles()] == [folder.leo]
        assert store.get_profile(folder.leo).display_name == OTHER
        assert [s.session_id for s in store.sessions_for(folder.leo)] == \
            folder.session_ids[folder.leo]
        assert [t.to_dict() for t in store.trials_for(folder.leo)] == folder.leo_trials
        trace = store.trace_path(folder.session_ids[folder.leo][-1])
        assert trace is not None and trace.is_file()
    assert sorted(p.name for p in (data_dir / "backups").glob("progress.backup-*")) == \
        backups_before  # rewritten, not dropped
    for backup in (data_dir / "backups").glob("progress*.json"):
        assert folder.leo.encode() in backup.read_bytes()
    schema1 = json.loads((data_dir / "backups" / "progress.schema1.json").read_text("utf-8"))
    assert schema1["trials"] and all(t["profile_id"] == folder.leo
                                     for t in schema1["trials"].values())


def test_restoring_a_backup_after_deletion_does_not_bring_the_child_back(
    folder: Folder,
) -> None:
    assert run("delete", folder.zoe.lower(), "--yes", data_dir=folder.data_dir) == 0
    for backup in (folder.data_dir / "backups").glob("progress.backup-*.json"):
        assert run("restore-backup", "--backup", str(backup), data_dir=folder.data_dir) == 0
        with open_store(folder.data_dir) as store:
            assert [p.profile_id for p in store.list_profiles()] == [folder.leo]


def test_delete_without_yes_off_a_terminal_refuses_and_deletes_nothing(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    before = {p: p.read_bytes() for p in all_files(folder.data_dir)}
    assert run("delete", NAME, data_dir=folder.data_dir) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--yes" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in all_files(folder.data_dir)} == before


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "code", "kept"), [("y\n", 0, False), ("\n", 1, True),
                                                      ("no\n", 1, True)])
def test_delete_asks_on_a_terminal(
    folder: Folder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    answer: str, code: int, kept: bool,
) -> None:
    monkeypatch.setattr(sys, "stdin", Terminal(answer))
    assert run("delete", NAME, data_dir=folder.data_dir) == code
    out = capsys.readouterr().out
    assert "cannot be undone" in out and "[y/N]" in out
    with open_store(folder.data_dir) as store:
        assert bool(store.find_profiles(folder.zoe)) is kept


def test_list_shows_each_child_with_birth_year_sessions_and_last_date(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("list", data_dir=folder.data_dir) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["ID", "Name", "Born", "Sessions", "Last", "session"]
    leo = next(line for line in lines if folder.leo in line)
    zoe = next(line for line in lines if folder.zoe in line)
    assert OTHER in leo and "2016" in leo and f" {len(folder.session_ids[folder.leo])} " in leo
    assert NAME in zoe and "2017" in zoe and f" {len(folder.session_ids[folder.zoe])} " in zoe
    with open_store(folder.data_dir, read_only=True) as store:  # the last session's date
        for line, child in ((zoe, folder.zoe), (leo, folder.leo)):
            assert line.split()[-1] == store.sessions_for(child)[-1].started_at[:10]
    assert zoe.split()[-1] != leo.split()[-1]


def test_list_runs_as_its_own_process(folder: Folder) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "game", "profiles", "list", "--data-dir", str(folder.data_dir)],
        capture_output=True, text=True, timeout=120, cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)}, check=False,
    )
    assert done.returncode == 0, done.stderr
    assert folder.zoe in done.stdout and folder.leo in done.stdout


def test_show_gives_consents_notes_and_sessions(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run("show", folder.zoe.lower(), data_dir=folder.data_dir) == 0
    out = capsys.readouterr().out
    assert "Likes trains." in out and NAME in out
    assert "camera images" not in out  # the consent is no longer offered (nothing used it)
    assert "frame traces allowed  yes (3 trace file(s), 0 motion record(s) kept)" in out
    assert f"sessions              {len(folder.session_ids[folder.zoe])} (last" in out
    assert "calm-face baseline    stored" in out and "not usable" not in out


def test_show_says_when_the_stored_calm_face_cannot_be_used(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(folder.data_dir) as store:
        store.set_baseline(folder.zoe, {**_current_baseline(), "spec_version": "5"})
    assert run("show", folder.zoe, data_dir=folder.data_dir) == 0
    out = capsys.readouterr().out
    assert (
        "calm-face baseline    stored but not usable (stored baseline was made for feature "
        "spec 5; calibrate again)"
    ) in out


def test_set_changes_the_childs_game_settings_as_the_game_reads_them(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.ui.settings import SensorySettings

    data = folder.data_dir
    assert run("set", NAME, "--lang", "zh-cn", "--text-size", "large", "--reduced-motion",
               "--palette", "high_contrast", data_dir=data) == 0
    out = capsys.readouterr().out
    assert "language zh-CN; palette high_contrast; reduced motion on; text size large." in out
    with open_store(data, read_only=True) as store:
        zoe = store.get_profile(folder.zoe)
    settings = SensorySettings.from_dict(zoe.settings)
    assert (settings.language, settings.text_scale, settings.reduced_motion,
            settings.palette) == ("zh-CN", 1.5, True, "high_contrast")
    assert run("set", NAME, "--no-reduced-motion", "--text-size", "small", data_dir=data) == 0
    with open_store(data, read_only=True) as store:
        again = SensorySettings.from_dict(store.get_profile(folder.zoe).settings)
    assert (again.language, again.text_scale, again.reduced_motion) == ("zh-CN", 1.0, False)


def test_rename_note_and_set_change_the_stored_profile(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    data = folder.data_dir
    assert run("rename", NAME, "Zoe B", data_dir=data) == 0
    assert run("note", "zoe b", "Calm palette works best.", data_dir=data) == 0
    assert run("set", "Zoe B", "--birth-year", "2018", "--no-allow-frame-traces",
               data_dir=data) == 0
    assert "birth year 2018; frame traces allowed no." in capsys.readouterr().out
    with open_store(data) as store:
        zoe = store.get_profile(folder.zoe)
        trace_allowed = store.open_trace(folder.session_ids[folder.zoe][-1])
    assert (zoe.display_name, zoe.notes, zoe.birth_year) == \
        ("Zoe B", "Calm palette works best.", 2018)
    assert zoe.allow_frame_traces is False
    assert trace_allowed is None  # the consent switch decides whether traces are written
    assert run("set", "Zoe B", "--birth-year", "none", data_dir=data) == 0
    with open_store(data, read_only=True) as store:
        assert store.get_profile(folder.zoe).birth_year is None


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("show", "Nobody"), "no child has that name or id"),
        (("rename", NAME, " leo  CHEN "), "another child"),
        (("rename", NAME, "   "), "needs a name"),
        (("set", NAME, "--birth-year", "soon"), "is not a year"),
        (("set", NAME, "--birth-year", "1066"), "a birth year is a year from 2000"),
        (("set", NAME, "--birth-year", "1900"), "a birth year is a year from 2000"),
        (("set", NAME, "--birth-year", "3000"), "a birth year is a year from 2000"),
        (("set", NAME, "--lang", "fr"), "--lang 'fr' is not one of en, zh-CN"),
        (("set", NAME, "--text-size", "huge"), "--text-size 'huge' is not one of small"),
        (("set", NAME, "--palette", "neon"), "--palette 'neon' is not one of calm"),
        (("set", NAME), "say what to set"),
        (("delete", "C-000000", "--yes"), "no child has that name or id"),
        (("restore-backup", "--backup", "nope.json"), "there is no backup file"),
    ],
)
def test_user_mistakes_are_one_sentence_and_exit_2(
    folder: Folder, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    before = {p: p.read_bytes() for p in all_files(folder.data_dir)}
    assert run(*args, data_dir=folder.data_dir) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert {p: p.read_bytes() for p in all_files(folder.data_dir)} == before


def test_changes_are_refused_while_the_game_has_the_records_open(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    with open_store(folder.data_dir):
        for args in (("rename", NAME, "Other"), ("delete", NAME, "--yes"),
                     ("restore-backup",)):
            assert run(*args, data_dir=folder.data_dir) == 2
            err = capsys.readouterr().err
            assert "open" in err and "close" in err and err.count("\n") == 1
        assert run("list", data_dir=folder.data_dir) == 0  # reading is fine meanwhile


def test_namesakes_in_older_records_are_refused_by_every_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        first = store.create_profile("Sam")
        fill_progress(store, first.profile_id, sessions=1, trials_per_session=2)
    second = add_profile_directly(data_dir, "sam", "C-0000AB")
    out = tmp_path / "out.csv"
    commands = [
        ["profiles", "show", "SAM", "--data-dir", str(data_dir)],
        ["profiles", "delete", "Sam", "--yes", "--data-dir", str(data_dir)],
        ["export", "sam", "--out", str(out), "--data-dir", str(data_dir)],
        ["report", "sam", "--out", str(tmp_path / "r.html"), "--data-dir", str(data_dir)],
        ["play", "--profile", "sam", "--headless", "--source", str(tmp_path / "none.mp4"),
         "--data-dir", str(data_dir)],
    ]
    for argv in commands:
        assert main(argv) == 2, argv
        err = capsys.readouterr().err
        assert "several children have that name; use one of the ids:" in err, argv
        assert first.profile_id in err and second in err and "Sam" not in err
    assert not out.exists()
    assert main(["profiles", "show", second.lower(), "--data-dir", str(data_dir)]) == 0


def test_play_by_unique_name_plays_that_child(tmp_path: Path) -> None:
    from game.cli.play_cmd import profile_for_play

    data_dir = tmp_path / "data"
    assert profile_for_play("Ada", data_dir) == "Ada"  # no records yet: a new child
    with open_store(data_dir) as store:
        ada = store.create_profile("Ada")
    assert profile_for_play(" ADA ", data_dir) == ada.profile_id
    assert profile_for_play("Bea", data_dir) == "Bea"


def test_play_with_a_mistyped_id_is_refused_not_a_new_child(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`play --profile C-4F98B9` (one letter off Mia's id) added a child named "C-4F98B9" and
    recorded the session for it."""
    data_dir = tmp_path / "data"
    picture = REPO_ROOT / "assets" / "bench" / "astronaut.jpg"
    play = ["play", "--headless", "--source", str(picture), "--max-seconds", "2",
            "--data-dir", str(data_dir), "--profile"]
    assert main([*play, "C-4F98B9"]) == 2
    assert capsys.readouterr().err == (
        f"facequest: --profile: no child has the id C-4F98B9 (there are no records in "
        f"{data_dir} yet); give the child's name to add a child\n")
    with open_store(data_dir) as store:
        mia = store.create_profile("Mia")
    typo = "c-" + ("000000" if mia.profile_id != "C-000000" else "000001")
    assert main([*play, typo]) == 2
    assert capsys.readouterr().err == (
        f"facequest: --profile: no child has that name or id (the ids here: {mia.profile_id})\n")
    with open_store(data_dir, read_only=True) as store:
        assert [p.profile_id for p in store.list_profiles()] == [mia.profile_id]
        assert store.sessions_for(mia.profile_id) == []


def test_restore_backup_after_a_corrupt_file(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    data = folder.data_dir
    (data / RECORDS_FILE).write_bytes(b'{"profiles": {"1": ')
    assert run("list", data_dir=data) == 2
    err = capsys.readouterr().err
    assert "could not be read" in err and "restore-backup" in err and err.count("\n") == 1
    assert (data / RECORDS_FILE).read_bytes() == b'{"profiles": {"1": '  # reading moves nothing
    newest = sorted((data / "backups").glob("progress.backup-*.json"),
                    key=lambda p: p.stat().st_mtime_ns)[-1]
    kept_aside = set(data.glob("progress.corrupt-*.json"))

    assert run("restore-backup", data_dir=data) == 0
    out = capsys.readouterr().out
    assert f"from {newest}" in out and "unreadable records file was kept as" in out
    assert (data / RECORDS_FILE).read_bytes() == newest.read_bytes()
    moved = set(data.glob("progress.corrupt-*.json")) - kept_aside
    assert len(moved) == 1 and moved.pop().read_bytes() == b'{"profiles": {"1": '
    assert run("list", data_dir=data) == 0
    listed = capsys.readouterr().out
    assert folder.zoe in listed and folder.leo in listed


def test_a_corrupt_file_without_backups_is_not_told_to_restore_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    with open_store(data) as store:  # one opening that changed nothing new: no backup yet
        store.create_profile("Ada")
    assert not list((data / "backups").glob("progress.backup-*.json"))
    (data / RECORDS_FILE).write_bytes(b'{"profiles": {"1": ')
    assert run("list", data_dir=data) == 2
    err = capsys.readouterr().err
    assert "could not be read" in err and "No backup exists." in err
    assert "restore-backup" not in err and err.count("\n") == 1
    assert run("rename", "Ada", "Bea", data_dir=data) == 2  # a change moves the file aside
    err = capsys.readouterr().err
    assert "It was kept as progress.corrupt-" in err and "restore-backup" not in err
    kept = list(data.glob("progress.corrupt-*.json"))
    assert len(kept) == 1 and kept[0].read_bytes() == b'{"profiles": {"1": '
    # the records file is gone now: every command says where it went, not "try --data-dir"
    said = (f"there are no readable FaceQuest records in {data}: the records file could not "
            f"be read and was kept as {kept[0].name}\n")
    assert run("list", data_dir=data) == 2
    assert capsys.readouterr().err == f"facequest: {said}"
    for command in (["report", "Ada", "--out", str(tmp_path / "r.html")],
                    ["export", "--out", str(tmp_path / "e.csv")]):
        assert main([*command, "--data-dir", str(data)]) == 2
        assert capsys.readouterr().err == f"facequest: {said}"
    assert kept[0].read_bytes() == b'{"profiles": {"1": '


def test_restore_a_chosen_backup_by_name_and_list_them(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    data = folder.data_dir
    assert run("restore-backup", "--list", data_dir=data) == 0
    listed = [line.split()[0] for line in capsys.readouterr().out.splitlines()]
    names = [n for n in listed if n.startswith("progress.backup-")]
    trials = [n for n in listed if n not in names]  # the children's trials backups, after
    assert len(names) >= 3 and listed == names + trials
    assert all(n.startswith("C-") and n.endswith(".jsonl.gz") for n in trials)
    oldest = names[-1]
    assert run("restore-backup", "--backup", oldest, data_dir=data) == 0
    out = capsys.readouterr().out
    assert oldest in out and "The records it replaced were backed up as" in out
    assert (data / RECORDS_FILE).read_bytes() == (data / "backups" / oldest).read_bytes()


def test_restore_without_backups_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    with open_store(data) as store:
        store.create_profile("Ada")
    assert run("restore-backup", data_dir=data) == 2
    assert "there are no backups in" in capsys.readouterr().err
    assert run("list", data_dir=tmp_path / "empty") == 2
    assert "there are no FaceQuest records in" in capsys.readouterr().err


def test_delete_names_a_file_of_the_users_own_that_mentions_the_child(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    export = folder.data_dir / "my-export.csv"
    assert main(["export", "--out", str(export), "--data-dir", str(folder.data_dir)]) == 0
    assert folder.zoe.encode() in export.read_bytes()
    capsys.readouterr()
    assert run("delete", NAME, "--yes", data_dir=folder.data_dir) == 0
    out = capsys.readouterr().out
    assert "not written by FaceQuest but mention the child" in out and str(export) in out
    assert folder.zoe.encode() in export.read_bytes()  # the user's own file is left alone


def test_restoring_the_backup_that_matches_the_records_says_nothing_changed(
    folder: Folder, capsys: pytest.CaptureFixture[str]
) -> None:
    newest = sorted((folder.data_dir / "backups").glob("progress.backup-*.json"),
                    key=lambda p: p.stat().st_mtime_ns)[-1]
    assert newest.read_bytes() == (folder.data_dir / RECORDS_FILE).read_bytes()
    assert run("restore-backup", data_dir=folder.data_dir) == 0
    assert "nothing changed" in capsys.readouterr().out
