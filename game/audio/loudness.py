"""Every recording in the voice pack at one loudness: EBU R128 integrated loudness (LUFS).

Build-time only (`facequest voice render`) and the pack test: it needs pyloudnorm (the
`voice` and `dev` extras); the game never imports it. Loudness is measured the way ITU-R
BS.1770-4 / EBU R128 define it (K-weighting, 400 ms blocks, absolute and relative gates).
A recording is measured as it is, with no silence added: silence appended to a short phrase
(as this module once did for anything under 600 ms) lands in the phrase's own gating
blocks and lowers its reading, so the phrase was made up to 2 LU too loud by any standard
meter. Only a phrase shorter than one 400 ms block, which a standard meter cannot measure at
all, is measured repeated end to end until it fills the blocks: the mean loudness of the
phrase itself, as a steady sound of any length reads the same.
"""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from game.audio.wavtools import fade, read_wav

logger = logging.getLogger(__name__)

TARGET_LUFS = -20.0   # where the espeak pack sat (median -19.4 LUFS): the mix stays as it was
TOLERANCE_LU = 1.0    # every recording in the pack lies within this of the target
PEAK_CEILING = 0.7    # about -3 dBFS: the rare peak above it is softly rounded off, with room
#                       left for the Vorbis encoder's overshoot (at 0.89, 20 clips clipped)
PEAK_LIMIT = 0.9      # ... and no sample of the rounded-off recording goes past this
_BLOCK_S = 0.4
# How recordings are measured; kept in the pack's index, so a pack levelled by another way
# of measuring is rendered again by the next `facequest voice render` (not reused).
METER = "bs1770-as-is"  # no silence added; a phrase under one block measured repeated


class LoudnessUnavailableError(RuntimeError):
    """pyloudnorm is not installed (pip install -e '.[voice]')."""


def _meter(rate: int) -> object:
    try:
        import pyloudnorm
    except ImportError as exc:
        raise LoudnessUnavailableError(
            "pyloudnorm is not installed: pip install -e '.[voice]'") from exc
    return pyloudnorm.Meter(rate)


def require() -> None:
    """Raise LoudnessUnavailableError when the loudness meter cannot be used."""
    _meter(48000)


def integrated_lufs(samples: np.ndarray, rate: int) -> float:
    """EBU R128 integrated loudness of mono float samples in [-1, 1] (-inf when silent or
    empty). A recording shorter than one 400 ms block is measured repeated end to end (never
    padded with silence, which would read it too quiet)."""
    data = np.asarray(samples, dtype=np.float64)
    if data.size == 0:
        return float("-inf")
    if data.size < int(rate * _BLOCK_S) + 1:
        shortest = int(rate * _BLOCK_S * 1.5)
        data = np.tile(data, -(-shortest // data.size))
    meter = _meter(rate)
    return float(meter.integrated_loudness(data))  # type: ignore[attr-defined]


def _soft_ceiling(samples: np.ndarray, ceiling: float = PEAK_CEILING,
                  limit: float = PEAK_LIMIT) -> np.ndarray:
    """Round off only the samples above `ceiling` (tanh knee) so that none exceeds
    `limit`: loudness barely moves."""
    out = samples.astype(np.float64, copy=True)
    over = np.abs(out) > ceiling
    if np.any(over):
        room = limit - ceiling
        excess = np.abs(out[over]) - ceiling
        out[over] = np.sign(out[over]) * (ceiling + room * np.tanh(excess / room))
    return out


def normalize_loudness(samples: np.ndarray, rate: int,
                       target: float = TARGET_LUFS, *, headroom: float = 1.0) -> np.ndarray:
    """`samples` brought to `target` LUFS (peaks kept below full scale), faded in and out.
    `headroom` (0-1] scales the peak ceiling and limit down, for a recording whose encoding
    would otherwise overshoot full scale (Vorbis moves peaks)."""
    current = integrated_lufs(samples, rate)
    if not np.isfinite(current):
        raise ValueError("a silent recording has no loudness to normalise")
    out = np.asarray(samples, dtype=np.float64) * 10 ** ((target - current) / 20)
    ceiling, limit = PEAK_CEILING * headroom, PEAK_LIMIT * headroom
    for _ in range(4):  # the soft ceiling may take a little loudness away: give it back
        out = _soft_ceiling(out, ceiling, limit)
        error = target - integrated_lufs(out, rate)
        if abs(error) < 0.05:
            break
        out = out * 10 ** (error / 20)
    # The ceiling comes last, so no gain step can push a peak past it again.
    return fade(np.clip(_soft_ceiling(out, ceiling, limit), -1.0, 1.0).astype(np.float32), rate)


def decode_to_samples(path: Path, rate: int) -> tuple[np.ndarray, int]:
    """Any file sox reads (the pack's OGG), decoded to mono float samples at `rate`."""
    sox = shutil.which("sox")
    if sox is None:
        raise FileNotFoundError("sox is not installed (needed to decode the voice pack)")
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "decoded.wav"
        subprocess.run([sox, str(path), "-b", "16", "-c", "1", str(wav), "rate", "-h",
                        str(rate)], check=True, capture_output=True, timeout=60)
        return read_wav(wav)
