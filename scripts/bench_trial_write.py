"""How long storing one trial takes on the game's (UI) thread with a clinic's records kept.

    .venv/bin/python scripts/bench_trial_write.py                 # 30,000 trials, 30 children
    .venv/bin/python scripts/bench_trial_write.py --trials 30000 --children 1

Fills a temporary data folder with `--trials` stored trials spread over `--children`
children (sessions of 20 trials), closes it, opens it again as the game does, starts a
session for one child and times `ProgressStore.add_trial` (the call `SessionDriver` makes
the moment a trial ends: one line appended to the child's file and fsync-ed) `--writes`
times. Prints the median, 95th percentile and worst time in milliseconds. The budget is
20 ms (issue 15); docs/benchmarks.md keeps the measured figure.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from game.records.store import open_store  # noqa: E402
from tests.records.factories import make_trial  # noqa: E402

BUDGET_MS = 20.0
PER_SESSION = 20


def fill(data_dir: Path, trials: int, children: int) -> str:
    """Store `trials` trials (fast path: each child's file is written in one go)."""
    with open_store(data_dir) as store:
        ids = [store.create_profile(f"Child {n}").profile_id for n in range(children)]
        per_child = trials // children
        for profile_id in ids:
            docs = []
            for first in range(0, per_child, PER_SESSION):
                session = store.start_session(profile_id, level_set_id="first-faces")
                store.end_session(session.session_id)
                for index in range(min(PER_SESSION, per_child - first)):
                    docs.append({"session_id": session.session_id, "profile_id": profile_id,
                                 "recorded_at": "2026-01-01T10:00:00+00:00",
                                 "therapist_note": "", "trial": make_trial(index).to_dict()})
            store._log.rewrite(profile_id, docs)
        return ids[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=30_000)
    parser.add_argument("--children", type=int, default=30)
    parser.add_argument("--writes", type=int, default=200)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="facequest-bench-") as tmp:
        data_dir = Path(tmp) / "data"
        child = fill(data_dir, args.trials, args.children)
        with open_store(data_dir) as store:
            stored = sum(len(store.trials_for(p.profile_id)) for p in store.list_profiles())
        store = open_store(data_dir)
        session = store.start_session(child, level_set_id="first-faces")
        times = []
        for index in range(args.writes):
            trial = make_trial(index)
            started = time.perf_counter()
            store.add_trial(session.session_id, trial)
            times.append((time.perf_counter() - started) * 1000)
        store.close()
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    print(f"trial write with {stored:,} trials stored ({args.children} children): "
          f"median {statistics.median(times):.2f} ms, p95 {p95:.2f} ms, "
          f"max {times[-1]:.2f} ms over {len(times)} writes (budget {BUDGET_MS:.0f} ms)")
    return 0 if p95 <= BUDGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
