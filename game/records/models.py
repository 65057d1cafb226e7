"""The three kinds of records: a child's profile, a play session, and one stored trial.

Each is a frozen dataclass with `to_dict()` / `from_dict()` giving plain JSON values.
`from_dict` ignores keys it does not know (logged), so a file written by a slightly newer
FaceQuest still opens; missing keys take the field defaults.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
import secrets
from dataclasses import dataclass, field
from typing import Any

from game.play.trial_record import TrialRecord

logger = logging.getLogger(__name__)


@functools.cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(item.name for item in dataclasses.fields(cls))


def known_fields(cls: type, data: dict[str, Any]) -> dict[str, Any]:
    """The entries of `data` that are fields of dataclass `cls` (unknown ones are logged)."""
    names = _field_names(cls)
    if data.keys() <= names:
        return dict(data)
    unknown = sorted(set(data) - names)
    if unknown:
        logger.warning("ignoring unknown %s fields: %s", cls.__name__, ", ".join(unknown))
    return {key: value for key, value in data.items() if key in names}


_SIMPLE_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "None": (type(None),),
    "dict[str, Any]": (dict,),
    "list[dict[str, Any]]": (list,),
    "float": (float, int),
    "list[str]": (list,),
}


def json_copy(value: Any) -> Any:
    """A deep copy of JSON data (dicts, lists, scalars): what `copy.deepcopy` gives for it,
    several times faster (no memo; JSON has no cycles)."""
    if isinstance(value, dict):
        return {key: json_copy(item) for key, item in value.items()}
    if isinstance(value, list):
        return [json_copy(item) for item in value]
    return value


@functools.cache
def _allowed_types(cls: type) -> tuple[tuple[str, tuple[type, ...]], ...]:
    """(field name, the JSON types its value may have) of dataclass `cls`, worked out once."""
    found = []
    for item in dataclasses.fields(cls):
        if not isinstance(item.type, str):
            continue
        allowed: tuple[type, ...] = ()
        for part in item.type.split(" | "):
            allowed += _SIMPLE_TYPES.get(part.strip(), (object,))
        found.append((item.name, allowed))
    return tuple(found)


def check_types(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """Raise ValueError naming the first field whose stored value has the wrong JSON type
    (a hand-edited or damaged file), so the store can say so in one sentence."""
    for name, allowed in _allowed_types(cls):
        if name not in values:
            continue
        value = values[name]
        if bool not in allowed and isinstance(value, bool) and int in allowed:
            raise ValueError(f"{cls.__name__}.{name} is not a number")
        if not isinstance(value, allowed):
            raise ValueError(f"{cls.__name__}.{name} has the wrong type "
                             f"({type(value).__name__})")
    return values


PLACES = ("clinic", "home")  # where a session was played (`SessionRecord.place`)


def new_profile_id() -> str:
    """A random pseudonymous id such as `C-7F3A2B` (it says nothing about the child)."""
    return "C-" + secrets.token_hex(3).upper()


def new_session_id() -> str:
    """A random session id such as `S-5D01C9E2`."""
    return "S-" + secrets.token_hex(4).upper()


@dataclass(frozen=True, slots=True)
class Profile:
    """One child. Only `profile_id` ever leaves the device in exports; never log the name.

    `baseline` is the calibration result as an opaque dict (`NeutralBaseline.to_dict()`);
    the records layer never interprets it. A file store keeps it in
    `calibration/<id>.json` (`game.records.calibration`) and fills it in `get_profile`
    only; `list_profiles` leaves it None. `settings` holds per-child game settings chosen
    by the therapist (the UI owns its keys). `avatar` is the look the child plays with
    (`game.ui.avatar_params.AvatarLook`; "" for the default); `stickers` is the child's
    sticker book (`game.play.stickers.Sticker.to_dict()` each, oldest first).
    `former_names` keeps the names the child had before a rename, privately: never shown or
    exported, only used to scrub them from exported notes and to find them when the child
    is deleted.
    """

    profile_id: str
    display_name: str
    created_at: str  # ISO 8601 with UTC offset
    updated_at: str
    birth_year: int | None = None
    notes: str = ""  # therapist's notes about the child
    baseline: dict[str, Any] | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    allow_frame_traces: bool = False  # keep per-frame score traces (traces/<session>.jsonl)
    # the child's programme (`game.play.programme.Programme.to_json()`, None: no
    # plan) and every change of it, oldest first ({"at", "change", "programme"}; see
    # `ProgressStore.set_programme`)
    programme: dict[str, Any] | None = None
    programme_history: list[dict[str, Any]] = field(default_factory=list)
    # the child's side: the avatar's look and the sticker book
    avatar: str = ""
    stickers: list[dict[str, Any]] = field(default_factory=list)
    former_names: list[str] = field(default_factory=list)  # oldest first; never shown

    def __repr__(self) -> str:  # keep the name out of logs and tracebacks
        return f"Profile(profile_id={self.profile_id!r})"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Profile:
        # a consent FaceQuest no longer asks for (nothing ever kept a camera picture): the
        # records written while it was offered still open, without a warning each time
        data = {key: value for key, value in data.items() if key not in RETIRED_PROFILE_FIELDS}
        values = json_copy(known_fields(cls, data))  # never share the stored dicts
        values["settings"] = values.get("settings") or {}
        values["programme_history"] = values.get("programme_history") or []
        values["stickers"] = values.get("stickers") or []
        check_types(cls, values)
        if not all(isinstance(name, str) for name in values.get("former_names", [])):
            raise ValueError("Profile.former_names holds something that is not a name")
        return cls(**values)


RETIRED_PROFILE_FIELDS = frozenset({"allow_camera_images"})


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One sitting: from the first prompt to the goodbye."""

    session_id: str
    profile_id: str
    started_at: str  # ISO 8601 with UTC offset
    level_set_id: str
    app_version: str
    model_version: str = ""  # e.g. the model card's created date / training summary
    model_hash: str = ""  # sha256 of the ONNX file, hex
    ended_at: str | None = None  # None while running, or if the game was killed
    end_reason: str = ""  # e.g. "completed", "time_cap", "therapist"
    notes: str = ""  # therapist's note about this session
    place: str = "clinic"  # where it was played: "clinic", or "home" (a home plan's session)
    plan_id: str = ""  # the plan it was played under: the child's programme (`Programme.plan_id`)
    # or, in a home installation, the home plan's id ("": none)
    # the set's title by language as played ({"en": ..., "zh-CN": ...}): reports show it
    # even for a set kept outside levels/ (a researcher's own file); {} in older records
    level_set_title: dict[str, Any] = field(default_factory=dict)
    breaks: int = 0  # real breaks taken (the rest screen; `[levels.breaks]`)
    break_ms: int = 0  # their time in all, ms

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"a session's place is one of {', '.join(PLACES)}, "
                             f"not {self.place!r}")

    def to_dict(self) -> dict[str, Any]:  # every field is a plain value: no deep copy
        return {name: getattr(self, name) for name in _FIELD_ORDER[type(self)]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SessionRecord:
        return cls(**check_types(cls, known_fields(cls, data)))


_FIELD_ORDER: dict[type, tuple[str, ...]] = {
    SessionRecord: tuple(f.name for f in dataclasses.fields(SessionRecord))}


@dataclass(frozen=True, slots=True)
class StoredTrial:
    """A `TrialRecord` as stored: which session and child it belongs to, plus a note."""

    session_id: str
    profile_id: str
    recorded_at: str  # ISO 8601 wall clock when it was written
    trial: TrialRecord
    therapist_note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "session_id": self.session_id,
            "profile_id": self.profile_id,
            "recorded_at": self.recorded_at,
            "therapist_note": self.therapist_note,
            "trial": self.trial.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> StoredTrial:
        """The stored trial of a document; it shares nothing with `data` (the record's one
        mutable part, `quality`, is copied and its lists become tuples).

        Raises:
            KeyError, TypeError, ValueError or AttributeError: a damaged document (a field
                missing, of the wrong type or out of range).
        """
        values = check_types(cls, known_fields(cls, data))
        trial = known_fields(TrialRecord, dict(data["trial"]))
        values["trial"] = TrialRecord.from_dict(check_types(TrialRecord, trial))
        return cls(**values)
