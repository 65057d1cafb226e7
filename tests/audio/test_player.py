"""The mixer player: channels, volumes, mute and quiet mode, effects on the dummy driver."""

from __future__ import annotations

import pytest

from game.audio.player import CHANNELS, QUIET_FACTOR, Player


@pytest.fixture(scope="module")
def player() -> Player:
    return Player()


def test_mixer_runs_headless(player: Player) -> None:
    assert player.running
    assert player.has_effect("chime")


def test_volumes_are_per_channel_and_clamped(player: Player) -> None:
    player.set_volume("voice", 0.7)
    player.set_volume("effects", 1.7)
    player.set_volume("music", -1)
    assert player.volume("voice") == pytest.approx(0.7)
    assert player.volume("effects") == 1.0
    assert player.volume("music") == 0.0
    with pytest.raises(ValueError, match="unknown channel"):
        player.set_volume("loud", 1.0)


def test_mute_and_quiet_mode(player: Player) -> None:
    for channel in CHANNELS:
        player.set_volume(channel, 0.5)
    player.set_quiet(True)
    assert player.effective_volume("voice") == pytest.approx(0.5 * QUIET_FACTOR)
    assert player.effective_volume("music") == 0.0
    player.set_quiet(False)
    player.set_muted(True)
    assert all(player.effective_volume(c) == 0.0 for c in CHANNELS)
    assert not player.play_effect("chime")
    player.set_muted(False)
    assert player.effective_volume("effects") == pytest.approx(0.5)


def test_effects_play_and_unknown_names_are_errors(player: Player) -> None:
    player.set_volume("effects", 0.5)
    for name in ("chime", "success", "success_big", "try_again", "tap", "door"):
        assert player.play_effect(name)
    with pytest.raises(KeyError, match="unknown effect"):
        player.play_effect("buzzer")
    player.stop_all()


def test_music_loops_and_stops(player: Player) -> None:
    player.set_volume("music", 0.3)
    assert player.play_music()
    player.stop_music(0)
    player.set_volume("music", 0.0)
    assert not player.play_music()
