"""Output never fails on the terminal's encoding, and control characters in names never
reach the terminal (issue 25, "Any terminal" and "Safe text")."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main
from game.cli.terminal import shown
from game.records import open_store
from tests.conftest import REPO_ROOT
from tests.records.factories import make_trial

NAMES = ("Zoë", "小明", "Bad\x1b[31mRed\x07")


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """Children with non-ASCII names and one with ESC and BEL in it; one has a session."""
    folder = tmp_path / "data"
    with open_store(folder) as store:
        ids = [store.create_profile(name).profile_id for name in NAMES]
        store.update_profile(ids[2], notes="line one\x1b]0;owned\x07")
        session = store.start_session(ids[1], level_set_id="first-faces")
        store.add_trial(session.session_id, make_trial(0))
    return folder


def ids(data_dir: Path) -> list[str]:
    with open_store(data_dir, read_only=True) as store:
        return [p.profile_id for p in sorted(store.list_profiles(),
                                             key=lambda p: NAMES.index(p.display_name))]


class Terminal:
    """sys.stdout and sys.stderr as a terminal of one encoding would have them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
        self.out, self.err = io.BytesIO(), io.BytesIO()
        monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(self.out, encoding=encoding))
        monkeypatch.setattr(sys, "stderr", io.TextIOWrapper(self.err, encoding=encoding))

    def run(self, *argv: str) -> tuple[int, str, str]:
        code = main(list(argv))
        sys.stdout.flush()
        sys.stderr.flush()
        out, err = self.out.getvalue().decode("latin-1"), self.err.getvalue().decode("latin-1")
        self.out.seek(0)
        self.out.truncate()
        self.err.seek(0)
        self.err.truncate()
        return code, out, err


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_every_command_with_non_ascii_text_runs_on_a_narrow_terminal(
    encoding: str, data_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zoe, ming, _ = ids(data_dir)
    terminal = Terminal(monkeypatch, encoding)
    code, out, _ = terminal.run("profiles", "list", "--data-dir", str(data_dir))
    assert code == 0 and "\\u5c0f\\u660e" in out
    code, out, _ = terminal.run("profiles", "show", ming, "--data-dir", str(data_dir))
    assert code == 0 and "\\u5c0f\\u660e" in out
    code, out, _ = terminal.run("profiles", "show", "Zoë", "--data-dir", str(data_dir))
    assert code == 0 and zoe in out
    code, out, _ = terminal.run("levels", "list", "--lang", "zh-CN")
    assert code == 0 and "first-faces" in out
    report = tmp_path / "rapport_é_小明.html"
    code, out, err = terminal.run("report", ming, "--data-dir", str(data_dir),
                                  "--out", str(report))
    assert code == 0 and report.is_file(), err
    assert "rapport_" in out and "Traceback" not in err


def test_a_posix_locale_terminal_gets_escapes_not_a_traceback(data_dir: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "LC_ALL": "POSIX", "PYTHONUTF8": "0"}
    env.pop("PYTHONIOENCODING", None)
    result = subprocess.run([sys.executable, "-m", "game", "profiles", "list", "--data-dir",
                             str(data_dir)], capture_output=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert b"Traceback" not in result.stderr and b"\\u5c0f\\u660e" in result.stdout


def test_control_characters_in_names_and_notes_are_shown_escaped(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bad = ids(data_dir)[2]
    terminal = Terminal(monkeypatch, "utf-8")
    for argv in (["profiles", "list"], ["profiles", "show", bad]):
        code, out, _ = terminal.run(*argv, "--data-dir", str(data_dir))
        assert code == 0
        assert "\x1b" not in out and "\x07" not in out
        assert "Bad\\x1b[31mRed\\x07" in out
    code, out, _ = terminal.run("profiles", "rename", bad, "Ok\x1bName", "--data-dir",
                                str(data_dir))
    assert code == 0 and "\x1b" not in out and "Ok\\x1bName" in out


def test_shown_escapes_controls_and_keeps_every_letter() -> None:
    assert shown("Zoë 小明") == "Zoë 小明"
    assert shown("a\x1bb\x07c\rd\ne\x7f\x9b") == "a\\x1bb\\x07c\\x0dd\\x0ae\\x7f\\x9b"
    assert shown("abc\u202edef") == "abc\\u202edef"


def test_a_reader_that_stops_early_gets_no_error_line(data_dir: Path) -> None:
    """`facequest profiles list | head -1`: the pipe closes before the rest is written; the
    command stops quietly (141, as if stopped by SIGPIPE), not with "facequest: Broken pipe."."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    command = [sys.executable, "-m", "game", "profiles", "list", "--data-dir", str(data_dir)]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          env=env) as process:
        assert process.stdout is not None and process.stderr is not None
        process.stdout.close()  # the reader is gone before the first line
        err = process.stderr.read()
    assert process.returncode == 141
    assert err == b""
    with open_store(data_dir, read_only=True) as store:  # nothing lost
        assert len(store.list_profiles()) == len(NAMES)
