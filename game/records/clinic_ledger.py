"""The clinic's own record of home practice: `clinic/ledger.json` in the data folder.

It holds no name and no trial, only pseudonymous ids and public keys:

- `homes`: each paired home installation's public signing key (base64) -> the child it
  sends for (`profile_id`), the plan it was paired under and when;
- `revoked`: the keys of home installations whose child was deleted (a bundle from one is
  refused as "for a deleted child", never merged into a new record);
- `plans`: each home plan issued -> the child, when, days a week and minutes a day (what
  the report measures adherence against);
- `sessions`: each home session merged -> the bundle number it last came from (so bundles
  imported in any order leave the newest version of a session);
- `bundles`: each home key -> the bundle numbers imported.

`ProgressStore.delete_profile` calls `forget_child`, so deleting a child leaves nothing of
them here but a revoked key. Written atomically (0600) like every records file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from game.records.fileio import (
    atomic_write_text,
    ensure_private_dir,
    move_aside,
    stamped_paths,
)
from game.records.storage import StoreError, local_now

CLINIC_DIR = "clinic"
LEDGER_FILE = "ledger.json"
FORMAT = 1
DAMAGED_LABEL = "damaged"  # a damaged ledger, kept aside (`fileio.move_aside`)
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PlanTerms:
    """What a home plan asks of a family: days of practice a week and minutes a day.

    Raises:
        ValueError: days outside 1..7 or minutes outside 1..240.
    """

    plan_id: str
    profile_id: str
    issued_at: str  # ISO 8601 with UTC offset
    days_per_week: int
    minutes_per_day: int

    def __post_init__(self) -> None:
        if not 1 <= self.days_per_week <= 7:
            raise ValueError("days a week must be from 1 to 7")
        if not 1 <= self.minutes_per_day <= 240:
            raise ValueError("minutes a day must be from 1 to 240")

    def to_dict(self) -> dict[str, Any]:
        return {"plan_id": self.plan_id, "profile_id": self.profile_id,
                "issued_at": self.issued_at, "days_per_week": self.days_per_week,
                "minutes_per_day": self.minutes_per_day}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlanTerms:
        return cls(plan_id=str(data["plan_id"]), profile_id=str(data["profile_id"]),
                   issued_at=str(data["issued_at"]),
                   days_per_week=int(data["days_per_week"]),
                   minutes_per_day=int(data["minutes_per_day"]))


class LedgerKeptAsideError(StoreError):
    """The ledger was damaged, and is now kept aside (`kept_as`); a new one has started
    (`ledger`: what could be read, as saved)."""

    def __init__(self, message: str, kept_as: Path, ledger: ClinicLedger) -> None:
        super().__init__(message)
        self.kept_as = kept_as
        self.ledger = ledger


def ledger_path(data_dir: Path) -> Path:
    return Path(data_dir) / CLINIC_DIR / LEDGER_FILE


class ClinicLedger:
    """The ledger of one data folder, read at construction, written by `save()`.

    A damaged file is moved aside as `ledger.damaged-<time>.json` (unless `read_only`) and
    a new ledger is written with the entries that could be read, if any; the `StoreError`
    says so, names both files and how to carry on.

    Raises:
        StoreError: the file exists but cannot be read, or is damaged (one sentence;
            `LedgerKeptAsideError` once it is kept aside).
    """

    def __init__(self, data_dir: Path, *, read_only: bool = False) -> None:
        self.path = ledger_path(data_dir)
        self.homes: dict[str, dict[str, str]] = {}
        self.revoked: set[str] = set()
        self.plans: dict[str, PlanTerms] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.bundles: dict[str, set[int]] = {}
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return
        except OSError as exc:
            raise StoreError(f"the clinic's ledger {self.path} cannot be read "
                             f"({exc.strerror or exc})") from None
        try:
            doc = json.loads(raw.decode("utf-8"))
        except ValueError:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
            raise self._damaged("it is not readable JSON", read_only) from None
        if not isinstance(doc, dict):
            raise self._damaged("it is not a JSON object", read_only)
        left_out = self._read(doc)
        if left_out:
            raise self._damaged(f"{left_out} of its entries cannot be read", read_only)

    def _read(self, doc: dict[str, Any]) -> int:
        """Take each entry of `doc` that can be read; how many could not."""
        self.homes, bad_homes = _entries(doc, "homes", lambda v: dict(_object(v)))
        self.plans, bad_plans = _entries(doc, "plans",
                                         lambda v: PlanTerms.from_dict(_object(v)))
        self.sessions, bad_sessions = _entries(doc, "sessions", lambda v: dict(_object(v)))
        self.bundles, bad_bundles = _entries(doc, "bundles",
                                             lambda v: {int(n) for n in _list(v)})
        revoked = doc.get("revoked", [])
        revoked = revoked if isinstance(revoked, list) else [None]
        self.revoked = {k for k in revoked if isinstance(k, str)}
        bad_revoked = len(revoked) - len(self.revoked)
        return bad_homes + bad_plans + bad_sessions + bad_bundles + bad_revoked

    def _damaged(self, reason: str, read_only: bool) -> StoreError:
        """Keep the damaged file aside and start a new ledger with what was read (the
        error to raise)."""
        problem = f"the clinic's ledger {self.path} is damaged ({reason})"
        if read_only:
            return StoreError(problem)
        try:
            aside = move_aside(self.path, DAMAGED_LABEL, local_now())
        except OSError as exc:
            return StoreError(f"{problem}, and it cannot be moved aside ({exc.strerror or exc})")
        start = "a new, empty ledger starts"
        if self.homes or self.revoked or self.plans or self.sessions or self.bundles:
            self.save()
            start = "a new ledger keeps the entries that could be read"
        return LedgerKeptAsideError(
            f"{problem}; it was kept aside as {aside.name} and {start}: run the command again, "
            "and if a child's home plan or a family's pairing is then missing, make it again "
            "(`facequest home plan`, `facequest clinic pair` with the key `facequest home "
            "status` shows at home)", aside, self)

    def save(self) -> None:
        doc = {
            "format": FORMAT,
            "homes": self.homes,
            "revoked": sorted(self.revoked),
            "plans": {k: v.to_dict() for k, v in sorted(self.plans.items())},
            "sessions": dict(sorted(self.sessions.items())),
            "bundles": {k: sorted(v) for k, v in sorted(self.bundles.items())},
        }
        ensure_private_dir(self.path.parent)
        atomic_write_text(self.path, json.dumps(doc, indent=1, sort_keys=True) + "\n")

    def plans_for(self, profile_id: str) -> list[PlanTerms]:
        """A child's home plans, oldest first."""
        found = [p for p in self.plans.values() if p.profile_id == profile_id]
        return sorted(found, key=lambda p: (p.issued_at, p.plan_id))


def _object(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError("not a JSON object")
    return value


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("not a JSON list")
    return value


def _entries(doc: dict[str, Any], section: str,
             read: Callable[[Any], T]) -> tuple[dict[str, T], int]:
    """The entries of one section of the ledger that `read` accepts, and how many it did
    not (a section that is not an object counts as one)."""
    table = doc.get(section, {})
    if not isinstance(table, dict):
        return {}, 1
    found: dict[str, T] = {}
    for key, value in table.items():
        try:
            found[str(key)] = read(value)
        except (TypeError, KeyError, ValueError, AttributeError):
            continue
    return found, len(table) - len(found)


def forget_child(data_dir: Path, profile_id: str, session_ids: frozenset[str]) -> None:
    """Remove a deleted child from the ledger: plans and merged sessions go; each of their
    home installations' keys moves to `revoked` (a key says nothing about the child). A
    damaged ledger is kept aside first (`ClinicLedger`), and a kept-aside copy that mentions
    the child is deleted: it cannot be rewritten without them."""
    path = ledger_path(data_dir)
    if path.is_file():
        try:
            ledger = ClinicLedger(data_dir)
        except LedgerKeptAsideError as aside:  # what could be read is the ledger now
            ledger = aside.ledger
        for key, home in list(ledger.homes.items()):
            if home.get("profile_id") == profile_id:
                del ledger.homes[key]
                ledger.bundles.pop(key, None)
                ledger.revoked.add(key)
        ledger.plans = {k: v for k, v in ledger.plans.items() if v.profile_id != profile_id}
        ledger.sessions = {k: v for k, v in ledger.sessions.items()
                           if k not in session_ids and v.get("profile_id") != profile_id}
        ledger.save()
    marks = [mark.encode("utf-8") for mark in (profile_id, *session_ids)]
    for kept in stamped_paths(path.parent, path.stem, DAMAGED_LABEL, path.suffix):
        if kept.is_file() and any(mark in kept.read_bytes() for mark in marks):
            kept.unlink()
