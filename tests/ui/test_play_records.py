"""`facequest play` and its progress records: an unreadable file is set aside and reported in
one sentence (play goes on with fresh records); records open in another window stop the
game with one sentence and exit code 2, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.cli import main
from game.play.session import Session
from game.records import Profile, memory_store, open_store
from game.ui.autoplay import AutoplayScript
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputAdapter, InputEvent
from game.ui.run_options import RunOptions
from game.ui.runner import GameStartError, open_records, set_aside_sentence
from game.ui.scene_stack import SceneStack
from game.ui.scenes.overlays import NoticeCard
from game.ui.scenes.start import StartScene
from game.ui.settings import SensorySettings


def no_session(profile: Profile | None, now_ms: int) -> Session:
    """The session factory of a test in which no child plays."""
    raise AssertionError("no session is started in this test")


@pytest.fixture()
def image(tmp_path: Path, blank_rgb: np.ndarray) -> Path:
    import cv2

    path = tmp_path / "blank.png"
    cv2.imwrite(str(path), np.asarray(blank_rgb))
    return path


def _with_a_backup(data_dir: Path) -> None:
    """Records holding one child, opened twice (so `backups/` holds a copy)."""
    with open_store(data_dir) as store:
        store.create_profile("Old child")
    open_store(data_dir).close()


def test_records_open_in_another_window_stop_play_with_one_sentence(
    tmp_path: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    with open_store(data_dir):
        code = main(["play", "--headless", "--source", str(image), "--data-dir",
                     str(data_dir), "--max-seconds", "1"])
    assert code == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert len(err.splitlines()) == 1, err
    assert "already open" in err and str(data_dir) in err
    assert "Traceback" not in captured.err + captured.out


def test_an_unreadable_progress_file_is_set_aside_reported_and_play_goes_on(
    tmp_path: Path, image: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data_dir = tmp_path / "data"
    _with_a_backup(data_dir)
    (data_dir / "progress.json").write_text('{"profiles": {"1": ', encoding="utf-8")

    code = main(["play", "--headless", "--source", str(image), "--data-dir", str(data_dir),
                 "--profile", "New child", "--max-seconds", "1"])

    assert code == 0
    err = capsys.readouterr().err
    moved = sorted(data_dir.glob("progress.corrupt-*.json"))
    assert len(moved) == 1 and moved[0].read_text(encoding="utf-8") == '{"profiles": {"1": '
    lines = [line for line in err.splitlines() if "could not be read" in line]
    assert len(lines) == 1, err
    assert str(moved[0]) in lines[0] and "backup" in lines[0]
    assert str(next((data_dir / "backups").iterdir())) in lines[0]
    with open_store(data_dir, read_only=True) as store:  # fresh records, this run's child
        assert [p.display_name for p in store.list_profiles()] == ["New child"]
    json.loads((data_dir / "progress.json").read_text(encoding="utf-8"))


def test_a_damaged_profile_set_aside_at_start_is_shown_to_the_therapist(
    tmp_path: Path, image: Path
) -> None:
    """A child's profile with a wrong-typed field leaves the start screen's list; the game
    said so only in a log line, which a desktop launch never shows."""
    from game.ui.runner import damaged_sentence

    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        store.create_profile("Mia")
    document = json.loads((data_dir / "progress.json").read_text(encoding="utf-8"))
    next(iter(document["profiles"].values()))["birth_year"] = "2017"
    (data_dir / "progress.json").write_text(json.dumps(document), encoding="utf-8")
    shots = tmp_path / "shots"
    code = main(["play", "--headless", "--source", str(image), "--data-dir", str(data_dir),
                 "--profile", "Leo", "--max-seconds", "1", "--screenshots", str(shots)])
    assert code == 0
    (kept,) = data_dir.glob("progress.set-aside-*.json")
    assert "Mia" in kept.read_text(encoding="utf-8")
    assert sorted(p.name for p in shots.iterdir())[0].endswith("_notice.png")
    for lang in ("en", "zh-CN"):
        assert str(kept) in damaged_sentence(kept, 1, lang)
    assert damaged_sentence(kept, 1, "en").startswith("1 damaged record(s) of the progress")


def test_open_records_says_when_no_backup_exists(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    (data_dir / "progress.json").write_bytes(b"\xff\xfe not utf-8")
    store, set_aside = open_records(data_dir)
    try:
        assert set_aside is not None and store.list_profiles() == []
        sentence = set_aside_sentence(set_aside, "en")
        assert "no backup" in sentence and str(set_aside.moved_to) in sentence
        assert str(set_aside.moved_to) in set_aside_sentence(set_aside, "zh-CN")
        with pytest.raises(GameStartError, match="already open"):
            open_records(data_dir)
    finally:
        store.close()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_notice_card_is_shown_over_the_start_until_confirmed(lang: str) -> None:
    pygame.display.init()
    pygame.font.init()
    settings = SensorySettings(language=lang)
    seen: list[str] = []

    def notice(language: str) -> str:
        seen.append(language)
        return "The progress file could not be read, so it was moved to /x/progress.json."

    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=memory_store(), notice=notice)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, no_session)
    flow.begin()
    assert isinstance(stack.top, NoticeCard)
    stack.draw(pygame.Surface(WINDOW_SIZE))
    assert seen == [lang]
    stack.update(10_000, 10_000)  # not in autoplay: it waits for the therapist
    assert isinstance(stack.top, NoticeCard)
    stack.handle(InputEvent(Action.UP))  # nothing reaches the start scene meanwhile
    stack.handle(InputEvent(Action.CONFIRM))
    assert isinstance(stack.top, StartScene)


def test_in_autoplay_the_notice_card_closes_by_itself() -> None:
    ms = [0]
    ctx = GameContext(settings=SensorySettings(), clock=FrameClock(lambda: ms[0] / 1000.0),
                      store=memory_store(), notice=lambda lang: "Notice.",
                      options=RunOptions(headless=True))
    stack = SceneStack()
    GameFlow(ctx, stack, no_session).begin()
    assert isinstance(stack.top, NoticeCard)
    autoplay = AutoplayScript(stack, ctx.clock, source=lambda: [])
    adapter = InputAdapter(WINDOW_SIZE)
    for _ in range(40):  # the app's frame: events, then the top scene's update
        ms[0] += 100
        for event in adapter.convert(autoplay()):
            stack.handle(event)
        stack.update(100, ms[0])
    assert isinstance(stack.top, StartScene)
