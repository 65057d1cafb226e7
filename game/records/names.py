"""Children's names: one child per name, and the one child a name or id stands for.

Two names are the same when they are equal after trimming, joining inner spaces into one,
Unicode NFKC normalisation and case folding ("mia  li" is "Mia Li"). New children and
renames are refused a name another child has (`DuplicateNameError`); records written before
that rule may still hold two children of the same name, and then a name alone is refused
(`AmbiguousNameError`, which lists the ids to use instead). Messages never repeat a name, so
they are safe to log.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from game.records.models import Profile
from game.records.storage import StoreError


class DuplicateNameError(StoreError):
    """Another child already has that name (creating or renaming a child)."""


class AmbiguousNameError(StoreError):
    """Several children (in records kept before names had to differ) have that name.

    Attributes:
        profile_ids: the ids of those children, to use instead of the name.
    """

    def __init__(self, profile_ids: list[str]) -> None:
        self.profile_ids = profile_ids
        super().__init__("several children have that name; use one of the ids: "
                         + ", ".join(profile_ids))


class UnknownChildError(StoreError):
    """No child has that name or id."""


def name_key(name: str) -> str:
    """The form two names are compared in (trimmed, inner spaces joined, NFKC, case-folded)."""
    return unicodedata.normalize("NFKC", " ".join(name.split())).casefold()


# the longest name every screen is checked to show in full ("Victor Alexander-Montgomery",
# tests/ui/test_text_fit.py); the game's own name fields stop at 24
MAX_NAME_LENGTH = 27


def clean_name(name: str) -> str:
    """The name as stored: trimmed, inner runs of spaces made one space.

    Raises:
        StoreError: the name is empty, shows nothing (only spaces, zero-width or control
            characters), or is longer than `MAX_NAME_LENGTH` (it would overflow the start
            screen's buttons and the therapist's pages). Names kept before this rule load as
            they are.
    """
    cleaned = " ".join(str(name).split())
    if not any(unicodedata.category(ch)[0] not in "CZ" for ch in cleaned):
        raise StoreError("a child needs a name; an empty name or one of only spaces is not "
                         "a name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise StoreError(f"a child's name has at most {MAX_NAME_LENGTH} characters (a longer "
                         f"one does not fit the game's screens); this one has {len(cleaned)}")
    return cleaned


def check_name_free(name: str, profiles: Iterable[Profile], *, except_id: str = "") -> None:
    """Refuse `name` when a child other than `except_id` already has it, as a name or as an
    id (a child called "C-4F98B8" could never be named: that text picks the child with that
    id).

    Raises:
        DuplicateNameError: one sentence, without the name.
    """
    key = name_key(name)
    for profile in profiles:
        if profile.profile_id == except_id:
            continue
        if name_key(profile.display_name) == key:
            raise DuplicateNameError(
                f"another child ({profile.profile_id}) already has that name; "
                "choose a different one, e.g. add an initial")
        if profile.profile_id == name.strip().upper():
            raise DuplicateNameError(
                f"that is another child's id ({profile.profile_id}), and a name may not be "
                "one; choose a different name")


def matching(profiles: Iterable[Profile], name_or_id: str) -> list[Profile]:
    """Profiles whose id (any case) or name (compared by `name_key`) equals the text."""
    text = name_or_id.strip()
    every = list(profiles)
    by_id = [p for p in every if p.profile_id == text.upper()]
    if by_id:
        return by_id
    key = name_key(text)
    return [p for p in every if name_key(p.display_name) == key]


def resolve(profiles: Iterable[Profile], name_or_id: str) -> Profile:
    """The one child whose id or name is `name_or_id`.

    Raises:
        UnknownChildError: none has it (the message lists the ids there are).
        AmbiguousNameError: several children have that name (the message lists their ids).
    """
    every = list(profiles)
    found = matching(every, name_or_id)
    if not found:
        known = ", ".join(p.profile_id for p in every) or "none yet"
        raise UnknownChildError(f"no child has that name or id (the ids here: {known})")
    if len(found) > 1:
        raise AmbiguousNameError([p.profile_id for p in found])
    return found[0]
