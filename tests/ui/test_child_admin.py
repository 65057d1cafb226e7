"""The therapist's page for one child, on a real progress file: opened from the start screen
with F4 through the PIN; rename (a name another child has is refused in one sentence), birth
year (a bad one gets one calm sentence), notes, the two consents, and delete (asked first,
the delete button pressed twice; "keep" keeps the child)."""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game import phrases
from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import ProgressStore, TherapistPin, open_store
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputAdapter, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.child_admin import ROWS, BirthYearError, ChildAdminScene, parse_birth_year
from game.ui.scenes.confirm import ConfirmCard
from game.ui.scenes.overlays import NoticeCard
from game.ui.scenes.pin import PinScene
from game.ui.scenes.start import StartScene
from game.ui.settings import SensorySettings
from game.ui.widgets import layout_probe
from game.vision.pipeline import VisionPipeline

REPO = Path(__file__).resolve().parents[2]
PIN = "2468"


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


@pytest.fixture
def store(tmp_path: Path) -> Iterator[ProgressStore]:
    opened = open_store(tmp_path / "data")
    yield opened
    opened.close()


def _game(store: ProgressStore, tmp_path: Path, lang: str = "en"
          ) -> tuple[GameFlow, SceneStack, GameContext]:
    settings = SensorySettings(language=lang)
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, pipeline=pipeline,
                      level_set=level_set)
    pin = TherapistPin(tmp_path / "data")
    pin.set(PIN)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, lambda profile, now_ms: Session(level_set,
                                                                 random.Random(1)), pin=pin)
    flow.begin()
    return flow, stack, ctx


def _press(stack: SceneStack, *actions: Action) -> None:
    for action in actions:
        stack.handle(InputEvent(action))


def _type(stack: SceneStack, text: str) -> None:
    for ch in text:
        stack.handle(InputEvent(Action.TEXT, text=ch))


def _open_admin(stack: SceneStack, child: int = 0) -> ChildAdminScene:
    """From the start screen: choose the child, F4, the PIN."""
    start = stack.top
    assert isinstance(start, StartScene)
    for _ in range(child):
        _press(stack, Action.DOWN)
    key = InputAdapter(WINDOW_SIZE).convert(
        [pygame.event.Event(pygame.KEYDOWN, key=pygame.K_F4, mod=0, unicode="")])
    assert key == [InputEvent(Action.MANAGE)]
    stack.handle(key[0])
    assert isinstance(stack.top, PinScene)
    for digit in PIN:
        stack.handle(InputEvent(Action.DIGIT, text=digit))
    _press(stack, Action.CONFIRM)
    scene = stack.top
    assert isinstance(scene, ChildAdminScene)
    return scene


def _row(field: str) -> int:
    return next(i for i, row in enumerate(ROWS) if row.field == field)


def _edit(stack: SceneStack, scene: ChildAdminScene, field: str, text: str) -> None:
    """Go to the row, Enter, erase what is there, type `text`, Enter."""
    while scene.focus != _row(field):
        _press(stack, Action.DOWN)
    _press(stack, Action.CONFIRM)
    assert scene.editing == field
    for _ in range(len(scene.draft)):
        _press(stack, Action.BACK)
    _type(stack, text)
    _press(stack, Action.CONFIRM)


def _drawn_texts(stack: SceneStack) -> list[str]:
    with layout_probe.recording() as probe:
        stack.draw(pygame.Surface(WINDOW_SIZE))
    assert layout_probe.problems(probe.items, WINDOW_SIZE) == []
    return [item.text for item in probe.items if item.kind == "text"]


def test_f4_opens_the_chosen_childs_page_only_through_the_pin(
    store: ProgressStore, tmp_path: Path
) -> None:
    store.create_profile("Ava")
    store.create_profile("Mia")
    _flow, stack, _ctx = _game(store, tmp_path)
    scene = _open_admin(stack, child=1)
    assert scene.profile.display_name == "Mia"
    assert "Manage Mia" in _drawn_texts(stack)


def test_rename_notes_and_consents_are_kept_in_the_progress_file(
    store: ProgressStore, tmp_path: Path
) -> None:
    child = store.create_profile("Mia")
    _flow, stack, _ctx = _game(store, tmp_path)
    scene = _open_admin(stack)
    _edit(stack, scene, "display_name", "Mia Li")
    _edit(stack, scene, "notes", "Likes dinosaurs.")
    _edit(stack, scene, "birth_year", "2018")
    while scene.focus != _row("allow_frame_traces"):
        _press(stack, Action.DOWN)
    _press(stack, Action.CONFIRM)
    assert scene.message == "Saved."
    _press(stack, Action.BACK)  # done: back to the start screen, which shows the new name
    start = stack.top
    assert isinstance(start, StartScene) and start.menu.labels[0] == "Mia Li"
    store.close()
    again = open_store(tmp_path / "data")  # what is on disk
    try:
        kept = again.get_profile(child.profile_id)
    finally:
        again.close()
    assert (kept.display_name, kept.notes, kept.birth_year) == ("Mia Li", "Likes dinosaurs.",
                                                                 2018)
    assert kept.allow_frame_traces


def test_a_name_another_child_has_is_refused_in_one_sentence(
    store: ProgressStore, tmp_path: Path
) -> None:
    store.create_profile("Ava")
    mia = store.create_profile("Mia")
    _flow, stack, _ctx = _game(store, tmp_path, lang="zh-CN")
    scene = _open_admin(stack, child=1)
    _edit(stack, scene, "display_name", "ava")
    assert scene.message == phrases.text("ui.admin.name_taken", "zh-CN", name="ava")
    assert scene.editing == "display_name"  # still typing: the therapist chooses another
    assert scene.message in _drawn_texts(stack)
    assert store.get_profile(mia.profile_id).display_name == "Mia"


@pytest.mark.parametrize("typed", ["18", "1850", "1999", "3000"])
def test_a_bad_birth_year_gets_one_calm_sentence_and_changes_nothing(
    store: ProgressStore, tmp_path: Path, typed: str
) -> None:
    mia = store.create_profile("Mia", birth_year=2017)
    _flow, stack, _ctx = _game(store, tmp_path)
    scene = _open_admin(stack)
    _edit(stack, scene, "birth_year", typed)
    year = datetime.date.today().year
    assert scene.message == f"A birth year is four digits between 2000 and {year}."
    assert scene.message in _drawn_texts(stack)
    assert store.get_profile(mia.profile_id).birth_year == 2017
    _type(stack, "abc")  # letters never reach a year
    assert scene.draft == typed


def test_birth_year_parsing() -> None:
    assert parse_birth_year(" 2019 ", this_year=2026) == 2019
    assert parse_birth_year("", this_year=2026) is None
    for bad in ("2027", "19a9", "899", "20190"):
        with pytest.raises(BirthYearError):
            parse_birth_year(bad, this_year=2026)


def test_delete_asks_first_and_keep_keeps_the_child(
    store: ProgressStore, tmp_path: Path
) -> None:
    mia = store.create_profile("Mia")
    _flow, stack, _ctx = _game(store, tmp_path)
    scene = _open_admin(stack)
    while scene.focus != _row("delete"):
        _press(stack, Action.DOWN)
    _press(stack, Action.CONFIRM)
    card = stack.top
    assert isinstance(card, ConfirmCard)
    assert "Delete Mia and all their records? This cannot be undone." in _drawn_texts(stack)
    _press(stack, Action.CONFIRM)  # "Keep Mia" is chosen first
    assert stack.top is scene
    assert store.get_profile(mia.profile_id).display_name == "Mia"
    _press(stack, Action.CONFIRM)
    _press(stack, Action.RIGHT, Action.CONFIRM, Action.LEFT, Action.RIGHT)  # moved away
    _press(stack, Action.CONFIRM)  # only once since moving: asks again
    assert isinstance(stack.top, ConfirmCard) and stack.top.armed
    _press(stack, Action.BACK)
    assert stack.top is scene and len(store.list_profiles()) == 1


def test_delete_pressed_twice_erases_the_child_and_returns_to_the_start_screen(
    store: ProgressStore, tmp_path: Path
) -> None:
    store.create_profile("Ava")
    mia = store.create_profile("Mia")
    session = store.start_session(mia.profile_id, level_set_id="first-faces")
    store.end_session(session.session_id, reason="completed")
    _flow, stack, _ctx = _game(store, tmp_path)
    scene = _open_admin(stack, child=1)
    while scene.focus != _row("delete"):
        _press(stack, Action.DOWN)
    _press(stack, Action.CONFIRM, Action.RIGHT, Action.CONFIRM)
    assert isinstance(stack.top, ConfirmCard)
    assert "Press again to delete" in _drawn_texts(stack)
    _press(stack, Action.CONFIRM)
    assert [p.display_name for p in store.list_profiles()] == ["Ava"]
    assert store.sessions_for(mia.profile_id) == []
    notice = stack.top
    assert isinstance(notice, NoticeCard)
    assert "Mia and all their records were deleted." in _drawn_texts(stack)
    _press(stack, Action.CONFIRM)
    start = stack.top
    assert isinstance(start, StartScene)
    assert [p.display_name for p in start.profiles] == ["Ava"]
    assert "Mia" not in (tmp_path / "data" / "progress.json").read_text(encoding="utf-8")


def test_a_refused_change_from_the_store_is_shown_as_one_sentence(
    store: ProgressStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from game.records import StoreError

    store.create_profile("Mia")
    _flow, stack, _ctx = _game(store, tmp_path)
    scene = _open_admin(stack)

    def refuse(*args: object, **kwargs: object) -> None:
        raise StoreError("these records were opened for reading only")

    monkeypatch.setattr(store, "update_profile", refuse)
    _edit(stack, scene, "notes", "x")
    assert scene.message == ("That could not be saved: These records were opened for "
                             "reading only.")


def test_through_the_app_f4_the_pin_and_typed_keys_rename_a_child(
    store: ProgressStore, tmp_path: Path
) -> None:
    """The whole chain: pygame key and text events through the app's input adapter."""
    from game.ui.app import App, init_display

    mia = store.create_profile("Mia")
    _flow, stack, ctx = _game(store, tmp_path)
    events: list[pygame.event.Event] = []
    app = App(ctx, init_display(WINDOW_SIZE, headless=True), stack, frame_source=iter(()),
              event_source=lambda: [events.pop(0)] if events else [])

    def key(k: int) -> None:
        events.append(pygame.event.Event(pygame.KEYDOWN, key=k, mod=0, unicode=""))
        assert app.step(16)

    key(pygame.K_F4)
    for digit in PIN:
        key(getattr(pygame, f"K_{digit}"))
    key(pygame.K_RETURN)
    assert isinstance(stack.top, ChildAdminScene)
    key(pygame.K_RETURN)  # the name row
    for _ in "Mia":
        key(pygame.K_BACKSPACE)
    for ch in "Mirae":  # a typed letter: its key (a = left, e = end session...), its text
        events.append(pygame.event.Event(pygame.KEYDOWN, key=ord(ch.lower()), mod=0,
                                         unicode=ch))
        events.append(pygame.event.Event(pygame.TEXTINPUT, text=ch))
        assert app.step(16) and app.step(16)
    key(pygame.K_BACKSPACE)
    key(pygame.K_RETURN)
    key(pygame.K_ESCAPE)
    assert isinstance(stack.top, StartScene) and stack.top.menu.labels[0] == "Mira"
    assert store.get_profile(mia.profile_id).display_name == "Mira"
