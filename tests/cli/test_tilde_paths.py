"""`--data-dir=~/FaceQuest` (and every other path option): the shell leaves a `~` after `=`
as typed, so FaceQuest reads it as the user's home instead of making a folder named `~`."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.records import open_store


def test_a_tilde_in_a_path_option_is_the_home_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    home, here = tmp_path / "home", tmp_path / "here"
    home.mkdir()
    here.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(here)
    with open_store(home / "FaceQuest") as store:
        mia = store.create_profile("Mia")
    assert main(["profiles", "list", "--data-dir=~/FaceQuest"]) == 0
    assert mia.profile_id in capsys.readouterr().out
    assert main(["export", "--data-dir=~/FaceQuest", "--out=~/trials.csv"]) == 0
    assert (home / "trials.csv").is_file()
    assert list(here.iterdir()) == []  # no folder named "~" made where the command ran
