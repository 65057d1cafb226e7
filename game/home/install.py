"""The family's side: a home installation in a data folder, and the bundles it sends.

    home/plan.json       the clinic's home plan (`plan.HomePlan`)
    home/home-key.pem    this installation's Ed25519 signing key (0600)
    home/sent.json       the last bundle number and a digest of each session as last sent

The installation's records are ordinary FaceQuest records (`progress.json`, `trials/`,
`motion/`) holding one child, under the clinic's pseudonymous id; every session is recorded
with place "home" and the plan's id. A bundle carries each session that is new or changed
since it was last sent, whole (the session, every trial, its motion record).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from game import __version__
from game.home.bundle import BundleContent, pack, seal
from game.home.keys import (
    home_key_text,
    load_home_key,
    new_home_key,
    pairing_code,
    parse_clinic_key,
)
from game.home.plan import HomePlan, PlanError
from game.records.fileio import atomic_write_text, ensure_private_dir, move_aside
from game.records.storage import local_now
from game.records.store import ProgressStore

HOME_DIR = "home"
PLAN_FILE = "plan.json"
KEY_FILE = "home-key.pem"
SENT_FILE = "sent.json"


class HomeError(ValueError):
    """A home installation that cannot do what was asked (one sentence)."""


@dataclass(frozen=True)
class Installation:
    """A data folder set up for one child's home practice."""

    data_dir: Path
    plan: HomePlan

    @property
    def folder(self) -> Path:
        return self.data_dir / HOME_DIR

    def key(self) -> Ed25519PrivateKey:
        """This installation's signing key (made by `install`)."""
        return load_home_key(self.folder / KEY_FILE)

    def key_text(self) -> str:
        return home_key_text(self.key().public_key())

    def pairing_code(self) -> str:
        """The code the clinic's `facequest clinic pair` shows too."""
        return pairing_code(parse_clinic_key(self.plan.clinic_key), self.key().public_key())


def find_installation(data_dir: Path) -> Installation | None:
    """The home installation in `data_dir`, or None when it is not one.

    Raises:
        PlanError: its plan file is damaged (the sentence names the file).
    """
    path = Path(data_dir) / HOME_DIR / PLAN_FILE
    try:
        text = path.read_bytes().decode("utf-8")
        plan = HomePlan.from_json(text)
    except FileNotFoundError:
        return None
    except (PlanError, UnicodeDecodeError) as exc:
        reason = str(exc) if isinstance(exc, PlanError) else "it is not text"
        raise PlanError(f"the home plan {path} is damaged ({reason})") from None
    return Installation(Path(data_dir), plan)


def install(data_dir: Path, plan: HomePlan, store: ProgressStore, *,
            name: str | None = None) -> Installation:
    """Set up (or update the plan of) a home installation for the plan's child.

    The child's profile is made with the clinic's id, the plan's settings and consent; the
    display name is `name` (it stays on this computer), else the id. A key pair is made
    once and kept.

    Raises:
        HomeError: the folder is set up for another child, or holds other children.
        PlanError: the plan's clinic key cannot be read.

    A damaged installed plan (`find_installation` cannot read it) is moved aside as
    `plan.damaged-<time>.json` and replaced by `plan`.
    """
    parse_clinic_key(plan.clinic_key)
    try:
        current = find_installation(data_dir)
    except PlanError:  # the clinic's plan mends a damaged one; the damaged file is kept
        move_aside(Path(data_dir) / HOME_DIR / PLAN_FILE, "damaged", local_now())
        current = None  # the check on other children's records below still holds
    if current is not None and current.plan.profile_id != plan.profile_id:
        raise HomeError("this FaceQuest is already set up for another child; use another "
                        "--data-dir for a second child")
    others = [p for p in store.list_profiles() if p.profile_id != plan.profile_id]
    if others:
        raise HomeError("this data folder holds other children's records; set home practice "
                        "up in a new, empty --data-dir")
    folder = ensure_private_dir(Path(data_dir) / HOME_DIR)
    if not (folder / KEY_FILE).is_file():
        new_home_key(folder / KEY_FILE)
    found = store.find_profiles(plan.profile_id)
    if not found:
        store.create_profile(name or plan.profile_id, profile_id=plan.profile_id,
                             settings=plan.settings, allow_frame_traces=plan.allow_motion)
    else:
        changes: dict[str, object] = {"settings": plan.settings,
                                      "allow_frame_traces": plan.allow_motion}
        if name:
            changes["display_name"] = name
        store.update_profile(plan.profile_id, **changes)
    if plan.programme is not None:  # the clinic's programme goes on at home
        store.set_programme(plan.profile_id, plan.programme)
    atomic_write_text(folder / PLAN_FILE, plan.to_json())
    return Installation(Path(data_dir), plan)


@dataclass
class SentState:
    """What this installation has sent: the last bundle number and session digests."""

    seq: int
    sent: dict[str, str]

    @classmethod
    def load(cls, inst: Installation) -> SentState:
        try:
            doc = json.loads((inst.folder / SENT_FILE).read_text(encoding="utf-8"))
            return cls(int(doc["seq"]), {str(k): str(v) for k, v in doc["sent"].items()})
        except FileNotFoundError:
            return cls(0, {})
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise HomeError(f"the record of bundles sent is damaged ({exc}); add --all to send "
                            "every session again") from None

    def save(self, inst: Installation) -> None:
        atomic_write_text(inst.folder / SENT_FILE,
                          json.dumps({"seq": self.seq, "sent": self.sent}, indent=1,
                                     sort_keys=True) + "\n")


@dataclass(frozen=True)
class MadeBundle:
    """A sealed bundle and what to remember once it is safely written."""

    data: bytes
    content: BundleContent
    state: SentState  # the state to save after the file is written


def make_bundle(inst: Installation, store: ProgressStore, *, made_at: str,
                resend_all: bool = False, previous: SentState | None = None) -> MadeBundle | None:
    """The next bundle: each session new or changed since the last one (all with
    `resend_all`), with its trials and (when the plan allows) its motion record; None when
    there is nothing new.

    Raises:
        HomeError: the record of bundles sent is damaged.
    """
    state = previous if previous is not None else SentState.load(inst)
    profile_id = inst.plan.profile_id
    profile = store.get_profile(profile_id)
    by_session: dict[str, list[bytes]] = {}
    for stored in store.trials_for(profile_id):
        line = json.dumps(stored.to_dict(), ensure_ascii=False, allow_nan=False).encode()
        by_session.setdefault(stored.session_id, []).append(line)
    sessions, lines, motion, digests = [], [], {}, dict(state.sent)
    for session in store.sessions_for(profile_id):
        doc = session.to_dict()
        trial_lines = by_session.get(session.session_id, [])
        record = None
        path = store.motion_path(session.session_id)
        if inst.plan.allow_motion and profile.allow_frame_traces and path is not None \
                and path.is_file():
            record = path.read_bytes()
        digest = hashlib.sha256(json.dumps(doc, sort_keys=True).encode())
        for line in trial_lines:
            digest.update(line)
        digest.update(record or b"")
        if not resend_all and state.sent.get(session.session_id) == digest.hexdigest():
            continue
        digests[session.session_id] = digest.hexdigest()
        sessions.append(doc)
        lines.extend(trial_lines)
        if record is not None:
            motion[session.session_id] = record
    if not sessions:
        return None
    content = BundleContent(profile_id=profile_id, plan_id=inst.plan.plan_id,
                            seq=state.seq + 1, made_at=made_at, app_version=__version__,
                            sessions=sessions, trial_lines=lines, motion=motion)
    data = seal(pack(content), inst.key(), parse_clinic_key(inst.plan.clinic_key))
    return MadeBundle(data, content, SentState(state.seq + 1, digests))


__all__ = ["HomeError", "Installation", "MadeBundle", "PlanError", "SentState",
           "find_installation", "install", "make_bundle"]
