"""Audio test helpers: a fake speech engine, and skips when espeak-ng or sox is missing."""

from __future__ import annotations

import shutil
import threading
from pathlib import Path

import numpy as np
import pytest

from game.audio.voices import VoiceSpec
from game.audio.wavtools import fade, write_wav


def needs_espeak() -> None:
    if shutil.which("espeak-ng") is None:
        pytest.skip("espeak-ng is not installed (CI installs it: apt install espeak-ng)")


def needs_sox() -> None:
    if shutil.which("sox") is None:
        pytest.skip("sox is not installed (apt install sox)")


class FakeEngine:
    """Writes a short tone per phrase; optionally blocks until released (to prove speak()
    never waits for rendering)."""

    def __init__(self, block: bool = False) -> None:
        self.started = threading.Event()
        self.release = threading.Event()
        if not block:
            self.release.set()
        self.rendered: list[tuple[str, str]] = []

    def can_speak(self, voice: VoiceSpec) -> bool:
        return True

    def render(self, text: str, voice: VoiceSpec, path: Path) -> None:
        self.started.set()
        if not self.release.wait(10):
            raise RuntimeError("fake engine was never released")
        rate = 22050
        t = np.arange(int(rate * 0.2)) / rate
        write_wav(path, fade(0.2 * np.sin(2 * np.pi * 440 * t), rate), rate)
        self.rendered.append((text, voice.lang))


@pytest.fixture
def empty_pack(tmp_path: Path) -> Path:
    folder = tmp_path / "no-pack"
    folder.mkdir()
    return folder
