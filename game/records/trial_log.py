"""Each child's trials in a file of their own: `trials/<profile_id>.jsonl`, append-only.

Storing a trial appends one JSON line (the `StoredTrial` as a dict) with one `write` call,
so the cost does not grow with the number of trials kept (well under a millisecond with
30,000 trials; docs/benchmarks.md). Once `append` returns the line is in the operating
system, so a killed game loses nothing; a background thread then flushes it to the disk
itself (`fsync`, against a power cut) so the game's thread never waits for the disk, and
`close()` waits for that flush. A changed trial (a therapist's override or note) is
appended again; the last line for a (session, trial index) wins.

A kill in the middle of an append leaves at most a cut-short last line: reading skips it
(logged), and the next append starts on a fresh line. Deleting a child deletes the file.
Files are 0600 in a 0700 folder, like every other records file.
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from game.records.damaged import DAMAGE_KINDS, DocumentCheck, loads_finite
from game.records.fileio import (
    FILE_MODE,
    NOFOLLOW,
    LinkedRecordsError,
    atomic_write_text,
    ensure_private_dir,
    fsync_dir,
    read_no_follow,
)
from game.records.storage import StoreError

logger = logging.getLogger(__name__)

TRIALS_DIR = "trials"
SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
DAMAGED_LINE = f"{DAMAGE_KINDS}, or a line cut short"  # what a damaged trial line may hold

Key = tuple[str, int]


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    fsync_dir(path.parent)


def _take_back(fd: int, size: int) -> None:
    """Cut a file back to `size` bytes after a write that failed part-way (best effort)."""
    try:
        os.ftruncate(fd, size)
    except OSError as exc:
        logger.warning("could not take back a partial write: %s", exc)


def _ends_mid_line(path: Path) -> bool:
    """True when the file's last byte is not a newline (a write cut short by a kill)."""
    try:
        with os.fdopen(os.open(path, os.O_RDONLY | NOFOLLOW), "rb") as handle:
            handle.seek(0, os.SEEK_END)
            if handle.tell() == 0:
                return False
            handle.seek(-1, os.SEEK_END)
            return handle.read(1) != b"\n"
    except (FileNotFoundError, OSError):  # a link: the append refuses it in one sentence
        return False


def trial_key(doc: dict[str, Any]) -> Key:
    """(session id, trial index) of a stored-trial document."""
    return str(doc["session_id"]), int(doc["trial"]["trial_index"])


class TrialLog:
    """The trials of every child, one append-only file each (or memory when `folder` is None).

    Args:
        folder: the `trials/` folder; None keeps everything in memory (tests, snapshots).
        read_only: never create, write or delete anything.
        memory: the dict a memory log keeps its documents in (pass the same one to see the
            same trials again, as a reopened memory store does).
        check: called on every line read (e.g. `StoredTrial.from_dict`); a line it refuses,
            or one holding NaN or Infinity, is set aside (`game.records.damaged`).
    """

    def __init__(self, folder: Path | None, *, read_only: bool = False,
                 memory: dict[str, dict[Key, dict[str, Any]]] | None = None,
                 check: DocumentCheck | None = None) -> None:
        self.folder = folder
        self.read_only = read_only
        self._check = check  # raises ValueError/KeyError/TypeError for a damaged document
        self._parsed: dict[str, dict[Key, object]] = {}  # what `check` made of each doc read
        # profile -> key -> latest doc
        self._docs: dict[str, dict[Key, dict[str, Any]]] = memory if memory is not None else {}
        self._torn: set[str] = set()  # files whose last line was cut short by a kill
        self._tail_checked: set[str] = set()
        self._flusher: ThreadPoolExecutor | None = None
        self._flushes: list[Future[None]] = []

    def path_for(self, profile_id: str) -> Path | None:
        if self.folder is None:
            return None
        if not SAFE_ID.fullmatch(profile_id):
            raise StoreError(f"the profile id {profile_id!r} cannot name a file")
        return self.folder / f"{profile_id}.jsonl"

    # -- reading -------------------------------------------------------------------------

    def docs_for(self, profile_id: str) -> list[dict[str, Any]]:
        """A child's stored trials (latest version of each), in the order first stored."""
        return list(self._loaded(profile_id).values())

    def forget(self, profile_id: str) -> None:
        """Drop what is kept in memory of a child's trials file (read again when next asked
        for); nothing for a memory log, whose memory is its only copy."""
        if self.folder is not None:
            self._docs.pop(profile_id, None)
            self._parsed.pop(profile_id, None)

    def parsed(self, profile_id: str, key: Key) -> object | None:
        """What `check` returned for the document of `key` as read from the file (None when
        it was stored since, or there is no check), so a reader need not parse it again."""
        return self._parsed.get(profile_id, {}).get(key)

    def find(self, profile_id: str, key: Key) -> dict[str, Any] | None:
        return self._loaded(profile_id).get(key)

    def _loaded(self, profile_id: str) -> dict[Key, dict[str, Any]]:
        docs = self._docs.get(profile_id)
        if docs is None:
            docs = self._docs[profile_id] = self._read(profile_id)
        return docs

    def _read(self, profile_id: str) -> dict[Key, dict[str, Any]]:
        path = self.path_for(profile_id)
        docs: dict[Key, dict[str, Any]] = {}
        if path is None:
            return docs
        try:
            raw = read_no_follow(path)
        except FileNotFoundError:
            return docs
        except IsADirectoryError:
            raise StoreError(f"{path} is a folder, not a trials file; move it away") from None
        self._tail_checked.add(profile_id)
        torn = bool(raw) and not raw.endswith(b"\n")
        if torn:
            self._torn.add(profile_id)
        lines = raw.split(b"\n")
        damaged: list[bytes] = []
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                doc = loads_finite(line.decode("utf-8"))
                key = trial_key(doc)
                if self._check is not None:
                    self._parsed.setdefault(profile_id, {})[key] = self._check(doc)
            except (ValueError, KeyError, TypeError, AttributeError):
                if torn and number == len(lines):  # a write cut short by a kill
                    logger.info("skipping the cut-short last line of %s", path.name)
                    continue
                damaged.append(line)
                continue
            docs[key] = doc
        if damaged:
            self._set_aside(profile_id, path, damaged, docs)
        return docs

    def set_aside_path(self, profile_id: str) -> Path | None:
        """Where a child's damaged trial lines are kept (`trials/<id>.set-aside.jsonl`)."""
        path = self.path_for(profile_id)
        return None if path is None else path.with_name(f"{profile_id}.set-aside.jsonl")

    def _set_aside(self, profile_id: str, path: Path, damaged: list[bytes],
                   docs: dict[Key, dict[str, Any]]) -> None:
        """Keep damaged lines in the child's set-aside file and the rest in the trials file
        (one warning); read-only: leave them where they are and say so."""
        aside = self.set_aside_path(profile_id)
        if self.read_only or aside is None:
            logger.warning("%d damaged trial line(s) of %s were left out (%s); they stay in %s",
                           len(damaged), profile_id, DAMAGED_LINE, path.name)
            return
        fd = os.open(aside, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NOFOLLOW, FILE_MODE)
        try:
            os.write(fd, b"".join(line + b"\n" for line in damaged))
            os.fsync(fd)
        finally:
            os.close(fd)
        self.rewrite(profile_id, docs.values())
        logger.warning("%d damaged trial line(s) of %s (%s) were set aside in %s; the "
                       "child's other trials work as before", len(damaged), profile_id,
                       DAMAGED_LINE, aside.name)

    # -- writing -------------------------------------------------------------------------

    def preload(self, docs: Iterable[dict[str, Any]]) -> None:
        """Add documents in memory only (a read-only view of an old single-file store)."""
        for doc in docs:
            self._loaded(str(doc["profile_id"]))[trial_key(doc)] = doc

    def append(self, doc: dict[str, Any]) -> None:
        """Store one trial document now: one line appended and flushed to disk. The child's
        earlier trials are not read for this (their count never slows a write)."""
        if self.read_only:
            raise StoreError("these records were opened for reading only")
        profile_id = str(doc["profile_id"])
        path = self.path_for(profile_id)
        if path is None:
            self._loaded(profile_id)[trial_key(doc)] = doc
            return
        line = json.dumps(doc, ensure_ascii=False, allow_nan=False) + "\n"
        if profile_id not in self._tail_checked:
            self._tail_checked.add(profile_id)
            if _ends_mid_line(path):
                self._torn.add(profile_id)
        if profile_id in self._torn:
            line = "\n" + line  # never glue a new line onto one cut short by a kill
        try:
            self._append_line(path, line.encode("utf-8"))
        except OSError:
            # A write cut short (full disk) may leave a fragment the truncation could not
            # take back: the retry starts on a line of its own.
            self._torn.add(profile_id)
            raise
        self._torn.discard(profile_id)
        self._parsed.get(profile_id, {}).pop(trial_key(doc), None)
        if profile_id in self._docs:
            self._docs[profile_id][trial_key(doc)] = doc

    def append_many(self, profile_id: str, docs: list[dict[str, Any]]) -> None:
        """Store many trial documents of one child with one write (a merge of sessions
        played elsewhere); each must be that child's."""
        if not docs:
            return
        if self.read_only:
            raise StoreError("these records were opened for reading only")
        path = self.path_for(profile_id)
        loaded = self._loaded(profile_id)
        if path is not None:
            data = "".join(json.dumps(d, ensure_ascii=False, allow_nan=False) + "\n"
                           for d in docs)
            if _ends_mid_line(path) or profile_id in self._torn:
                data = "\n" + data
            self._append_line(path, data.encode("utf-8"))
            self._torn.discard(profile_id)
        for doc in docs:
            loaded[trial_key(doc)] = doc

    def _append_line(self, path: Path, data: bytes) -> None:
        folder = path.parent
        if not folder.is_dir():  # first trial, or the data folder was deleted while playing
            ensure_private_dir(folder)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NOFOLLOW, FILE_MODE)
        except OSError:
            if path.is_symlink():  # never append through a link (another child's, /etc/...)
                raise LinkedRecordsError(path) from None
            raise
        try:
            start = os.fstat(fd).st_size
            try:
                written = os.write(fd, data)
            except OSError:
                _take_back(fd, start)
                raise
            if written != len(data):
                _take_back(fd, start)
                raise OSError(f"only {written} of {len(data)} bytes were written to {path.name}")
        finally:
            os.close(fd)
        self._flush_later(path)

    def _flush_later(self, path: Path) -> None:
        """fsync the file (and its folder) on the background thread."""
        if self._flusher is None:
            self._flusher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="trial-fsync")
        self._flushes = [f for f in self._flushes if not f.done()]
        self._flushes.append(self._flusher.submit(_fsync_file, path))

    def flush(self) -> None:
        """Wait until every appended line is on the disk itself."""
        for future in self._flushes:
            try:
                future.result()
            except OSError as exc:  # the line reached the OS; only the disk flush failed
                logger.warning("a trials file could not be flushed to disk: %s", exc)
        self._flushes = []

    def close(self) -> None:
        """Flush to disk and stop the background thread (safe to call twice)."""
        self.flush()
        if self._flusher is not None:
            self._flusher.shutdown(wait=True)
            self._flusher = None

    def rewrite(self, profile_id: str, docs: Iterable[dict[str, Any]]) -> None:
        """Replace a child's whole file atomically (migration from the single-file store)."""
        if self.read_only:
            raise StoreError("these records were opened for reading only")
        kept = {trial_key(doc): doc for doc in docs}
        path = self.path_for(profile_id)
        if path is not None:
            ensure_private_dir(path.parent)
            text = "".join(json.dumps(d, ensure_ascii=False, allow_nan=False) + "\n"
                           for d in kept.values())
            atomic_write_text(path, text)
            self._torn.discard(profile_id)
        self._docs[profile_id] = kept

    def remove(self, profile_id: str) -> None:
        """Erase a child's trials (file and memory)."""
        if self.read_only:
            raise StoreError("these records were opened for reading only")
        self._docs.pop(profile_id, None)
        self._parsed.pop(profile_id, None)
        path = self.path_for(profile_id)
        if path is not None:
            path.unlink(missing_ok=True)
