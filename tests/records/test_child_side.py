"""Issue 23: the sticker book and the avatar's look are kept with the child."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from game.play.stickers import StickerBook, StickerKind, award
from game.records.models import Profile
from game.records.store import InvalidValueError, ProgressStore, RecordNotFoundError
from tests.records.conftest import Backend
from tests.records.factories import make_trial


def _clock() -> datetime:
    return datetime(2026, 12, 6, 10, 0, tzinfo=timezone(timedelta(hours=1)))


def test_the_sticker_book_grows_across_sessions_and_survives_reopening(
        backend: Backend) -> None:
    store = backend.open()
    child = store.create_profile("Mia")
    for _ in range(3):
        session = store.start_session(child.profile_id, level_set_id="first-faces")
        records = [make_trial(0), make_trial(1, prompt_level=2), make_trial(2, success=False)]
        book = StickerBook.from_dicts(store.get_profile(child.profile_id).stickers)
        store.add_stickers(child.profile_id, award(records, session.session_id, book, _clock))
    store.close()
    book = StickerBook.from_dicts(backend.open().get_profile(child.profile_id).stickers)
    assert (len(book), book.stickers, book.stars) == (6, 3, 3)
    assert [i.design for i in book.items if i.kind is StickerKind.STICKER] == [0, 1, 2]


def test_adding_the_same_stickers_twice_changes_nothing(store: ProgressStore) -> None:
    child = store.create_profile("Ben")
    session = store.start_session(child.profile_id, level_set_id="s")
    items = award([make_trial(0)], session.session_id, StickerBook(), _clock)
    once = store.add_stickers(child.profile_id, items)
    twice = store.add_stickers(child.profile_id, items)
    assert once.stickers == twice.stickers and len(twice.stickers) == 1
    with pytest.raises(RecordNotFoundError):
        store.add_stickers("C-NOBODY", items)


def test_the_avatar_look_is_kept_and_a_bad_one_refused(store: ProgressStore) -> None:
    child = store.create_profile("Kai")
    assert child.avatar == ""
    assert store.update_profile(child.profile_id, avatar="curls").avatar == "curls"
    assert store.get_profile(child.profile_id).avatar == "curls"
    for bad in (3, "x" * 40):
        with pytest.raises(InvalidValueError):
            store.update_profile(child.profile_id, avatar=bad)
    assert store.get_profile(child.profile_id).avatar == "curls"


def test_a_profile_written_before_issue_23_reads_with_an_empty_book_and_the_default_look() -> None:
    old = {"profile_id": "C-ABC123", "display_name": "Ava", "created_at": "2026-01-01T00:00:00Z",
           "updated_at": "2026-01-01T00:00:00Z"}
    profile = Profile.from_dict(old)
    assert profile.avatar == "" and profile.stickers == []
    with pytest.raises(ValueError):
        Profile.from_dict({**old, "stickers": {"kind": "sticker"}})
