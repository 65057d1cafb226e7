"""Raw pygame input converted once, here, into our own `Action`s.

Scenes never see pygame events: they receive `InputEvent`s (an `Action`, plus a position for
pointer actions in window pixels). Keyboard, mouse, touch and gamepad all map onto the same
small vocabulary, so a child can play with arrows, a tap or a controller, and the therapist
has a few keys of their own (accept, reject, skip, pause, end, camera view, help). The child
has one key of their own: B asks for a break (as the rest button on the trial screen does).
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import pygame

logger = logging.getLogger(__name__)


class Action(enum.StrEnum):
    """What the player or the therapist asked for, free of any input device."""

    UP = "up"
    DOWN = "down"
    LEFT = "left"
    RIGHT = "right"
    CONFIRM = "confirm"          # Enter / Space / gamepad A / tap
    BACK = "back"                # Escape / gamepad B
    POINT = "point"              # mouse click or touch at `pos`
    PAUSE = "pause"              # therapist: pause / resume (P, gamepad Start)
    HELP = "help"                # therapist: show the key help overlay (F1, H)
    ACCEPT = "accept"            # therapist: the child did it (override, logged)
    REJECT = "reject"            # therapist: the machine was wrong (override, logged)
    SKIP = "skip"                # therapist: skip this trial
    END_SESSION = "end_session"  # therapist: end the session now
    TOGGLE_CAMERA = "toggle_camera"  # therapist: camera view on/off (if the profile allows)
    SETTINGS = "settings"        # therapist: sensory settings (F2)
    PROGRESS = "progress"        # therapist: progress charts (F3)
    MANAGE = "manage"            # therapist: manage the chosen child (F4, start screen)
    DIGIT = "digit"              # a number key, for the therapist's PIN pad (`text`)
    TEXT = "text"                # typed text (`text`), for entering a child's name
    LETTER = "letter"            # a letter key with no other meaning (`letter`): type-ahead
    QUIT = "quit"                # window closed
    FIRST = "first"              # Home: to the start (the replay's timeline)
    LAST = "last"                # End: to the end
    PAGE_UP = "page_up"          # Page Up: the previous item (the replay: trial)
    PAGE_DOWN = "page_down"      # Page Down: the next item
    DRAG = "drag"                # the mouse moved with its left button held, to `pos`
    REST = "rest"                # the child: "I want a break" (B, or the rest button)


# Keys the therapist may press over any scene during play (routed to the game flow).
THERAPIST_ACTIONS: frozenset[Action] = frozenset({
    Action.ACCEPT, Action.REJECT, Action.SKIP, Action.PAUSE, Action.END_SESSION,
    Action.TOGGLE_CAMERA, Action.HELP, Action.SETTINGS, Action.PROGRESS,
})


@dataclass(frozen=True, slots=True)
class InputEvent:
    """One action; `pos` is the window position for POINT, `text` the characters for DIGIT
    and TEXT (and " " on the CONFIRM made by the space bar, so name entry can tell it apart).
    `letter` is the lower-case letter of the key (a-z) when a letter key made the action
    (LETTER, or e.g. SKIP from K), so the start screen can use letters to find a name."""

    action: Action
    pos: tuple[int, int] | None = None
    text: str = ""
    letter: str = ""


KEY_ACTIONS: dict[int, Action] = {
    pygame.K_UP: Action.UP,
    pygame.K_w: Action.UP,
    pygame.K_DOWN: Action.DOWN,
    pygame.K_s: Action.DOWN,
    pygame.K_LEFT: Action.LEFT,
    pygame.K_a: Action.LEFT,
    pygame.K_RIGHT: Action.RIGHT,
    pygame.K_d: Action.RIGHT,
    pygame.K_RETURN: Action.CONFIRM,
    pygame.K_KP_ENTER: Action.CONFIRM,
    pygame.K_SPACE: Action.CONFIRM,
    pygame.K_ESCAPE: Action.BACK,
    pygame.K_BACKSPACE: Action.BACK,
    pygame.K_p: Action.PAUSE,
    pygame.K_F1: Action.HELP,
    pygame.K_h: Action.HELP,
    pygame.K_y: Action.ACCEPT,
    pygame.K_n: Action.REJECT,
    pygame.K_k: Action.SKIP,
    pygame.K_e: Action.END_SESSION,
    pygame.K_c: Action.TOGGLE_CAMERA,
    pygame.K_F2: Action.SETTINGS,
    pygame.K_F3: Action.PROGRESS,
    pygame.K_F4: Action.MANAGE,
    pygame.K_b: Action.REST,  # the child's own break key (not the therapist's P)
    pygame.K_HOME: Action.FIRST,
    pygame.K_END: Action.LAST,
    pygame.K_PAGEUP: Action.PAGE_UP,
    pygame.K_PAGEDOWN: Action.PAGE_DOWN,
}

# Digits reach the PIN pad as Action.DIGIT with the digit in `text`.
DIGIT_KEYS: dict[int, str] = {
    **{getattr(pygame, f"K_{d}"): str(d) for d in range(10)},
    **{getattr(pygame, f"K_KP{d}"): str(d) for d in range(10)},
}

# SDL game-controller buttons (the standard Xbox-like layout).
CONTROLLER_BUTTON_ACTIONS: dict[int, Action] = {
    pygame.CONTROLLER_BUTTON_A: Action.CONFIRM,
    pygame.CONTROLLER_BUTTON_B: Action.BACK,
    pygame.CONTROLLER_BUTTON_START: Action.PAUSE,
    pygame.CONTROLLER_BUTTON_DPAD_UP: Action.UP,
    pygame.CONTROLLER_BUTTON_DPAD_DOWN: Action.DOWN,
    pygame.CONTROLLER_BUTTON_DPAD_LEFT: Action.LEFT,
    pygame.CONTROLLER_BUTTON_DPAD_RIGHT: Action.RIGHT,
}

# Plain joystick buttons (no controller mapping): 0 = A, 1 = B, 7 = Start on most pads.
JOY_BUTTON_ACTIONS: dict[int, Action] = {0: Action.CONFIRM, 1: Action.BACK, 7: Action.PAUSE}

AXIS_DEADZONE = 0.6  # stick deflection that counts as a press (after a return to centre)


@dataclass(slots=True)
class _StickState:
    x: int = 0
    y: int = 0


class InputAdapter:
    """Turns pygame events into `InputEvent`s. Keeps only the stick state between calls.

    Args:
        window_size: the window size in pixels, to place touch events (SDL gives touch
            positions normalised to 0..1).
    """

    def __init__(self, window_size: tuple[int, int]) -> None:
        self.window_size = window_size
        self._sticks: dict[int, _StickState] = {}

    def convert(self, events: Iterable[pygame.event.Event]) -> list[InputEvent]:
        """All actions carried by `events`, in order; unknown events are dropped."""
        out: list[InputEvent] = []
        for event in events:
            out.extend(self._convert_one(event))
        return out

    def _convert_one(self, event: pygame.event.Event) -> list[InputEvent]:
        kind = event.type
        if kind == pygame.QUIT:
            return [InputEvent(Action.QUIT)]
        if kind == pygame.KEYDOWN:
            return self._key(event)
        if kind == pygame.TEXTINPUT:
            return [InputEvent(Action.TEXT, text=str(event.text))]
        if kind == pygame.MOUSEBUTTONDOWN:
            if getattr(event, "touch", False):
                return []  # SDL also sends FINGERDOWN for this tap; count it once
            if event.button == 1:
                return [InputEvent(Action.POINT, (int(event.pos[0]), int(event.pos[1])))]
            if event.button == 3:
                return [InputEvent(Action.BACK)]
            return []
        if kind == pygame.MOUSEMOTION:
            buttons = getattr(event, "buttons", (0, 0, 0))
            if getattr(event, "touch", False) or not buttons or not buttons[0]:
                return []  # a plain move is nothing; a drag with the left button scrubs
            return [InputEvent(Action.DRAG, (int(event.pos[0]), int(event.pos[1])))]
        if kind == pygame.FINGERDOWN:
            w, h = self.window_size
            return [InputEvent(Action.POINT, (round(event.x * w), round(event.y * h)))]
        if kind == pygame.CONTROLLERBUTTONDOWN:
            action = CONTROLLER_BUTTON_ACTIONS.get(event.button)
            return [InputEvent(action)] if action else []
        if kind == pygame.JOYBUTTONDOWN:
            action = JOY_BUTTON_ACTIONS.get(event.button)
            return [InputEvent(action)] if action else []
        if kind == pygame.JOYHATMOTION:
            return self._hat(event.value)
        if kind in (pygame.JOYAXISMOTION, pygame.CONTROLLERAXISMOTION):
            return self._axis(event)
        return []

    def _key(self, event: pygame.event.Event) -> list[InputEvent]:
        digit = DIGIT_KEYS.get(event.key)
        if digit is not None:
            return [InputEvent(Action.DIGIT, text=digit)]
        if event.key == pygame.K_SPACE:
            return [InputEvent(Action.CONFIRM, text=" ")]
        letter = chr(event.key) if pygame.K_a <= event.key <= pygame.K_z else ""
        action = KEY_ACTIONS.get(event.key)
        if action is None:
            return [InputEvent(Action.LETTER, letter=letter)] if letter else []
        return [InputEvent(action, letter=letter)]

    @staticmethod
    def _hat(value: tuple[int, int]) -> list[InputEvent]:
        x, y = value
        out: list[InputEvent] = []
        if x < 0:
            out.append(InputEvent(Action.LEFT))
        elif x > 0:
            out.append(InputEvent(Action.RIGHT))
        if y > 0:
            out.append(InputEvent(Action.UP))
        elif y < 0:
            out.append(InputEvent(Action.DOWN))
        return out

    def _axis(self, event: pygame.event.Event) -> list[InputEvent]:
        axis = int(event.axis)
        if axis not in (0, 1):
            return []
        value = float(event.value)
        if event.type == pygame.CONTROLLERAXISMOTION:
            value /= 32767.0
        stick = self._sticks.setdefault(int(getattr(event, "instance_id", 0)), _StickState())
        direction = 1 if value > AXIS_DEADZONE else -1 if value < -AXIS_DEADZONE else 0
        previous = stick.x if axis == 0 else stick.y
        if axis == 0:
            stick.x = direction
        else:
            stick.y = direction
        if direction == 0 or direction == previous:
            return []  # only the move out of the dead zone counts, not every wobble
        if axis == 0:
            return [InputEvent(Action.RIGHT if direction > 0 else Action.LEFT)]
        return [InputEvent(Action.DOWN if direction > 0 else Action.UP)]
