"""Frame pacing and the clock, driven by a fake time source (nothing sleeps for real)."""

from __future__ import annotations

import itertools

from game.ui.clock import MAX_DT_MS, FrameClock, clamp_dt, frames


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_clamp_dt_limits_large_steps_and_negative_ones() -> None:
    assert clamp_dt(16.7) == 16
    assert clamp_dt(5000.0) == MAX_DT_MS
    assert clamp_dt(-3.0) == 0


def test_frames_paces_to_the_frame_rate_by_sleeping() -> None:
    fake = FakeTime()
    gen = frames(60, source=fake, sleep=fake.sleep)
    steps = list(itertools.islice(gen, 4))
    assert steps[0] == 0
    assert all(15 <= s <= 17 for s in steps[1:])
    assert len(fake.slept) == 3


def test_frames_after_a_stall_yields_a_clamped_step_without_sleeping() -> None:
    fake = FakeTime()
    gen = frames(60, source=fake, sleep=fake.sleep)
    next(gen)
    fake.now += 3.0  # the loop body stalled for 3 s
    assert next(gen) == MAX_DT_MS
    assert fake.slept == []


def test_frame_clock_counts_ms_from_its_creation() -> None:
    fake = FakeTime()
    clock = FrameClock(fake)
    fake.now += 1.25
    assert clock.now_ms() == 1250
