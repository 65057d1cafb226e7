"""Scene stack lifecycle: enter/exit/pause/resume pairing, routing, overlay drawing."""

from __future__ import annotations

from unittest.mock import Mock, call

import pygame
import pytest

from game.ui.input import Action, InputEvent
from game.ui.scene_stack import Scene, SceneStack, SceneStackError


def _scene(name: str, transparent: bool = False) -> Mock:
    scene = Mock(spec=Scene, name=name)
    scene.name = name
    scene.transparent = transparent
    scene.handle.return_value = True
    return scene


def test_push_onto_empty_stack_enters_the_scene_and_pauses_nothing() -> None:
    stack, a = SceneStack(), _scene("a")
    stack.push(a)
    assert a.enter.call_count == 1
    assert a.pause.call_count == 0
    assert stack.top is a
    assert a.stack is stack


def test_push_pauses_the_old_top_and_pop_resumes_it() -> None:
    stack, a, b = SceneStack(), _scene("a"), _scene("b")
    stack.push(a)
    stack.push(b)
    assert a.pause.call_count == 1
    assert stack.pop() is b
    assert b.exit.call_count == 1
    assert a.resume.call_count == 1
    assert stack.top is a


def test_replace_exits_the_old_top_and_resumes_nothing_below() -> None:
    stack, a, b, c = SceneStack(), _scene("a"), _scene("b"), _scene("c")
    stack.push(a)
    stack.push(b)
    stack.replace(c)
    assert b.exit.call_count == 1
    assert c.enter.call_count == 1
    assert a.resume.call_count == 0
    assert stack.scenes == (a, c)


def test_popping_the_last_scene_is_an_error() -> None:
    stack = SceneStack()
    stack.push(_scene("a"))
    with pytest.raises(SceneStackError):
        stack.pop()


def test_only_the_top_scene_gets_input_and_updates() -> None:
    stack, a, b = SceneStack(), _scene("a"), _scene("b")
    stack.push(a)
    stack.push(b)
    event = InputEvent(Action.CONFIRM)
    assert stack.handle(event) is True
    stack.update(16, 1000)
    b.handle.assert_called_once_with(event)
    b.update.assert_called_once_with(16, 1000)
    assert a.handle.call_count == 0
    assert a.update.call_count == 0


def test_a_transparent_overlay_is_drawn_over_the_scene_below() -> None:
    stack = SceneStack()
    parent = Mock()
    a, b, c = _scene("a"), _scene("b"), _scene("c", transparent=True)
    for s in (a, b, c):
        parent.attach_mock(s.draw, s.name)
        stack.push(s)
    surface = pygame.Surface((4, 4))
    stack.draw(surface)
    assert parent.mock_calls == [call.b(surface), call.c(surface)]


def test_every_change_is_counted_for_screenshots() -> None:
    stack = SceneStack()
    stack.push(_scene("a"))
    stack.push(_scene("b"))
    stack.pop()
    stack.replace(_scene("c"))
    assert stack.changes == 4


def test_remove_takes_a_buried_scene_off_without_resuming_anything() -> None:
    stack, a, b, c = SceneStack(), _scene("a"), _scene("b"), _scene("c")
    for s in (a, b, c):
        stack.push(s)
    stack.remove(b)
    assert b.exit.call_count == 1
    assert stack.scenes == (a, c)
    assert a.resume.call_count == 0


def test_clear_exits_every_scene_top_first() -> None:
    stack = SceneStack()
    parent = Mock()
    a, b = _scene("a"), _scene("b")
    parent.attach_mock(a.exit, "a")
    parent.attach_mock(b.exit, "b")
    stack.push(a)
    stack.push(b)
    stack.clear()
    assert parent.mock_calls == [call.b(), call.a()]
    assert len(stack) == 0
