"""The real offline engine (pyttsx3 + espeak-ng): audible, plausible, quiet on stdout."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.audio.engine import open_engine
from game.audio.voices import VoiceSpec, voice_for
from game.audio.wavtools import read_wav, rms
from tests.audio.conftest import needs_espeak


@pytest.mark.parametrize(
    ("lang", "text", "shortest", "longest"),
    [("en", "Lift your eyebrows up high!", 0.8, 4.0),
     ("zh-CN", "把眉毛抬得高高的！", 1.0, 5.0),
     ("en", "Hi!", 0.15, 1.5)],
)
def test_rendered_speech_is_audible_with_a_plausible_length(
    tmp_path: Path, capfd: pytest.CaptureFixture[str],
    lang: str, text: str, shortest: float, longest: float,
) -> None:
    needs_espeak()
    engine = open_engine()
    out = tmp_path / "phrase.wav"
    engine.render(text, voice_for(lang), out)
    samples, rate = read_wav(out)
    seconds = samples.size / rate
    assert shortest < seconds < longest
    assert rms(samples) > 0.05
    assert float(abs(samples).max()) < 0.75  # levelled below full scale
    assert "Audio saved" not in capfd.readouterr().out  # pyttsx3's print is silenced


def test_longer_text_gives_longer_audio(tmp_path: Path) -> None:
    needs_espeak()
    engine = open_engine()
    short, long = tmp_path / "s.wav", tmp_path / "l.wav"
    engine.render("Good job!", voice_for("en"), short)
    engine.render("That's all for today. I loved playing with you!", voice_for("en"), long)
    assert read_wav(long)[0].size > 2 * read_wav(short)[0].size


def test_a_missing_voice_is_reported_not_silently_replaced(tmp_path: Path) -> None:
    needs_espeak()
    engine = open_engine()
    missing = VoiceSpec("en", "no-such-voice", 140)
    assert engine.can_speak(voice_for("zh-CN"))
    assert not engine.can_speak(missing)
    with pytest.raises(RuntimeError, match="not installed"):
        engine.render("Hello", missing, tmp_path / "x.wav")
    assert not (tmp_path / "x.wav").exists()
