"""`facequest play` says in one sentence what is missing instead of a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main, play_cmd
from game.system_check import REQUIRED


def test_without_a_webcam_and_without_source_one_sentence_suggests_source(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from game.vision import sources

    def no_camera(spec: str, **kwargs: object) -> object:
        raise sources.CameraUnavailableError("no webcam found at index 0")

    monkeypatch.setattr(sources, "open_source", no_camera)
    assert main(["play", "--headless"]) == 2
    err = capsys.readouterr().err.strip()
    assert "--source" in err and "webcam" in err.lower()
    assert len(err.splitlines()) == 1


def test_without_a_display_one_sentence_suggests_headless(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], blank_rgb: object,
    tmp_path: Path,
) -> None:
    import cv2
    import numpy as np

    image = tmp_path / "blank.png"
    cv2.imwrite(str(image), np.asarray(blank_rgb))
    monkeypatch.setattr(play_cmd, "has_display", lambda: False)
    assert main(["play", "--source", str(image), "--data-dir", str(tmp_path / "d")]) == 2
    err = capsys.readouterr().err.strip()
    assert "--headless" in err and len(err.splitlines()) == 1


def test_missing_system_libraries_are_named_in_one_sentence(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(play_cmd, "missing_libraries", lambda: [REQUIRED[0]])
    assert main(["play", "--headless"]) == 2
    err = capsys.readouterr().err.strip()
    assert REQUIRED[0].debian_package in err and "apt-get install" in err


def test_an_unknown_level_set_lists_the_known_ones(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["play", "--headless", "--levels", "no-such-set"]) == 2
    assert "first-faces" in capsys.readouterr().err
