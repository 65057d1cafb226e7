"""Playback through pygame.mixer: voice, effects and music channels, volumes, mute, quiet mode.

If the mixer cannot start (no sound device) SDL's dummy audio driver is used; if even that
fails the player stays silent. Either way the game goes on. All mixer calls go through one
lock because the speech worker starts voice playback from its own thread.
"""

from __future__ import annotations

import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pygame.mixer
import pygame.sndarray

from game.audio.decoded import decoded_path, write_pcm_wav
from game.audio.effects import calm_music, synthesize_all

logger = logging.getLogger(__name__)

CHANNELS = ("voice", "effects", "music")
QUIET_FACTOR = 0.4  # quiet mode: voice and effects at 40 %, no music
_VOICE_CHANNEL = 0
_MUSIC_CHANNEL = 1
_TOTAL_CHANNELS = 8
_MEMORY_SOUNDS = 48  # decoded voice phrases kept in memory (about 100 kB each)

# The format the game's sounds are made for: every recording and effect is mono and
# 16-22 kHz, so a 22050 Hz mono mixer plays them without any resampling work.
MIXER_FORMAT: dict[str, int] = {"frequency": 22050, "size": -16, "channels": 1, "buffer": 1024}


def _init_in_format() -> None:
    fmt = MIXER_FORMAT
    pygame.mixer.init(frequency=fmt["frequency"], size=fmt["size"], channels=fmt["channels"],
                      buffer=fmt["buffer"])


def start_mixer() -> bool:
    """Make sure pygame.mixer runs (in MIXER_FORMAT if we start it); fall back to SDL's
    dummy driver. True when it runs."""
    if pygame.mixer.get_init():
        return True
    try:
        _init_in_format()
        return True
    except pygame.error as exc:
        logger.info("no sound device (%s); using SDL's silent dummy audio driver", exc)
    os.environ["SDL_AUDIODRIVER"] = "dummy"
    try:
        _init_in_format()
        return True
    except pygame.error as exc:
        logger.warning("sound is unavailable, playing on silently: %s", exc)
        return False


class Player:
    """The three channels and their volumes. Every method is safe to call from any thread."""

    def __init__(self, init_mixer: bool = True, decoded_dir: Path | None = None) -> None:
        self._lock = threading.RLock()
        self._decoded_dir = decoded_dir
        self._sounds: OrderedDict[Path, pygame.mixer.Sound] = OrderedDict()
        self._volumes = {"voice": 0.8, "effects": 0.5, "music": 0.3}
        self._muted = False
        self._quiet = False
        self._effects: dict[str, pygame.mixer.Sound] = {}
        self._music: pygame.mixer.Sound | None = None
        self._voice: pygame.mixer.Channel | None = None
        self._music_channel: pygame.mixer.Channel | None = None
        self.running = start_mixer() if init_mixer else bool(pygame.mixer.get_init())
        if self.running:
            self._setup()

    def _setup(self) -> None:
        try:
            pygame.mixer.set_num_channels(max(_TOTAL_CHANNELS, pygame.mixer.get_num_channels()))
            pygame.mixer.set_reserved(2)
            self._voice = pygame.mixer.Channel(_VOICE_CHANNEL)
            self._music_channel = pygame.mixer.Channel(_MUSIC_CHANNEL)
            self._effects = {n: self._make_sound(s) for n, s in synthesize_all(self.rate).items()}
        except (pygame.error, ValueError) as exc:
            logger.warning("sound effects unavailable: %s", exc)
            self._effects = {}

    @property
    def mixer_format(self) -> tuple[int, int, int] | None:
        """(frequency, size, channels) of the running mixer, or None."""
        init = pygame.mixer.get_init()
        return (int(init[0]), int(init[1]), int(init[2])) if init else None

    @property
    def decoded_dir(self) -> Path | None:
        """Where decoded voice copies are kept (None: 16-bit mixer not running, or no dir)."""
        fmt = self.mixer_format
        return self._decoded_dir if fmt is not None and abs(fmt[1]) == 16 else None

    def load_voice(self, path: Path) -> pygame.mixer.Sound:
        """The Sound of a recording: from memory, from its decoded copy, or decoded now
        (then its decoded copy is written so the next run loads it in ~0.1 ms)."""
        sound = self._sounds.get(path)
        if sound is not None:
            self._sounds.move_to_end(path)
            return sound
        fmt = self.mixer_format
        fast = None
        if fmt is not None and self.decoded_dir is not None and path.suffix != ".wav":
            fast = decoded_path(self.decoded_dir, path, fmt[0], fmt[2])
        if fast is not None and fast.is_file():
            sound = pygame.mixer.Sound(str(fast))
        else:
            sound = pygame.mixer.Sound(str(path))
            if fast is not None and fmt is not None:
                try:
                    write_pcm_wav(fast, sound.get_raw(), fmt[0], fmt[2])
                except OSError as exc:
                    logger.debug("cannot keep decoded %s: %s", path, exc)
        self._sounds[path] = sound
        while len(self._sounds) > _MEMORY_SOUNDS:
            self._sounds.popitem(last=False)
        return sound

    @property
    def rate(self) -> int:
        init = pygame.mixer.get_init()
        return int(init[0]) if init else 22050

    def _make_sound(self, mono: np.ndarray) -> pygame.mixer.Sound:
        """A Sound from mono float samples, in whatever format the mixer runs."""
        init = pygame.mixer.get_init()
        if not init:
            raise ValueError("mixer not running")
        _, size, channels = init
        if abs(size) == 16:
            data: np.ndarray = np.round(mono * 32767.0).astype(np.int16)
        elif size == 32:
            data = mono.astype(np.float32)
        else:
            raise ValueError(f"unsupported mixer sample size {size}")
        if channels > 1:
            data = np.repeat(data[:, None], channels, axis=1)
        return pygame.sndarray.make_sound(np.ascontiguousarray(data))

    # volumes -------------------------------------------------------------------------
    def effective_volume(self, channel: str) -> float:
        """The volume really applied to `channel` after mute and quiet mode."""
        if channel not in self._volumes:
            raise ValueError(f"unknown channel {channel!r}; channels: {', '.join(CHANNELS)}")
        if self._muted:
            return 0.0
        if self._quiet:
            return 0.0 if channel == "music" else self._volumes[channel] * QUIET_FACTOR
        return self._volumes[channel]

    def set_volume(self, channel: str, volume: float) -> None:
        self.effective_volume(channel)  # validates the name
        with self._lock:
            self._volumes[channel] = min(1.0, max(0.0, float(volume)))
            self._apply()

    def volume(self, channel: str) -> float:
        """The volume chosen for `channel` (before mute and quiet mode)."""
        self.effective_volume(channel)
        return self._volumes[channel]

    def set_muted(self, muted: bool) -> None:
        with self._lock:
            self._muted = bool(muted)
            self._apply()

    def set_quiet(self, quiet: bool) -> None:
        with self._lock:
            self._quiet = bool(quiet)
            self._apply()

    @property
    def muted(self) -> bool:
        return self._muted

    @property
    def quiet(self) -> bool:
        return self._quiet

    def _apply(self) -> None:
        if self._voice is not None:
            self._voice.set_volume(self.effective_volume("voice"))
        if self._music_channel is not None:
            self._music_channel.set_volume(self.effective_volume("music"))
            if self.effective_volume("music") == 0.0:
                self._music_channel.stop()

    # playback ------------------------------------------------------------------------
    def play_voice(self, path: Path) -> bool:
        """Start one spoken phrase (WAV or OGG) on the voice channel. False when silent."""
        if self._voice is None or self.effective_volume("voice") == 0.0:
            return False
        try:
            sound = self.load_voice(path)  # any decoding happens on the caller's thread
        except (pygame.error, OSError) as exc:
            logger.warning("cannot play %s: %s", path, exc)
            return False
        with self._lock:
            self._voice.set_volume(self.effective_volume("voice"))
            self._voice.play(sound)
        return True

    def voice_busy(self) -> bool:
        return self._voice is not None and bool(self._voice.get_busy())

    def stop_voice(self) -> None:
        if self._voice is not None:
            with self._lock:
                self._voice.stop()

    def has_effect(self, name: str) -> bool:
        return name in self._effects

    def play_effect(self, name: str) -> bool:
        """Play a synthesised effect on a free effects channel. False when silent."""
        sound = self._effects.get(name)
        if sound is None:
            if self.running and self._effects:
                raise KeyError(f"unknown effect {name!r}; effects: {', '.join(self._effects)}")
            return False
        volume = self.effective_volume("effects")
        if volume == 0.0:
            return False
        with self._lock:
            channel = pygame.mixer.find_channel(True)
            if channel is None or channel in (self._voice, self._music_channel):
                return False
            channel.set_volume(volume)
            channel.play(sound)
        return True

    def play_music(self) -> bool:
        """Loop the calm background music (synthesised on first use)."""
        if self._music_channel is None or self.effective_volume("music") == 0.0:
            return False
        with self._lock:
            if self._music is None:
                self._music = self._make_sound(calm_music(self.rate))
            self._music_channel.set_volume(self.effective_volume("music"))
            self._music_channel.play(self._music, loops=-1, fade_ms=1500)
        return True

    def stop_music(self, fade_ms: int = 800) -> None:
        if self._music_channel is not None:
            with self._lock:
                self._music_channel.fadeout(fade_ms)

    def stop_all(self) -> None:
        if self.running:
            with self._lock:
                pygame.mixer.stop()
