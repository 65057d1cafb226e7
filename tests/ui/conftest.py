"""A real headless session on a performer's video, played once and read by several tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.cli import main
from game.records import open_store
from tests.face_videos import THREE_MODES_LEVELS, PlayedSession, performer_session_video


@pytest.fixture(scope="session")
def played_session(
    performers_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> PlayedSession:
    """`THREE_MODES_LEVELS` played headless on `performer_session_video`, with screenshots.

    The hold is longer than the level set's (1.5 s), so each trial spans enough scored frames
    to be measured even when a busy machine scores few frames a second."""
    root = tmp_path_factory.mktemp("played_session")
    video = performer_session_video(performers_dir, root / "session.avi")
    levels = root / "levels.toml"
    levels.write_text(THREE_MODES_LEVELS.replace("hold_ms = 400", "hold_ms = 1500"),
                      encoding="utf-8")
    data, shots = root / "data", root / "shots"
    with open_store(data) as store:
        store.create_profile("Tess", allow_frame_traces=True)
    assert main(["play", "--headless", "--source", str(video), "--levels", str(levels),
                 "--profile", "Tess", "--data-dir", str(data), "--max-seconds", "34",
                 "--screenshots", str(shots), "--seed", "3"]) == 0
    return PlayedSession("Tess", video, levels, data, shots)
