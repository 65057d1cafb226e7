"""Per-frame traces, switch by switch: the session driver writes one line per new reading
while a trial is prompted, only for a child whose profile allows traces, in the documented
fields; a trace file the disk refuses never stores the session twice. Real store files,
the real flow and session on first-faces; the readings are real `ExpressionReading`s.
"""

from __future__ import annotations

import random
from pathlib import Path
from unittest.mock import Mock

import pytest

from game.expressions import QualityFlag
from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import open_store, read_trace
from game.records.store import ProgressStore
from game.ui.clock import FrameClock
from game.ui.context import GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action
from game.ui.scene_stack import SceneStack
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline
from game.vision.records import ExpressionReading

REPO = Path(__file__).resolve().parents[2]
DOCUMENTED = {"t_ms", "trial_index", "target", "score", "raw_score", "trusted", "flags"}


def _play(store: ProgressStore, name: str, frames: int = 30) -> GameFlow:
    """Child `name` plays: `frames` new readings 100 ms apart (each seen in two frames), K
    half-way, then the session is ended and the app closed."""
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    ms = [0]
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(lambda: ms[0] / 1000.0),
                      store=store, pipeline=pipeline, level_set=level_set)
    flow = GameFlow(ctx, SceneStack(), lambda p, now: Session(level_set, random.Random(1)),
                    profile_name=name)
    flow.begin()
    flow.calibration_finished(None)
    flow.start_play()  # past today's schedule (issue 23)
    for i in range(frames):
        ms[0] += 100
        flags = frozenset({QualityFlag.NO_FACE}) if i == 5 else frozenset()
        ctx.reading = (ExpressionReading.untrusted(ms[0], flags) if flags else
                       ExpressionReading(t_ms=ms[0], probabilities={}, target_score=0.25,
                                         raw_score=0.3))
        flow.tick(ms[0])
        flow.tick(ms[0])  # the same reading again: no second line
        if i == frames // 2:
            flow.therapist(Action.SKIP)
    flow.end_session()
    flow.close()
    return flow


def test_a_child_with_the_switch_on_gets_a_trace_and_one_without_does_not(
    tmp_path: Path,
) -> None:
    with open_store(tmp_path) as store:
        on = store.create_profile("Ava", allow_frame_traces=True)
        off = store.create_profile("Ben")
        _play(store, "Ava")
        _play(store, "Ben")
        (on_session,) = store.sessions_for(on.profile_id)
        (off_session,) = store.sessions_for(off.profile_id)
        on_path = store.trace_path(on_session.session_id)
        off_path = store.trace_path(off_session.session_id)
    assert on_path is not None and off_path is not None
    rows = read_trace(on_path)
    assert not off_path.exists()
    assert all(set(row) == DOCUMENTED for row in rows)
    # frames 0..15 fall in the first trial (skipped at frame 15); the 14 frames after it
    # fall in the calm 2.5 s gap, which has no lines
    assert len(rows) == 16
    assert {row["trial_index"] for row in rows} == {0}
    times = [row["t_ms"] for row in rows]
    assert times == sorted(set(times)) and times[0] == 100
    lost = [row for row in rows if row["flags"]]
    assert lost == [{**lost[0], "flags": ["no_face"], "trusted": False}]
    assert {row["score"] for row in rows if not row["flags"]} == {0.25}
    assert rows[0]["target"] == "happy"


def test_a_refused_trace_file_stores_the_session_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with open_store(tmp_path) as store:
        child = store.create_profile("Ava", allow_frame_traces=True)
        monkeypatch.setattr(
            store, "open_trace", Mock(side_effect=PermissionError(13, "Permission denied")))
        _play(store, "Ava", frames=10)
        (session,) = store.sessions_for(child.profile_id)
        assert session.ended_at is not None
        assert not (tmp_path / "traces").exists()


def test_no_trial_no_session_no_trace(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        child = store.create_profile("Ava", allow_frame_traces=True)
        settings = SensorySettings()
        level_set = load_level_set(REPO / "levels" / "first-faces.toml")
        ctx = GameContext(settings=settings, clock=FrameClock(),
                          store=store, pipeline=Mock(spec=VisionPipeline), level_set=level_set)
        game = GameFlow(ctx, SceneStack(), lambda p, now: Session(level_set, random.Random(1)),
                        profile_name="Ava")
        game.begin()
        game.calibration_finished(None)
        game.start_play()  # past today's schedule (issue 23)
        ctx.reading = ExpressionReading(t_ms=1, probabilities={}, target_score=0.2)
        game.tick(100)
        game.ask_quit()  # the app is closed before any trial ended
        game.close()
        assert store.sessions_for(child.profile_id) == []
    assert not (tmp_path / "traces").exists()
