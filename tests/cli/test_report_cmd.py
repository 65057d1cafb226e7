"""`facequest report` after headless scripted sessions played by the real rules engine."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.cli import main
from game.records.store import RECORDS_FILE, open_store
from tests.conftest import REPO_ROOT
from tests.records.factories import StepClock, add_profile_directly, play_scripted_session

LEVELS = REPO_ROOT / "levels" / "first-faces.toml"
NAME = "<script>alert(1)</script>"


@pytest.fixture
def played(tmp_path: Path) -> tuple[Path, str]:
    """A data folder where one child played three sessions of the shipped first level set."""
    data_dir = tmp_path / "data"
    clock = StepClock()
    with open_store(data_dir, clock=clock) as store:
        child = store.create_profile(NAME, birth_year=2018)
        for seed in range(3):
            clock.jump(clock.step * 50_000)
            play_scripted_session(
                store, child.profile_id, LEVELS, seed=seed, skill=0.35 + 0.25 * seed
            )
        store.create_profile("Twin")
    add_profile_directly(data_dir, "twin", "C-0000AB")  # namesakes kept from older records
    return data_dir, child.profile_id


def test_report_by_name_writes_html_with_three_or_more_svg_charts(
    played: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir, profile_id = played
    out = tmp_path / "report.html"
    before = (data_dir / RECORDS_FILE).stat().st_mtime_ns
    code = main(["report", NAME, "--data-dir", str(data_dir), "--out", str(out)])
    assert code == 0
    html = out.read_text(encoding="utf-8")
    assert len(re.findall(r"<figure><svg ", html)) >= 3
    assert "<script" not in html and "&lt;script&gt;" in html
    assert profile_id in capsys.readouterr().out
    assert (data_dir / RECORDS_FILE).stat().st_mtime_ns == before  # reports only read


def test_report_by_id_in_any_case(played: tuple[Path, str], tmp_path: Path) -> None:
    data_dir, profile_id = played
    out = tmp_path / "r.html"
    assert main(["report", profile_id.lower(), "--data-dir", str(data_dir), "--out", str(out)]) == 0
    assert out.is_file()


@pytest.mark.parametrize(
    ("profile", "out_name", "message"),
    [
        ("Nobody", "r.html", "no child has that name or id"),
        ("twin", "r.html", "several children have that name; use one of the ids: C-"),
        ("Twin", "r.pdf", "ending in .html"),
    ],
)
def test_report_user_errors_are_one_sentence(
    played: tuple[Path, str],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    profile: str,
    out_name: str,
    message: str,
) -> None:
    data_dir, _ = played
    code = main(["report", profile, "--data-dir", str(data_dir), "--out", str(tmp_path / out_name)])
    assert code == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Twin" not in err and "twin" not in err  # ids only, never names


def test_report_without_records_says_where_it_looked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    code = main(["report", "Ava", "--data-dir", str(empty), "--out", str(tmp_path / "r.html")])
    assert code == 2
    assert f"there are no FaceQuest records in {empty}" in capsys.readouterr().err


def test_report_of_a_corrupt_file_is_reported_and_the_file_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / RECORDS_FILE).write_text("{broken", encoding="utf-8")
    code = main(["report", "Ava", "--data-dir", str(data_dir), "--out", str(tmp_path / "r.html")])
    assert code == 2
    assert "could not be read" in capsys.readouterr().err
    assert (data_dir / RECORDS_FILE).read_text(encoding="utf-8") == "{broken"
