"""Decoded voice recordings kept ready in the mixer's own format.

Decoding an OGG recording with pygame.mixer takes several milliseconds (Vorbis decoding
plus resampling, measured 7-22 ms for a 3 s phrase) and holds the GIL, which would steal
that time from the game loop. So each recording is decoded once per machine and stored
as a WAV in the mixer's format (loading that costs about 0.1 ms), and `warm_up()` decodes
a whole language of the pack in a separate process, away from the game's GIL:

    python -m game.audio.decoded CACHE_DIR RATE CHANNELS FILE...
"""

from __future__ import annotations

import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import wave
from collections.abc import Iterable
from pathlib import Path

logger = logging.getLogger(__name__)


def decoded_path(cache_dir: Path, source: Path, rate: int, channels: int) -> Path:
    """Where the decoded copy of `source` for a mixer at (rate, channels) lives."""
    stat = source.stat()
    material = f"{source.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}\0{rate}\0{channels}"
    return cache_dir / f"{hashlib.sha256(material.encode()).hexdigest()[:32]}.wav"


def write_pcm_wav(path: Path, raw: bytes, rate: int, channels: int) -> None:
    """Write 16-bit PCM bytes (as `Sound.get_raw()` gives them) atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".wav", dir=path.parent)
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as f:
            f.setnchannels(channels)
            f.setsampwidth(2)
            f.setframerate(rate)
            f.writeframes(raw)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def start_warm_up(cache_dir: Path, rate: int, channels: int,
                  sources: Iterable[Path]) -> subprocess.Popen[bytes] | None:
    """Decode `sources` in a child process (returns at once; None when nothing to do)."""
    todo = [str(p) for p in sources
            if p.is_file() and not decoded_path(cache_dir, p, rate, channels).is_file()]
    if not todo:
        return None
    env = dict(os.environ, SDL_AUDIODRIVER="dummy", PYGAME_HIDE_SUPPORT_PROMPT="1")
    args = [sys.executable, "-m", "game.audio.decoded", str(cache_dir), str(rate),
            str(channels), *todo]
    try:
        return subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    except OSError as exc:
        logger.info("voice warm-up not started: %s", exc)
        return None


def _warm(argv: list[str]) -> int:
    """The child process: decode each file with pygame.mixer at the given format."""
    import pygame.mixer

    cache_dir, rate, channels = Path(argv[0]), int(argv[1]), int(argv[2])
    pygame.mixer.init(frequency=rate, size=-16, channels=channels)
    if pygame.mixer.get_init() != (rate, -16, channels):
        return 1  # the dummy driver could not match the format; the player decodes itself
    for name in argv[3:]:
        source = Path(name)
        target = decoded_path(cache_dir, source, rate, channels)
        if target.is_file():
            continue
        try:
            raw = pygame.mixer.Sound(name).get_raw()
        except (pygame.error, OSError):
            continue
        write_pcm_wav(target, raw, rate, channels)
    return 0


if __name__ == "__main__":
    sys.exit(_warm(sys.argv[1:]))
