"""Damaged records are set aside, never allowed to stop the rest.

A hand-edited or damaged file may hold a record with NaN or Infinity (which Python's JSON
reader accepts but no JSON writer may write back), a missing field, or a value of the wrong
type. Such a record is taken out of what the game uses and kept, as it was, in a file of its
own beside the records (never deleted), with one warning for the whole file; every other
record of that child keeps working.

- `progress.json`: damaged profiles and sessions go to `progress.set-aside-<time>.json`
  (TinyDB's layout, so `facequest profiles delete` erases a child from it like any copy).
- `trials/<id>.jsonl`: damaged lines go to `trials/<id>.set-aside.jsonl`, appended as they
  were.

A read-only open (export, report, `profiles list`) writes nothing: the damaged records are
left out of what it shows, stay where they are, and the warning says so.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

DocumentCheck = Callable[[dict[str, Any]], object]


class NotFiniteError(ValueError):
    """A record holds NaN or Infinity."""


def _refuse_constant(name: str) -> float:
    raise NotFiniteError(f"the value {name} is not a number JSON can keep")


def loads_finite(text: str | bytes) -> Any:
    """`json.loads`, except that NaN, Infinity and -Infinity raise `NotFiniteError`."""
    return json.loads(text, parse_constant=_refuse_constant)


def all_finite(value: Any) -> bool:
    """True when no float anywhere inside `value` (dicts and lists walked) is NaN or ±inf."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return False
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return True


def problem_with(doc: dict[str, Any], check: DocumentCheck | None) -> str | None:
    """Why `doc` cannot be used (one phrase), or None when it is sound: every number finite
    and `check(doc)` (e.g. `Profile.from_dict`) raising nothing."""
    if not all_finite(doc):
        return "a value is NaN or Infinity"
    if check is not None:
        try:
            check(doc)
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            return f"{type(exc).__name__}: {exc}"
    return None


def split_damaged(
    data: dict[str, Any], checks: Mapping[str, DocumentCheck | None]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split a TinyDB-layout document into (sound, damaged), both in the same layout.

    Every table named in `checks` is looked through (its check may be None: finite numbers
    only); other tables are kept as they are, unless they hold NaN or Infinity.
    """
    sound: dict[str, Any] = {}
    damaged: dict[str, Any] = {}
    for name, table in data.items():
        check = checks.get(name)
        for doc_id, doc in table.items():
            bad = problem_with(doc, check) if name in checks else (
                None if all_finite(doc) else "a value is NaN or Infinity")
            (damaged if bad else sound).setdefault(name, {})[doc_id] = doc
        sound.setdefault(name, {})
    return sound, damaged


# what a damaged profile or session is called in a warning: its pseudonymous id, never a name
_ID_FIELDS = {"profiles": ("profile", "profile_id"), "sessions": ("session", "session_id")}
_SHOWN_ID = re.compile(r"[CS]-[0-9A-F]{6,8}")
DAMAGE_KINDS = "NaN, Infinity, a missing field or a value of the wrong type"


def damaged_names(damaged: Mapping[str, Any]) -> str:
    """The damaged documents of a TinyDB-layout document by their ids, for a warning
    ("profile C-4F98B8, session S-BF150297"): a value that is not an id (a hand-edited file
    may hold anything there) is shown as the document's number instead, so no child's name
    reaches a log."""
    shown = []
    for table, docs in damaged.items():
        kind, field = _ID_FIELDS.get(table, (f"{table} record", ""))
        for doc_id, doc in docs.items():
            value = doc.get(field) if field and isinstance(doc, dict) else None
            if isinstance(value, str) and _SHOWN_ID.fullmatch(value):
                shown.append(f"{kind} {value}")
            else:
                shown.append(f"{kind} #{doc_id}")
    return ", ".join(shown)


def count_docs(document: Mapping[str, Any]) -> int:
    """How many documents a TinyDB-layout document holds."""
    return sum(len(table) for table in document.values())
