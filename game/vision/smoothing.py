"""Smoothing for the live gauge: one reading in, one out, no flicker.

`ScoreSmoother` runs three small steps on each raw score:
1. a median over the last `median_window` raw values (a bounded history) removes one-frame
   spikes, e.g. a blink read as a squint;
2. an exponential moving average whose weight follows the real time between readings
   (`time_constant_ms`), so the gauge behaves the same at 15 and at 30 fps;
3. hysteresis: the output moves only when the average has moved at least `deadband` away
   from it, so a steady face gives a steady gauge.

The output always stays within the range of the raw values seen since the last reset.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SmoothingSettings:
    """`time_constant_ms` 150: a step change shows 86% after 300 ms (two time constants)."""

    time_constant_ms: float = 150.0
    median_window: int = 3
    deadband: float = 0.03
    max_gap_ms: int = 1000  # a longer pause restarts the average from the new value

    def __post_init__(self) -> None:
        if self.time_constant_ms < 0 or self.median_window < 1 or self.deadband < 0:
            raise ValueError("smoothing settings must be non-negative (median_window >= 1)")


class ScoreSmoother:
    """EMA + median + hysteresis over scores in [0, 1], fed with timestamps in ms."""

    def __init__(self, settings: SmoothingSettings | None = None) -> None:
        self.settings = settings or SmoothingSettings()
        self._history: deque[float] = deque(maxlen=self.settings.median_window)
        self._average: float | None = None
        self._output = 0.0
        self._last_t_ms: int | None = None

    @property
    def history(self) -> tuple[float, ...]:
        """The raw values the median looks at (at most `median_window`)."""
        return tuple(self._history)

    @property
    def value(self) -> float:
        """The last output (0 before any input)."""
        return self._output

    def reset(self) -> None:
        """Forget everything (face lost, target changed)."""
        self._history.clear()
        self._average = None
        self._output = 0.0
        self._last_t_ms = None

    def update(self, raw: float, t_ms: int) -> float:
        """Feed one raw score taken at `t_ms`; returns the smoothed score."""
        if not math.isfinite(raw):
            raise ValueError(f"score must be finite, got {raw}")
        raw = min(1.0, max(0.0, raw))
        gap = None if self._last_t_ms is None else t_ms - self._last_t_ms
        if gap is not None and gap > self.settings.max_gap_ms:
            self.reset()
            gap = None
        self._last_t_ms = t_ms if gap is None or gap >= 0 else self._last_t_ms
        self._history.append(raw)
        filtered = sorted(self._history)[len(self._history) // 2]
        if self._average is None or gap is None:
            self._average = filtered
            self._output = filtered
            return self._output
        tau = self.settings.time_constant_ms
        alpha = 1.0 if tau == 0 else 1.0 - math.exp(-max(gap, 0) / tau)
        self._average += alpha * (filtered - self._average)
        if abs(self._average - self._output) >= self.settings.deadband:
            self._output = self._average
        return self._output
