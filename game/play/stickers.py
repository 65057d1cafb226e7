"""The sticker book: a collection that grows across sessions, with differential rewards.

At the end of each session `award` turns its successes into the book's new items: an
independent success (no help showing, `prompt_level` 0) earns a **sticker**, a prompted one
a smaller **star** (CLINICAL.md: a bigger reward for an independent success, so the child
does not learn to wait for help). Trials that were not successes earn nothing and are never
mentioned. Stickers take the next design in turn, so the book fills with every design.
The records keep the book with the child (`Profile.stickers`, a list of `Sticker.to_dict()`);
`StickerBook` reads it back, skipping (and logging) an entry it cannot read. Nothing here
reads the clock: `award` takes one.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from game.play.trial_record import TrialRecord

logger = logging.getLogger(__name__)

STICKER_DESIGNS = 6  # sun, flower, balloon, moon, rainbow, heart (game.ui.widgets.reward)


class StickerKind(enum.StrEnum):
    STICKER = "sticker"  # an independent success
    STAR = "star"        # a prompted success (smaller)


@dataclass(frozen=True, slots=True)
class Sticker:
    """One item of the book.

    Attributes:
        kind: sticker (independent success) or star (prompted success).
        design: which picture, 0 .. STICKER_DESIGNS - 1 (0 for a star).
        session_id / trial_index: the success that earned it (one item per trial at most).
        earned_at: ISO 8601 time with UTC offset.

    Raises:
        ValueError: a value out of range (e.g. from a hand-edited file).
    """

    kind: StickerKind
    design: int
    session_id: str
    trial_index: int
    earned_at: str

    def __post_init__(self) -> None:
        if not isinstance(self.kind, StickerKind):
            raise ValueError(f"a sticker's kind must be one of {[k.value for k in StickerKind]}")
        if not isinstance(self.design, int) or not 0 <= self.design < STICKER_DESIGNS:
            raise ValueError(f"a sticker's design must be 0..{STICKER_DESIGNS - 1}")
        if not isinstance(self.trial_index, int) or self.trial_index < 0:
            raise ValueError("a sticker's trial_index must be a whole number from 0")
        if not isinstance(self.session_id, str) or not self.session_id:
            raise ValueError("a sticker needs the session that earned it")
        if not isinstance(self.earned_at, str):
            raise ValueError("a sticker's earned_at must be an ISO time")

    @property
    def key(self) -> tuple[str, int]:
        """The success that earned it: the book holds one item per key."""
        return (self.session_id, self.trial_index)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "design": self.design, "session_id": self.session_id,
                "trial_index": self.trial_index, "earned_at": self.earned_at}

    @classmethod
    def from_dict(cls, data: Any) -> Sticker:
        """Raises ValueError for anything that is not a stored sticker."""
        if not isinstance(data, dict):
            raise ValueError("a sticker is stored as an object")
        try:
            kind = StickerKind(str(data.get("kind")))
        except ValueError as exc:
            raise ValueError(f"unknown sticker kind {data.get('kind')!r}") from exc
        design, index = data.get("design"), data.get("trial_index")
        if isinstance(design, bool) or isinstance(index, bool):
            raise ValueError("a sticker's design and trial_index are numbers")
        return cls(kind, design, data.get("session_id"), index,  # type: ignore[arg-type]
                   data.get("earned_at", ""))


def earns(record: TrialRecord) -> StickerKind | None:
    """What one trial earns: a sticker (independent success), a star (prompted success), or
    nothing."""
    if not record.success:
        return None
    return StickerKind.STICKER if record.prompt_level == 0 else StickerKind.STAR


@dataclass(frozen=True, slots=True)
class StickerBook:
    """The child's collection, oldest first."""

    items: tuple[Sticker, ...] = ()

    @property
    def stickers(self) -> int:
        return sum(1 for item in self.items if item.kind is StickerKind.STICKER)

    @property
    def stars(self) -> int:
        return sum(1 for item in self.items if item.kind is StickerKind.STAR)

    def __len__(self) -> int:
        return len(self.items)

    def latest(self, count: int) -> tuple[Sticker, ...]:
        """The newest `count` items, oldest of them first."""
        return self.items[-count:] if count > 0 else ()

    def with_items(self, new: Iterable[Sticker]) -> StickerBook:
        """The book with `new` added; an item for a success already in it is left out (so
        adding the same session twice changes nothing)."""
        have = {item.key for item in self.items}
        added: list[Sticker] = []
        for item in new:
            if item.key not in have:
                have.add(item.key)
                added.append(item)
        return StickerBook((*self.items, *added))

    def to_dicts(self) -> list[dict[str, Any]]:
        return [item.to_dict() for item in self.items]

    @classmethod
    def from_dicts(cls, data: object) -> StickerBook:
        """The book stored as `data` (a list of sticker objects); entries that cannot be
        read are left out and logged, so one damaged entry never hides the book."""
        if not isinstance(data, list):
            return cls()
        items: list[Sticker] = []
        for n, entry in enumerate(data):
            try:
                items.append(Sticker.from_dict(entry))
            except ValueError as exc:
                logger.warning("sticker %d of the book is left out: %s", n, exc)
        return cls().with_items(items)


def award(records: Sequence[TrialRecord], session_id: str, book: StickerBook,
          now: Callable[[], datetime]) -> tuple[Sticker, ...]:
    """The items one session's successes add to `book` (in trial order).

    Args:
        records: the session's final trial records (after any therapist override).
        session_id: the stored session they belong to.
        book: the child's book so far (successes already in it earn nothing again; the
            next sticker design follows on from the book's stickers).
        now: the clock (returns an aware `datetime`), read once.
    """
    earned_at = now().isoformat(timespec="seconds")
    have = {item.key for item in book.items}
    next_design = book.stickers
    out: list[Sticker] = []
    for record in sorted(records, key=lambda r: r.trial_index):
        kind = earns(record)
        if kind is None or (session_id, record.trial_index) in have:
            continue
        design = 0
        if kind is StickerKind.STICKER:
            design = next_design % STICKER_DESIGNS
            next_design += 1
        out.append(Sticker(kind, design, session_id, record.trial_index, earned_at))
    return tuple(out)
