"""A process killed with SIGKILL at random moments loses no finished trial.

The writer plays the game's part: it stores each trial the moment it ends (as
`SessionDriver` does on `TrialRecorded`), then says so on stdout, then "shows the reward"
(a short random pause), sometimes amends the trial (a therapist override) or writes a
note. The test kills it at a random moment, reopens the records and checks that every
trial reported finished is there and readable.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from game.records.store import RECORDS_FILE, open_store
from tests.conftest import REPO_ROOT

WRITER = textwrap.dedent(
    """
    import dataclasses, random, sys, time
    from pathlib import Path
    from game.play.trial_record import Override
    from game.records.store import open_store
    from tests.records.factories import make_trial

    rng = random.Random(int(sys.argv[3]))
    store = open_store(Path(sys.argv[1]))
    session = store.start_session(sys.argv[2], level_set_id="kill-test")
    print(session.session_id, flush=True)
    index = 0
    while True:
        trial = make_trial(index, target="sad", peak_score=0.5)
        store.add_trial(session.session_id, trial)
        print(index, flush=True)  # trial `index` is stored
        time.sleep(rng.uniform(0, 0.01))  # the reward card
        if rng.random() < 0.3:
            store.replace_trial(session.session_id, dataclasses.replace(
                trial, success=True, override=Override.ACCEPT))
        if rng.random() < 0.1:
            store.set_trial_note(session.session_id, index, "note " * rng.randint(1, 40))
        index += 1
    """
)

KILLS = 20


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_at_random_moments_keeps_every_finished_trial(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Kim")
    rng = random.Random(8)
    finished: dict[str, int] = {}
    for round_ in range(KILLS):
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), child.profile_id, str(round_)],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        assert proc.stdout is not None
        session_id = proc.stdout.readline().strip()
        assert session_id, f"writer did not start (exit {proc.poll()})"
        time.sleep(rng.uniform(0.0, 0.4))  # a random moment: mid-write, mid-reward, ...
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        assert proc.returncode == -signal.SIGKILL
        reported = [int(line) for line in proc.stdout.read().split()]
        proc.stdout.close()
        finished[session_id] = reported[-1] if reported else -1

        store = open_store(data_dir)  # must read cleanly: no CorruptStoreError
        for sid, last_done in finished.items():
            indices = [t.trial.trial_index for t in store.trials_in(sid)]
            # every trial reported finished is there; at most the one in flight also made it
            assert indices[: last_done + 1] == list(range(last_done + 1))
            assert len(indices) in (last_done + 1, last_done + 2)
        store.close()
    assert sum(last + 1 for last in finished.values()) > KILLS  # the kills hit busy writers
    leftovers = [p.name for p in data_dir.rglob("*.tmp")]
    assert leftovers == []
    assert (data_dir / RECORDS_FILE).is_file()
