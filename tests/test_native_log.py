"""Quiet by default: no third-party log lines on a normal run, and `-v` shows them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.native_log import is_noise
from game.paths import REPO_ROOT

ASTRONAUT = REPO_ROOT / "assets" / "bench" / "astronaut.jpg"


@pytest.mark.parametrize("line", [
    b"WARNING: Logging before InitGoogle() is written to STDERR",
    b"W0000 00:00:1796595227.213501   20535 face_landmarker_graph.cc:181] Sets Face",
    b"I0000 00:00:1796595227.213501   20535 gl_context.cc:369] GL version: 3.2",
    b"INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    b"INFO: [environment.cc:36] Creating LiteRT environment with options",
    b"ALSA lib confmisc.c:855:(parse_card) cannot find card '0'",
    b"error: XDG_RUNTIME_DIR is invalid or not set in the environment.",
    b"Expression 'alsa_snd_pcm_hw_params(pcm, hwParams)' failed in 'src/hostapi/alsa/pa_'",
    b"jack server is not running or cannot be started",
    b"[mov,mp4,m4a,3gp,3g2,mj2 @ 0x564b54765ec0] moov atom not found",
    b"[h264 @ 0x7f3a2c01b2c0] error while decoding MB 12 7, bytestream -5",
])
def test_third_party_lines_are_noise(line: bytes) -> None:
    assert is_noise(line)


@pytest.mark.parametrize("line", [
    b"facequest: /x.jpg does not exist (use --source webcam, or a video/image path)",
    b"E0000 00:00:1796595227.2 20535 calculator_graph.cc:928] INTERNAL: graph failed",
    b"F0000 00:00:1796595227.2 20535 check.cc:1] Check failed",
    b"Traceback (most recent call last):",
    b"Segmentation fault",
])
def test_errors_and_our_own_lines_are_kept(line: bytes) -> None:
    assert not is_noise(line)


def _watch(*extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "game", *extra, "watch", "--source", str(ASTRONAUT)],
        capture_output=True, text=True, env=env, cwd=REPO_ROOT.parent, timeout=120,
    )


@pytest.mark.slow
def test_watch_prints_nothing_on_stderr_and_verbose_shows_the_native_lines() -> None:
    quiet = _watch()
    assert quiet.returncode == 0 and "face" in quiet.stdout
    assert quiet.stderr == ""
    loud = _watch("-v")
    assert loud.returncode == 0 and "face" in loud.stdout
    assert any(is_noise(line.encode()) for line in loud.stderr.splitlines()), loud.stderr


@pytest.mark.slow
def test_our_own_error_still_reaches_stderr(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "game", "watch", "--source", str(tmp_path / "missing.jpg")],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr.strip().startswith("facequest:") and len(run.stderr.splitlines()) == 1


@pytest.mark.slow
def test_a_broken_video_is_one_sentence_without_ffmpegs_line(tmp_path: Path) -> None:
    """A cut-off MP4 (no index): FaceQuest's sentence only, not FFmpeg's "moov atom not
    found" after it (which could also land between the sentence and its line end)."""
    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(range(256)) * 8)
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    run = subprocess.run(
        [sys.executable, "-m", "game", "watch", "--source", str(clip)],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert run.returncode == 2
    assert run.stderr == f"facequest: cannot open {clip} as a video\n"
