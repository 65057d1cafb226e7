"""Which espeak-ng voice and speed speak each language, and what text the engine gets.

The voice pack and the runtime cache are keyed by the same `VoiceSpec`, so changing a
voice or a rate renders fresh audio instead of reusing stale files.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from game.audio.mandarin import PINYIN_VOICE, to_pinyin
from game.phrases import normalize_language

CACHE_FORMAT = 1  # bump when the rendering or post-processing changes


@dataclass(frozen=True, slots=True)
class VoiceSpec:
    """One language's voice: espeak-ng voice name (with variant) and rate in words/min."""

    lang: str
    voice: str
    rate: int
    pinyin: bool = False  # the engine is given numbered pinyin instead of hanzi

    def engine_text(self, text: str) -> str:
        """The exact string handed to the speech engine."""
        cleaned = " ".join(text.split())
        return to_pinyin(cleaned) if self.pinyin else cleaned

    def cache_key(self, text: str) -> str:
        """Hash of (text, voice, rate, language, format): the name of the cached WAV."""
        material = "\x00".join(
            (str(CACHE_FORMAT), self.lang, self.voice, str(self.rate), " ".join(text.split()))
        )
        return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]

    @property
    def base_voice(self) -> str:
        """The voice without its `+variant`, as espeak-ng lists it."""
        return self.voice.split("+", 1)[0]


# Slower than espeak's default 175 wpm: the listeners are young children.
VOICES: dict[str, VoiceSpec] = {
    "en": VoiceSpec("en", "en-us+f3", 140),
    "zh-CN": VoiceSpec("zh-CN", f"{PINYIN_VOICE}+f3", 130, pinyin=True),
}


def voice_for(lang: str) -> VoiceSpec:
    """The voice of `lang` ("en", "zh-CN" or an alias such as "zh"); a language added by a
    new catalogue (`game.locales`) and not listed in `VOICES` speaks with espeak-ng's voice
    of the same code ("fr", "de", "pt-br")."""
    code = normalize_language(lang)
    return VOICES.get(code) or VoiceSpec(code, f"{code.lower()}+f3", 140)
