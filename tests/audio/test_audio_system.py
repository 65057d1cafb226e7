"""AudioSystem: speech never blocks, pack first, cache second, chime without an engine."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from game import phrases
from game.audio.engine import EngineUnavailableError, open_engine
from game.audio.system import AudioSystem
from game.audio.voices import VoiceSpec
from tests.audio.conftest import FakeEngine, needs_espeak


@pytest.fixture
def fake() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def audio(tmp_path: Path, empty_pack: Path, fake: FakeEngine) -> Iterator[AudioSystem]:
    system = AudioSystem(cache_dir=tmp_path / "cache", pack_dir=empty_pack,
                         engine_factory=lambda: fake)
    yield system
    system.close()


def test_speak_returns_while_the_engine_is_still_rendering(
    tmp_path: Path, empty_pack: Path
) -> None:
    blocking = FakeEngine(block=True)
    with AudioSystem(cache_dir=tmp_path, pack_dir=empty_pack,
                     engine_factory=lambda: blocking) as audio:
        audio.speak("A custom prompt for Sam", "en")  # must return although render blocks
        assert blocking.started.wait(10)
        assert not blocking.rendered  # speak() came back before the render finished
        blocking.release.set()
        assert audio.wait_until_idle(10)
        assert [r.source for r in audio.speech_results()] == ["rendered"]


def test_second_request_hits_the_cache(audio: AudioSystem, fake: FakeEngine) -> None:
    audio.speak("Hello Sam!", "en")
    audio.speak("Hello Sam!", "en")
    audio.speak("Hello Sam!", "zh-CN")  # other language: its own recording
    assert audio.wait_until_idle(10)
    assert [r.source for r in audio.speech_results()] == ["rendered", "cache", "rendered"]
    assert fake.rendered == [("Hello Sam!", "en"), ("Hello Sam!", "zh-CN")]
    assert all(r.played for r in audio.speech_results())


def test_the_cache_survives_a_restart(tmp_path: Path, empty_pack: Path) -> None:
    for expected in ("rendered", "cache"):
        with AudioSystem(cache_dir=tmp_path, pack_dir=empty_pack,
                         engine_factory=FakeEngine) as audio:
            audio.speak("Hello Mia!", "en")
            assert audio.wait_until_idle(10)
            assert audio.speech_results()[-1].source == expected


def test_pack_recordings_are_used_before_the_engine(tmp_path: Path, fake: FakeEngine) -> None:
    with AudioSystem(cache_dir=tmp_path, engine_factory=lambda: fake) as audio:
        shown = audio.speak_key("hint.raise_brows", "zh-CN")
        audio.speak_key("praise.independent.1", "en")
        assert audio.wait_until_idle(10)
        assert shown == phrases.text("hint.raise_brows", "zh-CN")
        assert [r.source for r in audio.speech_results()] == ["pack", "pack"]
        assert fake.rendered == []
        assert audio.speech_engine_available is None  # never even started


def test_without_any_engine_a_chime_plays_and_one_warning_is_logged(
    tmp_path: Path, empty_pack: Path, caplog: pytest.LogCaptureFixture
) -> None:
    def no_engine() -> FakeEngine:
        raise EngineUnavailableError("pyttsx3 found no driver")

    caplog.set_level(logging.WARNING, logger="game.audio")
    with AudioSystem(cache_dir=tmp_path, pack_dir=empty_pack, engine_factory=no_engine) as audio:
        audio.speak("Hello Sam!", "en")
        audio.speak_key("try_another", "zh-CN")
        assert audio.wait_until_idle(10)
        results = audio.speech_results()
        assert [r.source for r in results] == ["fallback", "fallback"]
        assert all(r.played for r in results)  # the chime stood in for the voice
        assert audio.speech_engine_available is False
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "no speech engine" in warnings[0].getMessage()


def test_no_engine_at_all_still_plays_the_pack(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="game.audio")
    with AudioSystem(cache_dir=tmp_path, engine_factory=None) as audio:
        audio.speak_key("try_another", "en")
        audio.speak("Not in the pack", "en")
        assert audio.wait_until_idle(10)
        assert [r.source for r in audio.speech_results()] == ["pack", "fallback"]
    # headless runs start no engine on purpose: that is not a missing voice
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []


def test_interrupt_drops_queued_speech(audio: AudioSystem) -> None:
    audio.set_volume("voice", 1.0)
    for i in range(5):
        audio.speak(f"queued phrase {i}", "en")
    audio.speak("the new prompt", "en", interrupt=True)
    assert audio.wait_until_idle(10)
    assert audio.speech_results()[-1].text == "the new prompt"
    assert len(audio.speech_results()) < 6


def test_muted_means_nothing_is_queued_or_played(audio: AudioSystem) -> None:
    audio.set_muted(True)
    audio.speak("Hello", "en")
    assert not audio.play_effect("success")
    assert audio.wait_until_idle(10)
    assert audio.speech_results() == []
    audio.set_muted(False)
    assert audio.play_effect("success")


def test_settings_object_is_applied(tmp_path: Path, empty_pack: Path) -> None:
    class Settings:
        voice_volume = 0.6
        effects_volume = 0.2
        music_volume = 0.0
        muted = False
        quiet_mode = True

    with AudioSystem(Settings(), cache_dir=tmp_path, pack_dir=empty_pack,
                     engine_factory=None) as audio:
        assert audio.volume("voice") == pytest.approx(0.6)
        assert audio.player.effective_volume("voice") == pytest.approx(0.6 * 0.4)
        assert not audio.play_music()  # music volume 0 (and quiet mode)


def test_unknown_key_and_language_are_clear_errors(audio: AudioSystem) -> None:
    with pytest.raises(KeyError, match="no phrase"):
        audio.speak_key("hint.fly", "en")
    with pytest.raises(KeyError, match="unsupported language"):
        audio.speak("Bonjour", "fr")


def test_real_engine_end_to_end(tmp_path: Path, empty_pack: Path) -> None:
    """espeak-ng through the worker: rendered once, then from the cache."""
    needs_espeak()
    with AudioSystem(cache_dir=tmp_path, pack_dir=empty_pack,
                     engine_factory=open_engine) as audio:
        audio.speak("你好，小明！", "zh-CN")
        audio.speak("你好，小明！", "zh-CN")
        assert audio.wait_until_idle(30)
        results = audio.speech_results()
        assert [r.source for r in results] == ["rendered", "cache"]
        assert results[0].path is not None and results[0].path.stat().st_size > 10_000


def test_pack_recordings_are_decoded_once_and_kept(tmp_path: Path) -> None:
    """The first play decodes the OGG and keeps a mixer-format WAV; the next run uses it."""
    with AudioSystem(cache_dir=tmp_path, engine_factory=None) as audio:
        path = audio.pack.lookup("en", phrases.text("try_another", "en"))
        assert path is not None
        first = audio.player.load_voice(path)
        decoded = list((tmp_path / "decoded").glob("*.wav"))
        assert len(decoded) == 1
        assert audio.player.load_voice(path) is first  # kept in memory
    with AudioSystem(cache_dir=tmp_path, engine_factory=None) as audio:
        again = audio.player.load_voice(path)
        assert again.get_raw() == first.get_raw()
        assert len(list((tmp_path / "decoded").glob("*.wav"))) == 1


def test_warm_up_decodes_a_whole_language_in_a_child_process(tmp_path: Path) -> None:
    with AudioSystem(cache_dir=tmp_path, engine_factory=None) as audio:
        assert audio.warm_up("zh-CN")
        assert audio.wait_warm_up(120)
        decoded = list((tmp_path / "decoded").glob("*.wav"))
        assert len(decoded) == len(audio.pack.texts("zh-CN"))
        assert not audio.warm_up("zh-CN")  # nothing left to do


class FlakyEngine(FakeEngine):
    """Writes no audio on the first `empty` renders (as espeak-ng did for 6 of 183 mixed
    English/Mandarin phrases), then renders normally."""

    def __init__(self, empty: int = 1) -> None:
        super().__init__()
        self.empty = empty
        self.calls = 0

    def render(self, text: str, voice: VoiceSpec, path: Path) -> None:
        self.calls += 1
        if self.calls <= self.empty:
            raise RuntimeError(f"the speech engine wrote no audio for {text!r}")
        super().render(text, voice, path)


@pytest.mark.parametrize(("empty", "source"), [(1, "rendered"), (2, "fallback")])
def test_an_empty_render_is_tried_once_more_before_the_chime(
    empty: int, source: str, tmp_path: Path, empty_pack: Path
) -> None:
    engine = FlakyEngine(empty)
    with AudioSystem(cache_dir=tmp_path, pack_dir=empty_pack,
                     engine_factory=lambda: engine) as audio:
        audio.speak("Show me a happy face! 笑一笑", "en")
        assert audio.wait_until_idle(10)
        assert [r.source for r in audio.speech_results()] == [source]
    assert engine.calls == 2
