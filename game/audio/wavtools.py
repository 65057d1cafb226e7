"""Small numpy helpers for mono 16-bit PCM: read, write, measure, tidy.

Speech from espeak-ng arrives as 16-bit mono WAV; before it is cached or packed it is
trimmed of long silences, brought to one loudness (so no prompt is suddenly louder than
the others) and faded in and out (so playback never starts or stops with a click).
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

TARGET_RMS = 0.1  # about -20 dBFS: every prompt equally loud
PEAK_LIMIT = 0.7  # about -3 dBFS: never near full scale
FADE_S = 0.008
KEEP_SILENCE_S = 0.08  # kept before and after the speech when trimming


def read_wav(path: Path) -> tuple[np.ndarray, int]:
    """Samples as float32 in [-1, 1] (mono; stereo is averaged) and the sample rate."""
    with wave.open(str(path), "rb") as f:
        rate = f.getframerate()
        width = f.getsampwidth()
        channels = f.getnchannels()
        raw = f.readframes(f.getnframes())
    if width != 2:
        raise ValueError(f"{path}: only 16-bit WAV is supported, got {8 * width}-bit")
    samples = np.frombuffer(raw, dtype="<i2").astype(np.float32) / 32768.0
    if channels > 1:
        samples = samples.reshape(-1, channels).mean(axis=1)
    return samples, rate


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """Write float samples in [-1, 1] as 16-bit mono WAV."""
    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    with wave.open(str(path), "wb") as f:
        f.setnchannels(1)
        f.setsampwidth(2)
        f.setframerate(rate)
        f.writeframes(pcm.tobytes())


def rms(samples: np.ndarray) -> float:
    """Root mean square of the samples (0 for an empty array)."""
    if samples.size == 0:
        return 0.0
    return float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))


def fade(samples: np.ndarray, rate: int, seconds: float = FADE_S) -> np.ndarray:
    """A raised-cosine fade in and out, so the sound starts and ends at exactly zero."""
    out = samples.astype(np.float32, copy=True)
    n = min(int(rate * seconds), out.size // 2)
    if n > 0:
        ramp = (0.5 - 0.5 * np.cos(np.linspace(0.0, np.pi, n, dtype=np.float32)))
        out[:n] *= ramp
        out[-n:] *= ramp[::-1]
    if out.size:
        out[0] = 0.0
        out[-1] = 0.0
    return out


def trim_silence(samples: np.ndarray, rate: int, threshold: float = 0.01) -> np.ndarray:
    """Cut leading and trailing silence, keeping a short margin."""
    loud = np.flatnonzero(np.abs(samples) > threshold)
    if loud.size == 0:
        return samples
    margin = int(rate * KEEP_SILENCE_S)
    return samples[max(0, loud[0] - margin): min(samples.size, loud[-1] + 1 + margin)]


def level(samples: np.ndarray, target_rms: float = TARGET_RMS,
          peak_limit: float = PEAK_LIMIT) -> np.ndarray:
    """Scale to `target_rms`, then down if needed so the peak stays below `peak_limit`."""
    current = rms(samples)
    if current <= 1e-6:
        return samples
    gain = target_rms / current
    peak = float(np.max(np.abs(samples))) * gain
    if peak > peak_limit:
        gain *= peak_limit / peak
    return (samples * gain).astype(np.float32)


def tidy_speech(samples: np.ndarray, rate: int) -> np.ndarray:
    """Trim, level and fade one spoken phrase."""
    return fade(level(trim_silence(samples, rate)), rate)
