"""Scenes with one lifecycle, kept on a stack owned by the app.

Lifecycle (each call documented on `Scene`):

- `enter()` once when the scene first becomes active, `exit()` once when it leaves the stack;
- `pause()` when another scene is pushed on top of it, `resume()` when that one is popped;
- `handle(event)` for each input action while it is on top; returns True when it used it;
- `update(dt_ms, now_ms)` once per frame while it is on top;
- `draw(surface)` once per frame; it must change no state (the same game time draws the
  same picture), so screenshots and tests can draw at will.

Scenes never construct their successors' transitions themselves through globals: they call
`self.stack.push/replace/pop` on the stack they were given. Overlays (pause card, help)
set `transparent = True` and the scene below is drawn first.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pygame

    from game.ui.input import InputEvent

logger = logging.getLogger(__name__)


class SceneStackError(RuntimeError):
    """Raised for stack misuse, e.g. popping the last scene."""


class Scene:
    """Base class of every screen. Subclasses override only what they need.

    Attributes:
        name: a short stable name, used in logs and screenshot file names.
        transparent: draw the scene below first (overlays).
        stack: set by the stack when the scene is pushed.
    """

    name = "scene"
    transparent = False

    def __init__(self) -> None:
        self.stack: SceneStack | None = None

    def enter(self) -> None:
        """Called once, when the scene is first put on the stack."""

    def exit(self) -> None:
        """Called once, when the scene leaves the stack (popped or replaced)."""

    def pause(self) -> None:
        """Called when another scene is pushed on top of this one."""

    def resume(self) -> None:
        """Called when the scene above was popped and this one is on top again."""

    def handle(self, event: InputEvent) -> bool:
        """React to one action; return True when it was used."""
        return False

    def update(self, dt_ms: int, now_ms: int) -> None:
        """Advance by `dt_ms` (already clamped); `now_ms` is the app's monotonic clock."""

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the scene. Must not change any state."""


class SceneStack:
    """The stack of scenes. Only the top scene gets input and updates.

    `changes` counts every push/pop/replace so the app can notice a scene change (for
    screenshots) without callbacks.
    """

    def __init__(self) -> None:
        self._scenes: list[Scene] = []
        self.changes = 0

    def __len__(self) -> int:
        return len(self._scenes)

    @property
    def top(self) -> Scene | None:
        return self._scenes[-1] if self._scenes else None

    @property
    def scenes(self) -> tuple[Scene, ...]:
        return tuple(self._scenes)

    def push(self, scene: Scene) -> None:
        """Put `scene` on top: the old top is paused, the new one entered."""
        if self._scenes:
            self._scenes[-1].pause()
        self._scenes.append(scene)
        scene.stack = self
        self.changes += 1
        logger.debug("push %s", scene.name)
        scene.enter()

    def pop(self) -> Scene:
        """Remove the top scene (exit) and resume the one below."""
        if len(self._scenes) <= 1:
            raise SceneStackError("cannot pop the last scene; use replace() or clear()")
        scene = self._scenes.pop()
        self.changes += 1
        logger.debug("pop %s", scene.name)
        scene.exit()
        scene.stack = None
        self._scenes[-1].resume()
        return scene

    def replace(self, scene: Scene) -> None:
        """Swap the top scene for `scene` (exit the old, enter the new; nothing resumes)."""
        if self._scenes:
            old = self._scenes.pop()
            old.exit()
            old.stack = None
        self._scenes.append(scene)
        scene.stack = self
        self.changes += 1
        logger.debug("replace -> %s", scene.name)
        scene.enter()

    def clear(self) -> None:
        """Exit every scene, top first."""
        while self._scenes:
            scene = self._scenes.pop()
            scene.exit()
            scene.stack = None
        self.changes += 1

    def remove(self, scene: Scene) -> None:
        """Take `scene` off wherever it sits (e.g. a pause card that is no longer needed)."""
        if scene is self.top:
            if len(self._scenes) > 1:
                self.pop()
            else:
                self.clear()
            return
        if scene in self._scenes:
            self._scenes.remove(scene)
            scene.exit()
            scene.stack = None
            self.changes += 1

    def handle(self, event: InputEvent) -> bool:
        top = self.top
        return top.handle(event) if top is not None else False

    def update(self, dt_ms: int, now_ms: int) -> None:
        top = self.top
        if top is not None:
            top.update(dt_ms, now_ms)

    def draw(self, surface: pygame.Surface) -> None:
        """Draw the top scene, and below it every scene it shows through."""
        first = len(self._scenes) - 1
        while first > 0 and self._scenes[first].transparent:
            first -= 1
        for scene in self._scenes[max(first, 0):]:
            scene.draw(surface)
