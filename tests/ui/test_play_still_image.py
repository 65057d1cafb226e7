"""`facequest play --headless --source <a still photo>` plays and records a real session.

A still image used to be one frame: the calibration waited for ~3 s of frames that never
came, so no session started and nothing but the profile was stored. Now the picture is
shown as a steady camera and scored against the population neutral, so the smiling
astronaut (skimage) plays the first-faces set: a session with trials is stored, the happy
trial succeeds and the model's name and hash are recorded.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from game.paths import DEFAULT_MODEL_PATH
from game.records import open_store, sha256_file


@pytest.mark.skipif(not DEFAULT_MODEL_PATH.is_file(), reason="no shipped expression model")
def test_a_still_photo_plays_a_session_with_trials_stored(
    tmp_path: Path, astronaut_rgb: np.ndarray, capsys: pytest.CaptureFixture[str]
) -> None:
    import cv2

    photo = tmp_path / "astronaut.png"
    cv2.imwrite(str(photo), cv2.cvtColor(np.asarray(astronaut_rgb), cv2.COLOR_RGB2BGR))
    data_dir, shots = tmp_path / "data", tmp_path / "shots"

    code = main(["play", "--headless", "--source", str(photo), "--max-seconds", "7",
                 "--data-dir", str(data_dir), "--profile", "X", "--levels", "first-faces",
                 "--screenshots", str(shots)])

    assert code == 0, capsys.readouterr().err
    with open_store(data_dir, read_only=True) as store:
        (profile,) = store.find_profiles("X")
        (session,) = store.sessions_for(profile.profile_id)
        trials = [t.trial for t in store.trials_in(session.session_id)]
        assert store.baseline_of(profile.profile_id) is None  # a photo is not a calm face
    assert session.ended_at and session.level_set_id == "first-faces"
    assert session.model_version == DEFAULT_MODEL_PATH.name
    assert session.model_hash == sha256_file(DEFAULT_MODEL_PATH)
    assert trials, "no trial was stored"
    first = trials[0]
    assert first.trial_index == 0 and first.target == "happy"
    assert first.success, f"the smiling astronaut did not pass 'happy': {first}"
    names = [p.stem.split("_", 1)[1] for p in sorted(shots.glob("*.png"))]
    assert "mimic" in names and "reward" in names
