"""The sticker book: independent successes earn stickers, prompted ones smaller stars."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from game.play.stickers import (
    STICKER_DESIGNS,
    Sticker,
    StickerBook,
    StickerKind,
    award,
    earns,
)
from tests.records.factories import make_trial

ZONE = timezone(timedelta(hours=1))


class FakeClock:
    """Moves only when the test says so; counts how often it was read."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 6, 10, 0, tzinfo=ZONE)
        self.reads = 0

    def __call__(self) -> datetime:
        self.reads += 1
        return self.now


def test_an_independent_success_earns_more_than_a_prompted_one_and_a_miss_nothing() -> None:
    assert earns(make_trial(0, prompt_level=0)) is StickerKind.STICKER
    assert earns(make_trial(1, prompt_level=2)) is StickerKind.STAR
    assert earns(make_trial(2, success=False)) is None


def test_award_gives_one_item_per_success_in_trial_order_at_the_clocks_time() -> None:
    clock = FakeClock()
    records = [make_trial(2, prompt_level=1), make_trial(0), make_trial(1, success=False),
               make_trial(3)]
    items = award(records, "S-1", StickerBook(), clock)
    assert [(i.trial_index, i.kind) for i in items] == [
        (0, StickerKind.STICKER), (2, StickerKind.STAR), (3, StickerKind.STICKER)]
    assert [i.design for i in items if i.kind is StickerKind.STICKER] == [0, 1]
    assert {i.earned_at for i in items} == {"2026-12-06T10:00:00+01:00"} and clock.reads == 1


def test_the_book_grows_across_sessions_with_every_design_in_turn() -> None:
    clock = FakeClock()
    book = StickerBook()
    for n in range(4):
        clock.now += timedelta(days=2)
        new = award([make_trial(i) for i in range(3)], f"S-{n}", book, clock)
        book = book.with_items(new)
    assert len(book) == 12 and book.stickers == 12 and book.stars == 0
    designs = [item.design for item in book.items]
    assert designs == [i % STICKER_DESIGNS for i in range(12)]
    assert [item.session_id for item in book.latest(2)] == ["S-3", "S-3"]
    assert book.items[-1].earned_at.startswith("2026-12-14")


def test_the_same_session_twice_adds_nothing_the_second_time() -> None:
    clock = FakeClock()
    records = [make_trial(0), make_trial(1, prompt_level=1)]
    book = StickerBook().with_items(award(records, "S-1", StickerBook(), clock))
    assert award(records, "S-1", book, clock) == ()
    assert book.with_items(book.items) == book


def test_the_stored_book_reads_back_and_a_damaged_entry_is_left_out(
        caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    book = StickerBook().with_items(award([make_trial(0), make_trial(1, prompt_level=2)],
                                          "S-1", StickerBook(), clock))
    stored = [*book.to_dicts(), {"kind": "sticker", "design": 99, "session_id": "S-2",
                                 "trial_index": 0, "earned_at": ""}, "nonsense",
              {"kind": "trophy"}]
    assert StickerBook.from_dicts(stored) == book
    assert "left out" in caplog.text
    assert StickerBook.from_dicts(None) == StickerBook()


@pytest.mark.parametrize("bad", [
    {"kind": StickerKind.STICKER, "design": -1},
    {"kind": StickerKind.STICKER, "design": STICKER_DESIGNS},
    {"kind": StickerKind.STAR, "design": 0, "trial_index": -2},
    {"kind": StickerKind.STAR, "design": 0, "session_id": ""},
])
def test_a_sticker_out_of_range_is_refused_at_construction(bad: dict[str, object]) -> None:
    values: dict[str, object] = {"session_id": "S-1", "trial_index": 0,
                                 "earned_at": "2026-12-06T10:00:00+01:00", **bad}
    with pytest.raises(ValueError):
        Sticker(**values)  # type: ignore[arg-type]  # values out of range on purpose
