"""The start screen of a busy clinic, and settings that survive a restart.

Every one of 23 children is reachable from the start screen (pages, "More children", and
type-ahead: letters find a name); settings chosen before a child is picked become the
settings for new children and are kept in the data folder (0600); settings chosen while a
child is playing are kept in that child's profile. Both survive closing the app and opening
it again on the same data folder. Real store files, real scenes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pygame
import pytest

from game.play.session import Session
from game.records import Profile, open_store
from game.records.default_settings import (
    DEFAULT_SETTINGS_FILE,
    load_default_settings,
    save_default_settings,
)
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputAdapter, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.confirm import ConsentQuestionCard
from game.ui.scenes.name_entry import NameEntryScene
from game.ui.scenes.settings_scene import ROWS, SettingsScene
from game.ui.scenes.start import StartScene, matches
from game.ui.settings import SensorySettings
from game.ui.widgets import layout_probe

NAMES = ["Ava", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jack",
         "Kai", "Lily", "Mason", "Nora", "Oscar", "Poppy", "Quinn", "Ruby", "Sam", "Theo",
         "Uma", "Victor", "王小明"]


def no_session(profile: Profile | None, now_ms: int) -> Session:
    """The session factory of a test in which no child plays."""
    raise AssertionError("no session is started in this test")


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _open(data_dir: Path, lang: str = "en") -> tuple[GameContext, SceneStack, GameFlow]:
    store = open_store(data_dir)
    settings = SensorySettings(language=lang)
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store)
    stack = SceneStack()
    flow = GameFlow(ctx, stack, no_session, data_dir=data_dir)
    flow.begin()
    return ctx, stack, flow


def _close(ctx: GameContext) -> None:
    assert ctx.store is not None
    ctx.store.close()


def _keys(stack: SceneStack, *keys: int) -> None:
    adapter = InputAdapter(WINDOW_SIZE)
    for key in keys:
        event = pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)
        for action in adapter.convert([event]):
            stack.handle(action)


@pytest.fixture()
def clinic(tmp_path: Path) -> Path:
    data_dir = tmp_path / "data"
    with open_store(data_dir) as store:
        for name in NAMES:
            store.create_profile(name)
    return data_dir


def test_every_one_of_23_children_is_reachable_page_by_page(clinic: Path) -> None:
    ctx, stack, _flow = _open(clinic)
    try:
        start = stack.top
        assert isinstance(start, StartScene)
        assert start.pages > 1
        seen: list[str] = []
        window = pygame.Rect((0, 0), WINDOW_SIZE)
        for _ in range(start.pages):
            seen += [p.display_name for p in start.profiles]
            rects = start.menu.rects
            assert len(rects) == len(start.menu.labels) <= start.menu.capacity
            assert all(window.contains(r) for r in rects)
            assert not any(a.colliderect(b) for i, a in enumerate(rects) for b in rects[i + 1:])
            more = start.menu.labels.index("More children")
            stack.handle(InputEvent(Action.POINT, pos=rects[more].center))  # a tap turns
        assert sorted(seen) == sorted(NAMES)
        assert start.page == 0  # and the pages wrap round
        assert start.menu.labels[-2:] == ["Add a child", "Quit"]
    finally:
        _close(ctx)


def test_typing_letters_finds_a_name_and_enter_picks_it(clinic: Path) -> None:
    ctx, stack, _flow = _open(clinic)
    try:
        start = stack.top
        assert isinstance(start, StartScene)
        _keys(stack, pygame.K_v)  # v: Victor is on the last page
        assert [p.display_name for p in start.profiles] == ["Victor"]
        assert start.find_line().startswith("Find: v")
        _keys(stack, pygame.K_x)
        assert start.profiles == [] and "No name starts with vx" in start.find_line()
        _keys(stack, pygame.K_BACKSPACE, pygame.K_RETURN)
        assert isinstance(stack.top, CalibrationScene)
        assert ctx.profile is not None and ctx.profile.display_name == "Victor"
    finally:
        _close(ctx)


def test_letters_that_are_therapist_keys_type_too_and_names_match_by_word() -> None:
    assert matches("Anne-Marie O'Neil", "mar") and matches("Ava Chen", "ch")
    assert not matches("Ava Chen", "hen")
    adapter = InputAdapter(WINDOW_SIZE)
    (event,) = adapter.convert([pygame.event.Event(pygame.KEYDOWN, key=pygame.K_k, mod=0,
                                                   unicode="", scancode=0)])
    assert event.action is Action.SKIP and event.letter == "k"


def test_the_start_screen_draws_every_page_at_every_text_size(clinic: Path) -> None:
    for lang in ("en", "zh-CN"):
        ctx, stack, _flow = _open(clinic, lang)
        try:
            start = stack.top
            assert isinstance(start, StartScene)
            for scale in (1.0, 1.25, 1.5):
                ctx.apply_settings(ctx.settings.with_changes(text_scale=scale))
                start.resume()
                surface = pygame.Surface(WINDOW_SIZE)
                with layout_probe.recording() as probe:
                    stack.draw(surface)
                assert layout_probe.problems(probe.items, WINDOW_SIZE) == [], (lang, scale)
        finally:
            _close(ctx)


def test_settings_before_a_child_are_for_new_children_and_survive_a_restart(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "data"
    ctx, stack, flow = _open(data_dir)
    try:
        flow.open_settings()  # no child yet: the door opens without a PIN
        scene = stack.top
        assert isinstance(scene, SettingsScene)
        assert "settings for new children" in scene.note()
        language = [row.field for row in ROWS].index("language")
        for _ in range(language):
            stack.handle(InputEvent(Action.DOWN))
        stack.handle(InputEvent(Action.RIGHT))  # English -> Chinese
        stack.handle(InputEvent(Action.BACK))  # closing keeps them
        assert ctx.settings.language == "zh-CN"
    finally:
        _close(ctx)
    path = data_dir / DEFAULT_SETTINGS_FILE
    assert json.loads(path.read_text(encoding="utf-8"))["language"] == "zh-CN"
    assert os.stat(path).st_mode & 0o777 == 0o600

    ctx, stack, flow = _open(data_dir)  # the app again, on the same data folder
    try:
        assert ctx.settings.language == "zh-CN"  # the start screen speaks them
        flow.add_profile()
        entry = stack.top
        assert isinstance(entry, NameEntryScene)
        for letter in "Mia":
            stack.handle(InputEvent(Action.TEXT, text=letter))
        stack.handle(InputEvent(Action.CONFIRM))
        assert ctx.store is not None
        (mia,) = ctx.store.find_profiles("Mia")
        assert mia.settings["language"] == "zh-CN"  # a new child gets them
        consent = stack.top  # asked, never switched on silently; "not now" has the focus
        assert isinstance(consent, ConsentQuestionCard)
        stack.handle(InputEvent(Action.CONFIRM))
        assert not ctx.store.find_profiles("Mia")[0].allow_frame_traces
        start = stack.top
        assert isinstance(start, StartScene)
        stack.handle(InputEvent(Action.CONFIRM))  # Mia has the focus: pick her
        assert ctx.profile is not None and ctx.profile.profile_id == mia.profile_id
        flow.save_settings(ctx.settings.with_changes(text_scale=1.5, palette="high_contrast"))
    finally:
        _close(ctx)

    ctx, stack, flow = _open(data_dir)
    try:
        assert ctx.store is not None
        (mia,) = ctx.store.find_profiles("Mia")
        assert mia.settings["text_scale"] == 1.5 and mia.settings["palette"] == "high_contrast"
        assert ctx.settings.text_scale == 1.0  # the child's own stay the child's
        assert load_default_settings(data_dir)["palette"] == "calm"
        start = stack.top
        assert isinstance(start, StartScene)
        stack.handle(InputEvent(Action.CONFIRM))
        assert ctx.settings.text_scale == 1.5 and ctx.settings.palette == "high_contrast"
    finally:
        _close(ctx)


def test_an_unreadable_defaults_file_is_no_defaults(tmp_path: Path) -> None:
    (tmp_path / DEFAULT_SETTINGS_FILE).write_text("{not json", encoding="utf-8")
    assert load_default_settings(tmp_path) == {}
    (tmp_path / DEFAULT_SETTINGS_FILE).write_text("[1, 2]", encoding="utf-8")
    assert load_default_settings(tmp_path) == {}
    save_default_settings(tmp_path, {"language": "en"})
    assert load_default_settings(tmp_path) == {"language": "en"}
    assert load_default_settings(tmp_path / "nowhere") == {}


def test_two_children_of_one_name_are_never_picked_silently() -> None:
    """Old records may hold two children of one name: `--profile Mia` shows both, told apart
    by their ids, and the therapist picks (a mock store: today's store refuses the twin)."""
    from unittest.mock import Mock

    from game.records.models import Profile
    from game.records.store import ProgressStore

    twins = [Profile(profile_id=pid, display_name="Mia", created_at="2026-01-01T00:00:00+00:00",
                     updated_at="2026-01-01T00:00:00+00:00") for pid in ("C-AAAAAA", "C-BBBBBB")]
    store = Mock(spec=ProgressStore)
    store.find_profiles.return_value = twins
    store.list_profiles.return_value = twins
    settings = SensorySettings()
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store)
    stack = SceneStack()
    GameFlow(ctx, stack, Mock(), profile_name="Mia").begin()
    start = stack.top
    assert isinstance(start, StartScene) and ctx.profile is None
    assert start.menu.labels[:2] == ["Mia (C-AAAAAA)", "Mia (C-BBBBBB)"]
    store.create_profile.assert_not_called()
    start.handle(InputEvent(Action.DOWN))
    start.handle(InputEvent(Action.CONFIRM))
    assert ctx.profile is twins[1]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_adding_a_child_with_a_name_taken_says_so_in_the_language(
    clinic: Path, lang: str
) -> None:
    from game import phrases

    ctx, stack, flow = _open(clinic, lang)
    try:
        assert ctx.store is not None
        before = len(ctx.store.list_profiles())
        flow.add_profile()
        entry = stack.top
        assert isinstance(entry, NameEntryScene)
        taken = NAMES[0].upper()  # any case is the same name
        for letter in taken:
            stack.handle(InputEvent(Action.TEXT, text=letter))
        stack.handle(InputEvent(Action.CONFIRM))
        assert stack.top is entry  # still typing, nothing stored
        assert entry.problem == phrases.text("ui.admin.name_taken", lang, name=taken)
        assert len(ctx.store.list_profiles()) == before
    finally:
        _close(ctx)
