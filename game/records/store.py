"""`ProgressStore`: the few typed calls the game makes to keep a child's progress.

TinyDB runs on a `DocumentStorage` (a file written atomically, or memory) with tables
`profiles`, `sessions` and `_meta` (schema version). Trials live apart, one append-only
file per child (`game.records.trial_log`), so storing a trial costs the same with 30 or
30,000 trials kept. Every call that changes something is on disk before it returns, so a
crash or kill loses at most the trial still being played. Nothing is written per frame:
traces go to a separate append-only file (`open_trace`).
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB, where

from game import __version__
from game.closing import Closing
from game.play.stickers import Sticker, StickerBook
from game.play.trial_record import TrialRecord
from game.records.backups import RestoredBackup, list_backups, newest_backup, restore_backup
from game.records.calibration import CalibrationFiles
from game.records.clinic_ledger import forget_child
from game.records.damaged import DAMAGE_KINDS, count_docs, damaged_names, split_damaged
from game.records.erase import ChildMarks, ErasedCopies, child_in_copies, erase_from_copies
from game.records.fileio import (
    AlreadyLockedError,
    FolderLock,
    LinkedRecordsError,
    atomic_write_bytes,
    atomic_write_text,
    ensure_private_dir,
    stamped_path,
)
from game.records.layout import (
    BACKUPS_DIR,
    BEFORE_SPLIT_BACKUP,
    CALIBRATION_DIR,
    LOCK_FILE,
    RECORDS_FILE,
    TRACES_DIR,
    motion_path,
)
from game.records.links import refuse_links
from game.records.models import (
    Profile,
    SessionRecord,
    StoredTrial,
    json_copy,
    new_profile_id,
    new_session_id,
)
from game.records.names import (
    AmbiguousNameError,
    DuplicateNameError,
    UnknownChildError,
    check_name_free,
    clean_name,
    matching,
    resolve,
)
from game.records.schema import (
    SCHEMA_VERSION,
    empty_document,
    legacy_trials,
    migrate,
    schema_version,
)
from game.records.storage import (
    Clock,
    DocumentStorage,
    JSONFileStorage,
    MemoryStorage,
    StoreError,
    local_now,
)
from game.records.traces import TraceWriter
from game.records.trial_backups import backup_trials
from game.records.trial_log import TRIALS_DIR, TrialLog, trial_key

if TYPE_CHECKING:
    from game.records.motion_log import SessionMotionWriter

logger = logging.getLogger(__name__)

__all__ = [  # what other modules import from here (some defined in the modules it uses)
    "BACKUPS_DIR", "BEFORE_SPLIT_BACKUP", "LOCK_FILE", "RECORDS_FILE", "TRACES_DIR",
    "AmbiguousNameError", "DuplicateNameError", "DuplicateTrialError", "InvalidValueError",
    "ProgressStore", "RecordNotFoundError", "RestoredBackup", "StoreError",
    "UnknownChildError", "keep_old_file", "list_backups", "memory_store", "newest_backup",
    "open_store", "restore_backup",
]
EARLIEST_BIRTH_YEAR = 2000  # FaceQuest is for children; a year before this is a typing slip
PROFILE_ID = re.compile(r"C-[0-9A-F]{6}")  # `new_profile_id`'s form

EDITABLE_PROFILE_FIELDS = frozenset(
    {
        "display_name",
        "birth_year",
        "notes",
        "settings",
        "baseline",
        "allow_frame_traces",
        "avatar",
    }
)
MAX_AVATAR_LENGTH = 32


class RecordNotFoundError(StoreError):
    """No profile or session with that id."""


class DuplicateTrialError(StoreError):
    """That session already has a trial with that index."""


class InvalidValueError(StoreError):
    """A profile field was given a value it cannot hold (e.g. a birth year in the future)."""


class ProgressStore(Closing):
    """Profiles, sessions and trials of every child on this computer.

    Args:
        storage: where the document lives (`JSONFileStorage` or `MemoryStorage`).
        data_dir: the data folder (for traces); None for a memory store.
        clock: wall clock for timestamps (inject a fixed one in tests).
        read_only: refuse every change (reports and exports).

    Attributes:
        set_aside: the file the damaged profiles and sessions found on opening were moved to
            (`progress.set-aside-*.json`), or None when there were none (or, read-only,
            they were only left out); the game tells the therapist.
        set_aside_count: how many were moved there.
    """

    def __init__(
        self,
        storage: DocumentStorage,
        *,
        data_dir: Path | None = None,
        clock: Clock = local_now,
        read_only: bool = False,
        lock: FolderLock | None = None,
    ) -> None:
        self.data_dir = data_dir
        self.read_only = read_only
        self.set_aside: Path | None = None
        self.set_aside_count = 0
        self._lock = lock
        self._clock = clock
        self._storage = storage
        self._calibration: CalibrationFiles | None = None
        if data_dir is not None:
            self._calibration = CalibrationFiles(Path(data_dir) / CALIBRATION_DIR,
                                                 read_only=read_only)
            self._log = TrialLog(Path(data_dir) / TRIALS_DIR, read_only=read_only,
                                 check=StoredTrial.from_dict)
        else:
            self._log = TrialLog(None, read_only=read_only, check=StoredTrial.from_dict,
                                 memory=getattr(storage, "trial_docs", None))
        data = storage.read()
        if data is None:
            if not read_only:
                storage.write(empty_document())
        else:
            changed = False
            if schema_version(data) != SCHEMA_VERSION:
                old_trials = legacy_trials(data)
                if old_trials and not read_only and data_dir is not None:
                    keep_old_file(storage, Path(data_dir) / BACKUPS_DIR / BEFORE_SPLIT_BACKUP)
                data = migrate(data)
                self._adopt(old_trials)
                changed = True
            data, damaged = split_damaged(data, {"profiles": Profile.from_dict,
                                                 "sessions": SessionRecord.from_dict})
            if damaged:
                self._set_aside(damaged)
                changed = True
            if not read_only and self._move_baselines_out(data):
                changed = True
            if changed and (not read_only or isinstance(storage, MemoryStorage)):
                storage.write(data)
        self._db = TinyDB(storage=lambda: storage)
        self._profiles = self._db.table("profiles")
        self._sessions = self._db.table("sessions")
        self._check_records()
        # trials this store wrote in sessions it started: the checks a trial write needs
        # never read a child's whole file (30,000 trials would take a third of a second)
        self._own_sessions: dict[str, SessionRecord] = {}
        self._written: dict[tuple[str, int], dict[str, Any]] = {}

    def _check_records(self) -> None:
        """Every profile and session must be readable, or the store says so at once (one
        sentence) instead of failing later in the middle of play."""
        try:
            for doc in self._profiles.all():
                Profile.from_dict(dict(doc))
            for doc in self._sessions.all():
                SessionRecord.from_dict(dict(doc))
        except (TypeError, KeyError, ValueError, AttributeError) as exc:
            raise StoreError(
                f"the progress file holds a damaged record ({exc}); restore a copy from the "
                "backups folder beside it"
            ) from exc

    def _move_baselines_out(self, data: dict[str, Any]) -> bool:
        """Move the calm-face baselines an old `progress.json` holds into their own files
        (`game.records.calibration`), each written before it leaves the document; True when
        the document changed."""
        if self._calibration is None:
            return False
        moved = 0
        for doc in data.get("profiles", {}).values():
            baseline = doc.get("baseline")
            if isinstance(baseline, dict) and baseline:
                self._calibration.write(str(doc["profile_id"]), baseline)
                doc["baseline"] = None
                moved += 1
        if moved:
            logger.info("%d calm-face baseline(s) moved out of %s into %s/", moved,
                        RECORDS_FILE, CALIBRATION_DIR)
        return moved > 0

    def _set_aside(self, damaged: dict[str, Any]) -> None:
        """Keep damaged profiles and sessions in a file of their own (`game.records.damaged`)
        and say so in one warning; a read-only store only leaves them out."""
        count, which = count_docs(damaged), damaged_names(damaged)
        if self.read_only or self.data_dir is None:
            logger.warning("%d damaged record(s) in %s were left out (%s: %s); they stay in "
                           "the file", count, RECORDS_FILE, which, DAMAGE_KINDS)
            return
        target = stamped_path(Path(self.data_dir), Path(RECORDS_FILE).stem, "set-aside",
                              self._clock(), Path(RECORDS_FILE).suffix)
        atomic_write_text(target, json.dumps(damaged, ensure_ascii=False))
        self.set_aside, self.set_aside_count = target, count
        logger.warning("%d damaged record(s) (%s: %s) were set aside in %s; the other records "
                       "work as before", count, which, DAMAGE_KINDS, target.name)

    def _adopt(self, docs: list[dict[str, Any]]) -> None:
        """Trials of an old single-file store, moved into one file per child (written before
        the old table is dropped, so a crash in between only repeats the move)."""
        by_child: dict[str, list[dict[str, Any]]] = {}
        for doc in docs:
            by_child.setdefault(str(doc.get("profile_id", "")), []).append(doc)
        for profile_id, child_docs in by_child.items():
            if self.read_only:
                self._log.preload(child_docs)
            else:
                self._log.rewrite(profile_id, child_docs)
        if docs:
            logger.info("%d trial(s) of %d child(ren) moved to per-child files",
                        len(docs), len(by_child))

    # -- housekeeping --------------------------------------------------------------------

    def close(self) -> None:
        """Flush trials to disk, forget the cached document and release the folder lock
        (safe to call twice)."""
        self._log.close()
        self._db.close()
        if self._lock is not None:
            self._lock.release()
            self._lock = None

    def _now(self) -> str:
        return self._clock().isoformat(timespec="seconds")

    def _writable(self) -> None:
        if self.read_only:
            raise StoreError("these records were opened for reading only")

    # -- profiles ------------------------------------------------------------------------

    def create_profile(
        self,
        display_name: str,
        *,
        birth_year: int | None = None,
        notes: str = "",
        settings: Mapping[str, Any] | None = None,
        allow_frame_traces: bool = False,
        profile_id: str | None = None,
    ) -> Profile:
        """Add a child with a fresh random pseudonymous id (or `profile_id`: a home
        installation keeps the clinic's id for the child); returns the stored profile.

        Raises:
            StoreError: the name is empty, or `profile_id` is taken or not an id.
            DuplicateNameError: another child has that name (compared as `names.name_key`).
            InvalidValueError: the birth year is not between 2000 and this year.
        """
        self._writable()
        name = clean_name(display_name)
        check_name_free(name, self.list_profiles())
        self._check_birth_year(birth_year)
        if profile_id is not None:
            if not PROFILE_ID.fullmatch(profile_id):
                raise StoreError(f"{profile_id!r} is not a child's id (such as C-7F3A2B)")
            if self._profiles.contains(where("profile_id") == profile_id):
                raise StoreError(f"a child with id {profile_id} is already in these records")
        else:
            profile_id = new_profile_id()
            while self._profiles.contains(where("profile_id") == profile_id):
                profile_id = new_profile_id()
        now = self._now()
        profile = Profile(
            profile_id=profile_id,
            display_name=name,
            created_at=now,
            updated_at=now,
            birth_year=birth_year,
            notes=notes,
            settings=dict(settings or {}),
            allow_frame_traces=allow_frame_traces,
        )
        self._profiles.insert(profile.to_dict())
        logger.info("profile %s created", profile_id)
        return profile

    def get_profile(self, profile_id: str) -> Profile:
        """The child's profile, with the calm-face baseline read from its own file.

        Raises:
            RecordNotFoundError: no child has that id.
        """
        doc = self._profiles.get(where("profile_id") == profile_id)
        if doc is None:
            raise RecordNotFoundError(f"no profile with id {profile_id}")
        profile = Profile.from_dict(dict(doc))
        baseline = self.baseline_of(profile_id)
        return profile if baseline is None else dataclasses.replace(profile, baseline=baseline)

    def baseline_of(self, profile_id: str) -> dict[str, Any] | None:
        """The child's stored calm-face baseline (`NeutralBaseline.to_dict()`), or None: from
        `calibration/<id>.json`, or from the profile itself in records not yet moved (a
        read-only open of an old file, a memory store)."""
        if self._calibration is not None:
            stored = self._calibration.read(profile_id)
            if stored is not None:
                return stored
        doc = self._profiles.get(where("profile_id") == profile_id)
        baseline = doc.get("baseline") if doc is not None else None
        return json_copy(baseline) if isinstance(baseline, dict) else None

    def list_profiles(self) -> list[Profile]:
        """Every profile, sorted by name (case-insensitive), then id. The calm-face baselines
        are not read here (a file each): `baseline` is None unless the records still hold it
        inline; ask `get_profile` or `baseline_of` for one child's."""
        profiles = [Profile.from_dict(dict(doc)) for doc in self._profiles.all()]
        return sorted(profiles, key=lambda p: (p.display_name.casefold(), p.profile_id))

    def find_profiles(self, name_or_id: str) -> list[Profile]:
        """Profiles whose id (any case) or whole name (case-insensitive, spaces trimmed)
        equals the text: more than one only in records kept before names had to differ."""
        return matching(self.list_profiles(), name_or_id)

    def resolve_profile(self, name_or_id: str) -> Profile:
        """The one child a name or id (any case) stands for: what every command and screen
        that takes a child's name uses, so none picks one of two namesakes silently.

        Raises:
            UnknownChildError: no child has that name or id (the message lists the ids).
            AmbiguousNameError: several children have that name (the message lists their
                ids, to use instead; never the name).
        """
        return resolve(self.list_profiles(), name_or_id)

    def update_profile(self, profile_id: str, /, **changes: Any) -> Profile:
        """Change some of: display_name, birth_year, notes, settings, baseline,
        allow_frame_traces, avatar. Returns the updated profile. A new name keeps the old
        one in `former_names` (never shown; exported notes are scrubbed of it).

        Raises:
            RecordNotFoundError: no child has that id.
            StoreError: an unknown field, or an empty name.
            DuplicateNameError: another child has the new name.
            InvalidValueError: a birth year outside 2000..this year, a consent that is not
                True/False, notes that are not text, or an avatar look that is not a short name.
        """
        self._writable()
        unknown = set(changes) - EDITABLE_PROFILE_FIELDS
        if unknown:
            raise StoreError(f"profiles have no editable field(s) {', '.join(sorted(unknown))}")
        current = self.get_profile(profile_id)
        if "display_name" in changes:
            changes["display_name"] = clean_name(changes["display_name"])
            check_name_free(changes["display_name"], self.list_profiles(), except_id=profile_id)
            if changes["display_name"] != current.display_name \
                    and current.display_name not in current.former_names:
                changes["former_names"] = [*current.former_names, current.display_name]
        if "birth_year" in changes:
            self._check_birth_year(changes["birth_year"])
        if "allow_frame_traces" in changes and not isinstance(changes["allow_frame_traces"], bool):
            raise InvalidValueError("allow_frame_traces must be true or false")
        if "notes" in changes and not isinstance(changes["notes"], str):
            raise InvalidValueError("notes must be text")
        avatar = changes.get("avatar", "")
        if not isinstance(avatar, str) or len(avatar) > MAX_AVATAR_LENGTH:
            raise InvalidValueError(f"an avatar look is a name of at most {MAX_AVATAR_LENGTH} "
                                    "letters")
        if "baseline" in changes and self._calibration is not None:
            baseline = changes.pop("baseline")
            self._calibration.write(profile_id, dict(baseline) if baseline else None)
            current = dataclasses.replace(current, baseline=baseline or None)
            if not changes:  # the calm face alone: progress.json is not rewritten
                logger.info("profile %s: calm-face baseline stored", profile_id)
                return current
        updated = dataclasses.replace(current, updated_at=self._now(), **changes)
        doc = updated.to_dict()
        if self._calibration is not None:
            doc["baseline"] = None  # kept in calibration/<id>.json, never in progress.json
        self._profiles.update(doc, where("profile_id") == profile_id)
        logger.info("profile %s updated (%s)", profile_id, ", ".join(sorted(changes)))
        return updated

    @staticmethod
    def _check_birth_year(year: object) -> None:
        """None, or a year from 2000 to this year (by the computer's calendar: the store's
        injected clock is not read, so checking never moves a test's clock on)."""
        if year is None:
            return
        this_year = local_now().year
        if not isinstance(year, int) or isinstance(year, bool) \
                or not EARLIEST_BIRTH_YEAR <= year <= this_year:
            raise InvalidValueError(
                f"a birth year is a year from {EARLIEST_BIRTH_YEAR} to {this_year}")

    def add_stickers(self, profile_id: str, stickers: Iterable[Sticker]) -> Profile:
        """Add a session's stickers and stars to the child's sticker book. An item
        for a success the book already holds (the same session and trial) is left out, so
        adding the same items twice changes nothing. Returns the updated profile.

        Raises:
            RecordNotFoundError: no child has that id.
        """
        self._writable()
        current = self.get_profile(profile_id)
        book = StickerBook.from_dicts(current.stickers)
        grown = book.with_items(stickers)
        if len(grown) == len(book):
            return current
        updated = dataclasses.replace(current, stickers=grown.to_dicts())
        self._profiles.update({"stickers": updated.stickers}, where("profile_id") == profile_id)
        logger.info("profile %s: %d sticker(s) added", profile_id, len(grown) - len(book))
        return updated

    def set_baseline(self, profile_id: str, baseline: Mapping[str, Any] | None) -> Profile:
        """Store the child's neutral-face calibration (`NeutralBaseline.to_dict()`), or clear it."""
        return self.update_profile(
            profile_id, baseline=dict(baseline) if baseline is not None else None
        )

    def set_programme(self, profile_id: str, programme: Mapping[str, Any] | None) -> Profile:
        """Keep the child's programme (`Programme.to_json()`), or clear it (None), and add
        the change to `programme_history` ({"at": now, "change": "planned" | "changed" |
        "cleared", "programme": the new plan or None}). Setting the plan the child already
        has changes nothing.

        Raises:
            RecordNotFoundError: no child has that id.
            InvalidValueError: `programme` is not a programme (`Programme.from_json` says why).
        """
        self._writable()
        from game.play.programme import Programme, ProgrammeError

        current = self.get_profile(profile_id)
        plan = None
        if programme is not None:
            try:
                plan = Programme.from_json(programme).to_json()
            except ProgrammeError as exc:
                raise InvalidValueError(str(exc)) from None
        if plan == current.programme:
            return current
        change = "cleared" if plan is None else "changed" if current.programme else "planned"
        history = [*current.programme_history,
                   {"at": self._now(), "change": change, "programme": plan}]
        updated = dataclasses.replace(current, updated_at=self._now(), programme=plan,
                                      programme_history=history)
        self._profiles.update(updated.to_dict(), where("profile_id") == profile_id)
        logger.info("profile %s: programme %s", profile_id, change)
        return updated

    def delete_profile(self, profile_id: str) -> ErasedCopies:
        """Erase every trace of a child from the data folder: profile, sessions, baseline,
        trials file, trace files, motion records, and their records inside the backups, the kept
        single-file records and moved-aside files (`game.records.erase`; a copy that cannot
        be rewritten is deleted). Sessions and profile go last, so an interrupted deletion
        can simply be run again.

        Returns:
            which copies were rewritten, which files deleted, and which files of the user's
            own mention the child and were left (empty for a memory store).

        Raises:
            RecordNotFoundError: no child has that id.
            OSError: a file could not be changed (nothing of the live records is lost).
        """
        self._writable()
        profile = self.get_profile(profile_id)
        session_ids = [s.session_id for s in self.sessions_for(profile_id)]
        erased = ErasedCopies()
        self._log.remove(profile_id)
        if self._calibration is not None:
            self._calibration.remove(profile_id)
        if self.data_dir is not None:
            seen_ids, seen_names = child_in_copies(self.data_dir, profile_id)
            marks = ChildMarks(profile_id, frozenset(session_ids) | seen_ids,
                               frozenset({profile.display_name, *profile.former_names})
                               | seen_names)
            for session_id in marks.session_ids:
                for path in (self.trace_path(session_id), self.motion_path(session_id)):
                    if path is not None:
                        _remove_session_file(path)
            erased = erase_from_copies(self.data_dir, marks)
            forget_child(self.data_dir, profile_id, marks.session_ids)
        self._written = {k: v for k, v in self._written.items() if k[0] not in session_ids}
        for session_id in session_ids:
            self._own_sessions.pop(session_id, None)
        self._sessions.remove(where("profile_id") == profile_id)
        self._profiles.remove(where("profile_id") == profile_id)
        logger.info("profile %s deleted with %d session(s)", profile_id, len(session_ids))
        return erased

    # -- sessions ------------------------------------------------------------------------

    def start_session(
        self,
        profile_id: str,
        *,
        level_set_id: str,
        app_version: str = __version__,
        model_version: str = "",
        model_hash: str = "",
        place: str = "clinic",
        plan_id: str = "",
        level_set_title: Mapping[str, str] | None = None,
    ) -> SessionRecord:
        """Record that a session began now; returns it (keep `session_id` for `add_trial`).
        `place` is "clinic" or "home" (a home installation's sessions, under `plan_id`);
        `level_set_title` (language -> title) lets reports name a set kept outside levels/.

        Raises:
            ValueError: an unknown place."""
        self._writable()
        self.get_profile(profile_id)
        session_id = new_session_id()
        while self._sessions.contains(where("session_id") == session_id):
            session_id = new_session_id()
        session = SessionRecord(
            session_id=session_id,
            profile_id=profile_id,
            started_at=self._now(),
            level_set_id=level_set_id,
            app_version=app_version,
            model_version=model_version,
            model_hash=model_hash,
            place=place,
            plan_id=plan_id,
            level_set_title={str(k): str(v) for k, v in (level_set_title or {}).items()},
        )
        self._sessions.insert(session.to_dict())
        self._own_sessions[session_id] = session
        logger.info("session %s started for profile %s", session_id, profile_id)
        return session

    def get_session(self, session_id: str) -> SessionRecord:
        doc = self._sessions.get(where("session_id") == session_id)
        if doc is None:
            raise RecordNotFoundError(f"no session with id {session_id}")
        return SessionRecord.from_dict(dict(doc))

    def end_session(
        self, session_id: str, *, reason: str = "completed", notes: str | None = None
    ) -> SessionRecord:
        """Record the end time (and why it ended, and optionally the therapist's note)."""
        self._writable()
        session = self.get_session(session_id)
        changes: dict[str, Any] = {"ended_at": self._now(), "end_reason": reason}
        if notes is not None:
            changes["notes"] = notes
        ended = dataclasses.replace(session, **changes)
        self._sessions.update(ended.to_dict(), where("session_id") == session_id)
        logger.info("session %s ended (%s)", session_id, reason)
        return ended

    def record_break(self, session_id: str, break_ms: int) -> SessionRecord:
        """Count one real break of `break_ms` milliseconds in the session's record.

        Raises:
            RecordNotFoundError: no session with that id.
            InvalidValueError: `break_ms` is not a whole number of ms from 0.
        """
        self._writable()
        if not isinstance(break_ms, int) or isinstance(break_ms, bool) or break_ms < 0:
            raise InvalidValueError("a break lasts a whole number of milliseconds from 0")
        session = self.get_session(session_id)
        updated = dataclasses.replace(session, breaks=session.breaks + 1,
                                      break_ms=session.break_ms + break_ms)
        self._sessions.update(updated.to_dict(), where("session_id") == session_id)
        logger.info("session %s: break of %d ms recorded", session_id, break_ms)
        return updated

    def set_session_note(self, session_id: str, notes: str) -> SessionRecord:
        """Replace the therapist's note for a session."""
        self._writable()
        updated = dataclasses.replace(self.get_session(session_id), notes=notes)
        self._sessions.update(updated.to_dict(), where("session_id") == session_id)
        return updated

    def sessions_for(self, profile_id: str) -> list[SessionRecord]:
        """A child's sessions, oldest first."""
        docs = self._sessions.search(where("profile_id") == profile_id)
        sessions = [SessionRecord.from_dict(dict(doc)) for doc in docs]
        return sorted(sessions, key=lambda s: (s.started_at, s.session_id))

    # -- trials --------------------------------------------------------------------------

    def add_trial(
        self, session_id: str, trial: TrialRecord, *, therapist_note: str = ""
    ) -> StoredTrial:
        """Write one finished trial now (the file is on disk when this returns)."""
        self._writable()
        session = self._session_of_trial(session_id)
        if self._stored_doc(session, trial.trial_index) is not None:
            raise DuplicateTrialError(f"session {session_id} already has trial {trial.trial_index}")
        stored = StoredTrial(
            session_id=session_id,
            profile_id=session.profile_id,
            recorded_at=self._now(),
            trial=trial,
            therapist_note=therapist_note,
        )
        self._append(stored)
        logger.debug("trial %d of session %s stored", trial.trial_index, session_id)
        return stored

    def _session_of_trial(self, session_id: str) -> SessionRecord:
        """The session (without searching every session when this store started it)."""
        own = self._own_sessions.get(session_id)
        return own if own is not None else self.get_session(session_id)

    def _stored_doc(self, session: SessionRecord, trial_index: int) -> dict[str, Any] | None:
        key = (session.session_id, trial_index)
        if session.session_id in self._own_sessions:
            return self._written.get(key)
        return self._log.find(session.profile_id, key)

    def _append(self, stored: StoredTrial) -> None:
        doc = stored.to_dict()
        self._log.append(doc)
        if stored.session_id in self._own_sessions:
            self._written[(stored.session_id, stored.trial.trial_index)] = doc

    def replace_trial(self, session_id: str, trial: TrialRecord) -> StoredTrial:
        """Store a changed version of a stored trial (e.g. after a therapist's override),
        keeping its note and the time it was first recorded."""
        self._writable()
        session = self._session_of_trial(session_id)
        old = self._stored_doc(session, trial.trial_index)
        if old is None:
            raise RecordNotFoundError(f"session {session_id} has no trial {trial.trial_index}")
        updated = dataclasses.replace(StoredTrial.from_dict(old), trial=trial)
        self._append(updated)
        return updated

    def set_trial_note(self, session_id: str, trial_index: int, note: str) -> StoredTrial:
        """Replace the therapist's note on a stored trial."""
        self._writable()
        session = self._session_of_trial(session_id)
        doc = self._stored_doc(session, trial_index)
        if doc is None:
            raise RecordNotFoundError(f"session {session_id} has no trial {trial_index}")
        updated = dataclasses.replace(StoredTrial.from_dict(doc), therapist_note=note)
        self._append(updated)
        return updated

    def merge_sessions(self, profile_id: str, sessions: list[SessionRecord],
                       trial_docs: list[dict[str, Any]]) -> tuple[int, int]:
        """Merge sessions played elsewhere (a home installation's) into a child's records:
        a session is added, or replaced when it differs; a trial document is appended when
        it differs from the stored one (the same one again is skipped, so merging twice
        changes nothing). Every document must be the child's and already checked
        (`StoredTrial.from_dict`). One write of the records file and one of the trials
        file, whatever the number. Returns (sessions changed, trials changed).

        Raises:
            RecordNotFoundError: no child has that id.
            StoreError: a session or trial of another child, or a session id another
                child's session has.
        """
        self._writable()
        self.get_profile(profile_id)
        known = {str(doc["session_id"]): doc for doc in self._sessions.all()}
        new_docs, changed_ids = [], []
        by_id: dict[str, dict[str, Any]] = {}
        for session in sessions:
            if session.profile_id != profile_id:
                raise StoreError(f"session {session.session_id} is not this child's")
            old = known.get(session.session_id)
            if old is not None and old.get("profile_id") != profile_id:
                raise StoreError(f"session {session.session_id} is another child's here")
            doc = by_id[session.session_id] = session.to_dict()
            if old is None:
                new_docs.append(doc)
            elif old != doc:
                changed_ids.append(session.session_id)
        stored = {trial_key(d): d for d in self._log.docs_for(profile_id)}
        fresh = []
        for doc in trial_docs:
            if doc.get("profile_id") != profile_id:
                raise StoreError("a trial in it is not this child's")
            if stored.get(trial_key(doc)) != doc:
                fresh.append(doc)
                stored[trial_key(doc)] = doc
        if new_docs:
            self._sessions.insert_multiple(new_docs)
        if changed_ids:
            wanted = set(changed_ids)
            self._sessions.remove(lambda doc: doc.get("session_id") in wanted)
            self._sessions.insert_multiple([by_id[sid] for sid in changed_ids])
        self._log.append_many(profile_id, fresh)
        return len(new_docs) + len(changed_ids), len(fresh)

    def trials_in(self, session_id: str) -> list[StoredTrial]:
        """One session's trials in play order."""
        session = self.get_session(session_id)
        docs = [d for d in self._log.docs_for(session.profile_id)
                if trial_key(d)[0] == session_id]
        trials = [self._parsed_trial(session.profile_id, doc) for doc in docs]
        return sorted(trials, key=lambda t: t.trial.trial_index)

    def trials_for(self, profile_id: str) -> list[StoredTrial]:
        """A child's trials, session by session (oldest first), in play order."""
        order = {s.session_id: n for n, s in enumerate(self.sessions_for(profile_id))}
        trials = [self._parsed_trial(profile_id, doc) for doc in self._log.docs_for(profile_id)]
        return sorted(trials, key=lambda t: (order.get(t.session_id, -1), t.trial.trial_index))

    def release_trials(self, profile_id: str) -> None:
        """Free the memory a child's trials take once a caller holds what it needs (an
        export of 30,000 trials); they are read from the file again when next asked for."""
        self._log.forget(profile_id)

    def _parsed_trial(self, profile_id: str, doc: dict[str, Any]) -> StoredTrial:
        """The stored trial of a document: the one made when its line was read (and checked),
        else parsed now."""
        parsed = self._log.parsed(profile_id, trial_key(doc))
        if not isinstance(parsed, StoredTrial):
            return _stored_trial(doc)
        # its one mutable part copied, so a caller's change never reaches the store
        trial = dataclasses.replace(parsed.trial, quality=dict(parsed.trial.quality))
        return dataclasses.replace(parsed, trial=trial)

    # -- per-frame traces ----------------------------------------------------------------

    def trace_path(self, session_id: str) -> Path | None:
        """Where a session's frame trace is (or would be) kept; None for a memory store."""
        if self.data_dir is None:
            return None
        return self.data_dir / TRACES_DIR / f"{session_id}.jsonl"

    def open_trace(self, session_id: str) -> TraceWriter | None:
        """An append-only writer for the session's frame trace, or None when the child's
        profile does not allow traces (the default) or the store is in memory."""
        self._writable()
        session = self.get_session(session_id)
        path = self.trace_path(session_id)
        if path is None or not self.get_profile(session.profile_id).allow_frame_traces:
            return None
        ensure_private_dir(path.parent)
        return TraceWriter(path)


    # -- motion records (game.records.motion_log) ----------------------------------------------

    def motion_path(self, session_id: str) -> Path | None:
        """Where a session's motion record is (or would be) kept; None for a memory store."""
        return None if self.data_dir is None else motion_path(self.data_dir, session_id)

    def sessions_with_motion(self, profile_id: str) -> list[SessionRecord]:
        """A child's sessions whose motion record is on disk, oldest first ([] for a memory
        store, or a child whose profile never allowed the records)."""
        sessions = []
        for session in self.sessions_for(profile_id):
            path = self.motion_path(session.session_id)
            if path is not None and path.is_file():
                sessions.append(session)
        return sessions

    def open_motion(self, session_id: str) -> SessionMotionWriter | None:
        """A writer of the session's motion record, or None when the child's profile does not
        allow per-frame records (the default) or the store is in memory."""
        self._writable()
        session = self.get_session(session_id)
        path = self.motion_path(session_id)
        if path is None or not self.get_profile(session.profile_id).allow_frame_traces:
            return None
        from game.records.motion_log import SessionMotionWriter  # numpy: only when recording

        return SessionMotionWriter(path)


def _remove_session_file(path: Path) -> None:
    """Remove a session's trace or motion file, whatever was made of it: a folder where the
    file should be goes with its contents; a file where its folder should be leaves nothing
    of the session to remove."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
    except NotADirectoryError:
        pass


def _stored_trial(doc: dict[str, Any]) -> StoredTrial:
    try:
        return StoredTrial.from_dict(doc)
    except (TypeError, KeyError, ValueError, AttributeError) as exc:
        raise StoreError(f"a stored trial is damaged ({exc}); restore the child's trials file "
                         "from a backup") from exc


def keep_old_file(storage: DocumentStorage, target: Path) -> None:
    """Copy the records file as it is now to `target` (once: an existing copy is kept)."""
    source = getattr(storage, "path", None)
    if not isinstance(source, Path) or not source.is_file() or target.exists():
        return
    ensure_private_dir(target.parent)
    atomic_write_bytes(target, source.read_bytes())
    logger.info("kept the single-file records as %s", target.name)


def memory_store(clock: Clock = local_now) -> ProgressStore:
    """A store that lives in memory only (tests, demos)."""
    return ProgressStore(MemoryStorage(), clock=clock)


def open_store(
    data_dir: Path,
    *,
    read_only: bool = False,
    clock: Clock = local_now,
    backups_to_keep: int = 5,
) -> ProgressStore:
    """Open (or create) the records in `data_dir/progress.json`.

    When writable: the folder is made private (0700), unfinished temp files from a killed
    write are removed, and the file and every child's trials file that changed are backed
    up into `data_dir/backups/` (`backups/trials/` for the trials) before anything changes;
    kept: one a day for 14 days, one a week for 8 weeks and the newest `backups_to_keep`
    (`game.records.retention`). Read-only opens change nothing on disk.

    Only one writable store per folder at a time (an advisory lock, `progress.lock`, dropped
    by the OS if the game dies); read-only opens take no lock. Call `close()` when done.

    Raises:
        StoreError: the records are already open for writing elsewhere.
        CorruptStoreError: the file could not be read; it was moved aside (see the error's
            `moved_to` and `backups`). Show `str(error)`; calling `open_store` again starts
            with empty records, or call `restore_backup(data_dir, newest_backup(data_dir))`
            first.
        SchemaTooNewError: written by a newer FaceQuest (left untouched).
        StoreError: read-only and there are no records in `data_dir`.
        StoreError: a records file or folder in `data_dir` is a symbolic link
            (`game.records.links`; nothing is read or written through it).
    """
    data_dir = Path(data_dir)
    path = data_dir / RECORDS_FILE
    try:
        refuse_links(data_dir)
    except LinkedRecordsError as exc:
        raise StoreError(str(exc)) from None
    if read_only:
        if not path.is_file():
            raise StoreError(f"there are no FaceQuest records in {data_dir}")
        data = JSONFileStorage(path, read_only=True, clock=clock).read()
        snapshot = MemoryStorage.snapshot(data if data is not None else empty_document())
        return ProgressStore(snapshot, data_dir=data_dir, clock=clock, read_only=True)
    ensure_private_dir(data_dir)
    try:
        lock = FolderLock(data_dir / LOCK_FILE)
    except AlreadyLockedError as exc:
        raise StoreError(
            "these records are already open in another FaceQuest window; close it first"
        ) from exc
    try:
        storage = JSONFileStorage(path, backups_to_keep=backups_to_keep, clock=clock)
        storage.read()  # raises CorruptStoreError (after moving the file aside) before backup
        storage.backup()
        backup_trials(data_dir, clock(), keep_last=backups_to_keep)
        return ProgressStore(storage, data_dir=data_dir, clock=clock, lock=lock)
    except BaseException:
        lock.release()
        raise
