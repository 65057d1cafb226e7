"""The therapist's doors: free before any child exists, then a PIN must be chosen, then asked;
scripted runs with a named profile go straight to play."""

from __future__ import annotations

import random
from pathlib import Path
from unittest.mock import Mock

import pygame
import pytest

from game.play.level_loader import load_level_set
from game.play.session import Session
from game.records import TherapistPin, memory_store
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.name_entry import NameEntryScene
from game.ui.scenes.pin import PinScene, PinSetupScene
from game.ui.scenes.progress import ProgressScene
from game.ui.scenes.settings_scene import SettingsScene
from game.ui.scenes.start import StartScene
from game.ui.settings import SensorySettings
from game.vision.pipeline import VisionPipeline

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _flow(tmp_path: Path, children: int = 0, pin: str | None = None,
          profile_name: str | None = None) -> tuple[GameFlow, SceneStack, TherapistPin]:
    store = memory_store()
    for i in range(children):
        store.create_profile(f"Child {i}")
    therapist_pin = TherapistPin(tmp_path)
    if pin is not None:
        therapist_pin.set(pin)
    settings = SensorySettings()
    pipeline = Mock(spec=VisionPipeline)
    pipeline.latest.return_value = None
    level_set = load_level_set(REPO / "levels" / "first-faces.toml")
    ctx = GameContext(settings=settings, clock=FrameClock(),
                      store=store, pipeline=pipeline,
                      level_set=level_set)
    stack = SceneStack()

    def make(profile: object, now_ms: int) -> Session:
        return Session(level_set, random.Random(1))

    flow = GameFlow(ctx, stack, make, pin=therapist_pin, profile_name=profile_name)
    flow.begin()
    return flow, stack, therapist_pin


def _type(stack: SceneStack, digits: str, enter: bool = True) -> None:
    """Type `digits` on the keyboard, then Enter (typing moves the pad's focus to OK)."""
    for digit in digits:
        stack.handle(InputEvent(Action.DIGIT, text=digit))
    if enter:
        stack.handle(InputEvent(Action.CONFIRM))


def test_before_any_child_exists_adding_the_first_one_needs_no_pin(tmp_path: Path) -> None:
    flow, stack, pin = _flow(tmp_path)
    flow.add_profile()
    assert isinstance(stack.top, NameEntryScene)
    assert not pin.is_set()


@pytest.mark.parametrize("door", ["add_profile", "open_settings", "open_progress"])
def test_once_a_child_exists_each_door_asks_for_a_new_pin_twice_then_opens(
    tmp_path: Path, door: str
) -> None:
    flow, stack, pin = _flow(tmp_path, children=1)
    getattr(flow, door)()
    assert isinstance(stack.top, PinSetupScene)
    surface = pygame.Surface(WINDOW_SIZE)
    stack.draw(surface)
    _type(stack, "1357")
    assert isinstance(stack.top, PinSetupScene) and not pin.is_set()  # now: type it again
    _type(stack, "1357")
    expected = {"add_profile": NameEntryScene, "open_settings": SettingsScene,
                "open_progress": ProgressScene}[door]
    assert isinstance(stack.top, expected)
    assert pin.verify("1357")


def test_two_different_entries_start_again_and_set_nothing(tmp_path: Path) -> None:
    flow, stack, pin = _flow(tmp_path, children=2)
    flow.open_settings()
    _type(stack, "1357")
    _type(stack, "7531")
    scene = stack.top
    assert isinstance(scene, PinSetupScene) and scene.failed and scene.first is None
    assert not pin.is_set()
    stack.draw(pygame.Surface(WINDOW_SIZE))
    _type(stack, "2468")
    _type(stack, "2468")
    assert isinstance(stack.top, SettingsScene) and pin.verify("2468")


def test_a_set_pin_is_asked_and_only_the_right_one_opens(tmp_path: Path) -> None:
    flow, stack, _pin = _flow(tmp_path, children=1, pin="9024")
    flow.open_progress()
    assert isinstance(stack.top, PinScene) and not isinstance(stack.top, PinSetupScene)
    _type(stack, "1111")
    assert isinstance(stack.top, PinScene) and stack.top.failed
    _type(stack, "9024")
    assert isinstance(stack.top, ProgressScene)


def test_leaving_the_pin_setup_opens_nothing(tmp_path: Path) -> None:
    flow, stack, pin = _flow(tmp_path, children=1)
    flow.add_profile()
    _type(stack, "12", enter=False)
    stack.handle(InputEvent(Action.BACK))  # Backspace takes the last digit back first
    assert isinstance(stack.top, PinSetupScene) and stack.top.digits == "1"
    stack.handle(InputEvent(Action.BACK))
    stack.handle(InputEvent(Action.BACK))
    assert isinstance(stack.top, StartScene) and not pin.is_set()


def test_a_named_profile_goes_straight_to_play_whatever_the_pin(tmp_path: Path) -> None:
    for pin in (None, "4321"):
        stack = _flow(tmp_path / str(pin), children=2, pin=pin,
                      profile_name="Child 1")[1]
        assert isinstance(stack.top, CalibrationScene)


@pytest.mark.parametrize("digits", ["2468", "24681357", "246813579753"])
def test_a_pin_of_4_to_12_digits_can_be_chosen_and_then_opens_the_door(
    tmp_path: Path, digits: str
) -> None:
    flow, stack, pin = _flow(tmp_path, children=1)
    flow.open_settings()
    _type(stack, digits)
    assert isinstance(stack.top, PinSetupScene) and stack.top.first == digits
    _type(stack, digits)
    assert isinstance(stack.top, SettingsScene) and pin.verify(digits)
    stack.handle(InputEvent(Action.BACK))
    flow.open_settings()
    _type(stack, digits[:4] if len(digits) > 4 else "1111")  # only the whole PIN opens
    assert isinstance(stack.top, PinScene) and stack.top.failed
    _type(stack, digits)
    assert isinstance(stack.top, SettingsScene)


def test_fewer_than_4_digits_are_kept_with_a_kind_word_and_a_13th_is_not_taken(
    tmp_path: Path
) -> None:
    flow, stack, pin = _flow(tmp_path, children=1)
    flow.add_profile()
    scene = stack.top
    assert isinstance(scene, PinSetupScene)
    _type(stack, "135")
    assert scene.too_short and scene.digits == "135" and scene.first is None
    surface = pygame.Surface(WINDOW_SIZE)
    stack.draw(surface)
    _type(stack, "7", enter=False)
    assert not scene.too_short
    _type(stack, "9" * 20, enter=False)
    assert len(scene.digits) == 12
    stack.draw(surface)  # twelve dots fit
    _type(stack, "")
    assert scene.first == "1357" + "9" * 8 and not pin.is_set()


def test_the_pad_is_worked_by_arrows_and_its_ok_key_speaks_the_childs_language(
    tmp_path: Path
) -> None:
    from game import phrases
    from game.ui.scenes.pin import OK_INDEX

    flow, stack, _pin = _flow(tmp_path, children=1, pin="48151")
    flow.open_progress()
    scene = stack.top
    assert isinstance(scene, PinScene)
    for key in "48151":  # focus starts on "1"; move to each key, press it
        target = "1234567890".index(key)
        target = target if key != "0" else 10
        while scene.focus != target:
            stack.handle(InputEvent(Action.RIGHT))
        stack.handle(InputEvent(Action.CONFIRM))
    assert scene.digits == "48151"
    assert scene.key_label("OK") == phrases.text("ui.ok", "en") == "OK"
    scene.ctx.settings = SensorySettings(language="zh-CN")
    assert scene.key_label("OK") == phrases.text("ui.ok", "zh-CN") == "确定"
    assert scene.key_label("7") == "7"
    while scene.focus != OK_INDEX:
        stack.handle(InputEvent(Action.RIGHT))
    stack.handle(InputEvent(Action.CONFIRM))
    assert isinstance(stack.top, ProgressScene)


def test_after_five_wrong_pins_the_pad_says_how_long_to_wait_and_opens_nothing(
    tmp_path: Path,
) -> None:
    flow, stack, _pin = _flow(tmp_path, children=1, pin="2468")
    flow.open_settings()
    for _ in range(5):
        _type(stack, "1111")
    _type(stack, "2468")  # the right PIN, but the pad is locked for now
    scene = stack.top
    assert isinstance(scene, PinScene) and scene.locked_s == 30
    surface = pygame.Surface(WINDOW_SIZE)
    scene.draw(surface)
    assert scene.t("ui.therapist.pin_locked", seconds=30).startswith("Too many wrong PINs")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_a_damaged_pin_file_is_said_on_the_pad_not_called_a_wrong_pin(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, lang: str
) -> None:
    """A PIN file cut short: every PIN was "That PIN did not match", forever, and the log got
    a traceback; the pad now says the file is damaged and how to reset it."""
    flow, stack, pin = _flow(tmp_path, children=1, pin="2468")
    pin.path.write_text('{"salt": "', encoding="utf-8")
    flow.ctx.settings = SensorySettings(language=lang)
    flow.open_settings()
    _type(stack, "2468")
    scene = stack.top
    assert isinstance(scene, PinScene) and scene.damaged and not scene.failed
    scene.draw(pygame.Surface(WINDOW_SIZE))
    said = scene.t("ui.therapist.pin_damaged", file=pin.path.name)
    assert pin.path.name in said
    assert "Traceback" not in caplog.text and "therapist-pin.json is damaged" in caplog.text
    assert pin.path.read_text(encoding="utf-8") == '{"salt": "'  # kept as it was
