"""Adaptive difficulty: a bounded staircase on threshold and hold time across trials."""

from __future__ import annotations

import enum
import logging

from game.play.level_set import AdaptiveSettings

logger = logging.getLogger(__name__)


class TrialResult(enum.StrEnum):
    """How a finished trial counts for adaptation and prompt fading."""

    INDEPENDENT = "independent"  # success with no help showing
    PROMPTED = "prompted"        # success after help appeared
    FAILURE = "failure"          # timeout, or a success the therapist rejected
    NEUTRAL = "neutral"          # skipped or ended: does not count


class Staircase:
    """After `up_after` independent successes in a row: one step harder (threshold and hold
    both up); after `down_after` failures in a row: one step easier. Prompted successes
    break both runs. Values never leave [min, max]; when `enabled` is False nothing moves.
    """

    def __init__(self, settings: AdaptiveSettings, threshold: float, hold_ms: int) -> None:
        self.settings = settings
        if settings.enabled:
            threshold = min(max(threshold, settings.threshold_min), settings.threshold_max)
            hold_ms = min(max(hold_ms, settings.hold_min_ms), settings.hold_max_ms)
        self.threshold = threshold
        self.hold_ms = hold_ms
        self._successes = 0
        self._failures = 0

    def record(self, result: TrialResult) -> str | None:
        """Count one finished trial; return "harder" or "easier" when the values moved."""
        s = self.settings
        if not s.enabled or result is TrialResult.NEUTRAL:
            return None
        if result is TrialResult.INDEPENDENT:
            self._successes, self._failures = self._successes + 1, 0
        elif result is TrialResult.PROMPTED:
            self._successes, self._failures = 0, 0
        else:
            self._successes, self._failures = 0, self._failures + 1
        if self._successes >= s.up_after:
            self._successes = 0
            return self._move(+1)
        if self._failures >= s.down_after:
            self._failures = 0
            return self._move(-1)
        return None

    def _move(self, sign: int) -> str | None:
        s = self.settings
        threshold = round(self.threshold + sign * s.threshold_step, 4)
        threshold = min(max(threshold, s.threshold_min), s.threshold_max)
        hold = min(max(self.hold_ms + sign * s.hold_step_ms, s.hold_min_ms), s.hold_max_ms)
        if threshold == self.threshold and hold == self.hold_ms:
            return None
        self.threshold, self.hold_ms = threshold, hold
        direction = "harder" if sign > 0 else "easier"
        logger.debug("staircase %s: threshold %.2f hold %d ms", direction, threshold, hold)
        return direction
