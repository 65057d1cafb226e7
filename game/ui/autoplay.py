"""Headless autoplay: the keys a person would press, fed to the real scenes.

A headless run (`facequest play --headless`) has nobody at the keyboard, yet it must pick a
child, go on from the schedule, close the therapist's notice and the goodbye card, so that
scripted runs (tests, demos, research) always finish. `AutoplayScript` stands in for that
person: it is the app's event source, giving what pygame gives plus, when a scene has been
on top long enough, the key press a person would make there ("on the start screen press
Enter after 1.2 s"). The presses are real pygame key events: they go through the same
`InputAdapter` and the same `handle()` as a person's keys, so the scenes hold no autoplay
code and a headless run plays exactly the scenes a window shows.

Time is the game clock's (`FrameClock.now_ms`), counted while the scene is on top and
clamped per frame as the app clamps a scene's time step (`clock.MAX_DT_MS`), so a stalled
frame delays a press exactly as it delays the scene's own waiting (e.g. the goodbye card
takes keys only after a second). Each scene shown is pressed once.
"""

from __future__ import annotations

import logging
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pygame

from game.ui.clock import MAX_DT_MS, FrameClock
from game.ui.scene_stack import Scene, SceneStack
from game.ui.scenes.end import EndScene
from game.ui.scenes.home import HomeScene
from game.ui.scenes.overlays import NoticeCard
from game.ui.scenes.restore_offer import RestoreOfferCard
from game.ui.scenes.schedule import ScheduleScene
from game.ui.scenes.start import StartScene

logger = logging.getLogger(__name__)

EventSource = Callable[[], list[pygame.event.Event]]


@dataclass(frozen=True, slots=True)
class Press:
    """Press `key` (a pygame key code) once a scene of type `scene` has been on top for
    `after_ms` ms of game time (>= 0).

    Raises:
        ValueError: `after_ms` is negative.
    """

    scene: type[Scene]
    key: int
    after_ms: int

    def __post_init__(self) -> None:
        if self.after_ms < 0:
            raise ValueError(f"after_ms must be 0 or more, got {self.after_ms}")


# What a person does in a headless run, scene by scene.
SCRIPT: tuple[Press, ...] = (
    Press(StartScene, pygame.K_RETURN, 1200),        # the first child (focused first)
    Press(HomeScene, pygame.K_RETURN, 1200),         # "Play" (focused first)
    Press(ScheduleScene, pygame.K_RETURN, 1500),     # go on to the first face
    Press(NoticeCard, pygame.K_RETURN, 3000),        # "OK" to the therapist's notice
    Press(RestoreOfferCard, pygame.K_ESCAPE, 3000),  # "Start with empty records"
    Press(EndScene, pygame.K_RETURN, 2000),          # close the goodbye card
)


def key_press(key: int) -> pygame.event.Event:
    """The pygame event of pressing `key`, as the keyboard sends it."""
    return pygame.event.Event(pygame.KEYDOWN, key=key, mod=0, unicode="", scancode=0)


class AutoplayScript:
    """The app's event source in a headless run: `source()`'s events, plus the presses of
    `script` that are due.

    Args:
        stack: the app's scene stack (the top scene is the one a press goes to).
        clock: the game clock.
        script: the presses, first matching rule per scene (`isinstance`).
        source: where the other events come from (pygame's queue: e.g. SIGINT, a window
            close).
    """

    def __init__(self, stack: SceneStack, clock: FrameClock, *,
                 script: Sequence[Press] = SCRIPT,
                 source: EventSource = pygame.event.get) -> None:
        self.stack = stack
        self.clock = clock
        self.script = tuple(script)
        self.source = source
        self._shown: weakref.WeakKeyDictionary[Scene, int] = weakref.WeakKeyDictionary()
        self._pressed: weakref.WeakSet[Scene] = weakref.WeakSet()
        self._last_ms: int | None = None

    def rule_for(self, scene: Scene) -> Press | None:
        """The press scripted for `scene`, or None."""
        return next((press for press in self.script if isinstance(scene, press.scene)), None)

    def shown_ms(self, scene: Scene) -> int:
        """How long `scene` has been on top so far (game time, ms)."""
        return self._shown.get(scene, 0)

    def __call__(self) -> list[pygame.event.Event]:
        events = list(self.source())
        now = self.clock.now_ms()
        step = 0 if self._last_ms is None else min(max(now - self._last_ms, 0), MAX_DT_MS)
        self._last_ms = now
        top = self.stack.top
        if top is None:
            return events
        self._shown[top] = self._shown.get(top, 0) + step  # as the top scene's update(dt)
        rule = self.rule_for(top)
        if rule is not None and top not in self._pressed and self._shown[top] >= rule.after_ms:
            self._pressed.add(top)
            logger.info("autoplay: %s on the %s scene", pygame.key.name(rule.key), top.name)
            events.append(key_press(rule.key))
        return events


def autoplay_events(stack: SceneStack, clock: FrameClock) -> EventSource:
    """The event source of a headless run: pygame's events and the scripted presses."""
    return AutoplayScript(stack, clock)
