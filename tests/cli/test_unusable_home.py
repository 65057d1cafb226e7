"""An unusable HOME (a file, or a folder nothing can be made in): FaceQuest's own sentence
comes first, with no matplotlib warnings before it, and the game plays with sound from a
temporary cache instead of logging an audio traceback (issue 25, "Inputs")."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest

from game import paths
from tests.conftest import REPO_ROOT


def facequest(home: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "MPLCONFIGDIR"))}
    env.update(HOME=home, PYTHONPATH=str(REPO_ROOT))
    return subprocess.run([sys.executable, "-m", "game", *argv], capture_output=True,
                          text=True, env=env, cwd=REPO_ROOT, timeout=300)


@pytest.mark.parametrize("home", ["/dev/null", "/proc"])
def test_the_records_command_says_one_sentence_and_nothing_before_it(home: str) -> None:
    result = facequest(home, "profiles", "list")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("facequest: FaceQuest cannot keep its records in ")
    assert "--data-dir" in lines[0] and "HOME" in lines[0]


def test_an_unusable_xdg_data_home_is_named_instead_of_a_good_home(tmp_path: Path) -> None:
    """XDG_DATA_HOME, not HOME, chose the folder: the sentence blamed the (good) home folder."""
    blocker = tmp_path / "data-home"
    blocker.write_text("a file where a folder should be")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "MPLCONFIGDIR"))}
    env.update(HOME=str(tmp_path), XDG_DATA_HOME=str(blocker), PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run([sys.executable, "-m", "game", "profiles", "list"],
                            capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=300)
    assert result.returncode != 0
    assert result.stderr == (
        f"facequest: FaceQuest cannot keep its records in {blocker}/facequest (Not a "
        f"directory): XDG_DATA_HOME ({blocker}) is not a usable folder; set it to your own "
        "folder or unset it, or give --data-dir FOLDER.\n")
    assert blocker.read_text() == "a file where a folder should be"


def test_export_and_report_into_a_given_data_dir_need_no_usable_home(tmp_path: Path) -> None:
    """They compared --out with the default data folder by making it: with HOME unusable they
    stopped with "... or give --data-dir FOLDER" although --data-dir was given; with a good
    HOME they made ~/.local/share/facequest, a folder the user never asked for."""
    from game.records import open_store

    data, good_home = tmp_path / "data", tmp_path / "home"
    good_home.mkdir()
    with open_store(data) as store:
        store.create_profile("Ava")
    for home in ("/dev/null", str(good_home)):
        for command in (["export", "--out", str(tmp_path / "t.csv")],
                        ["report", "Ava", "--out", str(tmp_path / "r.html")]):
            result = facequest(home, *command, "--data-dir", str(data))
            assert result.returncode == 0, (home, result.stderr)
    assert not (good_home / ".local").exists()


def test_a_headless_game_with_an_unusable_home_plays_without_a_traceback(
    tmp_path: Path, astronaut_rgb: object
) -> None:
    from skimage import data

    picture = Path(data.__file__).parent / "astronaut.png"
    result = facequest("/dev/null", "play", "--headless", "--source", str(picture),
                       "--data-dir", str(tmp_path / "data"), "--max-seconds", "2")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "atplotlib" not in result.stderr and "audio unavailable" not in result.stderr
    assert "the cache folder /dev/null/.cache/facequest cannot be used" in result.stderr


def test_the_cache_falls_back_to_one_private_temporary_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("a file where a folder should be")
    monkeypatch.setattr(platformdirs, "user_cache_dir",
                        lambda name: str(blocker / ".cache" / name))
    monkeypatch.setattr(paths, "_fallback_cache", None)
    first, second = paths.user_cache_dir(), paths.user_cache_dir()
    assert first == second and first.is_dir() and (first.stat().st_mode & 0o777) == 0o700
    assert caplog.text.count("cannot be used") == 1


def test_matplotlibs_folders_under_home_are_private_to_the_user(tmp_path: Path) -> None:
    """~/.config/matplotlib was made 0755 before FaceQuest set its umask (under a usual
    umask of 022): every folder a report makes under HOME is now this user's alone."""
    from game.records import open_store

    data, home = tmp_path / "data", tmp_path / "home"
    home.mkdir()
    with open_store(data) as store:
        store.create_profile("Ava")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "MPLCONFIGDIR"))}
    env.update(HOME=str(home), PYTHONPATH=str(REPO_ROOT))
    result = subprocess.run(
        [sys.executable, "-m", "game", "report", "Ava", "--data-dir", str(data), "--out",
         str(tmp_path / "r.html")], capture_output=True, text=True, env=env, cwd=REPO_ROOT,
        timeout=300, umask=0o022)
    assert result.returncode == 0, result.stderr
    made = sorted(path for path in home.rglob("*") if path.is_dir())
    assert home / ".config" / "matplotlib" in made
    assert {str(path.relative_to(home)): oct(path.stat().st_mode & 0o777) for path in made} \
        == {str(path.relative_to(home)): "0o700" for path in made}
