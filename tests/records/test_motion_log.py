"""Motion records on disk: round trip, consent, erasure, DuckDB, kill -9 at random moments."""

from __future__ import annotations

import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from game.expressions import BLENDSHAPE_NAMES, QualityFlag
from game.motion.frame import FaceMotion, MarkKind, MotionFrame, MotionMark, TrialMotion
from game.motion.metrics import measure_trial
from game.motion.vocabulary import ACTION_NAMES, LATERAL_ACTIONS
from game.records.motion_log import (
    MotionFileError,
    SessionMotionWriter,
    encode_session,
    read_session_motion,
)
from game.records.store import open_store
from tests.conftest import REPO_ROOT
from tests.records.factories import make_trial


def synthetic_trial(seed: int, n: int = 60, target: str = "happy") -> TrialMotion:
    """A trial of `n` frames at 30 fps, a gap with no face, marks. Each value drifts (a
    random walk) with frame-to-frame jitter of sd 0.02 (blendshapes) and 0.05 (actions, in
    full changes), about twice what the landmarker shows on a still face in a video."""
    rng = np.random.default_rng(seed)
    frames = []
    blend = rng.uniform(0, 0.5, len(BLENDSHAPE_NAMES))
    drift = np.zeros(len(ACTION_NAMES) + 2 * len(LATERAL_ACTIONS))
    for i in range(n):
        if i == 7:
            frames.append(MotionFrame(i * 33, None, frozenset({QualityFlag.NO_FACE}), False))
            continue
        level = min(1.0, max(0.0, (i - 10) / 15))
        blend = np.clip(blend + rng.normal(0, 0.02, len(blend)), 0, 1)
        drift = 0.9 * drift + rng.normal(0, 0.05, len(drift))
        actions = drift[: len(ACTION_NAMES)].copy()
        actions[0] += level
        sides = drift[len(ACTION_NAMES):] + level
        face = FaceMotion(blend, actions, sides[: len(LATERAL_ACTIONS)],
                          sides[len(LATERAL_ACTIONS):],
                          (float(rng.normal(0, 2)), 1.5, -2.0), 0.31, "child", 1.25)
        frames.append(MotionFrame(i * 33, face, frozenset(), True, level))
    marks = (MotionMark(0, MarkKind.PROMPT), MotionMark(400, MarkKind.HINT, "smile_wider"),
             MotionMark(900, MarkKind.HOLD_START), MotionMark(1900, MarkKind.REWARD,
                                                              "independent"))
    return TrialMotion(target, "mimic", tuple(frames), marks, model_face_shown=True)


def test_a_session_file_reads_back_frame_for_frame(tmp_path: Path) -> None:
    trials = [(0, synthetic_trial(1)), (2, synthetic_trial(2, target="sad"))]
    path = tmp_path / "S-1.parquet"
    path.write_bytes(encode_session(trials))
    back = read_session_motion(path)
    assert [i for i, _ in back] == [0, 2]
    for (_, written), (_, read) in zip(trials, back, strict=True):
        assert read.target == written.target and read.marks == written.marks
        assert read.model_face_shown and read.mode == "mimic"
        assert len(read.frames) == len(written.frames)
        for a, b in zip(written.frames, read.frames, strict=True):
            assert (a.t_ms, a.flags, a.trusted, a.target_score) == (
                b.t_ms, b.flags, b.trusted, b.target_score)
            assert (a.face is None) == (b.face is None)
            if a.face is not None and b.face is not None:
                for name in ("blendshapes", "actions", "left", "right"):
                    assert np.array_equal(getattr(a.face, name), getattr(b.face, name))
                assert a.face.head_pose == b.face.head_pose
                assert a.face.neutral_yaw == b.face.neutral_yaw
        # the metrics from the stored record are the live ones, to the last digit
        assert measure_trial(read) == measure_trial(written)


def test_a_damaged_file_is_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "S-2.parquet"
    path.write_bytes(encode_session([(0, synthetic_trial(3))])[:-200])
    with pytest.raises(MotionFileError, match="not a readable motion record"):
        read_session_motion(path)


def test_duckdb_reads_the_session_files_directly(tmp_path: Path) -> None:
    duckdb = pytest.importorskip("duckdb")
    for k in range(2):
        (tmp_path / f"S-{k}.parquet").write_bytes(encode_session([(0, synthetic_trial(k))]))
    pattern = str(tmp_path / "*.parquet")
    (rows,) = duckdb.sql(f"select count(*), avg(act_lip_corners_up), count(bs_mouthSmileLeft) "
                         f"from read_parquet('{pattern}')").fetchall()
    assert rows[0] == 120 and rows[2] == 118  # two frames had no face


def test_a_fifteen_minute_session_stays_under_three_megabytes() -> None:
    # 15 min at 30 fps is 27,000 frames: random faces (harder to compress than real ones)
    trials = [(k, synthetic_trial(k, n=300)) for k in range(90)]
    assert len(encode_session(trials)) < 3_000_000


def test_the_store_keeps_motion_only_with_consent_and_delete_erases_it(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        kept = store.create_profile("Ana", allow_frame_traces=True)
        off = store.create_profile("Ben")
        s_kept = store.start_session(kept.profile_id, level_set_id="first-faces")
        s_off = store.start_session(off.profile_id, level_set_id="first-faces")
        assert store.open_motion(s_off.session_id) is None
        writer = store.open_motion(s_kept.session_id)
        assert writer is not None
        store.add_trial(s_kept.session_id, make_trial(0))
        writer.add(0, synthetic_trial(5))
        writer.close()
        path = store.motion_path(s_kept.session_id)
        assert path is not None and path.is_file()
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        store.delete_profile(kept.profile_id)
        assert not path.exists()
        assert not any(s_kept.session_id in p.name for p in tmp_path.rglob("*"))


WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from game.records.motion_log import SessionMotionWriter
    from tests.records.test_motion_log import synthetic_trial

    writer = SessionMotionWriter(Path(sys.argv[1]))
    index = 0
    while True:
        writer.add(index, synthetic_trial(index, n=90))
        writer.flush()
        print(index, flush=True)  # trial `index` is on disk
        index += 1
    """
)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_kill_9_keeps_the_record_up_to_the_last_finished_trial(tmp_path: Path) -> None:
    rng = random.Random(4)
    for round_ in range(8):
        path = tmp_path / f"S-{round_}.parquet"
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], cwd=REPO_ROOT,
                                stdout=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "0"
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        reported = [0, *(int(line) for line in proc.stdout.read().split())]
        proc.stdout.close()
        stored = [index for index, _ in read_session_motion(path)]
        assert stored[: len(reported)] == reported  # every finished trial, in order
        assert stored == list(range(len(stored)))


def test_a_writer_that_cannot_write_keeps_the_child_playing(tmp_path: Path) -> None:
    blocker = tmp_path / "motion"
    blocker.write_text("a file where the folder should be")
    writer = SessionMotionWriter(blocker / "S-9.parquet")
    writer.add(0, synthetic_trial(9))
    writer.flush()
    assert writer.failed_writes == 1
    writer.close()
