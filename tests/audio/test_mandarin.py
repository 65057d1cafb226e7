"""Mandarin is read as Mandarin: numbered pinyin + cmn-latn-pinyin, proved by phonemes."""

from __future__ import annotations

import pytest

from game.audio.mandarin import has_language_switch, phonemes, to_pinyin
from game.audio.voices import voice_for
from game.cli.voice_catalogue import shipped_texts
from tests.audio.conftest import needs_espeak


def test_to_pinyin_numbers_tones_and_keeps_pauses() -> None:
    assert to_pinyin("你好！") == "ni3 hao3!"
    assert to_pinyin("我们休息一下吧。") == "wo3 men5 xiu1 xi1 yi2 xia4 ba5."
    assert to_pinyin("眯一眯") == "mi1 yi5 mi1"
    assert to_pinyin("第一关") == "di4 yi1 guan1"
    assert to_pinyin("一起") == "yi4 qi3"
    assert to_pinyin("保持住……保持住……") == "bao3 chi2 zhu4, bao3 chi2 zhu4"
    assert to_pinyin("女孩") == "nv3 hai2"


def test_the_phoneme_check_catches_the_broken_route() -> None:
    """Hanzi through the plain `cmn` voice switch to English: the check must see it."""
    needs_espeak()
    assert has_language_switch(phonemes("你好", "cmn"))
    assert not has_language_switch(phonemes("ni3 hao3", "cmn-latn-pinyin"))


def test_every_mandarin_text_of_the_game_is_read_as_mandarin() -> None:
    """Every zh-CN phrase and shipped level text: no `(en)` switch in espeak-ng's phonemes."""
    needs_espeak()
    spec = voice_for("zh-CN")
    texts = shipped_texts()["zh-CN"]
    assert len(texts) > 100
    bad = []
    for text in texts:
        result = phonemes(spec.engine_text(text), spec.base_voice)
        assert result, text
        if has_language_switch(result):
            bad.append((text, result))
    assert not bad, bad[:3]


@pytest.mark.parametrize("text", ["Lift your eyebrows up high!", "Let's try another one!"])
def test_english_texts_stay_english(text: str) -> None:
    needs_espeak()
    spec = voice_for("en")
    assert not has_language_switch(phonemes(spec.engine_text(text), spec.base_voice))
