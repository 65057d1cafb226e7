"""A home plan: what the clinic gives a family for one child, as one JSON file.

It holds the child's pseudonymous id (never the name), the programme and settings, how
many days a week and minutes a day to practise, whether the face's motion may be recorded
(the clinic's consent), and the clinic's public key (bundles are encrypted to it). It is
not secret: anyone holding it can only send bundles that the clinic refuses until the
installation is paired.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from game.records.clinic_ledger import PlanTerms
from game.records.models import Profile

PLAN_FORMAT = "facequest-home-plan"
PLAN_VERSION = 1


class PlanError(ValueError):
    """A plan file that cannot be used (the message is one sentence)."""


def new_plan_id() -> str:
    """A random plan id such as `P-1A2B3C4D`."""
    return "P-" + secrets.token_hex(4).upper()


def programme_json(profile: Profile) -> dict[str, Any] | None:
    """The child's programme (`Programme.to_json()`, as the profile keeps it), or None when
    none is set."""
    return dict(profile.programme) if profile.programme is not None else None


@dataclass(frozen=True, slots=True)
class HomePlan:
    """One child's home plan (see the module docstring).

    Raises:
        ValueError: days outside 1..7, minutes outside 1..240, or an empty id.
    """

    plan_id: str
    profile_id: str
    issued_at: str  # ISO 8601 with UTC offset
    days_per_week: int
    minutes_per_day: int
    clinic_key: str  # `keys.clinic_key_text`
    level_set_id: str
    allow_motion: bool = False  # the clinic's consent to record the face's motion
    settings: dict[str, Any] = field(default_factory=dict)
    programme: dict[str, Any] | None = None  # `Programme.to_json()`, checked on reading

    def __post_init__(self) -> None:
        if not self.plan_id or not self.profile_id:
            raise ValueError("a home plan needs a plan id and a child's id")
        self.terms()  # checks days and minutes

    def terms(self) -> PlanTerms:
        """What the clinic keeps of the plan to measure adherence against."""
        return PlanTerms(self.plan_id, self.profile_id, self.issued_at,
                         self.days_per_week, self.minutes_per_day)

    def to_json(self) -> str:
        doc = {"format": PLAN_FORMAT, "format_version": PLAN_VERSION,
               "plan_id": self.plan_id, "profile_id": self.profile_id,
               "issued_at": self.issued_at, "days_per_week": self.days_per_week,
               "minutes_per_day": self.minutes_per_day, "clinic_key": self.clinic_key,
               "level_set_id": self.level_set_id, "allow_motion": self.allow_motion,
               "settings": self.settings, "programme": self.programme}
        return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str) -> HomePlan:
        """Raises PlanError: not a FaceQuest home plan, or a damaged one."""
        try:
            doc = json.loads(text)
        except ValueError:
            raise PlanError("that file is not a FaceQuest home plan (it is not JSON)") from None
        if not isinstance(doc, dict) or doc.get("format") != PLAN_FORMAT:
            raise PlanError("that file is not a FaceQuest home plan")
        if doc.get("format_version") != PLAN_VERSION:
            raise PlanError("that home plan was made by another FaceQuest version; ask the "
                            "clinic for a new one")
        try:
            settings = doc.get("settings") or {}
            programme = doc.get("programme")
            if not isinstance(settings, dict) or not isinstance(programme, dict | None):
                raise TypeError("settings and programme must be objects")
            if programme is not None:
                from game.play.programme import Programme, ProgrammeError

                try:
                    programme = Programme.from_json(programme).to_json()
                except ProgrammeError as exc:
                    raise ValueError(f"its programme: {exc}") from None
            allow = doc.get("allow_motion", False)
            if not isinstance(allow, bool):
                raise TypeError("allow_motion must be true or false")
            return cls(plan_id=str(doc["plan_id"]), profile_id=str(doc["profile_id"]),
                       issued_at=str(doc["issued_at"]),
                       days_per_week=_int(doc["days_per_week"]),
                       minutes_per_day=_int(doc["minutes_per_day"]),
                       clinic_key=str(doc["clinic_key"]),
                       level_set_id=str(doc.get("level_set_id", "")),
                       allow_motion=allow, settings=settings, programme=programme)
        except (KeyError, TypeError, ValueError) as exc:
            raise PlanError(f"that home plan is damaged ({exc})") from None


def _int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError("days and minutes must be whole numbers")
    return value
