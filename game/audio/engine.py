"""The offline speech engine: pyttsx3 (espeak-ng on Linux) rendering one phrase to one WAV.

Measured pitfalls this module designs around:

- `say()` shells out to `aplay` and `save_to_file` followed by `say()` overwrote the file:
  only `save_to_file` is ever used, and playback is ours (pygame.mixer).
- Two `save_to_file` calls queued before one `runAndWait` wrote only the last: exactly one
  phrase per `runAndWait`.
- `runAndWait` blocks and is not re-entrant: an engine is used by one thread only (the
  speech worker, or the `facequest voice render` command), never by the game loop.
- Every save prints "Audio saved to ..." on stdout: the driver's `print` is silenced.
- espeak-ng silently keeps the previous voice when asked for one it lacks: the installed
  voices are listed once and a language without its voice is reported unavailable.
"""

from __future__ import annotations

import importlib
import logging
import os
import tempfile
import wave
from pathlib import Path
from typing import Any, Protocol

from game.audio.voices import VoiceSpec
from game.audio.wavtools import read_wav, tidy_speech, write_wav

logger = logging.getLogger(__name__)


class SpeechEngine(Protocol):
    """Anything that can render a phrase to a WAV file (the real one, or a test double)."""

    def can_speak(self, voice: VoiceSpec) -> bool: ...

    def render(self, text: str, voice: VoiceSpec, path: Path) -> None:
        """Write `text` spoken with `voice` to `path` (16-bit mono WAV); raise on failure."""
        ...


class EngineUnavailableError(RuntimeError):
    """No speech engine could be started (pyttsx3 or espeak-ng missing)."""


def _silence_driver_prints(driver_name: str) -> None:
    """Replace `print` in the pyttsx3 driver module, which announces every saved file."""
    try:
        module = importlib.import_module(f"pyttsx3.drivers.{driver_name}")
    except ImportError:
        return

    def quiet(*args: Any, **_kwargs: Any) -> None:
        logger.debug("pyttsx3: %s", " ".join(str(a) for a in args))

    module.print = quiet  # type: ignore[attr-defined]


class Pyttsx3Engine:
    """pyttsx3 with espeak-ng. Create and use it on ONE thread; each render blocks it."""

    def __init__(self) -> None:
        try:
            import pyttsx3
        except ImportError as exc:
            raise EngineUnavailableError(f"pyttsx3 is not installed ({exc})") from exc
        try:
            self._engine = pyttsx3.init()
        except Exception as exc:  # pyttsx3 raises bare RuntimeError/OSError/ImportError
            raise EngineUnavailableError(f"no speech engine: {exc}") from exc
        driver = getattr(getattr(self._engine, "proxy", None), "_driver", None)
        self._driver_name = type(driver).__module__.rsplit(".", 1)[-1] if driver else ""
        _silence_driver_prints(self._driver_name or "espeak")
        self._available = self._installed_voices()
        self._current: tuple[str, int] | None = None

    def _installed_voices(self) -> set[str]:
        names: set[str] = set()
        try:
            voices = self._engine.getProperty("voices") or []
        except Exception as exc:  # a driver that cannot list voices
            logger.warning("cannot list speech voices: %s", exc)
            return names
        for voice in voices:
            vid = str(getattr(voice, "id", "")).lower()
            names.add(vid)
            names.add(vid.rsplit("/", 1)[-1])
            names.update(str(lang).lower() for lang in getattr(voice, "languages", []) or [])
        return names

    def can_speak(self, voice: VoiceSpec) -> bool:
        """True when the voice (without variant) is installed; only espeak voices qualify."""
        return self._driver_name in ("espeak", "") and voice.base_voice.lower() in self._available

    def render(self, text: str, voice: VoiceSpec, path: Path) -> None:
        if not self.can_speak(voice):
            raise EngineUnavailableError(f"voice {voice.voice!r} is not installed")
        engine_text = voice.engine_text(text)
        if not engine_text:
            raise ValueError("nothing to say")
        if self._current != (voice.voice, voice.rate):
            self._engine.setProperty("voice", voice.voice)
            self._engine.setProperty("rate", voice.rate)
            self._current = (voice.voice, voice.rate)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, raw_name = tempfile.mkstemp(suffix=".wav", dir=path.parent)
        os.close(fd)
        raw = Path(raw_name)
        try:
            for attempt in range(1, RENDER_ATTEMPTS + 1):
                self._engine.save_to_file(engine_text, str(raw))
                self._engine.runAndWait()  # exactly one phrase per runAndWait
                try:
                    samples, rate = read_wav(raw)
                    break
                except (EOFError, wave.Error):
                    # espeak-ng through pyttsx3 now and then leaves the file empty (seen on a
                    # busy machine, first phrase after a voice change); saying it again works
                    if attempt == RENDER_ATTEMPTS:
                        raise RuntimeError(f"the speech engine wrote no audio for {text!r} "
                                           f"in {RENDER_ATTEMPTS} tries") from None
                    logger.info("empty recording of %r; trying again", text)
            if samples.size == 0:
                raise RuntimeError(f"the speech engine wrote no audio for {text!r}")
            write_wav(raw, tidy_speech(samples, rate), rate)
            os.replace(raw, path)  # atomic: readers never see a half-written file
        finally:
            raw.unlink(missing_ok=True)


RENDER_ATTEMPTS = 3  # tries at one phrase before the engine is judged broken


def open_engine() -> Pyttsx3Engine:
    """Start the offline speech engine; raise EngineUnavailableError when there is none."""
    return Pyttsx3Engine()
