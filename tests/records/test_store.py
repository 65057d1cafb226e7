"""ProgressStore: profiles, sessions and trials round-trip on a file and in memory."""

from __future__ import annotations

import re

import pytest

from game.play.trial_record import Override
from game.records.store import (
    DuplicateTrialError,
    ProgressStore,
    RecordNotFoundError,
    StoreError,
)
from tests.records.conftest import Backend
from tests.records.factories import fill_progress, make_trial

BASELINE = {"spec_version": "1", "median": {"mouthSmileLeft": 0.08}, "spread": {"x": 0.01}}


def test_new_profile_gets_a_random_pseudonymous_id_and_safe_defaults(store: ProgressStore) -> None:
    profile = store.create_profile("  Mia  ", birth_year=2017)
    assert re.fullmatch(r"C-[0-9A-F]{6}", profile.profile_id)
    assert profile.display_name == "Mia"
    assert not hasattr(profile, "allow_camera_images")  # offered no more: nothing kept pictures
    assert profile.allow_frame_traces is False
    assert profile.baseline is None
    assert "Mia" not in repr(profile)
    other = store.create_profile("Mia B.")
    assert other.profile_id != profile.profile_id


def test_profiles_round_trip_through_a_reopened_store(backend: Backend) -> None:
    first = backend.open()
    made = first.create_profile("小明", birth_year=2016, notes="likes trains", settings={"a": 1})
    first.set_baseline(made.profile_id, BASELINE)
    first.close()
    again = backend.open().get_profile(made.profile_id)
    assert again.display_name == "小明"
    assert again.birth_year == 2016
    assert again.notes == "likes trains"
    assert again.settings == {"a": 1}
    assert again.baseline == BASELINE


def test_changing_a_returned_record_does_not_change_the_store(store: ProgressStore) -> None:
    made = store.create_profile("Ava", settings={"volume": 3})
    store.set_baseline(made.profile_id, BASELINE)
    read = store.get_profile(made.profile_id)
    assert read.baseline is not None
    read.baseline["median"]["mouthSmileLeft"] = 9.0
    read.settings["volume"] = 0
    session = store.start_session(made.profile_id, level_set_id="s")
    stored = store.add_trial(session.session_id, make_trial(0))
    store.trials_for(made.profile_id)[0].trial.quality["x"] = 1.0
    again = store.get_profile(made.profile_id)
    assert again.baseline == BASELINE and again.settings == {"volume": 3}
    assert store.trials_for(made.profile_id)[0] == stored


def test_update_profile_changes_only_the_named_fields(store: ProgressStore) -> None:
    made = store.create_profile("Leo")
    updated = store.update_profile(made.profile_id, notes="new", allow_frame_traces=True)
    assert updated.notes == "new" and updated.allow_frame_traces
    assert updated.display_name == "Leo"
    assert updated.updated_at > made.updated_at
    assert store.get_profile(made.profile_id) == updated
    with pytest.raises(StoreError, match="profile_id"):
        store.update_profile(made.profile_id, profile_id="C-000000")
    with pytest.raises(StoreError, match="name"):
        store.update_profile(made.profile_id, display_name="   ")


def test_find_profiles_by_id_in_any_case_or_by_whole_name(store: ProgressStore) -> None:
    mia = store.create_profile("Mia Rossi")
    store.create_profile("Leo")
    assert store.find_profiles(mia.profile_id.lower()) == [mia]
    assert store.find_profiles("mia rossi") == [mia]
    assert store.find_profiles("Mia") == []
    assert [p.display_name for p in store.list_profiles()] == ["Leo", "Mia Rossi"]


def test_unknown_ids_raise_record_not_found(store: ProgressStore) -> None:
    with pytest.raises(RecordNotFoundError):
        store.get_profile("C-FFFFFF")
    with pytest.raises(RecordNotFoundError):
        store.start_session("C-FFFFFF", level_set_id="x")
    with pytest.raises(RecordNotFoundError):
        store.add_trial("S-00000000", make_trial(0))


def test_trials_round_trip_exactly_and_in_order(backend: Backend) -> None:
    store = backend.open()
    child = store.create_profile("Ava")
    session = store.start_session(
        child.profile_id, level_set_id="first-faces", model_version="2025-03", model_hash="ab"
    )
    trials = [
        make_trial(1, target="sad", success=False),
        make_trial(0, target="happy", override=Override.ACCEPT, override_note="seen it"),
    ]
    for trial in trials:
        store.add_trial(session.session_id, trial)
    store.set_trial_note(session.session_id, 1, "tired")
    ended = store.end_session(session.session_id, reason="therapist", notes="short one")
    store.close()

    again = backend.open()
    stored = again.trials_for(child.profile_id)
    assert [s.trial for s in stored] == [trials[1], trials[0]]
    assert [s.therapist_note for s in stored] == ["", "tired"]
    assert {s.session_id for s in stored} == {session.session_id}
    assert again.sessions_for(child.profile_id) == [ended]
    assert ended.ended_at is not None and ended.ended_at > ended.started_at
    assert ended.end_reason == "therapist" and ended.notes == "short one"
    assert again.trials_in(session.session_id) == stored


def test_a_trial_index_is_stored_once_per_session(store: ProgressStore) -> None:
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="s")
    store.add_trial(session.session_id, make_trial(0))
    with pytest.raises(DuplicateTrialError):
        store.add_trial(session.session_id, make_trial(0, target="sad"))
    other = store.start_session(child.profile_id, level_set_id="s")
    store.add_trial(other.session_id, make_trial(0))
    assert len(store.trials_for(child.profile_id)) == 2


def test_sessions_and_trials_are_kept_apart_per_child(store: ProgressStore) -> None:
    ava = store.create_profile("Ava")
    ben = store.create_profile("Ben")
    fill_progress(store, ava.profile_id, sessions=3, trials_per_session=4)
    fill_progress(store, ben.profile_id, sessions=2, trials_per_session=5)
    assert len(store.sessions_for(ava.profile_id)) == 3
    assert len(store.trials_for(ava.profile_id)) == 12
    assert len(store.trials_for(ben.profile_id)) == 10
    assert all(t.profile_id == ben.profile_id for t in store.trials_for(ben.profile_id))


def test_delete_profile_erases_its_sessions_and_trials(store: ProgressStore) -> None:
    ava = store.create_profile("Ava")
    ben = store.create_profile("Ben")
    fill_progress(store, ava.profile_id, sessions=2, trials_per_session=3)
    fill_progress(store, ben.profile_id, sessions=1, trials_per_session=3)
    store.delete_profile(ava.profile_id)
    assert [p.profile_id for p in store.list_profiles()] == [ben.profile_id]
    assert store.trials_for(ava.profile_id) == []
    assert store.sessions_for(ava.profile_id) == []
    assert len(store.trials_for(ben.profile_id)) == 3


def test_profile_name_never_reaches_the_log(
    store: ProgressStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    child = store.create_profile("Zelda Unique")
    store.update_profile(child.profile_id, display_name="Zelda Other")
    fill_progress(store, child.profile_id, sessions=1, trials_per_session=2)
    assert child.profile_id in caplog.text
    assert "Zelda" not in caplog.text
