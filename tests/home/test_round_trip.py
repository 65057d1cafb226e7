"""Home practice through the real commands on two data folders: plan, setup, pair, send,
import; the records merged, idempotently and in any order; every refusal changes nothing."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from game.home.bundle import open_sealed
from game.home.clinic import clinic_key, key_path
from game.records import open_store
from game.records.trial_log import TRIALS_DIR
from game.reports.export import export_rows
from tests.home.helpers import (
    CHILD,
    cli,
    copy_folder,
    make_pair,
    record_home_sessions,
    records_digest,
    send,
)


def trial_lines(folder: Path, profile_id: str) -> list[bytes]:
    return (folder / TRIALS_DIR / f"{profile_id}.jsonl").read_bytes().splitlines()


def test_clinic_key_is_private_and_made_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                             ) -> None:
    pair = make_pair(tmp_path, capsys)
    key = pair.clinic / "clinic" / "clinic-key.pem"
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(pair.home / "home" / "home-key.pem").st_mode) == 0o600
    before = key.read_bytes()
    code, _, err = cli(capsys, "clinic", "init", "--data-dir", str(pair.clinic))
    assert code == 2 and "already has a key" in err and len(err.strip().splitlines()) == 1
    assert key.read_bytes() == before


def test_the_plan_names_no_child_and_carries_the_clinic_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    plan = json.loads(pair.plan.read_text(encoding="utf-8"))
    assert CHILD not in pair.plan.read_text(encoding="utf-8")
    assert plan["profile_id"] == pair.profile_id and plan["plan_id"] == pair.plan_id
    assert plan["clinic_key"].startswith("fqclinic1-")
    assert (plan["days_per_week"], plan["minutes_per_day"]) == (4, 20)
    code, out, _ = cli(capsys, "home", "status", "--data-dir", str(pair.home))
    assert code == 0 and "0 of 4 days" in out and pair.code in out


def test_round_trip_merges_home_sessions_as_home_with_the_home_trial_lines(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    sessions = record_home_sessions(pair, 2)
    bundle = send(pair, capsys, tmp_path / "week1.fqb")
    opened = open_sealed(bundle.read_bytes(), clinic_key(pair.clinic))
    assert CHILD.encode() not in opened.payload  # no name (the home calls the child Mia)
    code, out, err = cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))
    assert code == 0, err
    assert "2 session(s) and 6 trial(s) merged" in out
    with open_store(pair.clinic, read_only=True) as store:
        merged = store.sessions_for(pair.profile_id)
        rows = export_rows(store, [pair.profile_id])
    assert [s.session_id for s in merged] == sessions
    assert {(s.place, s.plan_id) for s in merged} == {("home", pair.plan_id)}
    assert trial_lines(pair.clinic, pair.profile_id) == trial_lines(pair.home, pair.profile_id)
    assert {(r["place"], r["plan_id"]) for r in rows} == {("home", pair.plan_id)}
    with open_store(pair.home, read_only=True) as store:
        assert rows == export_rows(store, [pair.profile_id])  # row for row, as at home
    for session_id in sessions:  # the motion records came too (consented)
        assert (pair.clinic / "motion" / f"{session_id}.parquet").read_bytes() == \
            (pair.home / "motion" / f"{session_id}.parquet").read_bytes()
    report = tmp_path / "report.html"
    code, _, err = cli(capsys, "report", CHILD, "--out", str(report),
                       "--data-dir", str(pair.clinic))
    assert code == 0, err
    html = report.read_text(encoding="utf-8")
    assert "Home and clinic" in html and pair.plan_id in html
    assert "4 days a week, 20 min a day" in html
    # nothing new at home: no second bundle
    code, out, _ = cli(capsys, "home", "send", "--out", str(tmp_path / "none.fqb"),
                       "--data-dir", str(pair.home))
    assert code == 0 and "Nothing new" in out and not (tmp_path / "none.fqb").exists()


def test_the_same_bundle_twice_changes_nothing(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 2)
    bundle = send(pair, capsys, tmp_path / "b1.fqb")
    assert cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))[0] == 0
    before = records_digest(pair.clinic)
    code, out, _ = cli(capsys, "clinic", "import", str(bundle), str(bundle),
                       "--data-dir", str(pair.clinic))
    assert code == 0 and "imported before" in out
    assert records_digest(pair.clinic) == before


def test_bundles_in_any_order_give_the_same_records(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    first, = record_home_sessions(pair, 1)
    b1 = send(pair, capsys, tmp_path / "b1.fqb")
    with open_store(pair.home) as store:  # the parent's note on the first session changes it
        store.set_trial_note(first, 0, "tired today")
    record_home_sessions(pair, 1)
    b2 = send(pair, capsys, tmp_path / "b2.fqb")
    other = copy_folder(pair.clinic, tmp_path / "clinic-copy")
    for folder, order in ((pair.clinic, (b1, b2)), (other, (b2, b1))):
        code, _, err = cli(capsys, "clinic", "import", *map(str, order), "--data-dir",
                           str(folder))
        assert code == 0, err
    seen = []
    for folder in (pair.clinic, other):
        with open_store(folder, read_only=True) as store:
            seen.append(([s.to_dict() for s in store.sessions_for(pair.profile_id)],
                         [t.to_dict() for t in store.trials_for(pair.profile_id)]))
    assert seen[0] == seen[1]
    notes = {(t["session_id"], t["trial"]["trial_index"]): t["therapist_note"]
             for t in seen[0][1]}
    assert notes[(first, 0)] == "tired today" and len(notes) == 6


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:]


def _refused(capsys: pytest.CaptureFixture[str], clinic: Path, bundle: Path,
             words: str) -> None:
    before = records_digest(clinic)
    code, out, err = cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(clinic))
    assert code == 1, out
    assert words in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "nothing was merged" in err
    assert records_digest(clinic) == before


@pytest.mark.parametrize("where", ["magic", "header", "key", "middle", "tag"])
def test_a_flipped_bit_is_refused_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], where: str) -> None:
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    data = send(pair, capsys, tmp_path / "b.fqb").read_bytes()
    header_end = data.index(b"\n", 10) + 1
    at = {"magic": 3, "header": header_end - 3, "key": header_end + 5,
          "middle": (header_end + len(data)) // 2, "tag": len(data) - 1}[where]
    bad = tmp_path / "bad.fqb"
    bad.write_bytes(_flip(data, at))
    words = {"magic": "not a FaceQuest bundle"}.get(where, "damaged or was changed")
    _refused(capsys, pair.clinic, bad, words)


@pytest.mark.parametrize("keep", [0.0, 0.01, 0.5, 0.999])
def test_a_truncated_bundle_is_refused_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], keep: float) -> None:
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    data = send(pair, capsys, tmp_path / "b.fqb").read_bytes()
    cut = tmp_path / "cut.fqb"
    cut.write_bytes(data[:max(1, int(len(data) * keep))])
    _refused(capsys, pair.clinic, cut, "cut short")


def test_a_bundle_for_another_clinic_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    bundle = send(pair, capsys, tmp_path / "b.fqb")
    other = make_pair(tmp_path / "elsewhere", capsys)  # another clinic, its own key
    _refused(capsys, other.clinic, bundle, "another clinic")


def test_a_bundle_from_an_unpaired_installation_is_refused(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys, pair=False)
    record_home_sessions(pair, 1)
    bundle = send(pair, capsys, tmp_path / "b.fqb")
    _refused(capsys, pair.clinic, bundle, "not paired")


def test_a_bundle_for_a_deleted_child_is_refused_even_as_a_replay(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    b1 = send(pair, capsys, tmp_path / "b1.fqb")
    record_home_sessions(pair, 1)
    b2 = send(pair, capsys, tmp_path / "b2.fqb")
    assert cli(capsys, "clinic", "import", str(b1), "--data-dir", str(pair.clinic))[0] == 0
    code, _, err = cli(capsys, "profiles", "delete", CHILD, "--yes",
                       "--data-dir", str(pair.clinic))
    assert code == 0, err
    ledger = (pair.clinic / "clinic" / "ledger.json").read_text(encoding="utf-8")
    assert pair.profile_id not in ledger  # only the revoked key is left
    _refused(capsys, pair.clinic, b1, "deleted")  # a replay after the delete
    _refused(capsys, pair.clinic, b2, "deleted")  # never imported before
    with open_store(pair.clinic, read_only=True) as store:
        assert store.list_profiles() == []


def test_a_file_that_is_not_a_bundle_is_refused(tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    _refused(capsys, pair.clinic, pair.plan, "not a FaceQuest bundle")


def test_a_plan_that_is_not_one_is_refused_in_one_sentence(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text("{\"format\": \"something else\"}", encoding="utf-8")
    code, _, err = cli(capsys, "home", "setup", str(bad), "--data-dir", str(tmp_path / "h"))
    assert code == 2 and "not a FaceQuest home plan" in err
    assert len(err.strip().splitlines()) == 1


def test_a_plan_that_is_not_text_is_refused_in_our_own_words(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Binary bytes (a picture or an archive sent instead of the plan): FaceQuest's sentence,
    not Python's "'utf-8' codec can't decode byte 0xc4 in position 0"."""
    bad = tmp_path / "plan.json"
    bad.write_bytes(b"\xc4\x8f\xff\x00PK\x03\x04" * 40)
    home = tmp_path / "h"
    code, _, err = cli(capsys, "home", "setup", str(bad), "--data-dir", str(home))
    assert code == 2
    assert err == f"facequest: {bad}: that file is not a FaceQuest home plan (it is not text)\n"
    assert not home.exists()


def test_a_home_installation_keeps_to_its_one_child(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    with open_store(pair.clinic) as store:
        store.create_profile("Leo")
    other_plan = tmp_path / "leo.plan.json"
    assert cli(capsys, "home", "plan", "Leo", "--out", str(other_plan),
               "--data-dir", str(pair.clinic))[0] == 0
    code, _, err = cli(capsys, "home", "setup", str(other_plan), "--data-dir", str(pair.home))
    assert code == 2 and "another child" in err


def test_a_plan_can_pair_at_once_with_a_known_home_key(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys, pair=False)
    again = tmp_path / "again.plan.json"
    code, out, err = cli(capsys, "home", "plan", CHILD, "--out", str(again), "--home-key",
                         pair.home_key, "--data-dir", str(pair.clinic))
    assert code == 0, err
    assert f"pairing code: {pair.code}" in out
    assert cli(capsys, "home", "setup", str(again), "--data-dir", str(pair.home))[0] == 0
    record_home_sessions(pair, 1)
    bundle = send(pair, capsys, tmp_path / "b.fqb")
    assert cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))[0] == 0


def test_play_in_a_home_installation_refuses_another_child(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    code, _, err = cli(capsys, "play", "--headless", "--source", str(pair.plan),
                       "--profile", "Leo", "--data-dir", str(pair.home))
    assert code == 2 and "one child's home practice" in err


@pytest.mark.parametrize("command", ["plan", "send"])
def test_an_out_aimed_at_the_records_keys_or_a_device_is_refused_and_changes_nothing(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    folder = pair.clinic if command == "plan" else pair.home
    pipe = tmp_path / "a-pipe"
    os.mkfifo(pipe)
    own = [folder / "progress.json", folder / "trials" / "x.fqb",
           folder / ("clinic/ledger.json" if command == "plan" else "home/plan.json")]
    for out, words in [(pipe, "not a regular file"), (tmp_path, "is a folder"),
                       (own[0], "own records"), (own[1], "own folders"),
                       (own[2], "own folders")]:
        before = records_digest(folder)
        args = ["home", command, *([CHILD] if command == "plan" else []), "--out", str(out)]
        code, text, err = cli(capsys, *args, "--data-dir", str(folder))
        assert code == 2 and words in err, (out, err)
        assert len(err.strip().splitlines()) == 1 and text == ""
        assert records_digest(folder) == before, out
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)  # not replaced by a file
    assert send(pair, capsys, tmp_path / "week1.fqb").is_file()  # nothing marked as sent


@pytest.mark.parametrize("command", ["export", "report", "replay"])
def test_no_output_replaces_a_home_or_clinic_key(
        command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from game.home.install import HOME_DIR, KEY_FILE
    from game.reports.selection import HOME_DIR as OWN_HOME_DIR

    assert OWN_HOME_DIR == HOME_DIR
    pair = make_pair(tmp_path, capsys)
    suffix = {"export": ".csv", "report": ".html", "replay": ".gif"}[command]
    for folder, key in [(pair.clinic, key_path(pair.clinic)),
                        (pair.home, pair.home / HOME_DIR / KEY_FILE)]:
        out = key.with_name(f"out{suffix}")
        for target in (key, out):
            before = key.read_bytes()
            args = [command, *([] if command == "export" else [CHILD]), "--out", str(target)]
            if command == "export":
                args += ["--format", "csv"]
            code, _, err = cli(capsys, *args, "--data-dir", str(folder))
            assert code != 0 and len(err.strip().splitlines()) == 1, err
            assert target == key or "own folders" in err, err
            assert key.read_bytes() == before and not out.exists()


def test_a_device_a_pipe_or_a_huge_file_is_refused_without_hanging(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    pipe, zero, huge = tmp_path / "pipe.fqb", tmp_path / "zero.fqb", tmp_path / "huge.fqb"
    os.mkfifo(pipe)
    zero.symlink_to("/dev/zero")  # read whole, it never ends
    with huge.open("wb") as handle:
        handle.truncate(3 << 30)  # sparse: read whole, 3 GB of memory
    before = records_digest(pair.clinic)
    for path, words in [(pipe, "not a regular file"), (zero, "not a regular file"),
                        (huge, "not a FaceQuest bundle")]:
        code, _, err = cli(capsys, "clinic", "import", str(path), "--data-dir", str(pair.clinic))
        assert code == 1 and words in err and len(err.strip().splitlines()) == 1, err
    assert records_digest(pair.clinic) == before
    big_plan = tmp_path / "big.plan.json"
    big_plan.write_bytes(pair.plan.read_bytes() + b" " * (2 << 20))
    for path, words in [(pipe, "not a regular file"), (zero, "not a regular file"),
                        (big_plan, "at most")]:
        code, _, err = cli(capsys, "home", "setup", str(path), "--data-dir", str(tmp_path / "h2"))
        assert code == 2 and words in err and len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "h2" / "home").exists()


def test_a_damaged_key_file_is_one_sentence_on_either_side(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A key file cut short: `home send`, `home status`, `home setup` and `clinic import`
    ended in a traceback (KeyTextError)."""
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    bundle = send(pair, capsys, tmp_path / "week1.fqb")
    home_key = pair.home / "home" / "home-key.pem"
    home_key.write_bytes(home_key.read_bytes()[:50])
    for args in (("home", "send", "--all", "--out", str(tmp_path / "again.fqb")),
                 ("home", "status"), ("home", "setup", str(pair.plan), "--name", CHILD)):
        code, _, err = cli(capsys, *args, "--data-dir", str(pair.home))
        assert code == 2, args
        assert err == f"facequest: the key file {home_key} is damaged\n", args
    clinic_key = pair.clinic / "clinic" / "clinic-key.pem"
    clinic_key.write_bytes(clinic_key.read_bytes()[:50])
    before = records_digest(pair.clinic)
    code, _, err = cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))
    assert code == 2 and err == f"facequest: the key file {clinic_key} is damaged\n"
    assert records_digest(pair.clinic) == before  # nothing merged


def test_a_damaged_home_plan_is_named_and_setting_up_again_mends_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """home/plan.json cut short: every command said "that file is not a FaceQuest home plan"
    without naming it, and `home setup` (the way back) was refused the same way."""
    pair = make_pair(tmp_path, capsys)
    plan = pair.home / "home" / "plan.json"
    plan.write_text('{"format": ', encoding="utf-8")
    plan.chmod(0o644)
    for args in (("home", "status"), ("home", "send", "--out", str(tmp_path / "b.fqb"))):
        code, _, err = cli(capsys, *args, "--data-dir", str(pair.home))
        assert code == 2, args
        assert err.startswith(f"facequest: the home plan {plan} is damaged (") and \
            err.endswith("; install the clinic's plan file again with `facequest home setup "
                         "PLAN`\n"), err
    code, out, err = cli(capsys, "home", "setup", str(pair.plan), "--name", CHILD,
                         "--data-dir", str(pair.home))
    assert code == 0, err
    assert pair.home_key in out  # the same installation key: the pairing still holds
    (kept,) = (pair.home / "home").glob("plan.damaged-*.json")
    assert kept.read_text(encoding="utf-8") == '{"format": '
    assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600  # kept aside private
    assert cli(capsys, "home", "status", "--data-dir", str(pair.home))[0] == 0


def test_a_damaged_ledger_is_kept_aside_and_the_clinic_carries_on(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """clinic/ledger.json cut short: `clinic import`, `clinic pair` and `home plan` all
    failed with the JSON error, for good, and nothing kept a copy of the file."""
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    bundle = send(pair, capsys, tmp_path / "b.fqb")
    ledger = pair.clinic / "clinic" / "ledger.json"
    damaged = ledger.read_bytes()[:60]
    for args in (("clinic", "import", str(bundle)), ("clinic", "pair", CHILD, pair.home_key),
                 ("home", "plan", CHILD, "--out", str(tmp_path / "again.plan.json"))):
        ledger.write_bytes(damaged)
        ledger.chmod(0o644)
        code, _, err = cli(capsys, *args, "--data-dir", str(pair.clinic))
        assert code == 2 and err.count("\n") == 1, args
        assert err.startswith(f"facequest: the clinic's ledger {ledger} is damaged (it is not "
                              "readable JSON); it was kept aside as ledger.damaged-"), err
        assert "a new, empty ledger starts: run the command again" in err
        assert "facequest clinic pair" in err and "{" not in err
        kept = sorted((pair.clinic / "clinic").glob("ledger.damaged-*.json"))[-1]
        assert kept.read_bytes() == damaged and not ledger.exists()
        assert stat.S_IMODE(os.stat(kept).st_mode) == 0o600
        ledger.unlink(missing_ok=True)
    # carrying on as the sentence says: a plan, the pairing, then the bundle merges
    assert cli(capsys, "home", "plan", CHILD, "--out", str(tmp_path / "new.plan.json"),
               "--home-key", pair.home_key, "--data-dir", str(pair.clinic))[0] == 0
    code, out, err = cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))
    assert code == 0 and "1 session(s) and 3 trial(s) merged" in out, err


def test_a_ledger_with_damaged_entries_keeps_the_readable_ones(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """One unreadable plan in the ledger lost every pairing with it."""
    pair = make_pair(tmp_path, capsys)
    record_home_sessions(pair, 1)
    bundle = send(pair, capsys, tmp_path / "b.fqb")
    ledger = pair.clinic / "clinic" / "ledger.json"
    document = json.loads(ledger.read_text(encoding="utf-8"))
    document["plans"][pair.plan_id]["days_per_week"] = 0
    document["plans"]["P-JUNK"] = "junk"
    ledger.write_text(json.dumps(document), encoding="utf-8")
    code, _, err = cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))
    assert code == 2 and err.count("\n") == 1
    assert err.startswith(f"facequest: the clinic's ledger {ledger} is damaged (2 of its "
                          "entries cannot be read); it was kept aside as ledger.damaged-"), err
    assert "a new ledger keeps the entries that could be read" in err
    (kept,) = (pair.clinic / "clinic").glob("ledger.damaged-*.json")
    assert json.loads(kept.read_text(encoding="utf-8")) == document
    now = json.loads(ledger.read_text(encoding="utf-8"))
    assert list(now["homes"]) == [pair.home_key] and now["plans"] == {}
    code, out, err = cli(capsys, "clinic", "import", str(bundle), "--data-dir", str(pair.clinic))
    assert code == 0 and "1 session(s) and 3 trial(s) merged" in out, err  # still paired
    # deleting the child erases them from the kept-aside copy too (it cannot be rewritten)
    assert cli(capsys, "profiles", "delete", CHILD, "--yes",
               "--data-dir", str(pair.clinic))[0] == 0
    assert not kept.exists() and pair.profile_id not in ledger.read_text(encoding="utf-8")


def test_a_report_reads_a_damaged_ledger_without_moving_it(tmp_path: Path) -> None:
    from game.reports.home_section import plans_for

    ledger = tmp_path / "clinic" / "ledger.json"
    ledger.parent.mkdir()
    ledger.write_bytes(b'{"plans": ')
    assert plans_for(tmp_path, "C-000001") == []
    assert ledger.read_bytes() == b'{"plans": ' and len(list(ledger.parent.iterdir())) == 1


def test_a_home_plan_names_only_a_shipped_level_set(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`home plan Mia --levels six-feeling` (a typo) wrote the plan; the family installed it,
    and every `play` at home then failed with "give an id from levels/ or a .toml path"."""
    pair = make_pair(tmp_path, capsys)
    out = tmp_path / "typo.plan.json"
    code, _, err = cli(capsys, "home", "plan", CHILD, "--out", str(out), "--levels",
                       "six-feeling", "--data-dir", str(pair.clinic))
    assert code == 2 and not out.exists()
    assert err.startswith("facequest: --levels 'six-feeling' is not a level set shipped with "
                          "FaceQuest") and "six-feelings" in err
    # a plan that names a set this FaceQuest lacks (a newer clinic's): the family is told why
    plan = pair.home / "home" / "plan.json"
    document = json.loads(plan.read_text(encoding="utf-8"))
    document["level_set_id"] = "space-faces"
    plan.write_text(json.dumps(document), encoding="utf-8")
    picture = Path(__file__).resolve().parents[2] / "assets" / "bench" / "astronaut.jpg"
    code, _, err = cli(capsys, "play", "--headless", "--source", str(picture),
                       "--max-seconds", "2", "--data-dir", str(pair.home))
    assert code == 2
    assert err.startswith("facequest: the home plan names the level set 'space-faces', which "
                          "this FaceQuest does not have")
