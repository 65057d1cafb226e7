"""`AudioSystem`: the one object the UI talks to for speech, effects and music.

    audio = AudioSystem(settings)          # SensorySettings or anything with the volumes
    audio.speak_key("prompt.show_me.happy", "zh-CN")
    audio.play_effect("success_big")
    audio.set_volume("voice", 0.6); audio.set_muted(True); audio.set_quiet(True)
    audio.close()

Every method returns at once; speech is rendered and started by a background worker.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from game import phrases
from game.audio.decoded import start_warm_up
from game.audio.engine import SpeechEngine, open_engine
from game.audio.pack import DEFAULT_PACK_DIR, VoicePack
from game.audio.player import CHANNELS, Player
from game.audio.speech import SpeechResult, SpeechWorker
from game.closing import Closing
from game.paths import private_dir, user_cache_dir

logger = logging.getLogger(__name__)

EngineFactory = Callable[[], SpeechEngine]


class AudioSystem(Closing):
    """Speech, effects and music with per-channel volumes, mute and quiet mode.

    Args:
        settings: optional object with `voice_volume`, `effects_volume`, `music_volume`,
            `muted` (and optionally `quiet_mode`), e.g. `game.ui.settings.SensorySettings`.
        cache_dir: where runtime speech is cached (default: the user cache dir/speech).
        pack_dir: the pre-rendered voice pack (default: assets/voice).
        engine_factory: makes the speech engine on the worker thread; None = no engine
            (pack and chimes only). Default: pyttsx3 with espeak-ng.
        init_mixer: start pygame.mixer if it is not running (dummy driver as fallback).
    """

    def __init__(
        self,
        settings: Any = None,
        *,
        cache_dir: Path | None = None,
        pack_dir: Path = DEFAULT_PACK_DIR,
        engine_factory: EngineFactory | None = open_engine,
        init_mixer: bool = True,
    ) -> None:
        root = cache_dir if cache_dir is not None else user_cache_dir()
        self.player = Player(init_mixer=init_mixer, decoded_dir=root / "decoded")
        self.pack = VoicePack.load(pack_dir)
        speech_dir = root / "speech"
        private_dir(speech_dir)
        self._warm_up: subprocess.Popen[bytes] | None = None
        self._worker = SpeechWorker(self.player, self.pack, speech_dir, engine_factory)
        self._closed = False
        if settings is not None:
            self.apply_settings(settings)

    # settings ---------------------------------------------------------------------------
    def apply_settings(self, settings: Any) -> None:
        """Take volumes, mute and quiet mode from a settings object (missing ones kept)."""
        for channel in CHANNELS:
            value = getattr(settings, f"{channel}_volume", None)
            if value is not None:
                self.set_volume(channel, float(value))
        if hasattr(settings, "muted"):
            self.set_muted(bool(settings.muted))
        if hasattr(settings, "quiet_mode"):
            self.set_quiet(bool(settings.quiet_mode))

    def set_volume(self, channel: str, volume: float) -> None:
        """Volume 0..1 of "voice", "effects" or "music" (ValueError for other names)."""
        self.player.set_volume(channel, volume)

    def volume(self, channel: str) -> float:
        return self.player.volume(channel)

    def set_muted(self, muted: bool) -> None:
        """Global mute: nothing plays (queued speech is dropped, playing sound stopped)."""
        self.player.set_muted(muted)
        if muted:
            self._worker.cancel()
            self.player.stop_all()

    def set_quiet(self, quiet: bool) -> None:
        """Quiet mode: voice and effects at 40 % of their volume, no music."""
        self.player.set_quiet(quiet)

    @property
    def muted(self) -> bool:
        return self.player.muted

    # speech -----------------------------------------------------------------------------
    def speak(self, text: str, lang: str = phrases.DEFAULT_LANGUAGE,
              interrupt: bool = False) -> None:
        """Say `text` in `lang` ("en" or "zh-CN"); returns at once.

        Phrases queue one after the other; `interrupt=True` stops the current phrase and
        drops queued ones first (use it for a new prompt).
        """
        lang = phrases.normalize_language(lang)
        if not text.strip() or self._closed:
            return
        if interrupt:
            self.stop_speech()
        if self.player.muted:
            return
        self._worker.request(text, lang)

    def speak_key(self, key: str, lang: str = phrases.DEFAULT_LANGUAGE,
                  interrupt: bool = False) -> str:
        """Say the catalogue phrase `key` (KeyError if unknown); returns the text to show."""
        shown = phrases.text(key, lang)
        self.speak(shown, lang, interrupt=interrupt)
        return shown

    def prepare(self, text: str, lang: str = phrases.DEFAULT_LANGUAGE) -> None:
        """Render `text` into the cache in the background without playing it (prefetch)."""
        if not self._closed:
            self._worker.request(text, phrases.normalize_language(lang), play=False)

    def warm_up(self, lang: str) -> bool:
        """Decode the voice pack of `lang` for this mixer in a child process (returns at
        once). Call it at start-up: later first plays then cost ~0.1 ms instead of the
        several ms of Vorbis decoding. True when a warm-up process was started."""
        fmt = self.player.mixer_format
        folder = self.player.decoded_dir
        if fmt is None or folder is None or self._closed:
            return False
        if self._warm_up is not None and self._warm_up.poll() is None:
            return False  # one at a time
        sources = [p for t in self.pack.texts(lang)
                   if (p := self.pack.lookup(lang, t)) is not None]
        self._warm_up = start_warm_up(folder, fmt[0], fmt[2], sources)
        return self._warm_up is not None

    def wait_warm_up(self, timeout: float | None = None) -> bool:
        """Block until the warm-up process ended (tests and tools only). True when done."""
        if self._warm_up is None:
            return True
        try:
            self._warm_up.wait(timeout)
        except subprocess.TimeoutExpired:
            return False
        return True

    def stop_speech(self) -> None:
        self._worker.cancel()
        self.player.stop_voice()

    def is_speaking(self) -> bool:
        return self.player.voice_busy()

    @property
    def speech_engine_available(self) -> bool | None:
        """None until the worker has needed the engine, then True or False."""
        return self._worker.engine_available

    def speech_results(self) -> list[SpeechResult]:
        """Recent speech outcomes (source: pack, cache, rendered or fallback)."""
        return self._worker.results()

    def wait_until_idle(self, timeout: float | None = None) -> bool:
        """Block until queued speech is handled. For tests and tools, NEVER the game loop."""
        return self._worker.wait_idle(timeout)

    # effects and music ------------------------------------------------------------------
    def play_effect(self, name: str) -> bool:
        """Play "chime", "success", "success_big", "try_again", "tap" or "door"."""
        return self.player.play_effect(name)

    def play_music(self) -> bool:
        return self.player.play_music()

    def stop_music(self) -> None:
        self.player.stop_music()

    def close(self) -> None:
        """Stop the worker and every sound (the mixer itself is left to its owner)."""
        if self._closed:
            return
        self._closed = True
        if self._warm_up is not None and self._warm_up.poll() is None:
            self._warm_up.terminate()
        self._worker.close()
        self.player.stop_all()
