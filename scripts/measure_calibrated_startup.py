"""Start-up and UI frame times with 100 calibrated children (issue 25, "Calm faces").

    python scripts/measure_calibrated_startup.py [--tree DIR] [--children 100] [--runs 2]

Writes a data folder of `--children` children, each with a stored calm-face baseline of
about 240 KB inside `progress.json` (the layout before baselines moved to `calibration/`),
then runs a headless `facequest play` on a still picture of a face for a few seconds,
`--runs` times (the first run of a tree that moves baselines out does the move), and prints
the game's own figures: first frame after start, UI frame p99 and max. Also times
`profiles list` on the same folder. Run it for two trees on the same machine to compare.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def baseline(seed: int) -> dict[str, object]:
    """A stand-in for `NeutralBaseline.to_dict()` of the same size (~240 KB)."""
    rng = random.Random(seed)
    return {"spec_version": "1",
            "median": {f"b{n}": rng.random() for n in range(52)},
            "mesh": [round(rng.random(), 6) for _ in range(478 * 3)],
            "samples": [round(rng.random(), 6) for _ in range(24_000)]}


def make_records(tree: Path, data: Path, children: int) -> None:
    code = ("import sys\nfrom game.records import open_store\n"
            "with open_store(sys.argv[1]) as store:\n"
            f"    for n in range({children}):\n"
            "        store.create_profile(f'Child {n}')\n")
    subprocess.run([sys.executable, "-c", code, str(data)], check=True, env=_env(tree),
                   cwd=tree)
    path = data / "progress.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    for n, doc in enumerate(document["profiles"].values()):
        doc["baseline"] = baseline(n)
    path.write_text(json.dumps(document), encoding="utf-8")


def _env(tree: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(tree), "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy"}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tree", type=Path, default=Path(__file__).resolve().parents[1])
    parser.add_argument("--children", type=int, default=100)
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    tree = args.tree.resolve()
    with tempfile.TemporaryDirectory() as tmp:
        data, face = Path(tmp) / "data", Path(tmp) / "face.png"
        make_records(tree, data, args.children)
        print(f"progress.json {(data / 'progress.json').stat().st_size / 1e6:.1f} MB "
              f"with {args.children} calibrated children")
        subprocess.run([sys.executable, "-c",
                        "import sys, cv2; from skimage import data; "
                        "cv2.imwrite(sys.argv[1], cv2.cvtColor(data.astronaut(), "
                        "cv2.COLOR_RGB2BGR))", str(face)], check=True)
        for run in range(args.runs):
            done = subprocess.run(
                [sys.executable, "-m", "game", "play", "--headless", "--source", str(face),
                 "--data-dir", str(data), "--profile", "Child 1", "--max-seconds", "6"],
                env=_env(tree), cwd=tree, capture_output=True, text=True)
            line = next((x for x in done.stdout.splitlines() if "UI frame time" in x), "")
            found = re.search(r"p99 ([\d.]+) ms, max ([\d.]+) ms.*first frame ([\d.]+) s", line)
            figures = (f"first frame {found[3]} s, frame p99 {found[1]} ms, max {found[2]} ms"
                       if found else f"no figures (exit {done.returncode})")
            print(f"play run {run + 1}: {figures}; progress.json now "
                  f"{(data / 'progress.json').stat().st_size / 1e6:.2f} MB")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "game", "profiles", "list", "--data-dir",
                        str(data)], env=_env(tree), cwd=tree, capture_output=True, check=True)
        print(f"profiles list {time.perf_counter() - start:.2f} s")


if __name__ == "__main__":
    main()
