"""Private folders and crash-safe file writes for a child's records.

Every file written here is readable only by the user (0600); every folder FaceQuest creates
is 0700 (a folder the user chose that already exists keeps its permissions). A write goes
to a temporary file in the same folder, is flushed to disk, then renamed over the old file,
so a crash or power cut leaves either the old file or the new one, never half of each.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import stat
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

logger = logging.getLogger(__name__)

FILE_MODE = 0o600
DIR_MODE = 0o700
TEMP_SUFFIX = ".tmp"
NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # records files are never opened through a link


def ensure_private_dir(path: Path) -> Path:
    """Create `path` (and parents) if needed, private to the user (0700).

    A folder that already exists keeps the permissions it has: it may be one the user
    chose and shares (`--data-dir`), and what FaceQuest writes inside is private anyway
    (files 0600, folders it creates 0700).
    """
    if path.is_dir():
        return path
    path.mkdir(parents=True, exist_ok=True, mode=DIR_MODE)
    os.chmod(path, DIR_MODE)  # mkdir's mode is narrowed by the umask only, never widened
    return path


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (the rename) to disk; a no-op where folders cannot be opened."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; its rename is durable enough
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[BinaryIO]:
    """Write `path` atomically through the yielded binary handle: a temporary file beside it,
    flushed and fsynced when the block ends, then renamed over `path` and the folder fsynced.

    The file ends with mode 0600. If the block (or the write) raises, the temporary file is
    removed and the old file is left as it was. A folder deleted meanwhile is made again
    (private); a folder the temporary file cannot be made in (read-only, not this user's)
    raises the `OSError` with that folder, not the temporary file, as its file name. For a
    large file written piece by piece (e.g. `pyarrow.parquet.ParquetWriter`).

    An existing special file (a device such as `/dev/full` or `/dev/stdout`, a FIFO) is
    written into directly: there is nothing to replace, and replacing it would put a
    regular file where the device was. Its errors (ENOSPC from `/dev/full`) are raised.
    """
    if _is_special(path):
        with open(path, "wb") as device:
            yield device
            device.flush()
        return
    if not path.parent.is_dir():
        ensure_private_dir(path.parent)
    fd, tmp = temp_file_in(path.parent, f".{path.name}.", TEMP_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, FILE_MODE)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def temp_file_in(folder: Path, prefix: str, suffix: str) -> tuple[int, Path]:
    """A new temporary file in `folder` (`tempfile.mkstemp`: open descriptor, path).

    Raises:
        OSError: the folder refuses it (read-only, not this user's), with the folder the
            user chose as the error's file name, not the temporary file's made-up name.
    """
    try:
        fd, name = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=folder)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(folder)) from None
    return fd, Path(name)


def read_no_follow(path: Path) -> bytes:
    """The bytes of a records file, never read through a symbolic link.

    Raises:
        FileNotFoundError: there is no such file.
        LinkedRecordsError: `path` is a symbolic link (one sentence).
        OSError: it cannot be read (e.g. IsADirectoryError for a folder).
    """
    try:
        fd = os.open(path, os.O_RDONLY | NOFOLLOW)
    except OSError as exc:
        if path.is_symlink():
            raise LinkedRecordsError(path) from None
        raise exc from None
    with os.fdopen(fd, "rb") as handle:
        return handle.read()


class LinkedRecordsError(OSError):
    """A records file or folder is a symbolic link: FaceQuest never reads or writes records
    through a link (it could be another child's file, or a system file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        super().__init__(f"{path} is a link to another place; FaceQuest keeps its records "
                         "only in real files and folders, so put the file itself there "
                         "(or remove the link)")

    def __str__(self) -> str:
        return str(self.args[0])


def _is_special(path: Path) -> bool:
    """True for an existing file that is neither a regular file nor a folder (a device, a
    FIFO, a socket), links followed."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace `path` with `data` atomically (`atomic_file`): temp file, fsync, os.replace,
    fsync folder; mode 0600; on any error the old file is left as it was."""
    with atomic_file(path) as handle:
        handle.write(data)


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write_bytes` for text, always UTF-8."""
    atomic_write_bytes(path, text.encode("utf-8"))


def remove_stale_temp_files(path: Path) -> int:
    """Delete temporary files a killed writer of `path` left behind; returns how many."""
    removed = 0
    for stale in path.parent.glob(f".{path.name}.*{TEMP_SUFFIX}"):
        with contextlib.suppress(OSError):
            stale.unlink()
            removed += 1
    if removed:
        logger.info("removed %d unfinished temporary file(s) beside %s", removed, path.name)
    return removed


def stamped_path(folder: Path, stem: str, label: str, when: datetime, suffix: str) -> Path:
    """`folder/<stem>.<label>-YYYYmmdd-HHMMSS<suffix>`, with `-2`, `-3`... if that exists."""
    base = f"{stem}.{label}-{when:%Y%m%d-%H%M%S}"
    candidate = folder / f"{base}{suffix}"
    counter = 2
    while candidate.exists():
        candidate = folder / f"{base}-{counter}{suffix}"
        counter += 1
    return candidate


def stamped_paths(folder: Path, stem: str, label: str, suffix: str) -> list[Path]:
    """Every `stamped_path(folder, stem, label, ..., suffix)` there is, by name (oldest
    first: the names hold the time)."""
    return sorted(folder.glob(f"{stem}.{label}-*{suffix}"))


def move_aside(path: Path, label: str, when: datetime) -> Path:
    """Move an unreadable file out of the way, beside itself as `stamped_path(...)`
    (`progress.corrupt-<time>.json`, `plan.damaged-<time>.json`), and return where it went.

    The kept copy is made private (0600) whatever mode the file had: it holds a child's
    data. A link is moved as it is (the file it points to is left alone).
    """
    target = stamped_path(path.parent, path.stem, label, when, path.suffix)
    os.replace(path, target)
    if not target.is_symlink():
        try:
            os.chmod(target, FILE_MODE)
        except OSError as exc:  # e.g. another user's file in the user's folder
            logger.info("could not make %s private (%s)", target.name, exc.strerror or exc)
    return target


class AlreadyLockedError(OSError):
    """Another process (or another open store in this one) holds the lock."""


class FolderLock:
    """An advisory lock file, held while the records are open for writing.

    Uses `fcntl.flock` where it exists (Linux, macOS): the OS drops it when the process
    dies, even by SIGKILL, so a crash never leaves the records locked. Elsewhere it is a
    no-op.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | NOFOLLOW, FILE_MODE)
        except OSError:
            if path.is_symlink():
                raise LinkedRecordsError(path) from None
            raise
        try:
            import fcntl
        except ImportError:  # Windows
            self._fd: int | None = fd
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            raise AlreadyLockedError(f"{path.name} is held by another FaceQuest") from exc
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the flock
            self._fd = None


def sha256_file(path: Path) -> str:
    """Hex SHA-256 of a file (e.g. the model, for `start_session(model_hash=...)`)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
