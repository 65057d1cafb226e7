"""What the game writes into each session record: the model's file name and SHA-256."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game.paths import DEFAULT_MODEL_PATH
from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import memory_store
from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.runner import describe_model
from game.ui.scene_stack import SceneStack
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def test_describe_model_names_the_file_and_hashes_its_bytes(tmp_path: Path) -> None:
    model = tmp_path / "my-model.onnx"
    model.write_bytes(b"not really onnx, but bytes to hash")
    assert describe_model(model) == (
        "my-model.onnx", hashlib.sha256(b"not really onnx, but bytes to hash").hexdigest())
    assert describe_model(None) == ("", "")
    if DEFAULT_MODEL_PATH.is_file():
        name, digest = describe_model(DEFAULT_MODEL_PATH)
        assert name == "expression.onnx" and len(digest) == 64


def test_the_session_record_keeps_the_model_version_and_hash() -> None:
    store = memory_store()
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, pipeline=pipeline,
                      level_set=level_set,
                      model_version="expression.onnx", model_hash="ab" * 32)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, lambda profile, now_ms: Session(level_set, random.Random(0)),
                    profile_name="Mia")
    flow.begin()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    flow.end_session()  # its first trial is recorded (ended): the session is stored
    flow.calibration_finished(None)  # a second session of the same run: same model
    flow.start_play()  # past today's schedule (issue 23)
    flow.end_session()
    profile = store.find_profiles("Mia")[0]
    sessions = store.sessions_for(profile.profile_id)
    assert len(sessions) == 2
    for record in sessions:
        assert record.model_version == "expression.onnx"
        assert record.model_hash == "ab" * 32
        assert record.level_set_id == "first-faces"
