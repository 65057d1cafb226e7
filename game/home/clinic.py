"""The clinic's side: its key, the home plans it issues, the installations it pairs, and
the bundles it imports (verified, decrypted, then merged into the child's records).

    clinic/clinic-key.pem   the clinic's X25519 private key (0600)
    clinic/ledger.json      plans, paired installations, merged sessions
                            (`game.records.clinic_ledger`)

Importing is all-or-nothing per bundle: every check (seal, signature, pairing, child,
every record) runs before the first write, so a refused bundle changes nothing. Merging is
idempotent: the same bundle twice changes nothing the second time, and bundles imported in
any order leave each session as its newest bundle had it (the bundle number decides).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from game.home.bundle import BundleRefused, open_sealed, unpack
from game.home.keys import (
    clinic_key_text,
    home_key_text,
    load_clinic_key,
    new_clinic_key,
    pairing_code,
    parse_home_key,
)
from game.home.plan import HomePlan, new_plan_id, programme_json
from game.records.clinic_ledger import CLINIC_DIR, ClinicLedger
from game.records.fileio import atomic_write_bytes, ensure_private_dir
from game.records.models import SessionRecord, StoredTrial
from game.records.storage import local_now
from game.records.store import ProgressStore, RecordNotFoundError, StoreError

KEY_FILE = "clinic-key.pem"
PLANS_DIR = "plans"  # plans written from the child's page
SESSION_ID = re.compile(r"S-[0-9A-F]{8}")


class ClinicError(ValueError):
    """Something the clinic's side cannot do (one sentence)."""


def key_path(data_dir: Path) -> Path:
    return Path(data_dir) / CLINIC_DIR / KEY_FILE


def init_clinic(data_dir: Path) -> X25519PrivateKey:
    """Make the clinic's key pair (once).

    Raises:
        ClinicError: this data folder already has a clinic key (a new one would make every
            plan already given out useless).
    """
    path = key_path(data_dir)
    if path.exists():
        raise ClinicError(f"this clinic already has a key ({path}); keep it, or every home "
                          "plan given out stops working")
    return new_clinic_key(path)


def clinic_key(data_dir: Path) -> X25519PrivateKey:
    """Raises ClinicError: no clinic key here yet."""
    try:
        return load_clinic_key(key_path(data_dir))
    except FileNotFoundError:
        raise ClinicError("this data folder has no clinic key yet; run `facequest clinic "
                          "init` first") from None


def issue_plan(store: ProgressStore, data_dir: Path, profile_id: str, *, issued_at: str,
               days_per_week: int, minutes_per_day: int, level_set_id: str) -> HomePlan:
    """A new home plan for a child, kept in the ledger (adherence is measured against it).

    Raises:
        ClinicError: no clinic key yet.
        ValueError: days or minutes out of range.
    """
    key = clinic_key(data_dir)
    profile = store.get_profile(profile_id)
    plan = HomePlan(plan_id=new_plan_id(), profile_id=profile.profile_id, issued_at=issued_at,
                    days_per_week=days_per_week, minutes_per_day=minutes_per_day,
                    clinic_key=clinic_key_text(key.public_key()), level_set_id=level_set_id,
                    allow_motion=profile.allow_frame_traces, settings=dict(profile.settings),
                    programme=programme_json(profile))
    ledger = ClinicLedger(data_dir)
    ledger.plans[plan.plan_id] = plan.terms()
    ledger.save()
    return plan


def write_plan(store: ProgressStore, data_dir: Path, profile_id: str, *,
               level_set_id: str, days_per_week: int = 4, minutes_per_day: int = 20) -> Path:
    """Issue a plan (`issue_plan`, now) and write it to `clinic/plans/<plan id>.plan.json`
    in the data folder (the child's page's button); returns the file's path.

    Raises:
        ClinicError: no clinic key yet.
    """
    plan = issue_plan(store, data_dir, profile_id, issued_at=local_now().isoformat(
        timespec="seconds"), days_per_week=days_per_week, minutes_per_day=minutes_per_day,
        level_set_id=level_set_id)
    path = Path(data_dir) / CLINIC_DIR / PLANS_DIR / f"{plan.plan_id}.plan.json"
    ensure_private_dir(path.parent)
    atomic_write_bytes(path, plan.to_json().encode("utf-8"))
    return path


def pair(store: ProgressStore, data_dir: Path, profile_id: str, home_key: str, *,
         paired_at: str) -> str:
    """Register a home installation's key for a child; returns the pairing code to read
    aloud (the home's `facequest home setup` shows the same).

    Raises:
        ClinicError: no clinic key, no plan issued for the child, or the key is another
            child's.
        KeyTextError: not a home key.
    """
    key = clinic_key(data_dir)
    public = parse_home_key(home_key)
    store.get_profile(profile_id)
    ledger = ClinicLedger(data_dir)
    plans = ledger.plans_for(profile_id)
    if not plans:
        raise ClinicError("this child has no home plan yet; make one with `facequest home "
                          "plan` first")
    text = home_key_text(public)
    current = ledger.homes.get(text)
    if current is not None and current.get("profile_id") != profile_id:
        raise ClinicError("that home installation is paired with another child")
    ledger.revoked.discard(text)
    ledger.homes[text] = {"profile_id": profile_id, "plan_id": plans[-1].plan_id,
                          "paired_at": paired_at}
    ledger.save()
    return pairing_code(key.public_key(), public)


@dataclass(frozen=True)
class Imported:
    """What one bundle changed: its number, sessions and trials merged (0 and 0 when it had
    been imported before), the child's id."""

    profile_id: str
    seq: int
    sessions: int
    trials: int
    already: bool


def import_bundle(store: ProgressStore, data_dir: Path, data: bytes) -> Imported:
    """Verify, decrypt and merge one bundle file's bytes into the child's records.

    Raises:
        BundleRefused: tampered, truncated, for another clinic, from an unpaired
            installation, for a deleted child, or holding records that are not the child's
            (nothing was merged).
        ClinicError: no clinic key here.
    """
    opened = open_sealed(data, clinic_key(data_dir))
    sender = home_key_text(opened.home_key)
    ledger = ClinicLedger(data_dir)
    if sender in ledger.revoked:
        raise BundleRefused("the bundle is for a child who was deleted from these records; "
                            "nothing was merged")
    home = ledger.homes.get(sender)
    if home is None:
        raise BundleRefused("the bundle comes from a home installation that is not paired with "
                            "this clinic (run `facequest clinic pair`); nothing was merged")
    content = unpack(opened.payload)
    profile_id = home.get("profile_id", "")
    if content.profile_id != profile_id:
        raise BundleRefused("the bundle names a child its installation is not paired for; "
                            "nothing was merged")
    try:
        profile = store.get_profile(profile_id)
    except RecordNotFoundError:
        raise BundleRefused("the bundle is for a child who was deleted from these records; "
                            "nothing was merged") from None
    sessions, keep = _checked_sessions(content.sessions, profile_id, content.plan_id)
    newer = {s.session_id for s in sessions
             if int(ledger.sessions.get(s.session_id, {}).get("seq", 0)) > content.seq}
    sessions = [s for s in sessions if s.session_id not in newer]
    docs = _checked_trials(content.trial_lines, profile_id, keep, newer)
    motion = {sid: data for sid, data in content.motion.items()
              if sid in keep - newer and profile.allow_frame_traces}
    if not set(content.motion) <= keep:
        raise BundleRefused("the bundle holds a motion record of no session in it; nothing "
                            "was merged")
    already = content.seq in ledger.bundles.get(sender, set())
    try:
        merged = store.merge_sessions(profile_id, sessions, docs)
    except StoreError as exc:
        raise BundleRefused(f"the bundle does not fit these records ({exc}); nothing was "
                            "merged") from None
    for session_id, record in motion.items():
        path = store.motion_path(session_id)
        if path is not None and (not path.is_file() or path.read_bytes() != record):
            ensure_private_dir(path.parent)
            atomic_write_bytes(path, record)
    for session in sessions:
        ledger.sessions[session.session_id] = {"profile_id": profile_id, "seq": content.seq}
    ledger.bundles.setdefault(sender, set()).add(content.seq)
    ledger.save()
    return Imported(profile_id, content.seq, merged[0], merged[1], already)


def _checked_sessions(docs: list[dict[str, object]], profile_id: str,
                      plan_id: str) -> tuple[list[SessionRecord], set[str]]:
    sessions = []
    for doc in docs:
        try:
            if not isinstance(doc, dict):
                raise TypeError("not an object")
            session = SessionRecord.from_dict({**doc, "place": "home",
                                               "plan_id": doc.get("plan_id") or plan_id})
        except (TypeError, KeyError, ValueError) as exc:
            raise BundleRefused(f"a session in the bundle is damaged ({exc}); nothing was "
                                "merged") from None
        if session.profile_id != profile_id or not SESSION_ID.fullmatch(session.session_id):
            raise BundleRefused("the bundle holds a session that is not its child's; nothing "
                                "was merged")
        sessions.append(session)
    ids = {s.session_id for s in sessions}
    if len(ids) != len(sessions):
        raise BundleRefused("the bundle holds one session twice; nothing was merged")
    return sessions, ids


def _checked_trials(lines: list[bytes], profile_id: str, session_ids: set[str],
                    skipped: set[str]) -> list[dict[str, object]]:
    docs = []
    for line in lines:
        try:
            doc = json.loads(line)
            stored = StoredTrial.from_dict(doc)
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise BundleRefused(f"a trial in the bundle is damaged ({exc}); nothing was "
                                "merged") from None
        if stored.profile_id != profile_id or stored.session_id not in session_ids:
            raise BundleRefused("the bundle holds a trial of no session of its child's; "
                                "nothing was merged")
        if stored.session_id not in skipped:
            docs.append(doc)
    return docs
