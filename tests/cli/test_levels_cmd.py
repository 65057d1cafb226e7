"""`facequest levels check|list|doc`."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.paths import LEVELS_DIR

BROKEN = Path(__file__).resolve().parent.parent / "play" / "broken_levels"


def test_check_passes_every_shipped_file(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(str(p) for p in LEVELS_DIR.glob("*.toml"))
    assert main(["levels", "check", *files]) == 0
    assert capsys.readouterr().out.count(": ok") == len(files)


@pytest.mark.parametrize(("name", "where"), [
    ("misspelt_field", ":17: levels[1].treshold: found unknown field"),
    ("threshold_out_of_range", ":17: levels[1].threshold: found 1.5"),
])
def test_check_exits_1_naming_file_line_and_field(
    name: str, where: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = BROKEN / f"{name}.toml"
    assert main(["levels", "check", str(LEVELS_DIR / "stories.toml"), str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}{where}" in err
    assert "1 of 2 file(s) have errors" in err


def test_check_takes_folders(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "check", str(BROKEN)]) == 1
    assert "5 of 5 file(s) have errors" in capsys.readouterr().err


def test_check_of_a_missing_path_is_a_user_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "check", "no/such/file.toml"]) == 2
    assert "does not exist" in capsys.readouterr().err


def test_list_shows_sets_and_levels(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "list", "--lang", "zh-CN"]) == 0
    out = capsys.readouterr().out
    assert "face-maze  表情迷宫" in out and "maze-happy-angry" in out


def test_doc_check_passes_for_the_committed_doc() -> None:
    assert main(["levels", "doc", "--check"]) == 0
