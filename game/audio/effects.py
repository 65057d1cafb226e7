"""Sound effects synthesised with numpy at start-up: soft, short and never harsh.

Every effect is built from sine partials under smooth envelopes (raised-cosine attack,
exponential decay, a final fade to exactly zero), so there are no clicks, and is scaled to
a peak of `EFFECT_PEAK` (-6 dBFS), well below full scale. "try_again" is a soft rising
two-note "let's go again", never a buzzer (CLINICAL.md: no negative sounds).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

EFFECT_PEAK = 0.5  # -6 dBFS
_END_FADE_S = 0.03


def _note(rate: int, freq: float, seconds: float, decay_s: float,
          partials: tuple[tuple[float, float], ...] = ((1.0, 1.0),),
          attack_s: float = 0.012) -> np.ndarray:
    """One soft tone: sine partials (multiple, weight), raised-cosine attack, exp decay."""
    t = np.arange(int(rate * seconds), dtype=np.float64) / rate
    tone = np.zeros_like(t)
    for multiple, weight in partials:
        if freq * multiple < rate / 2:
            tone += weight * np.sin(2.0 * np.pi * freq * multiple * t)
    envelope = np.exp(-t / decay_s)
    n_attack = max(1, int(rate * attack_s))
    envelope[:n_attack] *= 0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n_attack))
    return tone * envelope


def _mix(rate: int, seconds: float, notes: list[tuple[float, np.ndarray]]) -> np.ndarray:
    """Place notes at start times (s) on a silent track of `seconds`."""
    track = np.zeros(int(rate * seconds), dtype=np.float64)
    for start, note in notes:
        i = int(rate * start)
        end = min(track.size, i + note.size)
        track[i:end] += note[: end - i]
    return track


def _finish(track: np.ndarray, rate: int) -> np.ndarray:
    """Fade the tail to exactly zero and scale to the effect peak; float32."""
    n = min(int(rate * _END_FADE_S), track.size)
    track = track.copy()
    track[-n:] *= 0.5 + 0.5 * np.cos(np.linspace(0.0, np.pi, n))
    track[0] = 0.0
    track[-1] = 0.0
    peak = float(np.max(np.abs(track)))
    if peak > 0:
        track *= EFFECT_PEAK / peak
    return track.astype(np.float32)


_BELL = ((1.0, 1.0), (2.0, 0.25), (3.0, 0.06))
_MARIMBA = ((1.0, 1.0), (4.0, 0.08))


def chime(rate: int) -> np.ndarray:
    """A soft single bell (E5): attention, or the stand-in for speech with no engine."""
    return _finish(_note(rate, 659.25, 1.0, 0.28, _BELL), rate)


def success(rate: int) -> np.ndarray:
    """A short rising arpeggio (C5 E5 G5) for a prompted success."""
    freqs = (523.25, 659.25, 783.99)
    notes = [(0.11 * i, _note(rate, f, 0.7, 0.22, _BELL)) for i, f in enumerate(freqs)]
    return _finish(_mix(rate, 1.0, notes), rate)


def success_big(rate: int) -> np.ndarray:
    """A longer jingle with a sparkle (C5 E5 G5 C6 + E6 G6) for an independent success."""
    freqs = (523.25, 659.25, 783.99, 1046.5)
    notes = [(0.11 * i, _note(rate, f, 0.9, 0.28, _BELL)) for i, f in enumerate(freqs)]
    notes += [(0.55, _note(rate, 1318.5, 0.6, 0.15, _BELL)),
              (0.63, _note(rate, 1568.0, 0.7, 0.18, _BELL))]
    return _finish(_mix(rate, 1.5, notes), rate)


def try_again(rate: int) -> np.ndarray:
    """Two soft, low, rising marimba notes (D4 -> G4): "let's go again", not a buzzer."""
    notes = [(0.0, _note(rate, 293.66, 0.5, 0.16, _MARIMBA, attack_s=0.02)),
             (0.18, _note(rate, 392.0, 0.6, 0.2, _MARIMBA, attack_s=0.02))]
    return _finish(_mix(rate, 0.8, notes), rate) * 0.7  # quieter than praise


def tap(rate: int) -> np.ndarray:
    """A tiny soft blip for buttons and menu moves."""
    return _finish(_note(rate, 880.0, 0.09, 0.03, ((1.0, 1.0),), attack_s=0.005), rate) * 0.5


def door(rate: int) -> np.ndarray:
    """A gentle upward glide (a maze door opening)."""
    seconds = 0.6
    t = np.arange(int(rate * seconds), dtype=np.float64) / rate
    freq = 330.0 * (2.0 ** (t / seconds))  # one octave up
    phase = 2.0 * np.pi * np.cumsum(freq) / rate
    envelope = np.sin(np.pi * t / seconds) ** 2
    return _finish(np.sin(phase) * envelope, rate) * 0.8


EFFECTS: dict[str, Callable[[int], np.ndarray]] = {
    "chime": chime,
    "success": success,
    "success_big": success_big,
    "try_again": try_again,
    "tap": tap,
    "door": door,
}


def synthesize_all(rate: int) -> dict[str, np.ndarray]:
    """Every effect as mono float32 samples at `rate` Hz."""
    return {name: make(rate) for name, make in EFFECTS.items()}


def calm_music(rate: int, seconds: float = 16.0) -> np.ndarray:
    """A slow, quiet pentatonic loop of soft bell notes (for the music channel).

    Deterministic (fixed note pattern), seamless: every note ends inside the loop.
    """
    pattern = (261.63, 392.0, 329.63, 440.0, 293.66, 392.0, 329.63, 523.25)
    beat = seconds / (2 * len(pattern))
    notes = []
    for i in range(2 * len(pattern)):
        freq = pattern[i % len(pattern)] / (2.0 if i % 4 == 3 else 1.0)
        length = min(1.8, seconds - i * beat)
        notes.append((i * beat, _note(rate, freq, length, 0.6, _BELL, attack_s=0.04)))
    pad = _note(rate, 130.81, seconds, seconds, ((1.0, 0.15), (1.5, 0.08)), attack_s=1.0)
    track = _mix(rate, seconds, notes) + pad
    return _finish(track, rate) * 0.6
