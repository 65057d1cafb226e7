"""The speech worker: one background thread turning texts into played recordings.

`SpeechWorker.request()` only puts the text in a queue and returns; the worker then finds
the recording (voice pack first, then the runtime cache, then renders it with the speech
engine into the cache) and plays it on the voice channel once the previous phrase ended.
With no engine and no recording it plays a soft chime instead and logs one warning.
Nothing here is ever waited on by the game loop.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from game.audio.engine import EngineUnavailableError, SpeechEngine
from game.audio.pack import VoicePack
from game.audio.voices import voice_for

logger = logging.getLogger(__name__)

_POLL_S = 0.02


class VoiceOutput(Protocol):
    """What the worker plays on (the Player, or a test double)."""

    def play_voice(self, path: Path) -> bool: ...

    def voice_busy(self) -> bool: ...

    def play_effect(self, name: str) -> bool: ...


@dataclass(frozen=True, slots=True)
class SpeechRequest:
    text: str
    lang: str
    play: bool  # False: only make sure the recording exists (prefetch)
    generation: int


@dataclass(frozen=True, slots=True)
class SpeechResult:
    """How one request ended: source is "pack", "cache", "rendered" or "fallback"."""

    text: str
    lang: str
    source: str
    path: Path | None
    played: bool


class SpeechWorker:
    """One daemon thread owning the speech engine (created lazily on that thread)."""

    def __init__(self, output: VoiceOutput, pack: VoicePack, cache_dir: Path,
                 engine_factory: Callable[[], SpeechEngine] | None) -> None:
        self._output = output
        self._pack = pack
        self._cache_dir = cache_dir
        self._engine_factory = engine_factory
        self._engine: SpeechEngine | None = None
        self._engine_failed = engine_factory is None
        self._warned = False
        self._queue: queue.Queue[SpeechRequest | None] = queue.Queue()
        self._generation = 0
        self._lock = threading.Lock()
        self._idle = threading.Event()
        self._idle.set()
        self._pending = 0
        self._results: list[SpeechResult] = []
        self._thread = threading.Thread(target=self._run, name="facequest-speech", daemon=True)
        self._thread.start()

    # called from the game thread: never blocks ----------------------------------------
    def request(self, text: str, lang: str, play: bool = True, interrupt: bool = False) -> None:
        """Queue `text`; with `interrupt`, drop what is queued (the caller stops the voice)."""
        with self._lock:
            if interrupt:
                self._generation += 1
            self._pending += 1
            self._idle.clear()
            self._queue.put(SpeechRequest(text, lang, play, self._generation))

    def cancel(self) -> None:
        """Drop every queued phrase (the one playing is stopped by the caller)."""
        with self._lock:
            self._generation += 1

    @property
    def engine_available(self) -> bool | None:
        """None until the worker tried to start the engine, then True or False."""
        if self._engine is not None:
            return True
        return False if self._engine_failed else None

    def results(self) -> list[SpeechResult]:
        """The results so far (oldest first), for tests and diagnostics."""
        with self._lock:
            return list(self._results)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until the queue is empty (tests and the CLI only; never the game loop)."""
        return self._idle.wait(timeout)

    def close(self, timeout: float = 2.0) -> None:
        self.cancel()
        self._queue.put(None)
        self._thread.join(timeout)

    # the worker thread ------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            request = self._queue.get()
            if request is None:
                return
            try:
                if request.generation == self._generation:
                    self._handle(request)
            except Exception:  # the worker must survive anything one phrase does
                logger.exception("speech failed for %r", request.text)
            finally:
                with self._lock:
                    self._pending -= 1
                    if self._pending == 0:
                        self._idle.set()

    def _handle(self, request: SpeechRequest) -> None:
        source, path = self._find(request.text, request.lang)
        played = False
        if path is None:
            source = "fallback"
            if request.play:
                played = self._output.play_effect("chime")
        elif request.play:
            while self._output.voice_busy() and request.generation == self._generation:
                threading.Event().wait(_POLL_S)
            if request.generation == self._generation:
                played = self._output.play_voice(path)
        with self._lock:
            self._results.append(SpeechResult(request.text, request.lang, source, path, played))
            del self._results[:-200]

    def _find(self, text: str, lang: str) -> tuple[str, Path | None]:
        packed = self._pack.lookup(lang, text)
        if packed is not None:
            return "pack", packed
        spec = voice_for(lang)
        cached = self._cache_dir / f"{spec.cache_key(text)}.wav"
        if cached.is_file():
            return "cache", cached
        if self._engine_factory is None:  # no live engine by choice (headless runs)
            logger.debug("live speech is off: a chime for %r (not in the voice pack)", text)
            return "fallback", None
        engine = self._get_engine()
        if engine is None:  # the factory failed: _get_engine said why, once
            return "fallback", None
        if not engine.can_speak(spec):
            self._warn_once(f"no speech voice for {spec.lang} ({spec.voice}); showing text "
                            "and playing a chime for phrases outside the voice pack "
                            "(install espeak-ng and its voices: facequest doctor)")
            return "fallback", None
        for attempt in (1, 2):  # an empty render (seen mixing English and Mandarin) is retried
            try:
                engine.render(text, spec, cached)
            except EngineUnavailableError as exc:
                self._warn_once(f"speech rendering failed ({exc}); using chimes instead")
                return "fallback", None
            except (RuntimeError, OSError) as exc:
                if attempt == 1:
                    logger.info("speech rendering failed (%s); trying once more", exc)
                    continue
                self._warn_once(f"speech rendering failed ({exc}); using chimes instead")
                return "fallback", None
            except ValueError as exc:  # nothing speakable: a retry cannot help
                self._warn_once(f"speech rendering failed ({exc}); using chimes instead")
                return "fallback", None
            break
        return "rendered", cached

    def _get_engine(self) -> SpeechEngine | None:
        if self._engine is None and not self._engine_failed and self._engine_factory:
            try:
                self._engine = self._engine_factory()
            except EngineUnavailableError as exc:
                self._engine_failed = True
                self._warn_once(f"no speech engine ({exc}); the voice pack and on-screen "
                                "text are used, with a chime for other phrases")
        return self._engine

    def _warn_once(self, message: str) -> None:
        if not self._warned:
            self._warned = True
            logger.warning(message)
