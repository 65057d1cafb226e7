"""The input adapter turns synthetic pygame events into our own actions (no window)."""

from __future__ import annotations

import pygame
import pytest

from game.ui.input import Action, InputAdapter, InputEvent


def _key(key: int) -> pygame.event.Event:
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


@pytest.fixture
def adapter() -> InputAdapter:
    return InputAdapter((1280, 720))


@pytest.mark.parametrize(
    ("key", "action"),
    [
        pytest.param(pygame.K_LEFT, Action.LEFT, id="arrow-left"),
        pytest.param(pygame.K_d, Action.RIGHT, id="wasd-right"),
        pytest.param(pygame.K_RETURN, Action.CONFIRM, id="enter-confirms"),
        pytest.param(pygame.K_ESCAPE, Action.BACK, id="escape-goes-back"),
        pytest.param(pygame.K_y, Action.ACCEPT, id="therapist-accept"),
        pytest.param(pygame.K_n, Action.REJECT, id="therapist-reject"),
        pytest.param(pygame.K_k, Action.SKIP, id="therapist-skip"),
        pytest.param(pygame.K_p, Action.PAUSE, id="therapist-pause"),
        pytest.param(pygame.K_e, Action.END_SESSION, id="therapist-end"),
        pytest.param(pygame.K_c, Action.TOGGLE_CAMERA, id="therapist-camera"),
        pytest.param(pygame.K_F1, Action.HELP, id="help-overlay"),
    ],
)
def test_keyboard_keys_map_to_actions(adapter: InputAdapter, key: int, action: Action) -> None:
    (event,) = adapter.convert([_key(key)])
    assert event.action is action


def test_letter_keys_carry_their_letter_for_finding_a_name(adapter: InputAdapter) -> None:
    events = adapter.convert([_key(pygame.K_m), _key(pygame.K_k), _key(pygame.K_LEFT)])
    assert events == [InputEvent(Action.LETTER, letter="m"),
                      InputEvent(Action.SKIP, letter="k"), InputEvent(Action.LEFT)]


def test_digit_keys_carry_their_digit_for_the_pin_pad(adapter: InputAdapter) -> None:
    events = adapter.convert([_key(pygame.K_4), _key(pygame.K_KP2)])
    assert events == [InputEvent(Action.DIGIT, text="4"), InputEvent(Action.DIGIT, text="2")]


def test_unknown_keys_and_events_are_dropped(adapter: InputAdapter) -> None:
    events = [_key(pygame.K_F12), pygame.event.Event(pygame.MOUSEMOTION, pos=(1, 1), rel=(0, 0))]
    assert adapter.convert(events) == []


def test_left_click_is_a_point_at_its_position_and_right_click_goes_back(
    adapter: InputAdapter,
) -> None:
    left = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(100, 200), touch=False)
    right = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=3, pos=(5, 5), touch=False)
    assert adapter.convert([left, right]) == [
        InputEvent(Action.POINT, (100, 200)),
        InputEvent(Action.BACK),
    ]


def test_touch_is_placed_in_window_pixels_and_its_mouse_echo_is_counted_once(
    adapter: InputAdapter,
) -> None:
    finger = pygame.event.Event(pygame.FINGERDOWN, x=0.5, y=0.25, touch_id=0, finger_id=0)
    echo = pygame.event.Event(pygame.MOUSEBUTTONDOWN, button=1, pos=(640, 180), touch=True)
    assert adapter.convert([finger, echo]) == [InputEvent(Action.POINT, (640, 180))]


def test_gamepad_buttons_and_hat_map_to_actions(adapter: InputAdapter) -> None:
    events = [
        pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, button=pygame.CONTROLLER_BUTTON_A),
        pygame.event.Event(pygame.CONTROLLERBUTTONDOWN, button=pygame.CONTROLLER_BUTTON_START),
        pygame.event.Event(pygame.JOYBUTTONDOWN, button=1, instance_id=0),
        pygame.event.Event(pygame.JOYHATMOTION, hat=0, value=(-1, 1), instance_id=0),
    ]
    assert [e.action for e in adapter.convert(events)] == [
        Action.CONFIRM, Action.PAUSE, Action.BACK, Action.LEFT, Action.UP,
    ]


def test_stick_counts_one_move_per_push_out_of_the_dead_zone(adapter: InputAdapter) -> None:
    def axis(axis: int, value: float) -> pygame.event.Event:
        return pygame.event.Event(pygame.JOYAXISMOTION, axis=axis, value=value, instance_id=0)

    pushes = [axis(0, 0.9), axis(0, 0.95), axis(0, 0.1), axis(0, 0.8), axis(1, -0.9)]
    assert [e.action for e in adapter.convert(pushes)] == [
        Action.RIGHT, Action.RIGHT, Action.UP,
    ]


def test_window_close_becomes_quit(adapter: InputAdapter) -> None:
    assert adapter.convert([pygame.event.Event(pygame.QUIT)]) == [InputEvent(Action.QUIT)]


def test_space_confirms_but_says_it_was_a_space_and_typed_text_is_passed_on(
    adapter: InputAdapter,
) -> None:
    typed = pygame.event.Event(pygame.TEXTINPUT, text="Mí")
    assert adapter.convert([_key(pygame.K_SPACE), typed]) == [
        InputEvent(Action.CONFIRM, text=" "),
        InputEvent(Action.TEXT, text="Mí"),
    ]
