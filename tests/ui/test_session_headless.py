"""A whole scripted session, headless, on a video of real faces built in the test.

The video (never stored in the repo) shows a performer's calm face for the calibration,
then the happy face held for a long while, so the first trials can succeed. The level set
(written into tmp_path) has one mimic, one maze and one story trial, so the run passes
through every trial scene. Asserts: the run ends cleanly, at least one successful
TrialRecord is stored, and screenshots of the mimic, maze and reward scenes exist.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from tests.face_videos import THREE_MODES_LEVELS


@pytest.mark.slow
@pytest.mark.datasets
def test_scripted_headless_session_records_a_success_and_shows_every_trial_scene(
    performer_video: Path, tmp_path: Path
) -> None:
    video = performer_video
    levels = tmp_path / "levels.toml"
    levels.write_text(THREE_MODES_LEVELS, encoding="utf-8")
    shots, data = tmp_path / "shots", tmp_path / "data"
    code = main([
        "play", "--headless", "--source", str(video), "--levels", str(levels),
        "--profile", "Tester", "--data-dir", str(data), "--max-seconds", "34",
        "--screenshots", str(shots), "--seed", "3",
    ])
    assert code == 0

    from game.records import open_store

    with open_store(data) as store:
        (profile,) = store.find_profiles("Tester")
        trials = [stored.trial for stored in store.trials_for(profile.profile_id)]
        (session,) = store.sessions_for(profile.profile_id)
        baseline = store.baseline_of(profile.profile_id)  # kept in calibration/<id>.json
    assert any(t.success for t in trials), [t.outcome for t in trials]
    assert session.ended_at is not None
    assert baseline is not None  # calibration on the calm frames worked
    names = {p.stem.split("_", 1)[1] for p in shots.glob("*.png")}
    assert {"calibration", "mimic", "reward", "maze"} <= names, sorted(names)
