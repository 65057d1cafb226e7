"""A corrupt progress file is restored from the newest backup through the PIN screen: a real
data folder (a child, backups), progress.json corrupted, the app started as the runner
starts it (`open_records`, the set-aside notice, `backup_offer`), keys pressed through the
real input adapter under the dummy video driver. The child comes back on the start screen,
the corrupt copy stays aside, and the store in use is the reopened one."""

from __future__ import annotations

import functools
import random
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import StoreError, TherapistPin, open_store
from game.ui.app import App, init_display
from game.ui.backup_restore import BackupOffer, backup_offer, restore_newest
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.runner import close_store_of, open_records, set_aside_sentence
from game.ui.scene_stack import SceneStack
from game.ui.scenes.overlays import NoticeCard
from game.ui.scenes.pin import PinScene
from game.ui.scenes.restore_offer import RestoreOfferCard
from game.ui.scenes.start import StartScene
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline

REPO = Path(__file__).resolve().parents[2]
PIN = "5791"
CORRUPT = b'{"profiles": {"1": {"display_name": "M'


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _data_folder(tmp_path: Path) -> Path:
    """A folder holding Mia and Ava, a backup of them, the PIN, then a corrupt file."""
    data = tmp_path / "data"
    store = open_store(data)
    store.create_profile("Mia", notes="Likes trains.")
    store.create_profile("Ava")
    store.close()
    open_store(data).close()  # opening backs the file up
    TherapistPin(data).set(PIN)
    assert list((data / "backups").iterdir())
    (data / "progress.json").write_bytes(CORRUPT)
    return data


def _key(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="")


def _start_app(data: Path) -> tuple[App, GameContext, GameFlow, list[int]]:
    """The app as the runner builds it; keys put in the returned list are pressed one a
    frame (`app.step`)."""
    store, set_aside = open_records(data)  # as the runner does
    assert set_aside is not None and store.list_profiles() == []
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, pipeline=pipeline,
                      notice=functools.partial(set_aside_sentence, set_aside),
                      level_set=level_set)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, lambda profile, now_ms: Session(level_set, random.Random(1)),
                    pin=TherapistPin(data))
    flow.restore_offer = backup_offer(data, set_aside)
    flow.begin()
    keys: list[int] = []
    app = App(ctx, init_display(WINDOW_SIZE, headless=True), stack, frame_source=iter(()),
              event_source=lambda: [_key(keys.pop(0))] if keys else [])
    return app, ctx, flow, keys


def _press(app: App, keys: list[int], *pressed: int) -> None:
    for key in pressed:
        keys.append(key)
        assert app.step(16)


def test_the_newest_backup_is_restored_through_the_pin_screen(tmp_path: Path) -> None:
    data = _data_folder(tmp_path)
    app, ctx, flow, keys = _start_app(data)
    stack = app.stack
    assert isinstance(stack.top, RestoreOfferCard)
    _press(app, keys, pygame.K_RETURN)  # "Restore the newest backup" is chosen first
    assert isinstance(stack.top, PinScene)
    assert ctx.store is not None and ctx.store.list_profiles() == []  # nothing yet
    _press(app, keys, *[getattr(pygame, f"K_{d}") for d in PIN], pygame.K_RETURN)
    assert isinstance(stack.top, NoticeCard)
    assert "2 child(ren) are back" in stack.top.text_of("en")
    _press(app, keys, pygame.K_RETURN)
    start = stack.top
    assert isinstance(start, StartScene)
    assert [p.display_name for p in start.profiles] == ["Ava", "Mia"]
    assert start.menu.labels[:2] == ["Ava", "Mia"]
    assert [p.notes for p in ctx.store.list_profiles()] == ["", "Likes trains."]
    corrupt = [p for p in data.iterdir() if p.name.startswith("progress.corrupt")]
    assert [p.read_bytes() for p in corrupt] == [CORRUPT]  # kept aside, untouched
    assert flow.restore_offer is None
    with pytest.raises(StoreError):  # the reopened store holds the folder
        open_store(data)
    close_store_of(ctx)
    again = open_store(data)  # and what is on disk is the restored records
    try:
        assert [p.display_name for p in again.list_profiles()] == ["Ava", "Mia"]
    finally:
        again.close()


def test_a_wrong_pin_restores_nothing_and_start_fresh_keeps_the_empty_records(
    tmp_path: Path,
) -> None:
    data = _data_folder(tmp_path)
    app, ctx, _flow, keys = _start_app(data)
    _press(app, keys, pygame.K_RETURN, *[pygame.K_1] * 4, pygame.K_RETURN)
    assert isinstance(app.stack.top, PinScene) and app.stack.top.failed
    _press(app, keys, pygame.K_ESCAPE)
    assert isinstance(app.stack.top, StartScene)  # the PIN pad was left
    assert ctx.store is not None and ctx.store.list_profiles() == []
    close_store_of(ctx)
    app, ctx, flow, keys = _start_app(_data_folder(tmp_path / "another"))
    _press(app, keys, pygame.K_RIGHT, pygame.K_RETURN)
    assert isinstance(app.stack.top, StartScene) and app.stack.top.profiles == []
    assert flow.restore_offer is not None  # the backup is still there to restore later
    close_store_of(ctx)


def test_a_damaged_backup_is_said_in_one_sentence_and_the_records_stay_open(
    tmp_path: Path,
) -> None:
    data = _data_folder(tmp_path)
    store, set_aside = open_records(data)
    offer = backup_offer(data, set_aside)
    assert isinstance(offer, BackupOffer)
    offer.backup.write_bytes(b"not json")
    settings = SensorySettings()
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store)
    sentence = restore_newest(ctx, offer)("en")
    assert sentence.startswith("The backup could not be restored: ")
    assert sentence.count(".") >= 1 and "\n" not in sentence
    assert ctx.store is not None and ctx.store.list_profiles() == []
    close_store_of(ctx)


def test_no_offer_without_a_backup_or_without_a_set_aside_file(tmp_path: Path) -> None:
    assert backup_offer(tmp_path, None) is None
    assert backup_offer(None, Mock(backups=[tmp_path / "b.json"])) is None
    assert backup_offer(tmp_path, Mock(backups=[])) is None


def test_a_child_named_on_the_command_line_gets_the_plain_notice(tmp_path: Path) -> None:
    """Restoring swaps the records under a running child, so it is offered only on the
    start screen; `--profile` goes straight to play with the plain notice on top."""
    data = _data_folder(tmp_path)
    store, set_aside = open_records(data)
    assert set_aside is not None
    settings = SensorySettings()
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, notice=functools.partial(set_aside_sentence, set_aside),
                      pipeline=Mock(spec=VisionPipeline), level_set=level_set)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, lambda profile, now_ms: Session(level_set, random.Random(1)),
                    pin=TherapistPin(data), profile_name="Kim")
    flow.restore_offer = backup_offer(data, set_aside)
    flow.begin()
    assert isinstance(stack.top, NoticeCard) and not isinstance(stack.top, RestoreOfferCard)
    close_store_of(ctx)
