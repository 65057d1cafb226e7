"""The programme kept with the child: stored, changed with its history, and a scripted run of
real sessions (the rules engine on recorded readings) moving the child on."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.paths import LEVELS_DIR
from game.play.level_library import LevelLibrary
from game.play.level_loader import load_level_set
from game.play.programme import MasteryRule, Programme
from game.records import InvalidValueError, open_store
from game.records.plans import child_progress, next_session, plan_history, programme_of
from tests.records.conftest import Backend
from tests.records.factories import StepClock, play_scripted_session

RULE = MasteryRule(min_independent_rate=0.8, over_sessions=2, min_trials=3)


def _plan(sets: tuple[str, ...] = ("first-faces", "six-feelings"), minutes: int = 5,
          at: str = "2026-12-01T09:00:00+00:00") -> Programme:
    return Programme.create(sets, RULE, minutes, created_at=at)


def test_the_programme_is_kept_with_the_child_and_every_change_in_its_history(
        backend: Backend) -> None:
    store = backend.open()
    mia = store.create_profile("Mia")
    assert mia.programme is None and mia.programme_history == []
    first, second = _plan(), _plan(minutes=10)
    store.set_programme(mia.profile_id, first.to_json())
    store.set_programme(mia.profile_id, first.to_json())  # the same plan: nothing changes
    store.set_programme(mia.profile_id, second.to_json())
    store.set_programme(mia.profile_id, None)
    store.close()
    again = backend.open()
    kept = again.get_profile(mia.profile_id)
    assert kept.programme is None
    assert [e["change"] for e in kept.programme_history] == ["planned", "changed", "cleared"]
    assert kept.programme_history[1]["programme"]["plan_id"] == second.plan_id
    again.set_programme(mia.profile_id, second.to_json())
    got = programme_of(again.get_profile(mia.profile_id))
    assert got == second


def test_a_damaged_programme_is_refused_in_one_sentence_and_nothing_changes(
        backend: Backend) -> None:
    store = backend.open()
    mia = store.create_profile("Mia")
    with pytest.raises(InvalidValueError, match="session length"):
        store.set_programme(mia.profile_id, {**_plan().to_json(), "session_minutes": 0})
    assert store.get_profile(mia.profile_id).programme is None


def test_a_scripted_run_of_real_sessions_moves_the_child_on(tmp_path: Path) -> None:
    """Each session plays what the game would choose (`next_session`) with the real rules
    engine on scripted readings; two good sessions master a step."""
    clock = StepClock()
    library = LevelLibrary(LEVELS_DIR)
    fallback = load_level_set(LEVELS_DIR / "stories.toml")
    with open_store(tmp_path / "data", clock=clock) as store:
        mia = store.create_profile("Mia")
        programme = _plan(("first-faces", "six-feelings", "face-maze"))
        store.set_programme(mia.profile_id, programme.to_json())
        played: list[tuple[str, int]] = []
        for skill in (1.0, 0.0, 1.0, 1.0, 1.0):
            profile = store.get_profile(mia.profile_id)
            choice = next_session(store, profile, library, fallback)
            assert choice.plan_id == programme.plan_id
            assert choice.level_set.session.time_cap_ms == 5 * 60_000
            play_scripted_session(store, mia.profile_id,
                                  LEVELS_DIR / f"{choice.level_set.id}.toml", skill=skill,
                                  plan_id=choice.plan_id)
            state = child_progress(store, profile)
            assert state is not None
            played.append((choice.level_set.id, state.step))
        # a session played for the day under another level set does not count
        today = next_session(store, profile, library, fallback, today="stories")
        assert today.chosen_today and today.level_set.id == "stories"
        play_scripted_session(store, mia.profile_id, LEVELS_DIR / "stories.toml",
                              skill=1.0, plan_id=today.plan_id)
        state = child_progress(store, store.get_profile(mia.profile_id))
        sessions = store.sessions_for(mia.profile_id)
        trials = store.trials_for(mia.profile_id)
        history = plan_history(store.get_profile(mia.profile_id), sessions, trials)
    assert [level for level, _ in played] == ["first-faces"] * 4 + ["six-feelings"]
    assert state is not None and state.step == 1
    *_, six, stories = state.verdicts
    assert six.step == 1 and six.attempts > 0  # counted for the second step
    assert stories.step is None and stories.attempts > 0  # the day's choice: not counted
    assert [v.met for v in state.verdicts[:4]] == [True, False, True, True]
    (mastered,) = state.mastered
    assert mastered.level_set_id == "first-faces"
    assert mastered.session_id == sessions[3].session_id
    assert all(s.plan_id == programme.plan_id for s in sessions)
    assert [p.programme.plan_id for p in history] == [programme.plan_id]
    assert history[0].progress.mastered == state.mastered


def test_without_a_programme_the_fallback_is_played_and_no_plan_recorded(
        tmp_path: Path) -> None:
    library = LevelLibrary(LEVELS_DIR)
    fallback = load_level_set(LEVELS_DIR / "first-faces.toml")
    with open_store(tmp_path / "data") as store:
        ben = store.create_profile("Ben")
        choice = next_session(store, ben, library, fallback)
        assert choice.level_set is fallback and choice.plan_id == "" and choice.progress is None
        store.set_programme(ben.profile_id, _plan(("no-such-set",)).to_json())
        odd = next_session(store, store.get_profile(ben.profile_id), library, fallback)
        assert odd.level_set.id == "first-faces"  # a set since removed: the fallback plays
