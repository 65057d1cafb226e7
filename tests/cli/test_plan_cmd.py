"""`facequest profiles plan`: a child's programme set, shown and cleared through the real
command-line entry on a real data folder; bad input is one sentence and changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.records import open_store
from tests.records.factories import play_scripted_session
from tests.records.test_plans import _plan

LEVELS = Path(__file__).resolve().parents[2] / "levels"


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with open_store(folder) as store:
        store.create_profile("Mia")
    return folder


def _plan_cmd(data_dir: Path, *args: str) -> int:
    return main(["profiles", "plan", "Mia", "--data-dir", str(data_dir), *args])


def test_plan_sets_shows_and_clears_the_programme(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _plan_cmd(data_dir, "--sets", "first-faces, six-feelings", "--mastery-rate", "0.9",
                     "--mastery-sessions", "3", "--minutes", "12") == 0
    out = capsys.readouterr().out
    assert "first-faces (My first faces): now (0 of 3 sessions met)" in out
    assert ">= 90% independent successes over 3 session(s)" in out and "12 minutes" in out
    with open_store(data_dir, read_only=True) as store:
        (mia,) = store.list_profiles()
    assert mia.programme is not None
    assert mia.programme["level_sets"] == ["first-faces", "six-feelings"]
    assert mia.programme["mastery"] == {"min_independent_rate": 0.9, "over_sessions": 3,
                                        "min_trials": 3}
    assert mia.programme["session_minutes"] == 12
    assert _plan_cmd(data_dir, "--show") == 0
    assert mia.programme["plan_id"] in capsys.readouterr().out
    assert main(["profiles", "show", "Mia", "--data-dir", str(data_dir)]) == 0
    assert f"{mia.programme['plan_id']}: first-faces, six-feelings; 12 minutes" in \
        capsys.readouterr().out
    assert _plan_cmd(data_dir, "--clear") == 0
    assert "cleared" in capsys.readouterr().out
    with open_store(data_dir, read_only=True) as store:
        (mia,) = store.list_profiles()
    assert mia.programme is None
    assert [e["change"] for e in mia.programme_history] == ["planned", "cleared"]


def test_plan_show_says_where_the_child_stands_after_sessions(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    programme = _plan(("first-faces", "six-feelings"), minutes=10)
    with open_store(data_dir) as store:
        (mia,) = store.list_profiles()
        store.set_programme(mia.profile_id, programme.to_json())
        for _ in range(2):
            play_scripted_session(store, mia.profile_id, LEVELS / "first-faces.toml",
                                  skill=1.0, plan_id=programme.plan_id)
    assert _plan_cmd(data_dir) == 0
    out = capsys.readouterr().out
    assert "step 1 of 2     first-faces (My first faces): mastered 20" in out
    assert "step 2 of 2     six-feelings (Six feelings): now (0 of 2 sessions met)" in out


@pytest.mark.parametrize(("args", "words"), [
    (["--sets", "first-faces,no-such-set"], "there is no level set 'no-such-set' (known: "),
    (["--sets", " , "], "--sets needs at least one level set id"),
    (["--sets", "first-faces,first-faces"], "a level set can stand only once"),
    (["--sets", "first-faces", "--mastery-rate", "80%"], "--mastery-rate '80%' is not a number"),
    (["--sets", "first-faces", "--mastery-rate", "1.5"], "the mastery rate must be a share"),
    (["--sets", "first-faces", "--mastery-sessions", "two"],
     "--mastery-sessions 'two' is not a whole number"),
    (["--sets", "first-faces", "--mastery-sessions", "0"], "the number of sessions for mastery"),
    (["--sets", "first-faces", "--minutes", "90"], "the session length in minutes must be"),
    (["--sets", "first-faces", "--minutes", "nan"], "--minutes 'nan' is not a whole number"),
    (["--minutes", "10"], "give the level sets with --sets A,B,C"),
    (["--clear", "--mastery-rate", "0.5"], "give the level sets with --sets A,B,C"),
])
def test_bad_plans_are_one_sentence_exit_2_and_change_nothing(
        data_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str],
        words: str) -> None:
    before = (data_dir / "progress.json").read_bytes()
    assert _plan_cmd(data_dir, *args) == 2
    captured = capsys.readouterr()
    assert words in captured.err and len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err + captured.out
    assert (data_dir / "progress.json").read_bytes() == before


def test_plan_for_an_unknown_child_is_one_sentence(
        data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profiles", "plan", "Nobody", "--data-dir", str(data_dir), "--sets",
                 "first-faces"]) == 2
    assert "no child has that name or id" in capsys.readouterr().err
