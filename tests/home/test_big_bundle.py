"""A 10,000-session bundle made by a script imports within memory and in under 30 s."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.records import open_store
from tests.home.big_bundle import big_bundle
from tests.home.helpers import make_pair

REPO = Path(__file__).resolve().parents[2]
SESSIONS = 10_000
LIMIT_S = 30.0
LIMIT_MB = 1024  # peak resident memory of the whole `facequest clinic import` process


@pytest.mark.slow
def test_a_10000_session_bundle_imports_in_time_and_memory(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pair = make_pair(tmp_path, capsys)
    bundle = tmp_path / "big.fqb"
    bundle.write_bytes(big_bundle(pair, SESSIONS))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    # The import runs under a fresh Python whose only child it is: RUSAGE_CHILDREN of this
    # test process would report the largest child of the whole pytest session (a game run
    # by an earlier test), not this import's peak.
    measure = ("import resource, subprocess, sys; "
               "done = subprocess.run(sys.argv[1:]); "
               "print('peak_kb', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, "
               "file=sys.stderr); sys.exit(done.returncode)")
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", measure, sys.executable, "-m", "game",
                           "clinic", "import", str(bundle), "--data-dir", str(pair.clinic)],
                          capture_output=True, text=True, env=env, timeout=120)
    seconds = time.perf_counter() - began
    peak_kb = [line for line in done.stderr.splitlines() if line.startswith("peak_kb ")]
    assert peak_kb, done.stderr
    peak_mb = int(peak_kb[-1].split()[1]) / 1024
    assert done.returncode == 0, done.stderr
    assert f"{SESSIONS} session(s) and {3 * SESSIONS} trial(s) merged" in done.stdout
    print(f"10,000-session bundle ({bundle.stat().st_size / 1e6:.1f} MB): imported in "
          f"{seconds:.1f} s, peak memory {peak_mb:.0f} MB")
    assert seconds < LIMIT_S
    assert peak_mb < LIMIT_MB
    with open_store(pair.clinic, read_only=True) as store:
        assert len(store.sessions_for(pair.profile_id)) == SESSIONS
