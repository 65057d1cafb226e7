"""The trial state machine: every transition, the clock rules, prompting and the record."""

from __future__ import annotations

from typing import Any

import pytest

from game.expressions import Expression, HintKey, QualityFlag
from game.play.events import (
    GaugeChanged,
    HoldProgress,
    OverrideApplied,
    PartHintChanged,
    Paused,
    PauseReason,
    PromptLevelRaised,
    PromptShown,
    Resumed,
    StateChanged,
    Succeeded,
    TimedOut,
    TrialSkipped,
    TrialState,
)
from game.play.level_set import PromptStep, RewardSettings
from game.play.trial import HINT_REFRESH_MS, Trial, TrialSpec, default_hint
from game.play.trial_record import Override, TrialOutcome
from tests.play.fakes import HEAD_TURNED, NO_FACE, Clock, Feeder, of_type

S = TrialState

LADDER = (
    PromptStep("voice_repeat", 3000, None, 0.1),
    PromptStep("model_face", 5000, 2, 0.1),
    PromptStep("part_hint", 7000, 3, 0.1),
    PromptStep("lower_threshold", 9000, 4, 0.2),
)


def make(**changes: Any) -> tuple[Trial, Clock, Feeder]:
    values: dict[str, Any] = dict(
        index=4, level_id="lvl", mode="mimic", target=Expression.HAPPY, threshold=0.6,
        hold_ms=1000, time_limit_ms=12_000, steps=(), start_level=0,
        rewards=RewardSettings(independent=3, prompted=1), attempt_fraction=0.5,
        pause_after_ms=500, stale_after_ms=1500, away_end_ms=60_000,
    )
    values.update(changes)
    trial = Trial(TrialSpec(**values))
    clock = Clock()
    feeder = Feeder(trial, clock)
    feeder.events += trial.start(clock.now)
    return trial, clock, feeder


def transitions(feeder: Feeder) -> list[tuple[TrialState, TrialState]]:
    return [(e.old, e.new) for e in of_type(feeder.events, StateChanged)]


# -- every transition, one scripted stream each -------------------------------------------

def _prompt_attempt(f: Feeder, t: Trial) -> None:
    f.feed(0.4, 200)


def _prompt_holding(f: Feeder, t: Trial) -> None:
    f.feed(0.7, 80)


def _prompt_paused(f: Feeder, t: Trial) -> None:
    f.feed(0.0, 800, NO_FACE)


def _prompt_timeout(f: Feeder, t: Trial) -> None:
    f.feed(0.1, 12_100)


def _prompt_skipped(f: Feeder, t: Trial) -> None:
    f.events += t.skip(f.clock.tick(100))


def _prompt_ended(f: Feeder, t: Trial) -> None:
    f.events += t.end(f.clock.tick(100))


def _prompt_success_accept(f: Feeder, t: Trial) -> None:
    f.events += t.accept(f.clock.tick(100), "made it, camera missed it")


def _attempt_prompt(f: Feeder, t: Trial) -> None:
    f.feed(0.4, 200)
    f.feed(0.1, 80)


def _attempt_holding(f: Feeder, t: Trial) -> None:
    f.feed(0.4, 200)
    f.feed(0.7, 80)


def _attempt_paused(f: Feeder, t: Trial) -> None:
    f.feed(0.4, 200)
    f.feed(0.0, 800, HEAD_TURNED)


def _attempt_timeout(f: Feeder, t: Trial) -> None:
    f.feed(0.4, 12_100)


def _holding_attempt(f: Feeder, t: Trial) -> None:
    f.feed(0.7, 200)
    f.feed(0.4, 80)


def _holding_prompt(f: Feeder, t: Trial) -> None:
    f.feed(0.7, 200)
    f.feed(0.1, 80)


def _holding_success(f: Feeder, t: Trial) -> None:
    f.feed(0.7, 1200)


def _holding_paused(f: Feeder, t: Trial) -> None:
    # Vision stops delivering while the child holds: stale readings pause the trial.
    # (A no-face reading breaks the hold first: holding -> attempt -> paused.)
    f.feed(0.7, 200)
    f.idle(2_200)  # stale after 1.5 s, paused 0.5 s later


def _holding_timeout(f: Feeder, t: Trial) -> None:
    f.feed(0.1, 11_600)
    f.feed(0.7, 800)         # holding as time runs out: grace...
    f.feed(0.0, 40, NO_FACE)  # ...until the face is lost


def _paused_prompt(f: Feeder, t: Trial) -> None:
    f.feed(0.0, 800, NO_FACE)
    f.feed(0.1, 80)


def _paused_ended(f: Feeder, t: Trial) -> None:
    f.feed(0.0, 61_000, NO_FACE)


def _paused_success(f: Feeder, t: Trial) -> None:
    f.events += t.pause(f.clock.tick(100))
    f.events += t.accept(f.clock.tick(100))


def _paused_skipped(f: Feeder, t: Trial) -> None:
    f.events += t.pause(f.clock.tick(100))
    f.events += t.skip(f.clock.tick(100))


CASES = {
    (S.PROMPT, S.ATTEMPT): _prompt_attempt,
    (S.PROMPT, S.HOLDING): _prompt_holding,
    (S.PROMPT, S.PAUSED): _prompt_paused,
    (S.PROMPT, S.TIMEOUT): _prompt_timeout,
    (S.PROMPT, S.SKIPPED): _prompt_skipped,
    (S.PROMPT, S.ENDED): _prompt_ended,
    (S.PROMPT, S.SUCCESS): _prompt_success_accept,
    (S.ATTEMPT, S.PROMPT): _attempt_prompt,
    (S.ATTEMPT, S.HOLDING): _attempt_holding,
    (S.ATTEMPT, S.PAUSED): _attempt_paused,
    (S.ATTEMPT, S.TIMEOUT): _attempt_timeout,
    (S.HOLDING, S.ATTEMPT): _holding_attempt,
    (S.HOLDING, S.PROMPT): _holding_prompt,
    (S.HOLDING, S.SUCCESS): _holding_success,
    (S.HOLDING, S.PAUSED): _holding_paused,
    (S.HOLDING, S.TIMEOUT): _holding_timeout,
    (S.PAUSED, S.PROMPT): _paused_prompt,
    (S.PAUSED, S.ENDED): _paused_ended,
    (S.PAUSED, S.SUCCESS): _paused_success,
    (S.PAUSED, S.SKIPPED): _paused_skipped,
}

COMMAND_CASES = {(a, b) for a in (S.ATTEMPT, S.HOLDING) for b in (S.SUCCESS, S.SKIPPED, S.ENDED)}

# The designed machine: every edge it can take. A pause always resumes to PROMPT, a paused
# trial never times out (its clock is stopped), and terminal states have no way out.
ALL_TRANSITIONS = {
    (S.PROMPT, b) for b in (S.ATTEMPT, S.HOLDING, S.PAUSED, S.SUCCESS, S.TIMEOUT, S.SKIPPED,
                            S.ENDED)
} | {
    (S.ATTEMPT, b) for b in (S.PROMPT, S.HOLDING, S.PAUSED, S.SUCCESS, S.TIMEOUT, S.SKIPPED,
                             S.ENDED)
} | {
    (S.HOLDING, b) for b in (S.PROMPT, S.ATTEMPT, S.PAUSED, S.SUCCESS, S.TIMEOUT, S.SKIPPED,
                             S.ENDED)
} | {(S.PAUSED, b) for b in (S.PROMPT, S.SUCCESS, S.SKIPPED, S.ENDED)}


def test_the_scripted_cases_cover_every_transition_of_the_machine() -> None:
    assert set(CASES) | COMMAND_CASES == ALL_TRANSITIONS


@pytest.mark.parametrize("edge", list(CASES), ids=[f"{a}->{b}" for a, b in CASES])
def test_each_transition_happens_on_its_scripted_stream(
    edge: tuple[TrialState, TrialState],
) -> None:
    trial, _, feeder = make()
    CASES[edge](feeder, trial)
    assert edge in transitions(feeder)


@pytest.mark.parametrize("start", [S.ATTEMPT, S.HOLDING])
@pytest.mark.parametrize("command", ["accept", "skip", "end"])
def test_commands_end_the_trial_from_attempt_and_holding(start: TrialState, command: str) -> None:
    trial, clock, feeder = make()
    feeder.feed(0.4 if start is S.ATTEMPT else 0.7, 120)
    assert trial.state is start
    feeder.events += getattr(trial, command)(clock.tick(10))
    expected = {"accept": S.SUCCESS, "skip": S.SKIPPED, "end": S.ENDED}[command]
    assert (start, expected) in transitions(feeder)


def test_a_paused_trial_never_times_out_however_long_the_pause() -> None:
    trial, _clock, feeder = make(away_end_ms=600_000)
    feeder.feed(0.0, 100_000, NO_FACE)
    assert trial.state is S.PAUSED
    assert not of_type(feeder.events, TimedOut)


# -- success, hold and threshold ---------------------------------------------------------

def test_success_needs_the_full_hold_on_a_reading_at_or_above_threshold() -> None:
    trial, _clock, feeder = make(hold_ms=1000)
    feeder.feed(0.6, 960)   # exactly at threshold counts; 24 frames = 920 ms held
    assert trial.state is S.HOLDING
    feeder.feed(0.6, 80)
    assert trial.state is S.SUCCESS
    success = of_type(feeder.events, Succeeded)[0]
    assert success.reward == 3 and success.independent
    assert success.praise_key == "praise.independent"
    progress = of_type(feeder.events, HoldProgress)
    assert progress[-1].held_ms >= 1000 and progress[-1].fraction == 1.0
    assert progress[0].held_ms == 0


def test_a_dip_below_threshold_restarts_the_hold() -> None:
    trial, _, feeder = make(hold_ms=1000)
    feeder.feed(0.7, 800)
    feeder.feed(0.5, 40)
    feeder.feed(0.7, 800)
    assert trial.state is S.HOLDING
    feeder.feed(0.7, 240)
    assert trial.state is S.SUCCESS


def test_zero_hold_succeeds_on_the_first_crossing() -> None:
    trial, _, feeder = make(hold_ms=0)
    feeder.feed(0.65, 40)
    assert trial.state is S.SUCCESS


def test_gauge_reports_every_trusted_score_with_the_threshold() -> None:
    _trial, _, feeder = make()
    feeder.feed(0.3, 120)
    gauges = of_type(feeder.events, GaugeChanged)
    assert [(g.score, g.threshold) for g in gauges] == [(0.3, 0.6)] * 3


def test_a_reading_seen_twice_counts_once() -> None:
    trial, clock, feeder = make()
    reading = feeder.reading(0.3)
    first = trial.update(reading, clock.tick(40))
    again = trial.update(reading, clock.tick(40))
    assert of_type(first, GaugeChanged) and not again


# -- the clock: timeouts and pauses ------------------------------------------------------

def test_timeout_says_try_another_one_and_gives_no_reward() -> None:
    trial, _, feeder = make(time_limit_ms=5000)
    feeder.feed(0.2, 5040)
    timeout = of_type(feeder.events, TimedOut)[0]
    assert timeout.phrase_key == "try_another"
    assert trial.reward == 0 and not trial.success


def test_time_limit_applies_without_any_reading() -> None:
    trial, _, feeder = make(time_limit_ms=5000, stale_after_ms=10_000)
    feeder.idle(5040)
    assert trial.state is S.TIMEOUT


def test_no_face_pause_is_not_charged_to_the_time_limit() -> None:
    trial, clock, feeder = make(time_limit_ms=5000)
    feeder.feed(0.2, 2000)
    feeder.feed(0.0, 30_000, NO_FACE)
    paused = of_type(feeder.events, Paused)[0]
    assert paused.reason is PauseReason.NO_FACE and paused.phrase_key == "cant_see_you"
    feeder.feed(0.2, 2000)
    resumed = of_type(feeder.events, Resumed)[0]
    assert resumed.paused_ms >= 29_000
    assert trial.state is S.PROMPT
    # 2000 + 500 (before the pause began) + 2000 active so far: still time left
    assert 0 < trial.time_left_ms(clock.now) <= 500
    feeder.feed(0.2, 600)
    assert trial.state is S.TIMEOUT
    record = trial.record(session_start_ms=clock.now - 40_000)
    assert record.paused_ms == resumed.paused_ms


def test_head_turned_pauses_with_its_own_phrase() -> None:
    _trial, _, feeder = make()
    feeder.feed(0.0, 600, HEAD_TURNED)
    paused = of_type(feeder.events, Paused)[0]
    assert paused.reason is PauseReason.UNTRUSTED
    assert paused.phrase_key == "quality.head_turned"
    assert QualityFlag.HEAD_TURNED in paused.flags


def test_untrusted_for_less_than_pause_after_does_not_pause() -> None:
    _trial, _, feeder = make(pause_after_ms=500)
    feeder.feed(0.0, 400, NO_FACE)
    feeder.feed(0.3, 40)
    feeder.feed(0.0, 400, NO_FACE)
    assert not of_type(feeder.events, Paused)


def test_advisory_flags_do_not_pause() -> None:
    trial, _, feeder = make()
    feeder.feed(0.7, 1200, frozenset({QualityFlag.NOT_CALIBRATED}))
    assert trial.state is S.SUCCESS
    assert trial.record(0).quality == {"not_calibrated": 1.0}


def test_vision_going_silent_pauses_as_no_reading() -> None:
    trial, _, feeder = make(stale_after_ms=1000, pause_after_ms=500)
    feeder.feed(0.2, 400)
    feeder.idle(1400)           # silent for 1000 ms = untrusted, then 500 ms more: pause
    assert trial.state is S.PROMPT
    feeder.idle(120)
    assert trial.state is S.PAUSED
    assert of_type(feeder.events, Paused)[0].reason is PauseReason.NO_READING
    feeder.feed(0.2, 40)
    assert trial.state is S.PROMPT


def test_manual_pause_waits_for_resume_and_ignores_readings() -> None:
    trial, clock, feeder = make(time_limit_ms=5000)
    feeder.events += trial.pause(clock.tick(40))
    feeder.feed(0.9, 20_000)
    assert trial.state is S.PAUSED
    assert not of_type(feeder.events, GaugeChanged)
    feeder.events += trial.resume(clock.tick(40))
    assert trial.state is S.PROMPT
    assert trial.time_left_ms(clock.now) == 5000 - 40
    assert trial.resume(clock.tick(40)) == []


def test_manual_pause_over_an_automatic_pause_needs_resume() -> None:
    trial, clock, feeder = make()
    feeder.feed(0.0, 800, NO_FACE)
    feeder.events += trial.pause(clock.tick(40))
    assert of_type(feeder.events, Paused)[-1].reason is PauseReason.MANUAL
    feeder.feed(0.5, 200)
    assert trial.state is S.PAUSED
    assert trial.resume(clock.tick(40))
    assert trial.state is S.PROMPT


def test_an_automatic_pause_of_away_end_ms_ends_the_trial() -> None:
    trial, _, feeder = make(away_end_ms=20_000)
    feeder.feed(0.0, 21_000, NO_FACE)
    assert trial.state is S.ENDED
    assert trial.record(0).outcome is TrialOutcome.ENDED


def test_latency_excludes_paused_time() -> None:
    trial, _clock, feeder = make()
    feeder.feed(0.1, 1000)
    feeder.feed(0.0, 10_000, NO_FACE)
    feeder.feed(0.1, 1000)
    feeder.feed(0.7, 1200)
    latency = trial.record(0).latency_ms
    assert latency is not None and 2400 <= latency <= 2600


# -- prompting hierarchy -----------------------------------------------------------------

def test_least_to_most_raises_help_by_time_in_order() -> None:
    trial, _, feeder = make(steps=LADDER)
    feeder.feed(0.1, 10_000)
    raised = of_type(feeder.events, PromptLevelRaised)
    assert [r.step for r in raised] == ["voice_repeat", "model_face", "part_hint",
                                        "lower_threshold"]
    assert [r.prompt_level for r in raised] == [1, 2, 3, 4]
    times = [r.t_ms - raised[0].t_ms for r in raised]
    assert times == sorted(times) and times[1] >= 2000
    assert raised[2].hint is default_hint(Expression.HAPPY)
    assert raised[3].threshold == pytest.approx(0.4)
    assert trial.threshold == pytest.approx(0.4)


def test_failed_attempts_raise_help_before_its_time() -> None:
    trial, _, feeder = make(steps=(PromptStep("voice_repeat", None, 1, 0.1),
                                   PromptStep("model_face", None, 2, 0.1)))
    for _ in range(2):
        feeder.feed(0.5, 200)    # rise above the attempt level (0.3)
        feeder.feed(0.1, 200)    # fall back: one failed attempt
    raised = of_type(feeder.events, PromptLevelRaised)
    assert [r.step for r in raised] == ["voice_repeat", "model_face"]
    assert trial.failures == 2


def test_help_does_not_rise_while_the_child_is_holding() -> None:
    trial, _, feeder = make(steps=(PromptStep("voice_repeat", 500, None, 0.1),),
                            hold_ms=1000)
    feeder.feed(0.7, 1200)
    assert trial.state is S.SUCCESS
    assert not of_type(feeder.events, PromptLevelRaised)
    assert of_type(feeder.events, Succeeded)[0].independent


def test_prompted_success_earns_the_smaller_reward() -> None:
    trial, _, feeder = make(steps=LADDER)
    feeder.feed(0.1, 3100)
    feeder.feed(0.7, 1200)
    success = of_type(feeder.events, Succeeded)[0]
    assert (success.reward, success.independent, success.prompt_level) == (1, False, 1)
    assert success.praise_key == "praise.prompted"
    record = trial.record(0)
    assert (record.prompt_level, record.prompt_name) == (1, "voice_repeat")


def test_lowered_threshold_lets_a_weaker_face_succeed() -> None:
    trial, _, feeder = make(steps=(PromptStep("lower_threshold", 2000, None, 0.2),))
    feeder.feed(0.45, 2000)
    assert trial.state is S.PROMPT or trial.state is S.ATTEMPT
    feeder.feed(0.45, 1200)
    assert trial.state is S.SUCCESS
    assert trial.record(0).threshold == pytest.approx(0.4)


def test_start_level_shows_the_first_steps_with_the_prompt() -> None:
    _trial, _, feeder = make(steps=LADDER, start_level=4)
    shown = of_type(feeder.events, PromptShown)[0]
    assert shown.prompt_level == 4 and shown.threshold == pytest.approx(0.4)
    assert shown.prompt_key == "prompt.show_me.happy"
    assert [r.step for r in of_type(feeder.events, PromptLevelRaised)] == [
        s.kind for s in LADDER]


def test_part_hint_follows_the_live_reading_at_a_calm_pace() -> None:
    trial, _, feeder = make(steps=(PromptStep("part_hint", 1000, None, 0.1),))
    feeder.feed(0.2, 1000, hint=HintKey.SQUINT_CHEEKS)
    raised = of_type(feeder.events, PromptLevelRaised)[0]
    assert raised.hint is HintKey.SQUINT_CHEEKS
    feeder.feed(0.2, HINT_REFRESH_MS - 200, hint=HintKey.OPEN_MOUTH)
    assert not of_type(feeder.events, PartHintChanged)
    feeder.feed(0.2, 400, hint=HintKey.OPEN_MOUTH)
    changed = of_type(feeder.events, PartHintChanged)
    assert [c.hint for c in changed] == [HintKey.OPEN_MOUTH]
    assert trial.hints_given == [HintKey.SQUINT_CHEEKS, HintKey.OPEN_MOUTH]


# -- therapist overrides ------------------------------------------------------------------

def test_accept_ends_a_running_trial_as_a_success_the_machine_did_not_see() -> None:
    trial, clock, feeder = make()
    feeder.feed(0.3, 400)
    feeder.events += trial.accept(clock.tick(40), "clear smile, lighting poor")
    record = trial.record(0)
    assert record.success and not record.machine_success
    assert record.override is Override.ACCEPT
    assert record.override_note == "clear smile, lighting poor"
    assert record.reward == 3
    assert of_type(feeder.events, OverrideApplied)[0].success


def test_accept_after_a_timeout_turns_it_into_a_success() -> None:
    trial, clock, feeder = make(time_limit_ms=3000)
    feeder.feed(0.2, 3100)
    events = trial.accept(clock.tick(40))
    assert of_type(events, OverrideApplied)[0].reward == 3
    record = trial.record(0)
    assert record.outcome is TrialOutcome.TIMEOUT
    assert record.success and not record.machine_success


def test_reject_after_a_success_keeps_the_reward_given_but_not_the_verdict() -> None:
    trial, clock, feeder = make()
    feeder.feed(0.8, 1200)
    assert trial.reject(clock.tick(40), "looked away") != []
    record = trial.record(0)
    assert record.machine_success and not record.success
    assert record.override is Override.REJECT and record.reward == 3


def test_reject_during_a_running_trial_does_nothing() -> None:
    trial, clock, feeder = make()
    feeder.feed(0.8, 200)
    assert trial.reject(clock.tick(40)) == []
    assert trial.state is S.HOLDING


def test_skipped_and_ended_trials_take_no_override() -> None:
    trial, clock, feeder = make()
    feeder.events += trial.skip(clock.tick(40))
    assert of_type(feeder.events, TrialSkipped)
    assert trial.accept(clock.tick(40)) == [] and trial.reject(clock.tick(40)) == []


# -- the record ---------------------------------------------------------------------------

def test_record_fills_every_field() -> None:
    trial, clock, feeder = make(steps=LADDER)
    start = clock.now
    feeder.feed(0.2, 1000)                          # 25 readings at 0.2
    feeder.feed(0.0, 400, NO_FACE)                  # 10 untrusted readings
    feeder.feed(0.4, 2000, hint=HintKey.SMILE_WIDER)  # 50 at 0.4; voice_repeat at 3000
    feeder.feed(0.9, 1040)                          # 26 at 0.9: success
    record = trial.record(session_start_ms=start - 5000)
    assert record.trial_index == 4 and record.level_id == "lvl" and record.mode == "mimic"
    assert record.target == "happy" and record.outcome is TrialOutcome.SUCCESS
    assert record.success and record.machine_success
    assert record.started_ms == 5000 and record.ended_ms == clock.now - start + 5000
    assert (record.prompt_level, record.prompt_name) == (1, "voice_repeat")
    assert record.latency_ms == 3440
    assert record.hold_ms >= 1000 and record.hold_required_ms == 1000
    assert record.threshold == pytest.approx(0.6)
    assert record.peak_score == pytest.approx(0.9)
    assert record.mean_score == pytest.approx((25 * 0.2 + 50 * 0.4 + 26 * 0.9) / 101, abs=1e-4)
    assert record.reward == 1 and record.paused_ms == 0
    assert record.hints_given == () and record.steps_given == ("voice_repeat",)
    assert record.quality == {"no_face": pytest.approx(10 / 111, abs=1e-4)}
    assert record.override is None


def test_record_round_trips_through_plain_values() -> None:
    from game.play.trial_record import TrialRecord

    trial, _clock, feeder = make(steps=LADDER, start_level=3)
    feeder.feed(0.8, 1200, hint=HintKey.SMILE_WIDER)
    record = trial.record(0)
    assert record.hints_given == ("smile_wider",)
    assert TrialRecord.from_dict(record.to_dict()) == record


def test_record_before_the_end_is_an_error() -> None:
    trial, _, _ = make()
    with pytest.raises(RuntimeError):
        trial.record(0)


def test_the_vision_engines_reading_drives_a_trial() -> None:
    from game.vision.records import ExpressionReading

    trial, clock, _ = make(hold_ms=80)
    events = []
    for t in range(1, 5):
        reading = ExpressionReading(t_ms=t, probabilities={Expression.HAPPY: 0.9},
                                    target=Expression.HAPPY, target_score=0.8,
                                    hint=HintKey.SMILE_WIDER)
        events += trial.update(reading, clock.tick(40))
    lost = ExpressionReading.untrusted(9, frozenset({QualityFlag.NO_FACE}))
    assert not lost.trusted and not lost.face_present
    assert trial.state is S.SUCCESS and of_type(events, Succeeded)


# -- grace at the limit ------------------------------------------------------------------

def test_a_hold_running_when_time_runs_out_may_finish() -> None:
    # the child reaches the threshold 0.8 s before the limit and holds: no timeout mid-hold
    trial, _, feeder = make(time_limit_ms=5000, hold_ms=1000)
    feeder.feed(0.2, 4200)
    feeder.feed(0.89, 1200)
    assert trial.state is S.SUCCESS and not of_type(feeder.events, TimedOut)
    record = trial.record(0)
    assert record.grace_used and record.outcome is TrialOutcome.SUCCESS
    assert record.to_dict()["grace_used"] is True


def test_grace_ends_in_a_timeout_when_the_score_falls_during_it() -> None:
    trial, _, feeder = make(time_limit_ms=5000, hold_ms=1000)
    feeder.feed(0.2, 4200)
    feeder.feed(0.89, 880)     # the limit passes while holding
    assert trial.state is S.HOLDING and trial.grace_used
    feeder.feed(0.3, 40)
    assert trial.state is S.TIMEOUT
    assert trial.record(0).grace_used


def test_grace_lasts_at_most_hold_ms_after_the_limit() -> None:
    trial, clock, feeder = make(time_limit_ms=5000, hold_ms=1000)
    feeder.feed(0.2, 4960)
    feeder.feed(0.9, 40)       # a hold starts right at the limit...
    feeder.idle(2000)          # ...and vision goes quiet: the grace still ends
    assert trial.state is S.TIMEOUT
    assert trial.active_ms(clock.now) <= 5000 + 1000 + 40


def test_no_grace_when_the_child_is_not_holding_at_the_limit() -> None:
    trial, _, feeder = make(time_limit_ms=5000, hold_ms=1000)
    feeder.feed(0.5, 5040)
    assert trial.state is S.TIMEOUT and not trial.grace_used
    assert trial.record(0).grace_used is False


def test_an_untrusted_reading_during_grace_ends_it() -> None:
    trial, _, feeder = make(time_limit_ms=5000, hold_ms=1000)
    feeder.feed(0.2, 4600)
    feeder.feed(0.9, 440)
    assert trial.grace_used and trial.state is S.HOLDING
    feeder.feed(0.0, 40, NO_FACE)
    assert trial.state is S.TIMEOUT
