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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from game.records.fileio import atomic_write_text, ensure_private_dir
from game.records.storage import StoreError

CLINIC_DIR = "clinic"
LEDGER_FILE = "ledger.json"
FORMAT = 1


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


def ledger_path(data_dir: Path) -> Path:
    return Path(data_dir) / CLINIC_DIR / LEDGER_FILE


class ClinicLedger:
    """The ledger of one data folder, read at construction, written by `save()`.

    Raises:
        StoreError: the file exists but cannot be read as a ledger.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = ledger_path(data_dir)
        self.homes: dict[str, dict[str, str]] = {}
        self.revoked: set[str] = set()
        self.plans: dict[str, PlanTerms] = {}
        self.sessions: dict[str, dict[str, Any]] = {}
        self.bundles: dict[str, set[int]] = {}
        try:
            doc = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            raise StoreError(f"the clinic's ledger {self.path} cannot be read ({exc})") from exc
        try:
            self.homes = {str(k): dict(v) for k, v in doc.get("homes", {}).items()}
            self.revoked = {str(k) for k in doc.get("revoked", [])}
            self.plans = {str(k): PlanTerms.from_dict(v) for k, v in doc.get("plans", {}).items()}
            self.sessions = {str(k): dict(v) for k, v in doc.get("sessions", {}).items()}
            self.bundles = {str(k): {int(n) for n in v} for k, v in doc.get("bundles", {}).items()}
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise StoreError(f"the clinic's ledger {self.path} is damaged ({exc})") from exc

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


def forget_child(data_dir: Path, profile_id: str, session_ids: frozenset[str]) -> None:
    """Remove a deleted child from the ledger: plans and merged sessions go; each of their
    home installations' keys moves to `revoked` (a key says nothing about the child)."""
    path = ledger_path(data_dir)
    if not path.is_file():
        return
    ledger = ClinicLedger(data_dir)
    for key, home in list(ledger.homes.items()):
        if home.get("profile_id") == profile_id:
            del ledger.homes[key]
            ledger.bundles.pop(key, None)
            ledger.revoked.add(key)
    ledger.plans = {k: v for k, v in ledger.plans.items() if v.profile_id != profile_id}
    ledger.sessions = {k: v for k, v in ledger.sessions.items()
                       if k not in session_ids and v.get("profile_id") != profile_id}
    ledger.save()
