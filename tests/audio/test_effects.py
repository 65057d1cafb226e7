"""Synthesised effects: soft, below full scale, no clicks."""

from __future__ import annotations

import numpy as np
import pytest

from game.audio.effects import EFFECT_PEAK, EFFECTS, calm_music, synthesize_all
from game.audio.wavtools import rms

RATE = 44100


@pytest.fixture(scope="module")
def sounds() -> dict[str, np.ndarray]:
    found = synthesize_all(RATE)
    found["music"] = calm_music(RATE)
    return found


def test_every_effect_is_made(sounds: dict[str, np.ndarray]) -> None:
    assert set(EFFECTS) <= set(sounds)
    assert {"chime", "success", "success_big", "try_again"} <= set(sounds)


@pytest.mark.parametrize("name", [*EFFECTS, "music"])
def test_effect_is_audible_and_peaks_well_below_full_scale(
    sounds: dict[str, np.ndarray], name: str
) -> None:
    samples = sounds[name]
    assert samples.dtype == np.float32
    peak = float(np.max(np.abs(samples)))
    assert 0.05 < peak <= EFFECT_PEAK + 1e-6 < 1.0
    assert rms(samples) > 0.02


@pytest.mark.parametrize("name", [*EFFECTS, "music"])
def test_effect_starts_and_ends_silently(sounds: dict[str, np.ndarray], name: str) -> None:
    """No click: exact zeros at both ends and a gentle first and last millisecond."""
    samples = sounds[name]
    edge = int(RATE * 0.001)
    peak = float(np.max(np.abs(samples)))
    assert samples[0] == 0.0 and samples[-1] == 0.0
    assert float(np.max(np.abs(samples[:edge]))) < 0.25 * peak
    assert float(np.max(np.abs(samples[-edge:]))) < 0.25 * peak


def test_try_again_is_soft_and_low_not_a_buzzer(sounds: dict[str, np.ndarray]) -> None:
    """Quieter than praise and free of the harsh high harmonics a buzzer has."""
    gentle = sounds["try_again"]
    assert float(np.max(np.abs(gentle))) < float(np.max(np.abs(sounds["success"])))
    spectrum = np.abs(np.fft.rfft(gentle))
    freqs = np.fft.rfftfreq(gentle.size, 1.0 / RATE)
    high_share = spectrum[freqs > 2000].sum() / spectrum.sum()
    assert high_share < 0.05


def test_synthesis_is_deterministic() -> None:
    assert np.array_equal(synthesize_all(22050)["chime"], synthesize_all(22050)["chime"])
