"""Mandarin for espeak-ng: hanzi -> numbered pinyin, and a phoneme check.

Debian 12's espeak-ng reads Chinese characters with its `cmn` voice as English tone numbers
("ni three hao three"). Numbered pinyin (pypinyin `Style.TONE3`) spoken with the
`cmn-latn-pinyin` voice is read as Mandarin. `phonemes()` lets tests and the pack builder
prove it: the phoneme string of a correctly read text contains no `(en)` language switch.
"""

from __future__ import annotations

import re
import shutil
import subprocess

from pypinyin import Style, lazy_pinyin

PINYIN_VOICE = "cmn-latn-pinyin"

# Full-width punctuation -> ASCII, so espeak-ng pauses instead of naming the symbol.
_PUNCTUATION = str.maketrans({
    "，": ",", "。": ".", "！": "!", "？": "?", "、": ",", "：": ",", "；": ";",
    "（": ",", "）": ",", "“": "", "”": "", "‘": "", "’": "", "《": "", "》": "",
    "…": ",", "—": ",", "～": ",", "·": " ",
})
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.!?;])")
_REPEATED_PUNCT = re.compile(r"([,.!?;])[,.!?;]+")


def to_pinyin(text: str) -> str:
    """Numbered pinyin for `text` (tone 5 = neutral), e.g. "你好！" -> "ni3 hao3!".

    Latin letters and digits are kept (espeak-ng's pinyin voice reads digits in Mandarin).
    """
    syllables = _yi_sandhi(text, lazy_pinyin(text, style=Style.TONE3,
                                             neutral_tone_with_five=True))
    joined = " ".join(s.strip() for s in syllables if s.strip())
    joined = joined.translate(_PUNCTUATION)
    joined = _SPACE_BEFORE_PUNCT.sub(r"\1", joined)
    joined = _REPEATED_PUNCT.sub(r"\1", joined)
    return " ".join(joined.split()).strip(" ,")


_SYLLABLE = re.compile(r"^[a-z]+[1-5]$")
_HANZI = re.compile(r"[\u3400-\u9fff]")
_NUMERALS = set("零一二三四五六七八九十百千万第0123456789")


def _yi_sandhi(text: str, tokens: list[str]) -> list[str]:
    """Tone of 一 where pypinyin left it at yi1: yi2 before a 4th tone, yi4 before the
    others, neutral in "V一V" (看一看); kept as yi1 in numbers (第一, 十一)."""
    hanzi = [c for c in text if _HANZI.match(c)]
    index = [i for i, t in enumerate(tokens) if _SYLLABLE.match(t)]
    if len(hanzi) != len(index):
        return tokens  # cannot align characters and syllables: leave as is
    out = list(tokens)
    for k, i in enumerate(index):
        if hanzi[k] != "一" or out[i] != "yi1" or k + 1 >= len(index):
            continue
        before = hanzi[k - 1] if k else ""
        after = hanzi[k + 1]
        if before in _NUMERALS or after in _NUMERALS:
            continue
        if before == after:
            out[i] = "yi5"
        else:
            out[i] = "yi2" if out[index[k + 1]].endswith("4") else "yi4"
    return out


def espeak_binary() -> str | None:
    """The espeak-ng (or espeak) command, or None when neither is installed."""
    return shutil.which("espeak-ng") or shutil.which("espeak")


def phonemes(text: str, voice: str) -> str:
    """espeak-ng's phoneme transcription (`-x`) of `text` read with `voice`.

    Raises:
        FileNotFoundError: espeak-ng is not installed.
    """
    binary = espeak_binary()
    if binary is None:
        raise FileNotFoundError("espeak-ng is not installed")
    done = subprocess.run(
        [binary, "-q", "-x", "-v", voice, text],
        capture_output=True, text=True, check=True, timeout=30,
    )
    return done.stdout.strip()


def has_language_switch(phoneme_text: str) -> bool:
    """True when espeak-ng switched language mid-text, e.g. "(en)nI55Tr'i:55"."""
    return re.search(r"\([a-z]{2,3}(-[a-z0-9]+)?\)", phoneme_text) is not None
