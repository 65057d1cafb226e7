"""No phantom sessions, through the command line: a video that ends before the first prompt
records nothing (no session, no "0 stars" in the report), and the goodbye says in words that
the video ended. The video (a real face, the astronaut, for one second) is built in the test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game import phrases
from game.cli import main
from game.paths import DEFAULT_MODEL_PATH
from game.records import open_store


def _short_video(path: Path, face: np.ndarray, seconds: float = 1.0, fps: int = 15) -> Path:
    import cv2

    frame = cv2.resize(cv2.cvtColor(np.asarray(face), cv2.COLOR_RGB2BGR), (640, 480))
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, (640, 480))
    assert writer.isOpened()
    for _ in range(round(seconds * fps)):
        writer.write(frame)
    writer.release()
    return path


@pytest.mark.slow
@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no shipped expression model")
def test_a_video_that_ends_before_the_first_prompt_records_no_session(
    tmp_path: Path, astronaut_rgb: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    video = _short_video(tmp_path / "short.avi", astronaut_rgb)
    data_dir, shots = tmp_path / "data", tmp_path / "shots"
    code = main(["play", "--headless", "--source", str(video), "--data-dir", str(data_dir),
                 "--profile", "Kim", "--max-seconds", "20", "--screenshots", str(shots)])
    assert code == 0, capsys.readouterr().err
    with open_store(data_dir, read_only=True) as store:
        (kim,) = store.find_profiles("Kim")
        assert store.sessions_for(kim.profile_id) == []
        assert store.trials_for(kim.profile_id) == []
    assert not (data_dir / "traces").exists()
    names = [p.stem.split("_", 1)[1] for p in sorted(shots.glob("*.png"))]
    assert names[-1] == "end" and "mimic" not in names, names
    assert phrases.text("ui.flow.video_ended", "en") == "The video ended."


@pytest.mark.slow
@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no shipped expression model")
def test_a_run_that_never_saw_a_face_records_no_session(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A still with no face in it and a short run: the first trial was prompted, but no face
    was ever in view, so it was never played (a real face that makes the expression at once
    is a real session, however short)."""
    import cv2

    still = tmp_path / "grey.png"
    cv2.imwrite(str(still), np.full((480, 640, 3), 128, np.uint8))
    data_dir = tmp_path / "data"
    code = main(["play", "--headless", "--source", str(still), "--data-dir", str(data_dir),
                 "--profile", "Kim", "--max-seconds", "4"])
    assert code == 0, capsys.readouterr().err
    with open_store(data_dir, read_only=True) as store:
        (kim,) = store.find_profiles("Kim")
        assert store.sessions_for(kim.profile_id) == []
        assert store.trials_for(kim.profile_id) == []


def test_a_first_trial_cut_off_early_was_never_played() -> None:
    import dataclasses

    from game.play import events as ev
    from game.play.trial_record import MIN_PLAYED_MS, TrialOutcome
    from tests.records.factories import make_trial

    def recorded(outcome: TrialOutcome, played_ms: int, paused_ms: int = 0) -> ev.TrialRecorded:
        record = dataclasses.replace(make_trial(0, outcome=outcome), started_ms=1000,
                                     ended_ms=1000 + played_ms + paused_ms, paused_ms=paused_ms)
        return ev.TrialRecorded(t_ms=record.ended_ms, record=record)

    def _never_played(e: ev.TrialRecorded) -> bool:
        return e.record.never_played()

    assert _never_played(recorded(TrialOutcome.ENDED, 137))
    assert _never_played(recorded(TrialOutcome.ENDED, 500, paused_ms=60_000))  # no face seen
    assert not _never_played(recorded(TrialOutcome.ENDED, MIN_PLAYED_MS + 1))
    assert not _never_played(recorded(TrialOutcome.TIMEOUT, 137))  # it ran its course
