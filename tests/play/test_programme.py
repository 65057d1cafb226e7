"""The programme's pure rules: the plan as data, and the mastery rule moving a child on."""

from __future__ import annotations

import json

import pytest

from game.play.programme import (
    MasteryRule,
    PlayedSession,
    Programme,
    ProgrammeError,
    progress,
    revised,
)
from game.play.trial_record import Override, TrialOutcome, TrialRecord
from tests.records.factories import make_trial

SETS = ("first-faces", "six-feelings", "stories")
RULE = MasteryRule(min_independent_rate=0.8, over_sessions=2, min_trials=3)


def plan(**changes: object) -> Programme:
    values: dict[str, object] = {"level_sets": SETS, "mastery": RULE, "session_minutes": 10,
                                 "created_at": "2026-12-01T09:00:00+00:00"}
    values.update(changes)
    return Programme.create(**values)  # type: ignore[arg-type]  # some tests pass bad values


def session(n: int, level_set: str, independent: int, prompted: int = 0, failed: int = 0,
            plan_id: str = "") -> PlayedSession:
    """Session `n` with that many independent successes, prompted successes and timeouts."""
    trials: list[TrialRecord] = []
    for kind, count in (("independent", independent), ("prompted", prompted),
                        ("failed", failed)):
        for _ in range(count):
            trials.append(make_trial(len(trials), success=kind != "failed",
                                     prompt_level=1 if kind == "prompted" else 0))
    return PlayedSession(f"S-{n:08d}", f"2026-12-{n + 1:02d}T10:00:00+00:00", level_set,
                         plan_id or plan().plan_id, tuple(trials))


def test_json_round_trip_keeps_every_field_and_the_plan_id() -> None:
    programme = plan(start_step=1)
    data = programme.to_json()
    assert json.loads(json.dumps(data)) == data  # plain JSON values
    assert Programme.from_json(data) == programme
    assert data["plan_id"].startswith("P-") and len(data["plan_id"]) == 10
    assert data["mastery"] == {"min_independent_rate": 0.8, "over_sessions": 2,
                               "min_trials": 3}


def test_plan_id_is_stable_for_the_same_content_and_changes_with_it() -> None:
    assert plan().plan_id == plan().plan_id
    assert plan(session_minutes=12).plan_id != plan().plan_id
    assert plan(level_sets=SETS[::-1]).plan_id != plan().plan_id
    assert plan(created_at="2026-12-02T09:00:00+00:00").plan_id != plan().plan_id


@pytest.mark.parametrize(("changes", "words"), [
    ({"level_sets": ()}, "at least one level set"),
    ({"level_sets": ("a", "a")}, "only once"),
    ({"session_minutes": 0}, "session length"),
    ({"session_minutes": 61}, "session length"),
    ({"start_step": 3}, "starting step"),
])
def test_a_plan_that_cannot_be_kept_is_refused_in_one_sentence(
        changes: dict[str, object], words: str) -> None:
    with pytest.raises(ProgrammeError, match=words):
        plan(**changes)


@pytest.mark.parametrize("rate", [0, -0.1, 1.2, float("nan"), True, "0.8"])
def test_a_mastery_rate_outside_zero_to_one_is_refused(rate: object) -> None:
    with pytest.raises(ProgrammeError, match="mastery rate"):
        MasteryRule(min_independent_rate=rate)  # type: ignore[arg-type]  # bad on purpose


def test_from_json_refuses_damaged_data() -> None:
    bad: object
    for bad in ([], {"level_sets": "first-faces"}, {**plan().to_json(), "version": 9},
                {**plan().to_json(), "plan_id": "x"},
                {**plan().to_json(), "mastery": {"over_sessions": 0}}):
        with pytest.raises(ProgrammeError):
            Programme.from_json(bad)  # type: ignore[arg-type]  # damaged data, on purpose


def test_the_mastery_rule_moves_a_child_on_in_a_scripted_run_of_sessions() -> None:
    programme = plan()
    script = [
        session(0, "first-faces", 4, 1),        # 80 %: met (run 1)
        session(1, "first-faces", 3, 2),        # 60 %: run broken
        session(2, "first-faces", 5),           # met (run 1)
        session(3, "stories", 0, failed=5),     # another set for the day: neither counts
        session(4, "first-faces", 4, failed=1),  # met (run 2): first-faces mastered
        session(5, "six-feelings", 5),          # met (run 1)
        session(6, "six-feelings", 2),          # only 2 attempts: counts, not met
        session(7, "six-feelings", 6),
    ]
    steps = [progress(programme, script[:n]) for n in range(len(script) + 1)]
    assert [p.step for p in steps] == [0, 0, 0, 0, 0, 1, 1, 1, 1]
    assert [p.run for p in steps] == [0, 1, 0, 1, 1, 0, 1, 0, 1]
    assert [p.moved_on for p in steps] == [False] * 5 + [True] + [False] * 3
    assert steps[5].mastered[0].session_id == "S-00000004"
    assert steps[5].mastered[0].level_set_id == "first-faces"
    assert steps[5].level_set_id == "six-feelings"
    last = steps[-1]
    assert [v.step for v in last.verdicts] == [0, 0, 0, None, 0, 1, 1, 1]
    assert [v.met for v in last.verdicts] == [True, False, True, False, True, True, False,
                                              True]

    done = progress(programme, [*script, session(8, "six-feelings", 5),
                                session(9, "stories", 3), session(10, "stories", 3)])
    assert done.finished and done.moved_on and done.step == 2
    assert [m.level_set_id for m in done.mastered] == list(SETS)


def test_sessions_of_another_plan_do_not_count() -> None:
    other = plan(session_minutes=20)
    script = [session(0, "first-faces", 5, plan_id=other.plan_id),
              session(1, "first-faces", 5, plan_id=other.plan_id)]
    assert progress(plan(), script).step == 0
    assert progress(other, script).step == 1


def test_prompted_successes_skips_and_overrides_count_as_the_records_say() -> None:
    accepted = make_trial(0, success=True, override=Override.ACCEPT)  # a verdict: counts
    skipped = make_trial(1, success=False, outcome=TrialOutcome.SKIPPED)  # not an attempt
    prompted = make_trial(2, success=True, prompt_level=2)
    independent = make_trial(3, success=True)
    played = PlayedSession("S-1", "2026-12-01T10:00:00+00:00", "first-faces", "P-1",
                           (accepted, skipped, prompted, independent))
    assert played.counts() == (3, 2)


def test_a_revised_plan_keeps_the_child_at_the_level_set_reached() -> None:
    old = plan()
    new = revised(old, ("stories", "six-feelings"), RULE, 15,
                  created_at="2026-12-09T09:00:00+00:00", reached_step=1)
    assert new.start_step == 1 and new.plan_id != old.plan_id
    fresh = revised(old, ("stories",), RULE, 15, created_at="2026-12-09T09:00:00+00:00",
                    reached_step=1)
    assert fresh.start_step == 0
    assert progress(new, []).level_set_id == "six-feelings"
