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
