"""A whole scripted session, headless, on a video of real faces built in the test.

The video (never stored in the repo) shows a performer's calm face for the calibration,
then the happy face held for a long while, so the first trials can succeed. The level set
(written into tmp_path) has one mimic, one maze and one story trial, so the run passes
through every trial scene. Asserts: the run ends cleanly, at least one successful
TrialRecord is stored, and screenshots of the mimic, maze and reward scenes exist.
"""

from __future__ import annotations

import pytest

from tests.face_videos import PlayedSession


@pytest.mark.slow
@pytest.mark.datasets
def test_scripted_headless_session_records_a_success_and_shows_every_trial_scene(
    played_session: PlayedSession,
) -> None:
    # the run (tests/ui/conftest.py): the video, the three-mode level set, --max-seconds 34,
    # --screenshots, --seed 3; its records are shared, so they are opened read-only
    from game.records import open_store

    with open_store(played_session.data, read_only=True) as store:
        (profile,) = store.find_profiles(played_session.name)
        trials = [stored.trial for stored in store.trials_for(profile.profile_id)]
        (session,) = store.sessions_for(profile.profile_id)
        baseline = store.baseline_of(profile.profile_id)  # kept in calibration/<id>.json
    assert any(t.success for t in trials), [t.outcome for t in trials]
    assert session.ended_at is not None
    assert baseline is not None  # calibration on the calm frames worked
    names = {p.stem.split("_", 1)[1] for p in played_session.shots.glob("*.png")}
    assert {"calibration", "mimic", "reward", "maze"} <= names, sorted(names)
