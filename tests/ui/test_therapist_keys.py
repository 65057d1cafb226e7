"""Calm feedback for the therapist's keys, and the questions before ending or quitting.

N and K (and the other therapist keys) show a short toast that fades after about 2 s; E
first asks "End the session?" while the session is held (Enter/Y ends it, Esc/N goes back
to play); Esc on the start screen asks "Quit FaceQuest?". The flow, the session and the
store are real (first-faces on a memory store); readings are steady fakes.
"""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.play.session import SessionState
from game.ui.context import WINDOW_SIZE
from game.ui.input import Action, InputEvent
from game.ui.scenes.end import EndScene
from game.ui.scenes.overlays import YesNoCard
from game.ui.scenes.start import StartScene
from game.ui.scenes.trial import TrialScene
from game.ui.toast import FADE_MS, TOAST_MS, Toast, draw_toast
from tests.ui.test_therapist_hold import TIME_LIMIT_MS, _Game


@pytest.mark.parametrize(("action", "key", "text"), [
    (Action.REJECT, "ui.toast.rejected", "Marked as not made"),
    (Action.SKIP, "ui.toast.skipped", "Skipped"),
])
def test_n_and_k_show_a_short_toast(tmp_path: Path, action: Action, key: str,
                                    text: str) -> None:
    game = _Game(tmp_path)
    game.run(500)
    if action is Action.REJECT:
        game.flow.therapist(Action.ACCEPT)  # N changes the trial that just ended
        assert game.ctx.toast is not None and game.ctx.toast.key == "ui.toast.accepted"
        game.ctx.toast = None
    game.flow.therapist(action)
    toast = game.ctx.toast
    assert toast is not None and toast.key == key
    from game import phrases

    assert phrases.text(key, "en") == text and phrases.text(key, "zh-CN") != text


def test_a_key_the_engine_ignores_says_so_calmly(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.therapist(Action.REJECT)  # nothing to change yet: the trial is still running
    assert game.ctx.toast is not None and game.ctx.toast.key == "ui.toast.nothing_to_change"


def test_pause_and_camera_keys_have_toasts_too(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.therapist(Action.PAUSE)
    assert game.ctx.toast is not None and game.ctx.toast.key == "ui.toast.paused"
    game.flow.therapist(Action.PAUSE)
    assert game.ctx.toast.key == "ui.toast.resumed"
    game.flow.therapist(Action.TOGGLE_CAMERA)  # not allowed in this child's settings
    assert game.ctx.toast.key == "ui.toast.camera_not_allowed" and not game.ctx.camera_view


def test_the_toast_fades_after_about_two_seconds() -> None:
    toast = Toast("ui.toast.skipped", 1000)
    assert toast.alpha(1000) == 255 and toast.alpha(1000 + TOAST_MS - FADE_MS) == 255
    assert 0 < toast.alpha(1000 + TOAST_MS - FADE_MS // 2) < 255
    assert toast.alpha(1000 + TOAST_MS) == 0 and toast.over(1000 + TOAST_MS)
    assert Toast("ui.toast.skipped", 0).alpha(TOAST_MS - 1, reduced_motion=True) == 255


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
def test_the_toast_is_drawn_small_at_the_top_and_then_gone(tmp_path: Path, lang: str) -> None:
    game = _Game(tmp_path)
    game.ctx.apply_settings(game.ctx.settings.with_changes(language=lang))
    surface = pygame.Surface(WINDOW_SIZE)
    surface.fill((0, 0, 0))
    rect = draw_toast(surface, Toast("ui.toast.rejected", 0), game.ctx.theme, lang, 100)
    assert rect is not None and rect.top >= 0 and rect.bottom < WINDOW_SIZE[1] // 4
    assert surface.get_at(rect.center)[:3] != (0, 0, 0)
    assert draw_toast(surface, Toast("ui.toast.rejected", 0), game.ctx.theme, lang,
                      TOAST_MS) is None


def test_e_asks_first_and_holds_the_session_while_it_asks(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.therapist(Action.END_SESSION)
    card = game.stack.top
    assert isinstance(card, YesNoCard) and card.question_key == "ui.flow.end_question"
    game.run(2 * TIME_LIMIT_MS)
    assert game.session.paused and game.timeouts() == 0  # held while the question shows
    game.stack.handle(InputEvent(Action.REJECT))  # N: no, play on
    game.run(200)
    assert isinstance(game.stack.top, TrialScene) and not game.session.paused
    assert game.session.state is SessionState.TRIAL

    game.flow.therapist(Action.END_SESSION)
    game.stack.handle(InputEvent(Action.BACK))  # Esc: no too
    assert game.session.state is SessionState.TRIAL
    game.flow.therapist(Action.END_SESSION)
    game.stack.handle(InputEvent(Action.CONFIRM))  # Enter: yes
    assert game.session.state is SessionState.ENDED
    assert isinstance(game.stack.top, EndScene)
    assert "Press any key to go back to the start" in game.stack.top.footer()


def test_y_on_the_question_ends_too_and_the_card_leads_back_to_the_start(
    tmp_path: Path,
) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.therapist(Action.END_SESSION)
    game.stack.handle(InputEvent(Action.ACCEPT))  # Y
    end = game.stack.top
    assert isinstance(end, EndScene)
    end.handle(InputEvent(Action.CONFIRM))  # too early: a child's key still in flight
    assert game.stack.top is end
    end.update(1_200, 0)
    end.handle(InputEvent(Action.DOWN))  # any key
    assert isinstance(game.stack.top, StartScene) and len(game.stack) == 1
    assert game.flow.driver is None and game.ctx.profile is None and game.ctx.session is None
    store = game.ctx.store
    assert store is not None
    (profile,) = store.find_profiles("Mia")
    (session,) = store.sessions_for(profile.profile_id)
    assert session.end_reason == "therapist"


def test_esc_on_the_start_screen_asks_before_quitting(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    game.flow.back_to_start()
    start = game.stack.top
    assert isinstance(start, StartScene)
    game.stack.handle(InputEvent(Action.BACK))
    assert isinstance(game.stack.top, YesNoCard)
    assert game.stack.top.question_key == "ui.flow.quit_question"
    game.stack.handle(InputEvent(Action.BACK))  # no
    assert game.stack.top is start
    game.stack.handle(InputEvent(Action.BACK))
    game.stack.handle(InputEvent(Action.CONFIRM))  # yes
    assert len(game.stack) == 0  # the app stops when its stack is empty


def test_quitting_in_a_session_ends_and_records_it_first(tmp_path: Path) -> None:
    game = _Game(tmp_path)
    game.run(500)
    game.flow.ask_quit()
    game.run(1_000)
    assert game.session.paused  # held while asking
    game.stack.handle(InputEvent(Action.ACCEPT))
    assert len(game.stack) == 0
    store = game.ctx.store
    assert store is not None
    (profile,) = store.find_profiles("Mia")
    (session,) = store.sessions_for(profile.profile_id)
    assert session.ended_at is not None
    assert [t.trial.outcome.value for t in store.trials_in(session.session_id)] == ["ended"]
