"""A data folder holding one child with several sessions (name chosen to test escaping)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.records.store import ProgressStore, open_store
from tests.records.factories import StepClock, fill_progress

HOSTILE_NAME = "<script>alert(1)</script>"


@pytest.fixture
def filled_dir(tmp_path: Path) -> tuple[Path, str]:
    """(data folder, profile id) of a child with 5 sessions of 12 trials, plus a sibling."""
    data_dir = tmp_path / "data"
    clock = StepClock()
    with open_store(data_dir, clock=clock) as store:
        child = store.create_profile(
            HOSTILE_NAME, birth_year=2017, notes="Prefers <b>quiet</b> rooms & short sessions."
        )
        fill_progress(store, child.profile_id, sessions=5, trials_per_session=12, clock=clock)
        session = store.sessions_for(child.profile_id)[2]
        store.set_trial_note(session.session_id, 4, f"{HOSTILE_NAME} was tired <img src=x>")
        sibling = store.create_profile("Ben Lee")
        fill_progress(store, sibling.profile_id, sessions=2, trials_per_session=4, clock=clock)
    return data_dir, child.profile_id


@pytest.fixture
def filled_store(filled_dir: tuple[Path, str]) -> tuple[ProgressStore, str]:
    data_dir, profile_id = filled_dir
    return open_store(data_dir, read_only=True), profile_id
