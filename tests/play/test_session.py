"""Sessions: levels in order, trials per level, the gap, overrides, breaks and the time cap."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import pytest

from game.expressions import Expression
from game.paths import LEVELS_DIR
from game.play.events import (
    BreakEnd,
    BreakEnded,
    BreakStarted,
    CommandIgnored,
    DifficultyChanged,
    EndReason,
    LevelStarted,
    PromptShown,
    SessionEnded,
    Succeeded,
    TrialAmended,
    TrialRecorded,
)
from game.play.level_loader import check_level_text, load_level_set
from game.play.level_set import LevelSet
from game.play.session import Session, SessionState
from game.play.trial_record import Override, TrialOutcome
from tests.play.fakes import NO_FACE, Clock, Feeder, of_type

SET = """
id = "test-set"
title = { en = "Test", zh-CN = "测试" }
[session]
time_cap_ms = 600_000
inter_trial_ms = 1000
break_every_ms = 0
break_after_timeouts = 2

[[levels]]
id = "one"
title = { en = "One", zh-CN = "一" }
mode = "mimic"
targets = ["happy", "sad"]
trials = 4
ordering = "fixed"
threshold = 0.6
hold_ms = 500
time_limit_ms = 5000
[levels.prompting]
steps = [{ kind = "voice_repeat", after_ms = 2000 }, { kind = "model_face", after_ms = 4000 }]
[levels.adaptive]
up_after = 2
down_after = 2
threshold_min = 0.5
threshold_max = 0.7
hold_min_ms = 300
hold_max_ms = 700
threshold_step = 0.1
hold_step_ms = 200

[[levels]]
id = "two"
title = { en = "Two", zh-CN = "二" }
mode = "story"
targets = ["surprised"]
trials = 3
threshold = 0.6
hold_ms = 500
time_limit_ms = 5000
[[levels.scenes]]
target = "surprised"
text = { en = "A box opens!", zh-CN = "盒子打开了！" }
picture = "box"
[[levels.scenes]]
target = "surprised"
text = { en = "A rainbow!", zh-CN = "彩虹！" }
"""


def level_set(**session_changes: int) -> LevelSet:
    loaded, errors = check_level_text(SET, "test.toml")
    assert loaded is not None, errors
    if session_changes:
        loaded = dataclasses.replace(
            loaded, session=dataclasses.replace(loaded.session, **session_changes))
    return loaded


def started(**session_changes: int) -> tuple[Session, Clock, Feeder]:
    session = Session(level_set(**session_changes), random.Random(7))
    clock = Clock()
    feeder = Feeder(session, clock)
    feeder.events += session.start(clock.now)
    return session, clock, feeder


def succeed(feeder: Feeder) -> None:
    feeder.feed(0.9, 800)   # holds of up to 700 ms
    feeder.idle(1040)       # the calm gap


def test_a_session_runs_every_level_in_order_and_records_every_trial() -> None:
    session, _, feeder = started()
    for _ in range(7):
        succeed(feeder)
    assert session.state is SessionState.ENDED
    assert session.end_reason is EndReason.COMPLETE
    levels = of_type(feeder.events, LevelStarted)
    assert [lv.level_id for lv in levels] == ["one", "two"]
    prompts = of_type(feeder.events, PromptShown)
    assert [p.target for p in prompts] == [Expression.HAPPY, Expression.SAD] * 2 + [
        Expression.SURPRISED] * 3
    assert [p.trial_index for p in prompts] == list(range(7))
    records = [e.record for e in of_type(feeder.events, TrialRecorded)]
    assert records == session.records and len(records) == 7
    assert [r.trial_index for r in records] == list(range(7))
    assert all(r.outcome is TrialOutcome.SUCCESS for r in records)
    ended = of_type(feeder.events, SessionEnded)
    assert len(ended) == 1 and ended[0].trials_recorded == 7


def test_story_trials_carry_their_scene_in_turn() -> None:
    _session, _, feeder = started()
    for _ in range(7):
        succeed(feeder)
    story = [p for p in of_type(feeder.events, PromptShown) if p.mode == "story"]
    assert [p.prompt_text["en"] for p in story if p.prompt_text] == [
        "A box opens!", "A rainbow!", "A box opens!"]
    assert [p.scene_picture for p in story] == ["box", "", "box"]


def test_independent_successes_make_it_harder_within_bounds() -> None:
    _session, _, feeder = started()
    for _ in range(4):
        succeed(feeder)
    changes = of_type(feeder.events, DifficultyChanged)
    # up one step after two independent successes; at the bounds it moves no further
    assert [(c.direction, c.threshold, c.hold_ms) for c in changes] == [("harder", 0.7, 700)]
    prompts = of_type(feeder.events, PromptShown)
    assert [(p.threshold, p.hold_ms) for p in prompts[:4]] == [
        (0.6, 500), (0.6, 500), (0.7, 700), (0.7, 700)]


def test_timeouts_make_it_easier_bring_help_earlier_and_suggest_a_break() -> None:
    session, _, feeder = started()
    feeder.feed(0.1, 5040)
    feeder.idle(1040)
    feeder.feed(0.1, 5040)
    feeder.idle(1040)
    assert of_type(feeder.events, BreakStarted)[0].reason == "timeouts"
    feeder.events += session.end_break(feeder.clock.tick(40))
    change = of_type(feeder.events, DifficultyChanged)[0]
    assert (change.direction, change.threshold, change.hold_ms) == ("easier", 0.5, 300)
    prompts = of_type(feeder.events, PromptShown)
    assert [p.prompt_level for p in prompts] == [0, 1, 2]   # help comes earlier next time
    assert [r.outcome for r in session.records] == [TrialOutcome.TIMEOUT] * 2


def test_differential_reinforcement_in_a_session() -> None:
    _session, _, feeder = started()
    succeed(feeder)                      # independent
    feeder.feed(0.1, 2040)               # voice_repeat appears at 2000
    feeder.feed(0.9, 600)
    rewards = [s.reward for s in of_type(feeder.events, Succeeded)]
    assert rewards == [3, 1]


def test_accept_and_reject_in_the_gap_change_the_record() -> None:
    session, clock, feeder = started()
    feeder.feed(0.1, 5040)                          # timeout
    feeder.events += session.accept(clock.tick(100), "she did smile")
    feeder.idle(1040)
    feeder.feed(0.9, 600)                           # success
    feeder.events += session.reject(clock.tick(100), "that was a yawn")
    feeder.idle(1040)
    first, second = session.records
    amended = [e.record for e in of_type(feeder.events, TrialAmended)]
    assert amended == [first, second]
    assert (first.success, first.machine_success, first.override) == (True, False,
                                                                      Override.ACCEPT)
    assert first.override_note == "she did smile"
    assert (second.success, second.machine_success, second.override) == (False, True,
                                                                         Override.REJECT)


def test_stars_and_successes_are_read_from_the_records_each_reward_counted_once() -> None:
    session, clock, feeder = started()
    assert (session.stars, session.successes) == (0, 0)
    feeder.feed(0.2, 400)
    feeder.events += session.accept(clock.tick(40))  # a running trial: Succeeded and
    (given,) = [e.reward for e in of_type(feeder.events, Succeeded)]  # OverrideApplied
    assert given > 0 and (session.stars, session.successes) == (given, 1)
    feeder.idle(1040)
    feeder.feed(0.1, 5040)                           # a timeout: nothing given
    assert (session.stars, session.successes) == (given, 1)
    feeder.events += session.accept(clock.tick(100), "she did smile")  # in the gap
    late = session.records[-1].reward
    assert late > 0 and (session.stars, session.successes) == (given + late, 1)
    feeder.idle(1040)
    feeder.feed(0.9, 600)                            # a success, then rejected
    third = session.records[-1].reward
    feeder.events += session.reject(clock.tick(100), "that was a yawn")
    assert not session.records[-1].success
    assert (session.stars, session.successes) == (given + late + third, 2)  # stars stay
    assert session.stars == sum(r.reward for r in session.records)


def test_a_trial_is_recorded_in_the_same_update_that_ends_it_before_the_gap() -> None:
    session, clock, feeder = started()
    frames = 0
    while session.state is SessionState.TRIAL:
        events = session.update(feeder.reading(0.9), clock.tick(40))
        frames += 1
        assert frames < 100
    succeeded = [n for n, e in enumerate(events) if isinstance(e, Succeeded)]
    recorded = [e for e in events if isinstance(e, TrialRecorded)]
    assert succeeded and len(recorded) == 1
    assert recorded[0].record.trial_index == 0 and recorded[0].record.success
    assert session.state is SessionState.BETWEEN  # recorded before the calm gap, not after it
    assert session.records == [recorded[0].record]
    assert of_type(feeder.idle(1040), TrialRecorded) == []  # nothing more when the gap ends


def test_timeouts_skips_and_ending_are_recorded_the_moment_they_happen() -> None:
    session, clock, feeder = started()
    timed_out = feeder.feed(0.1, 5040)
    assert [e.record.outcome for e in of_type(timed_out, TrialRecorded)] == [
        TrialOutcome.TIMEOUT]
    feeder.idle(1040)
    skipped = session.skip(clock.tick(40))
    assert [e.record.outcome for e in of_type(skipped, TrialRecorded)] == [
        TrialOutcome.SKIPPED]
    feeder.idle(1040)
    ended = session.end(clock.tick(40))
    assert len(of_type(ended, TrialRecorded)) == 1
    assert len(session.records) == 3


def test_accept_during_a_trial_ends_it_as_a_success() -> None:
    session, clock, feeder = started()
    feeder.feed(0.2, 400)
    feeder.events += session.accept(clock.tick(40))
    assert session.state is SessionState.BETWEEN
    assert of_type(feeder.events, Succeeded)


def test_commands_that_do_not_apply_are_ignored_with_a_reason() -> None:
    session, clock, _feeder = started()
    events = session.reject(clock.tick(40))
    assert isinstance(events[0], CommandIgnored) and events[0].command == "reject"
    assert isinstance(session.resume(clock.tick(40))[0], CommandIgnored)
    succeed_half = session.skip(clock.tick(40))
    assert session.state is SessionState.BETWEEN and succeed_half
    assert isinstance(session.skip(clock.tick(40))[0], CommandIgnored)
    assert isinstance(session.accept(clock.tick(40))[0], CommandIgnored)


def test_skip_records_a_skipped_trial_without_changing_difficulty() -> None:
    session, clock, feeder = started()
    feeder.events += session.skip(clock.tick(40))
    feeder.idle(1040)
    assert session.records[0].outcome is TrialOutcome.SKIPPED
    assert not of_type(feeder.events, DifficultyChanged)


def test_pause_in_the_gap_stops_the_gap_and_the_session_clock() -> None:
    session, clock, feeder = started()
    feeder.feed(0.9, 600)
    session.pause(clock.tick(40))
    active = session.active_ms(clock.now)
    feeder.idle(60_000)
    assert session.active_ms(clock.now) == active
    assert session.state is SessionState.BETWEEN
    session.resume(clock.tick(40))
    feeder.idle(1040)
    assert session.state is SessionState.TRIAL


def test_time_cap_ends_the_session_after_the_running_trial() -> None:
    session, _clock, feeder = started(time_cap_ms=15_000, break_after_timeouts=0)
    feeder.feed(0.1, 20_000)   # three 5 s timeouts with 1 s gaps; the cap passes in the third
    feeder.idle(2000)
    assert session.state is SessionState.ENDED
    assert session.end_reason is EndReason.TIME_CAP
    assert [r.outcome for r in session.records] == [TrialOutcome.TIMEOUT] * 3
    third = session.records[2]
    assert third.ended_ms - third.started_ms >= 5000   # it was not cut short
    assert of_type(feeder.events, SessionEnded)[0].active_ms >= 15_000


def test_paused_time_does_not_count_towards_the_time_cap() -> None:
    session, clock, feeder = started(time_cap_ms=60_000, away_end_ms=1_000_000)
    feeder.feed(0.0, 120_000, NO_FACE)
    assert session.state is SessionState.TRIAL
    assert session.active_ms(clock.now) < 1000


def test_break_suggested_after_active_time() -> None:
    _session, _, feeder = started(break_every_ms=3000)
    succeed(feeder)
    succeed(feeder)
    succeed(feeder)
    breaks = of_type(feeder.events, BreakStarted)
    assert breaks and breaks[0].reason == "time" and breaks[0].phrase_key == "rest.start"


def test_end_records_the_running_trial_as_ended() -> None:
    session, clock, feeder = started()
    succeed(feeder)
    feeder.feed(0.2, 400)
    feeder.events += session.end(clock.tick(40))
    assert session.state is SessionState.ENDED and session.end_reason is EndReason.ENDED
    assert [r.outcome for r in session.records] == [TrialOutcome.SUCCESS, TrialOutcome.ENDED]
    assert session.update(None, clock.tick(40)) == []


def test_a_child_who_leaves_ends_the_session() -> None:
    session, _, feeder = started(away_end_ms=20_000)
    feeder.feed(0.0, 21_000, NO_FACE)
    assert session.end_reason is EndReason.CHILD_AWAY
    assert session.records[0].outcome is TrialOutcome.ENDED


def test_only_the_chosen_levels_are_played() -> None:
    session = Session(level_set(), random.Random(1), level_ids=["two"])
    assert [lv.id for lv in session.levels] == ["two"]
    with pytest.raises(KeyError):
        Session(level_set(), random.Random(1), level_ids=["nope"])


def test_the_same_seed_gives_the_same_session() -> None:
    shipped = load_level_set(LEVELS_DIR / "six-feelings.toml")

    def targets(seed: int) -> list[Expression]:
        session = Session(shipped, random.Random(seed))
        clock = Clock()
        feeder = Feeder(session, clock)
        feeder.events += session.start(clock.now)
        for _ in range(24):
            feeder.events += session.skip(clock.tick(40))
            feeder.idle(2040)
        return [p.target for p in of_type(feeder.events, PromptShown)]

    assert targets(3) == targets(3)
    assert len(targets(3)) == 24


@pytest.mark.parametrize("path", sorted(LEVELS_DIR.glob("*.toml")), ids=lambda p: p.name)
def test_every_shipped_set_plays_to_the_end(path: Path) -> None:
    session = Session(load_level_set(path), random.Random(0))
    clock = Clock()
    feeder = Feeder(session, clock)
    feeder.events += session.start(clock.now)
    while session.state is not SessionState.ENDED:
        feeder.feed(0.95, 3000)
        feeder.idle(3040)
    assert session.end_reason is EndReason.COMPLETE
    assert len(session.records) == sum(level.trials for level in session.levels)


def _prompt_levels_with_successes(shipped: LevelSet, trials: int) -> list[int]:
    session = Session(shipped, random.Random(0), level_ids=[shipped.levels[0].id])
    clock = Clock()
    feeder = Feeder(session, clock)
    feeder.events += session.start(clock.now)
    for _ in range(trials):
        feeder.feed(0.95, 1500)
        feeder.idle(3040)
    return [p.prompt_level for p in of_type(feeder.events, PromptShown)][:trials]


def test_most_to_least_fades_help_after_each_success() -> None:
    shipped = load_level_set(LEVELS_DIR / "first-faces.toml")
    assert shipped.levels[0].prompting.direction == "most_to_least"
    assert _prompt_levels_with_successes(shipped, 5) == [3, 2, 1, 0, 0]


def test_errorless_keeps_every_step_showing() -> None:
    shipped = load_level_set(LEVELS_DIR / "first-faces.toml")
    level = shipped.levels[0]
    errorless = dataclasses.replace(level, prompting=dataclasses.replace(
        level.prompting, errorless=True))
    shipped = dataclasses.replace(shipped, levels=(errorless,))
    assert _prompt_levels_with_successes(shipped, 4) == [3, 3, 3, 3]


# -- the break ---------------------------------------------------------------------------

def two_timeouts(feeder: Feeder) -> None:
    feeder.feed(0.1, 5040)
    feeder.idle(1040)
    feeder.feed(0.1, 5040)
    feeder.idle(1040)           # the gap after the second timeout: the break begins


def with_breaks(text: str = "", **session_changes: int) -> tuple[Session, Clock, Feeder]:
    source = SET.replace('hold_step_ms = 200\n', 'hold_step_ms = 200\n' + text, 1)
    loaded, errors = check_level_text(source, "test.toml")
    assert loaded is not None, errors
    if session_changes:
        loaded = dataclasses.replace(
            loaded, session=dataclasses.replace(loaded.session, **session_changes))
    session = Session(loaded, random.Random(7))
    clock = Clock()
    feeder = Feeder(session, clock)
    feeder.events += session.start(clock.now)
    return session, clock, feeder


def test_a_break_stops_play_until_the_child_or_therapist_ends_it() -> None:
    session, clock, feeder = with_breaks("[levels.breaks]\nmax_ms = 600_000\n")
    two_timeouts(feeder)
    assert session.state is SessionState.BREAK and session.paused
    prompts = len(of_type(feeder.events, PromptShown))
    active = session.active_ms(clock.now)
    feeder.feed(0.1, 120_000)             # a long rest: no trial, no clock
    assert len(of_type(feeder.events, PromptShown)) == prompts
    assert session.active_ms(clock.now) == active
    feeder.events += session.end_break(clock.tick(40))
    ended = of_type(feeder.events, BreakEnded)
    assert [e.how for e in ended] == [BreakEnd.KEY] and ended[0].break_ms >= 120_000
    assert session.state is SessionState.TRIAL
    assert len(of_type(feeder.events, PromptShown)) == prompts + 1


def test_a_smile_ends_the_break_only_after_min_ms() -> None:
    session, _, feeder = with_breaks("[levels.breaks]\nmin_ms = 4000\nsmile_threshold = 0.7\n")
    two_timeouts(feeder)
    started_break = of_type(feeder.events, BreakStarted)[0]
    assert (started_break.min_ms, started_break.smile_threshold) == (4000, 0.7)
    feeder.feed(0.9, 2000)                # smiling at once does not end it yet
    feeder.feed(0.65, 3000)               # a smile below the threshold does not either
    assert session.state is SessionState.BREAK
    feeder.feed(0.8, 40)
    assert [e.how for e in of_type(feeder.events, BreakEnded)] == [BreakEnd.SMILE]
    assert session.state is SessionState.TRIAL


def test_no_smile_ending_when_the_level_turns_it_off() -> None:
    session, _, feeder = with_breaks("[levels.breaks]\nend_on_smile = false\n")
    two_timeouts(feeder)
    feeder.feed(0.95, 10_000)
    assert session.state is SessionState.BREAK


def test_the_break_ends_by_itself_after_max_ms() -> None:
    session, _, feeder = with_breaks("[levels.breaks]\nmax_ms = 8000\n")
    two_timeouts(feeder)
    feeder.idle(7600)
    assert session.state is SessionState.BREAK
    feeder.idle(400)
    assert [e.how for e in of_type(feeder.events, BreakEnded)] == [BreakEnd.TIME]
    assert session.state is SessionState.TRIAL


def test_the_levels_own_number_of_timeouts_wins_over_the_sessions() -> None:
    _session, _, feeder = with_breaks("[levels.breaks]\nafter_timeouts = 0\n")
    two_timeouts(feeder)
    feeder.feed(0.1, 5040)
    feeder.idle(1040)
    assert not of_type(feeder.events, BreakStarted)
    session, _, feeder = with_breaks("[levels.breaks]\nafter_timeouts = 1\n")
    feeder.feed(0.1, 5040)
    feeder.idle(1040)
    assert session.state is SessionState.BREAK


def test_the_pause_key_ends_a_break_and_end_ends_the_session() -> None:
    session, clock, feeder = with_breaks()
    two_timeouts(feeder)
    assert of_type(session.pause(clock.tick(40)), CommandIgnored)
    feeder.events += session.resume(clock.tick(40))
    assert [e.how for e in of_type(feeder.events, BreakEnded)] == [BreakEnd.KEY]
    session, clock, feeder = with_breaks()
    two_timeouts(feeder)
    feeder.events += session.end(clock.tick(40))
    assert session.state is SessionState.ENDED and session.end_reason is EndReason.ENDED
    assert len(session.records) == 2


def test_no_break_after_the_last_trial_of_the_session() -> None:
    session, _, feeder = with_breaks("[levels.breaks]\nafter_timeouts = 1\n")
    session.levels = session.levels[:1]
    for _ in range(4):
        feeder.feed(0.1, 5040)
        feeder.idle(1040)
        if session.state is SessionState.BREAK:
            feeder.events += session.end_break(feeder.clock.tick(40))
    assert session.state is SessionState.ENDED
    assert len(of_type(feeder.events, BreakStarted)) == 3


def test_a_break_longer_than_its_maximum_is_a_level_error() -> None:
    text = SET.replace("hold_step_ms = 200\n",
                       "hold_step_ms = 200\n[levels.breaks]\nmin_ms = 9000\nmax_ms = 6000\n", 1)
    loaded, errors = check_level_text(text, "test.toml")
    assert loaded is None
    assert [e.field for e in errors] == ["levels[0].breaks.min_ms"]


# -- issue 23: a break the child asks for ----------------------------------------------

def test_the_childs_break_pauses_the_trial_which_goes_on_where_it_was() -> None:
    session, clock, feeder = started()
    feeder.feed(0.1, 1000)                # a second into the first trial
    trial = session.trial
    assert trial is not None
    feeder.events += session.request_break(clock.tick(40))
    left = trial.time_left_ms(clock.now)
    active = session.active_ms(clock.now)
    started_break = of_type(feeder.events, BreakStarted)
    assert [b.reason for b in started_break] == ["child"]
    assert session.state is SessionState.BREAK and session.paused
    feeder.feed(0.1, 30_000)              # a long rest: nothing is charged to anything
    assert session.trial is trial and trial.time_left_ms(clock.now) == left
    assert session.active_ms(clock.now) == active
    assert of_type(session.request_break(clock.tick(40)), CommandIgnored)  # already resting
    feeder.events += session.end_break(clock.tick(40))
    assert session.state is SessionState.TRIAL and session.trial is trial
    assert [e.how for e in of_type(feeder.events, BreakEnded)] == [BreakEnd.KEY]
    assert len(of_type(feeder.events, PromptShown)) == 1  # the same trial, not a new one
    succeed(feeder)
    record = of_type(feeder.events, TrialRecorded)[0].record
    assert record.outcome is TrialOutcome.SUCCESS and record.child_breaks == 1
    assert record.paused_ms >= 30_000     # the break is the trial's pause
    assert session.active_ms(clock.now) < 5000


def test_the_childs_break_in_the_gap_amends_the_trial_just_ended_then_play_goes_on() -> None:
    session, clock, feeder = started()
    feeder.feed(0.9, 800)                 # a success; the gap runs
    assert session.state is SessionState.BETWEEN
    feeder.events += session.request_break(clock.tick(40))
    amended = of_type(feeder.events, TrialAmended)
    assert [a.record.child_breaks for a in amended] == [1]
    assert session.records[0].child_breaks == 1
    assert session.state is SessionState.BREAK
    feeder.idle(61_000)                   # the level's max_ms (60 s by default) ends it
    assert [e.how for e in of_type(feeder.events, BreakEnded)] == [BreakEnd.TIME]
    assert session.state is SessionState.TRIAL
    assert len(of_type(feeder.events, PromptShown)) == 2


def test_ending_the_session_during_the_childs_break_records_the_paused_trial() -> None:
    session, clock, feeder = started()
    feeder.feed(0.1, 1000)
    feeder.events += session.request_break(clock.tick(40))
    feeder.events += session.end(clock.tick(5000))
    assert session.state is SessionState.ENDED and session.end_reason is EndReason.ENDED
    [record] = session.records
    assert record.outcome is TrialOutcome.ENDED and record.child_breaks == 1


def test_the_childs_break_is_ignored_before_the_start_and_after_the_end() -> None:
    session = Session(level_set(), random.Random(7))
    assert of_type(session.request_break(0), CommandIgnored)
    session, clock, feeder = started()
    feeder.events += session.end(clock.tick(40))
    assert of_type(session.request_break(clock.tick(40)), CommandIgnored)
