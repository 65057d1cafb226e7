"""Quick commands on the records and levels start without the numerics: numpy (and what
needs it: motion records, metrics, vision) is imported only by the commands that use it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.paths import LEVELS_DIR, REPO_ROOT
from game.records.store import open_store

# runs one command through game.cli.main and prints the heavy modules it loaded
PROBE = (
    "import sys\n"
    "from game.cli import main\n"
    "code = main(sys.argv[1:])\n"
    "heavy = ('numpy', 'cv2', 'mediapipe', 'onnxruntime', 'pyarrow', 'matplotlib')\n"
    "print('loaded:', sorted(m for m in heavy if m in sys.modules))\n"
    "raise SystemExit(code)\n"
)


def _loaded_by(args: list[str]) -> str:
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True,
                          text=True, env=env, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1]


@pytest.fixture
def records(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    with open_store(folder) as store:
        store.create_profile("Mia")
    return folder


@pytest.mark.parametrize(
    "args",
    [
        ["profiles", "list"],
        ["profiles", "show", "Mia"],
        ["levels", "check", str(LEVELS_DIR / "first-faces.toml")],
        ["levels", "list"],
    ],
    ids=["profiles-list", "profiles-show", "levels-check", "levels-list"],
)
def test_quick_commands_load_no_numerics(records: Path, args: list[str]) -> None:
    if args[0] == "profiles":
        args = [*args, "--data-dir", str(records)]
    assert _loaded_by(args) == "loaded: []"


def test_the_probe_sees_a_command_that_needs_numpy(records: Path) -> None:
    # the check above can fail: an export to Parquet does load numpy (through pyarrow)
    loaded = _loaded_by(["export", "Mia", "--data-dir", str(records), "--format", "parquet",
                         "--out", str(records.parent / "out.parquet")])
    assert "'numpy'" in loaded and "'pyarrow'" in loaded
