"""Two data folders, a clinic and a family's home installation, paired through the real
commands; and sessions recorded at home through the real store."""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from game.cli import main
from game.records import open_store
from tests.records.factories import StepClock, make_trial

CHILD = "Mia"


@dataclass
class Pair:
    clinic: Path
    home: Path
    plan: Path
    profile_id: str
    plan_id: str
    home_key: str
    code: str


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run `facequest ARGS`; (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def line_after(text: str, label: str) -> str:
    for line in text.splitlines():
        if line.startswith(label):
            return line[len(label):].strip()
    raise AssertionError(f"no {label!r} in {text!r}")


def make_clinic(folder: Path, capsys: pytest.CaptureFixture[str], *,
                allow_motion: bool = True) -> str:
    """A clinic data folder with its key and one child; returns the child's id."""
    with open_store(folder) as store:
        profile_id = store.create_profile(CHILD, allow_frame_traces=allow_motion).profile_id
    code, _, err = cli(capsys, "clinic", "init", "--data-dir", str(folder))
    assert code == 0, err
    return profile_id


def make_pair(tmp_path: Path, capsys: pytest.CaptureFixture[str], *, pair: bool = True,
              levels: str = "first-faces", allow_motion: bool = True,
              name: str = "home") -> Pair:
    clinic, home, plan = tmp_path / "clinic", tmp_path / name, tmp_path / f"{name}.plan.json"
    profile_id = make_clinic(clinic, capsys, allow_motion=allow_motion) \
        if not clinic.exists() else _child_id(clinic)
    code, out, err = cli(capsys, "home", "plan", CHILD, "--out", str(plan), "--days", "4",
                         "--minutes", "20", "--levels", levels, "--data-dir", str(clinic))
    assert code == 0, err
    plan_id = line_after(out, "Home plan").split()[0]
    code, out, err = cli(capsys, "home", "setup", str(plan), "--name", CHILD,
                         "--data-dir", str(home))
    assert code == 0, err
    home_key = line_after(out, "This installation's key:")
    code_home = line_after(out, "Pairing code:")
    if pair:
        code, out, err = cli(capsys, "clinic", "pair", CHILD, home_key,
                             "--data-dir", str(clinic))
        assert code == 0, err
        assert line_after(out, "Pairing code:") == code_home  # read aloud: the same
    return Pair(clinic, home, plan, profile_id, plan_id, home_key, code_home)


def _child_id(clinic: Path) -> str:
    with open_store(clinic, read_only=True) as store:
        return store.resolve_profile(CHILD).profile_id


def record_home_sessions(pair: Pair, count: int, *, start: datetime | None = None,
                         trials: int = 3) -> list[str]:
    """`count` sessions played at home (one a day from `start`), through the real store."""
    start = start or datetime.now(timezone(timedelta(hours=1))) - timedelta(days=count)
    ids = []
    for day in range(count):
        clock = StepClock(start + timedelta(days=day), step=timedelta(minutes=2))
        with open_store(pair.home, clock=clock) as store:
            session = store.start_session(pair.profile_id, level_set_id="first-faces",
                                          place="home", plan_id=pair.plan_id)
            for index in range(trials):
                store.add_trial(session.session_id, make_trial(index, success=index != 1))
            store.end_session(session.session_id)
            motion = store.motion_path(session.session_id)
            assert motion is not None
            motion.parent.mkdir(mode=0o700, exist_ok=True)
            motion.write_bytes(b"PAR1 motion of " + session.session_id.encode())
            ids.append(session.session_id)
    return ids


def send(pair: Pair, capsys: pytest.CaptureFixture[str], out: Path, *more: str) -> Path:
    code, text, err = cli(capsys, "home", "send", "--out", str(out),
                          "--data-dir", str(pair.home), *more)
    assert code == 0, err
    assert out.is_file(), text
    return out


def records_digest(folder: Path) -> dict[str, str]:
    """A digest of every records file that a merge could change (not the backups, which
    every writable opening adds to)."""
    found = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder)
        if path.is_file() and rel.parts[0] not in ("backups",) and path.suffix != ".lock":
            found[str(rel)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def copy_folder(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target
