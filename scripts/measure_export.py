"""Time and peak memory of exporting 30,000 trials (issue 25: under 10 s and 300 MB).

    python scripts/measure_export.py [--tree DIR] [--trials 30000]

Builds a data folder of one child with `--trials` trials (100 per session) in a temporary
folder, written the way the store writes them (one JSON line per trial), then runs
`facequest export` as a fresh process for CSV, JSON and Parquet and prints the wall time,
CPU time and peak resident memory (`ru_maxrss`) of each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BUILD = """
import json, sys
from pathlib import Path
from game.records import open_store
from game.records.models import StoredTrial
from tests.records.factories import make_trial
data, count = Path(sys.argv[1]), int(sys.argv[2])
with open_store(data) as store:
    child = store.create_profile('Ava')
    sessions = [store.start_session(child.profile_id, level_set_id='first-faces')
                for _ in range(max(1, count // 100))]
    for s in sessions:
        store.end_session(s.session_id)
lines = []
for n in range(count):
    s = sessions[n // 100 % len(sessions)]
    trial = make_trial(n % 100, success=n % 3 != 0, prompt_level=n % 4)
    doc = StoredTrial(session_id=s.session_id, profile_id=child.profile_id,
                      recorded_at=s.started_at, trial=trial).to_dict()
    lines.append(json.dumps(doc, ensure_ascii=False, allow_nan=False))
(data / 'trials' ).mkdir(exist_ok=True)
(data / 'trials' / f'{child.profile_id}.jsonl').write_text('\\n'.join(lines) + '\\n')
"""


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--trials", type=int, default=30_000)
    args = parser.parse_args()
    tree = args.tree.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        subprocess.run([sys.executable, "-c", BUILD, str(data), str(args.trials)], check=True,
                       env=_env(tree), cwd=tree)
        size = sum(p.stat().st_size for p in (data / "trials").iterdir()) / 1e6
        print(f"{args.trials} trials, trials file {size:.1f} MB")
        for fmt in ("csv", "json", "parquet"):
            out = Path(tmp) / f"out.{fmt}"
            command = [sys.executable, "-m", "game", "export", "--data-dir", str(data),
                       "--format", fmt, "--out", str(out)]
            start = time.perf_counter()
            process = subprocess.Popen(command, env=_env(tree), cwd=tree,
                                       stdout=subprocess.DEVNULL)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            cpu = usage.ru_utime + usage.ru_stime
            print(f"{fmt:8s} exit {os.waitstatus_to_exitcode(status)}  wall {wall:.1f} s  "
                  f"CPU {cpu:.1f} s  peak memory {usage.ru_maxrss / 1024:.0f} MB  "
                  f"file {out.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
