"""A game killed with SIGKILL while writing trials loses no finished trial."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from game.records.store import RECORDS_FILE, open_store
from tests.conftest import REPO_ROOT

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from game.records.store import open_store
    from tests.records.factories import make_trial

    store = open_store(Path(sys.argv[1]))
    session = store.start_session(sys.argv[2], level_set_id="kill-test")
    print(session.session_id, flush=True)
    index = 0
    while True:
        store.add_trial(session.session_id, make_trial(index, target="sad", peak_score=0.5))
        print(index, flush=True)  # trial `index` is on disk
        index += 1
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_sigkill_while_writing_trials_keeps_every_finished_trial(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Kim")
    rng = random.Random(8)
    finished: dict[str, int] = {}
    for _round in range(4):
        kill_after = rng.randint(3, 40)
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(data_dir), child.profile_id],
            cwd=REPO_ROOT,
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        )
        assert proc.stdout is not None
        session_id = proc.stdout.readline().strip()
        last = -1
        while last < kill_after:
            line = proc.stdout.readline()
            assert line, f"writer stopped early (exit {proc.poll()})"
            last = int(line)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
        assert proc.returncode == -signal.SIGKILL
        finished[session_id] = last

        store = open_store(data_dir)  # must read cleanly: no CorruptStoreError
        for sid, last_done in finished.items():
            indices = [t.trial.trial_index for t in store.trials_in(sid)]
            # every trial reported finished is there; at most the one in flight also made it
            assert indices[: last_done + 1] == list(range(last_done + 1))
            assert len(indices) in (last_done + 1, last_done + 2)
        store.close()
    leftovers = [p.name for p in data_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []
    assert (data_dir / RECORDS_FILE).is_file()
