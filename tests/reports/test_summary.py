"""What counts as a try, a face made, made without help; per session and expression."""

from __future__ import annotations

import pytest

from game.play.trial_record import Override, TrialOutcome
from game.records.store import memory_store
from game.reports.summary import Tally, counts_as_attempt, summarize_profile
from tests.records.factories import StepClock, make_trial


def test_skipped_and_cut_off_trials_are_not_tries_unless_overridden() -> None:
    assert counts_as_attempt(make_trial(0, success=True))
    assert counts_as_attempt(make_trial(0, success=False))
    assert not counts_as_attempt(make_trial(0, success=False, outcome=TrialOutcome.SKIPPED))
    assert not counts_as_attempt(make_trial(0, success=False, outcome=TrialOutcome.ENDED))
    judged = make_trial(0, success=True, outcome=TrialOutcome.ENDED, override=Override.ACCEPT)
    assert counts_as_attempt(judged)


def test_tally_rates_latency_and_peak() -> None:
    trials = [
        make_trial(0, success=True, prompt_level=0, latency_ms=1000, peak_score=0.9),
        make_trial(1, success=True, prompt_level=2, latency_ms=3000, peak_score=0.7),
        make_trial(2, success=False, peak_score=0.2),
        make_trial(3, success=True, prompt_level=0, latency_ms=2000, peak_score=0.8),
        make_trial(4, success=False, outcome=TrialOutcome.SKIPPED, peak_score=0.0),
    ]
    tally = Tally.of(trials)
    assert (tally.attempts, tally.made, tally.made_without_help) == (4, 3, 2)
    assert tally.made_rate == pytest.approx(0.75)
    assert tally.without_help_rate == pytest.approx(0.5)
    assert tally.with_help_rate == pytest.approx(0.25)
    assert tally.median_latency_s == pytest.approx(2.0)
    assert tally.latency_quartiles_s() == pytest.approx((1.5, 2.5))
    assert tally.mean_peak == pytest.approx((0.9 + 0.7 + 0.2 + 0.8) / 4)


def test_empty_tally_has_no_rates() -> None:
    tally = Tally.of([])
    assert tally.made_rate is None and tally.median_latency_s is None and tally.mean_peak is None


def test_summary_per_session_per_expression_and_notes() -> None:
    clock = StepClock()
    store = memory_store(clock=clock)
    child = store.create_profile("Ava")
    first = store.start_session(child.profile_id, level_set_id="s")
    store.add_trial(first.session_id, make_trial(0, target="happy", success=True))
    store.add_trial(first.session_id, make_trial(1, target="sad", success=False))
    store.end_session(first.session_id, notes="Good start.")
    second = store.start_session(child.profile_id, level_set_id="s")
    store.add_trial(
        second.session_id,
        make_trial(0, target="sad", success=True, override=Override.ACCEPT, override_note="ok"),
    )
    store.add_trial(second.session_id, make_trial(1, target="happy"), therapist_note="big smile")

    summary = summarize_profile(store, child.profile_id)
    assert summary.profile_id == child.profile_id
    assert [s.number for s in summary.sessions] == [1, 2]
    assert summary.sessions[0].by_expression["sad"].made_rate == 0.0
    assert summary.sessions[1].by_expression["sad"].made_rate == 1.0
    assert summary.sessions[1].overrides == 1
    assert summary.sessions[1].minutes is None  # still open
    assert summary.expressions == ("happy", "sad")  # vocabulary order
    assert summary.overall.attempts == 4 and summary.overall.made == 3
    texts = [(n.session_number, n.trial_number, n.decision, n.text) for n in summary.notes]
    assert texts == [
        (1, None, "", "Good start."),
        (2, 1, "counted as made", "ok"),
        (2, 2, "", "big smile"),
    ]


def test_summary_of_a_child_without_sessions_is_empty() -> None:
    store = memory_store()
    child = store.create_profile("Ava")
    summary = summarize_profile(store, child.profile_id)
    assert summary.profile_id == child.profile_id
    assert summary.sessions == () and summary.overall.attempts == 0
