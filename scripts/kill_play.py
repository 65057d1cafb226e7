"""Kill a real headless game with SIGKILL at random moments; count finished trials lost.

    .venv/bin/python scripts/kill_play.py --source face.png [--kills 20] [--seed 1]

Each round starts `facequest play --headless --source SOURCE -v` on one data folder, waits a
random 2-25 s (mid-trial, mid-reward, mid-gap: wherever it falls), kills it with SIGKILL,
then opens the records and checks that every trial the rules engine reported ended
("trial N ended" in the debug log, written before the trial is stored) is stored; only the
trial that ended in the very frame of the kill may be missing. Prints one line per round and
a total; exits 1 if a finished trial was lost. Linux/macOS only (SIGKILL).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from game.records.store import open_store  # noqa: E402

ENDED = re.compile(r"trial (\d+) ended: ")
STARTED = re.compile(r"session (S-[0-9A-F]+) started")


def one_round(source: str, data_dir: Path, wait_s: float) -> tuple[str | None, list[int]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "game", "-v", "play", "--headless", "--source", source,
         "--profile", "Kim", "--data-dir", str(data_dir)],
        cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    lines: list[str] = []
    stderr = proc.stderr
    assert stderr is not None
    reader = threading.Thread(target=lambda: lines.extend(stderr), daemon=True)
    reader.start()
    time.sleep(wait_s)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    reader.join(5)
    text = "".join(lines)
    session = STARTED.search(text)
    return (session.group(1) if session else None), [int(m) for m in ENDED.findall(text)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", required=True)
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    lost_total = ended_total = 0
    with tempfile.TemporaryDirectory(prefix="facequest-kill-") as tmp:
        data_dir = Path(tmp) / "data"
        for round_ in range(1, args.kills + 1):
            wait_s = rng.uniform(2.0, 25.0)
            session_id, ended = one_round(args.source, data_dir, wait_s)
            stored: list[int] = []
            if session_id is not None:
                with open_store(data_dir, read_only=True) as store:
                    stored = [t.trial.trial_index for t in store.trials_in(session_id)]
            in_flight = ended[-1:] if ended else []
            lost = [i for i in ended if i not in stored and i not in in_flight]
            lost_total += len(lost)
            ended_total += len(ended)
            print(f"round {round_:2d}: killed after {wait_s:4.1f} s; trials ended {len(ended)}, "
                  f"stored {len(stored)}, lost {len(lost)}"
                  + (" (the last one ended in the kill's frame)"
                     if in_flight and in_flight[0] not in stored else ""), flush=True)
    print(f"{args.kills} kills: {ended_total} finished trials, {lost_total} lost")
    return 1 if lost_total else 0


if __name__ == "__main__":
    sys.exit(main())
