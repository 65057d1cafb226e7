"""ScoreSmoother: properties over arbitrary score streams, and its behaviour on steps."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from game.vision.smoothing import ScoreSmoother, SmoothingSettings

scores = st.floats(min_value=0.0, max_value=1.0, allow_nan=False)
gaps = st.integers(min_value=0, max_value=400)
streams = st.lists(st.tuples(scores, gaps), min_size=1, max_size=80)


def _feed(smoother: ScoreSmoother, stream: list[tuple[float, int]]) -> list[float]:
    t, out = 0, []
    for value, gap in stream:
        t += gap
        out.append(smoother.update(value, t))
    return out


@given(streams)
def test_one_reading_in_one_out_within_the_range_seen(stream: list[tuple[float, int]]) -> None:
    smoother = ScoreSmoother()
    outputs = _feed(smoother, stream)
    assert len(outputs) == len(stream)
    values = [v for v, _ in stream]
    for out in outputs:
        assert min(values) - 1e-9 <= out <= max(values) + 1e-9
        assert 0.0 <= out <= 1.0


@given(streams, st.integers(min_value=1, max_value=9))
def test_history_stays_bounded(stream: list[tuple[float, int]], window: int) -> None:
    smoother = ScoreSmoother(SmoothingSettings(median_window=window))
    _feed(smoother, stream)
    assert len(smoother.history) <= window


@settings(max_examples=50)
@given(scores, scores)
def test_a_held_value_is_reached_within_the_deadband(start: float, held: float) -> None:
    smoother = ScoreSmoother()
    smoother.update(start, 0)
    out = 0.0
    for i in range(1, 60):
        out = smoother.update(held, i * 33)
    assert out == pytest.approx(held, abs=smoother.settings.deadband + 1e-6)


def test_a_single_spike_is_ignored_and_a_step_is_followed() -> None:
    smoother = ScoreSmoother()
    outs = [smoother.update(v, i * 33) for i, v in enumerate([0.2] * 10 + [1.0] + [0.2] * 5)]
    assert max(outs) == pytest.approx(0.2)
    step = [smoother.update(0.9, 600 + i * 33) for i in range(20)]
    assert step[0] < 0.5  # not a jump
    assert step[-1] == pytest.approx(0.9, abs=smoother.settings.deadband + 0.005)
    assert all(b >= a for a, b in itertools.pairwise(step))


def test_small_wobble_does_not_move_the_output() -> None:
    smoother = ScoreSmoother()
    outs = [smoother.update(0.7 + (0.01 if i % 2 else -0.01), i * 33) for i in range(30)]
    assert len(set(outs[5:])) == 1


def test_long_gap_restarts_from_the_new_value() -> None:
    smoother = ScoreSmoother()
    smoother.update(0.1, 0)
    assert smoother.update(0.9, 5000) == pytest.approx(0.9)


def test_rejects_nan_and_bad_settings() -> None:
    with pytest.raises(ValueError, match="finite"):
        ScoreSmoother().update(float("nan"), 0)
    with pytest.raises(ValueError):
        SmoothingSettings(median_window=0)
