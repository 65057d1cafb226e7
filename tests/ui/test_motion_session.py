"""A real headless session's motion record: replayed from the file it gives the metrics measured
live, and `profiles delete` leaves no trace of its sessions.

The video (built in the test from a performer's calm and happy photos, never stored) plays
a session for a child whose profile allows per-frame records.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from game.cli import main
from game.motion.metrics import measure_trial
from game.records import open_store
from game.records.motion_log import read_session_motion
from tests.face_videos import PlayedSession


@pytest.mark.slow
@pytest.mark.datasets
def test_the_stored_record_replays_to_the_live_metrics_and_delete_erases_it(
        played_session: PlayedSession, tmp_path: Path) -> None:
    # Tess's session (allowed per-frame records) is the shared run of tests/ui/conftest.py;
    # a copy of its data folder takes Uri's session and the deletion
    data = tmp_path / "data"
    shutil.copytree(played_session.data, data)
    with open_store(data) as store:
        store.create_profile("Uri")  # no consent: metrics, but no record
    assert main(["play", "--headless", "--source", str(played_session.video), "--levels",
                 str(played_session.levels), "--profile", "Uri", "--data-dir", str(data),
                 "--max-seconds", "30", "--seed", "3"]) == 0

    with open_store(data) as store:
        tess, uri = store.find_profiles("Tess")[0], store.find_profiles("Uri")[0]
        (session,) = store.sessions_for(tess.profile_id)
        live = {t.trial.trial_index: t.trial.motion for t in store.trials_in(session.session_id)}
        path = store.motion_path(session.session_id)
        (uri_session,) = store.sessions_for(uri.profile_id)
        uri_trials = store.trials_in(uri_session.session_id)
        uri_path = store.motion_path(uri_session.session_id)
    assert path is not None and path.is_file()
    assert uri_path is not None and not uri_path.exists()
    assert all(t.trial.motion is not None for t in uri_trials)  # measured whatever the switch

    replayed = read_session_motion(path)
    assert [index for index, _ in replayed] == sorted(live)
    assert any(m is not None and m.measurable for m in live.values())
    for index, motion in replayed:
        assert measure_trial(motion) == live[index]  # the same numbers, to the last digit
        assert motion.marks[0].kind == "prompt"

    assert main(["profiles", "delete", "Tess", "--yes", "--data-dir", str(data)]) == 0
    marker = session.session_id.encode()
    for file in data.rglob("*"):
        if file.is_file():
            assert marker not in file.name.encode() and marker not in file.read_bytes(), file
