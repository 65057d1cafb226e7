"""The records are never followed through a symbolic link.

A link where a records file or folder should be could point at another child's file (whose
trials would then be shown, exported or written under this child's id), at a system file
(which a game run as root would append trial lines to), or out of the data folder (where
`profiles delete` could not erase what it holds). `refuse_links` looks at every name
FaceQuest keeps in a data folder before the records are opened, and refuses a folder where
any of them is a link, in one sentence. The data folder itself may be a link (e.g. to
another disk); only what is inside it is checked. Files are also opened with `O_NOFOLLOW`
(`fileio.read_no_follow`, the trial and trace appends, the lock), so a link made after
this check is refused too.
"""

from __future__ import annotations

import os
from pathlib import Path

from game.records.default_settings import DEFAULT_SETTINGS_FILE
from game.records.fileio import LinkedRecordsError
from game.records.layout import (
    BACKUPS_DIR,
    CALIBRATION_DIR,
    LOCK_FILE,
    MOTION_DIR,
    RECORDS_FILE,
    TRACES_DIR,
)
from game.records.pin import PIN_FILE
from game.records.trial_log import TRIALS_DIR

OWN_FILES = (RECORDS_FILE, LOCK_FILE, PIN_FILE, DEFAULT_SETTINGS_FILE)
OWN_FOLDERS = (TRIALS_DIR, BACKUPS_DIR, CALIBRATION_DIR, TRACES_DIR, MOTION_DIR,
               f"{BACKUPS_DIR}/{TRIALS_DIR}")


def refuse_links(data_dir: Path) -> None:
    """Raise `LinkedRecordsError` (an OSError with one sentence) when a records file, one of
    FaceQuest's folders, or any entry inside those folders is a symbolic link.

    Costs one `lstat` per file kept (a few ms for hundreds of children).
    """
    data_dir = Path(data_dir)
    for name in (*OWN_FILES, *OWN_FOLDERS):
        path = data_dir / name
        if path.is_symlink():
            raise LinkedRecordsError(path)
    for entry in _entries(data_dir):
        if entry.name.startswith("progress.") and entry.is_symlink():
            raise LinkedRecordsError(data_dir / entry.name)
    for name in OWN_FOLDERS:
        for entry in _entries(data_dir / name):
            if entry.is_symlink():
                raise LinkedRecordsError(data_dir / name / entry.name)


def _entries(folder: Path) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(folder) as found:
            return list(found)
    except (FileNotFoundError, NotADirectoryError):
        return []
