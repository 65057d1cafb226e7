"""Frame pacing and the app's clock, kept apart from the loop body (pgzero's `frames()`).

`frames()` yields the clamped time step of each frame; `FrameClock` turns a time source into
the monotonic `now_ms` the rules engine is given. Both take the time source as an argument,
so tests drive them with a fake clock and never sleep.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

MAX_DT_MS = 100  # a stall (debugger, slow disk) never makes the game jump further than this


def clamp_dt(dt_ms: float, max_dt_ms: int = MAX_DT_MS) -> int:
    """`dt_ms` as whole ms in [0, max_dt_ms]."""
    return int(min(max(dt_ms, 0.0), float(max_dt_ms)))


class FrameClock:
    """Monotonic ms since the clock was made, from an injectable time source (seconds)."""

    def __init__(self, source: Callable[[], float] = time.monotonic) -> None:
        self._source = source
        self._start = source()

    def now_ms(self) -> int:
        return int((self._source() - self._start) * 1000.0)


def frames(
    fps: int = 60,
    source: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    max_dt_ms: int = MAX_DT_MS,
) -> Iterator[int]:
    """Yield the clamped ms since the previous frame, pacing to `fps` by sleeping.

    The first frame yields 0. The loop body runs between yields; when it takes longer than
    a frame, the next yield comes at once (no sleep) and its step is clamped.
    """
    period = 1.0 / fps
    last = source()
    deadline = last
    yield 0
    while True:
        deadline += period
        now = source()
        if deadline > now:
            sleep(deadline - now)
        else:
            deadline = now  # behind: don't try to catch up with a burst of frames
        now = source()
        dt = clamp_dt((now - last) * 1000.0, max_dt_ms)
        last = now
        yield dt
