"""Property tests: for any reading stream, the rules hold."""

from __future__ import annotations

import itertools
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from game.expressions import Expression
from game.play.adaptive import Staircase, TrialResult
from game.play.events import Resumed, StateChanged, Succeeded, TrialState
from game.play.level_set import AdaptiveSettings, PromptingSettings, PromptStep, RewardSettings
from game.play.ordering import target_sequence
from game.play.prompting import PromptFader
from game.play.trial import Trial, TrialSpec
from tests.play.fakes import HEAD_TURNED, NO_FACE, FakeReading
from tests.play.test_trial import ALL_TRANSITIONS

FRAME_MS = 50

Segment = tuple[str, float, int]  # what a stretch of input is, its score, its milliseconds
segment = st.tuples(
    st.sampled_from(["score", "score", "score", "no_face", "turned", "silent", "manual"]),
    st.floats(min_value=0.0, max_value=1.0, allow_nan=False),
    st.integers(min_value=FRAME_MS, max_value=3000),
)

steps = st.lists(st.builds(
    PromptStep,
    kind=st.sampled_from(["voice_repeat", "model_face", "part_hint", "lower_threshold"]),
    after_ms=st.one_of(st.none(), st.integers(0, 8000)),
    after_failures=st.one_of(st.none(), st.integers(1, 4)),
    threshold_drop=st.floats(0.01, 0.5),
), max_size=4).map(tuple)

specs = st.builds(
    TrialSpec, index=st.just(0), level_id=st.just("p"), mode=st.just("mimic"),
    target=st.sampled_from(list(Expression)), threshold=st.floats(0.1, 0.95),
    hold_ms=st.integers(0, 3000), time_limit_ms=st.integers(3000, 10_000), steps=steps,
    start_level=st.integers(0, 4), rewards=st.just(RewardSettings(3, 1)),
    attempt_fraction=st.floats(0.1, 0.95), pause_after_ms=st.integers(0, 1000),
    stale_after_ms=st.integers(200, 2000), away_end_ms=st.integers(10_000, 20_000),
)


class Run:
    """Drives one trial through a stream and logs what it was fed."""

    def __init__(self, spec: TrialSpec) -> None:
        self.trial = Trial(spec)
        self.now = 1000
        self.t = 0
        self.events = self.trial.start(self.now)
        self.log: list[tuple[int, float, bool]] = []   # (now, score, trusted) per reading

    def frame(self, kind: str, score: float) -> None:
        self.now += FRAME_MS
        reading = None
        if kind in ("score", "no_face", "turned"):
            self.t += 1
            flags = {"score": frozenset(), "no_face": NO_FACE, "turned": HEAD_TURNED}[kind]
            reading = FakeReading(self.t, score, None, flags)
            self.log.append((self.now, score, not flags))
        self.events += self.trial.update(reading, self.now)

    def segment(self, kind: str, score: float, ms: int) -> None:
        if kind == "manual":
            self.events += self.trial.pause(self.now)
            self.now += ms
            self.events += self.trial.resume(self.now)
            return
        for _ in range(ms // FRAME_MS):
            self.frame(kind, score)


@settings(max_examples=120, deadline=None)
@given(specs, st.lists(segment, max_size=12), st.sampled_from(["score", "no_face", "silent"]),
       st.floats(0.0, 1.0))
def test_a_trial_always_ends_under_any_steady_input(
    spec: TrialSpec, stream: list[Segment], tail_kind: str, tail_score: float
) -> None:
    run = Run(spec)
    for kind, score, ms in stream:
        run.segment(kind, score, ms)
    bound = spec.time_limit_ms + spec.away_end_ms + spec.pause_after_ms + spec.stale_after_ms
    for _ in range(bound // FRAME_MS + 2):
        if run.trial.finished:
            break
        run.frame(tail_kind, tail_score)
    assert run.trial.finished
    for event in run.events:
        if isinstance(event, StateChanged):
            assert (event.old, event.new) in ALL_TRANSITIONS


@settings(max_examples=150, deadline=None)
@given(specs, st.lists(segment, min_size=1, max_size=15))
def test_never_succeeds_below_threshold_or_before_the_hold_time(
    spec: TrialSpec, stream: list[Segment]
) -> None:
    run = Run(spec)
    for kind, score, ms in stream:
        if run.trial.finished:
            break
        run.segment(kind, score, ms)
    if not any(isinstance(e, Succeeded) for e in run.events):
        return
    end = run.trial.ended_ms
    assert end is not None
    threshold = run.trial.threshold   # thresholds only fall within a trial
    fed = [entry for entry in run.log if entry[0] <= end]
    assert fed and fed[-1][0] == end, "success only on a reading"
    streak_start = end
    for now, score, trusted in reversed(fed):
        if not trusted or score < threshold:
            break
        streak_start = now
    assert end - streak_start >= spec.hold_ms
    assert run.trial.record(0).hold_ms >= spec.hold_ms


@settings(max_examples=150, deadline=None)
@given(specs, st.lists(segment, min_size=1, max_size=15))
def test_paused_time_is_never_charged_to_the_time_limit(
    spec: TrialSpec, stream: list[Segment]
) -> None:
    run = Run(spec)
    for kind, score, ms in stream:
        if run.trial.finished:
            break
        run.segment(kind, score, ms)
    trial = run.trial
    if not trial.finished:
        trial.end(run.now)
    assert trial.started_ms is not None and trial.ended_ms is not None
    active = trial.ended_ms - trial.started_ms - trial.paused_ms
    assert active == trial.active_ms(run.now)
    grace = spec.hold_ms if trial.grace_used else 0  # a hold running at the limit may finish
    assert active <= spec.time_limit_ms + grace + FRAME_MS
    if trial.state is TrialState.TIMEOUT:
        assert active >= spec.time_limit_ms
    resumed = sum(e.paused_ms for e in run.events if isinstance(e, Resumed))
    assert trial.paused_ms >= resumed


adaptive_settings = st.builds(
    lambda lo, span, hlo, hspan, **kw: AdaptiveSettings(
        threshold_min=lo, threshold_max=min(0.95, lo + span), hold_min_ms=hlo,
        hold_max_ms=min(10_000, hlo + hspan), **kw),
    st.floats(0.1, 0.95), st.floats(0.0, 0.85), st.integers(0, 10_000), st.integers(0, 5000),
    enabled=st.booleans(), up_after=st.integers(1, 5), down_after=st.integers(1, 5),
    threshold_step=st.floats(0.01, 0.2), hold_step_ms=st.integers(0, 2000),
)


@settings(max_examples=200, deadline=None)
@given(adaptive_settings, st.floats(0.1, 0.95), st.integers(0, 10_000),
       st.lists(st.sampled_from(list(TrialResult)), max_size=60))
def test_adaptive_values_stay_within_bounds(
    s: AdaptiveSettings, threshold: float, hold: int, results: list[TrialResult]
) -> None:
    stair = Staircase(s, threshold, hold)
    for result in results:
        stair.record(result)
        if s.enabled:
            assert s.threshold_min <= stair.threshold <= s.threshold_max
            assert s.hold_min_ms <= stair.hold_ms <= s.hold_max_ms
        else:
            assert (stair.threshold, stair.hold_ms) == (threshold, hold)


@settings(max_examples=100, deadline=None)
@given(steps, st.sampled_from(["least_to_most", "most_to_least"]), st.booleans(),
       st.lists(st.sampled_from(list(TrialResult)), max_size=30))
def test_prompt_start_level_stays_on_the_ladder(
    ladder: tuple[PromptStep, ...], direction: str, errorless: bool, results: list[TrialResult]
) -> None:
    fader = PromptFader(PromptingSettings(direction, errorless, ladder))
    for result in results:
        fader.record(result)
        assert 0 <= fader.start_level <= len(ladder)
        if errorless:
            assert fader.start_level == len(ladder)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(list(Expression)), min_size=1, max_size=7, unique=True),
       st.integers(0, 60), st.integers(0, 2**32))
def test_balanced_order_is_even_and_never_repeats_a_target_back_to_back(
    targets: list[Expression], trials: int, seed: int
) -> None:
    seq = target_sequence(targets, trials, "balanced", random.Random(seed))
    assert len(seq) == trials
    counts = [seq.count(t) for t in targets]
    assert max(counts) - min(counts) <= 1
    if len(targets) > 1:
        assert all(a is not b for a, b in itertools.pairwise(seq))
