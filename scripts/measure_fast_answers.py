"""Wall time of the quick commands, and what they import (issue 25, "Fast answers").

    python scripts/measure_fast_answers.py [--tree DIR] [--runs N]

Builds a data folder of one child with 15 trials in a temporary folder, then runs
`profiles list`, `profiles show` and `levels check` N times each as fresh processes
(`python -m game ...` with PYTHONPATH=DIR, default: this checkout) and prints the best and
median wall time, and which heavy libraries each run imported (`python -X importtime`).
Run it for two trees in turn on the same machine to compare before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEAVY = ("pyarrow", "matplotlib", "mediapipe", "cv2", "onnxruntime", "pygame", "numpy")


def make_records(tree: Path, data_dir: Path) -> None:
    code = (
        "from game.records import open_store\n"
        "from tests.records.factories import make_trial\n"
        f"with open_store({str(data_dir)!r}) as store:\n"
        "    child = store.create_profile('Ava')\n"
        "    session = store.start_session(child.profile_id, level_set_id='first-faces')\n"
        "    for i in range(15):\n"
        "        store.add_trial(session.session_id, make_trial(i))\n"
        "    store.end_session(session.session_id)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env=_env(tree), cwd=tree)


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy"}


def measure(tree: Path, args: list[str], runs: int) -> tuple[float, float, float, list[str]]:
    """Best and median wall time, best CPU time (user + system: what a quiet machine's wall
    time comes to, as the commands never wait), and the heavy libraries imported."""
    times, cpu = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "game", *args], check=True, env=_env(tree),
                       cwd=tree, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
    found = subprocess.run([sys.executable, "-X", "importtime", "-m", "game", *args],
                           env=_env(tree), cwd=tree, capture_output=True, text=True).stderr
    loaded = sorted({lib for lib in HEAVY for line in found.splitlines()
                     if line.rstrip().endswith(f"| {lib}") or line.rstrip().endswith(f" {lib}")})
    return min(times), statistics.median(times), min(cpu), loaded


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tree = args.tree.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        make_records(tree, data)
        for command in (["profiles", "list", "--data-dir", str(data)],
                        ["profiles", "show", "Ava", "--data-dir", str(data)],
                        ["levels", "check", str(tree / "levels" / "first-faces.toml")]):
            best, median, cpu, loaded = measure(tree, command, args.runs)
            print(f"{' '.join(command[:2]):16s} wall best {best:.2f} s, median {median:.2f} s; "
                  f"CPU {cpu:.2f} s; imports {', '.join(loaded) or '-'}")


if __name__ == "__main__":
    main()
