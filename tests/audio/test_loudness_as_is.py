"""Even loudness (issue 25): a recording is measured as it is, so a short phrase is not
made louder than a long one. Measuring a 0.5 s phrase with silence appended (as the voice
pack once did) read it too quiet, so the pack made it up to 2 LU too loud on a plain
EBU R128 meter."""

from __future__ import annotations

import numpy as np
import pytest

from game.audio.loudness import (
    METER,
    TARGET_LUFS,
    TOLERANCE_LU,
    integrated_lufs,
    normalize_loudness,
)

RATE = 16000


def voice_like(seconds: float, level: float = 0.3) -> np.ndarray:
    t = np.arange(int(RATE * seconds)) / RATE
    return level * np.sin(2 * np.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * np.pi * 4 * t))


def plain_meter(samples: np.ndarray) -> float:
    """pyloudnorm's own reading of the samples as they are (no helper, no padding)."""
    import pyloudnorm

    return float(pyloudnorm.Meter(RATE).integrated_loudness(np.asarray(samples, np.float64)))


@pytest.mark.parametrize("seconds", [0.2, 0.35, 0.45, 0.55, 1.0, 4.0])
def test_a_steady_sound_reads_the_same_at_any_length(seconds: float) -> None:
    tone = 0.1 * np.sin(2 * np.pi * 440 * np.arange(int(RATE * seconds)) / RATE)
    long = 0.1 * np.sin(2 * np.pi * 440 * np.arange(RATE * 5) / RATE)
    assert abs(integrated_lufs(tone, RATE) - integrated_lufs(long, RATE)) < 0.3


@pytest.mark.parametrize("seconds", [0.42, 0.5, 0.58, 0.9, 2.5])
def test_a_levelled_phrase_is_on_target_on_a_plain_meter(seconds: float) -> None:
    levelled = normalize_loudness(voice_like(seconds), RATE)
    assert abs(plain_meter(levelled) - TARGET_LUFS) < 0.5


def test_a_phrase_under_one_block_is_levelled_like_its_longer_self() -> None:
    short = normalize_loudness(voice_like(0.3), RATE)
    long = normalize_loudness(voice_like(3.0), RATE)
    # the same sound: after levelling, the same gain per sample (fades aside)
    middle = slice(int(0.1 * RATE), int(0.2 * RATE))
    assert np.allclose(np.abs(short[middle]).max(), np.abs(long[middle]).max(), rtol=0.15)


def test_the_meter_is_named_in_the_pack_settings() -> None:
    assert METER and TOLERANCE_LU == 1.0
