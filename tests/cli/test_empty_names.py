"""An empty or whitespace-only name is refused in one sentence, never a traceback (issue 25,
"Safe text")."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.records import StoreError, open_store
from game.records.names import clean_name

BLANK = ["", "   ", "\t\n", "\u3000", "\u200b", " \u200b\x1b "]


@pytest.mark.parametrize("name", BLANK)
def test_a_name_that_shows_nothing_is_refused(name: str) -> None:
    with pytest.raises(StoreError, match="needs a name"):
        clean_name(name)


def test_real_names_are_kept_trimmed() -> None:
    assert clean_name("  Mia   Li ") == "Mia Li"
    assert clean_name("小明") == "小明"


@pytest.mark.parametrize("name", ["", "   "])
def test_play_with_an_empty_profile_name_is_one_sentence(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["play", "--headless", "--profile", name, "--source", str(tmp_path),
                 "--data-dir", str(tmp_path / "data"), "--max-seconds", "1"])
    err = capsys.readouterr().err
    assert code == 2 and "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("facequest:")] == [
        "facequest: --profile: a child needs a name; an empty name or one of only spaces is "
        "not a name"]


@pytest.mark.parametrize("name", ["   ", "\u200b"])
def test_renaming_to_an_empty_name_is_refused_and_keeps_the_name(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    with open_store(data) as store:
        child = store.create_profile("Mia").profile_id
    assert main(["profiles", "rename", child, name, "--data-dir", str(data)]) == 2
    assert "needs a name" in capsys.readouterr().err
    with open_store(data, read_only=True) as store:
        assert store.resolve_profile(child).display_name == "Mia"
