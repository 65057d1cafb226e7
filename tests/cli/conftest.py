"""The records the CLI fault tests break: one child with one ended session."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.records import open_store
from tests.records.factories import make_trial


@pytest.fixture()
def records(tmp_path: Path) -> Path:
    """A data folder holding one child (Ava) with one ended session of three trials."""
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        child = store.create_profile("Ava")
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        for index in range(3):
            store.add_trial(session.session_id, make_trial(index))
        store.end_session(session.session_id)
    return data_dir
