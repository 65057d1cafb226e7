"""Each child's calm-face calibration in a file of its own: `calibration/<profile_id>.json`.

A stored baseline (`NeutralBaseline.to_dict()`, about 240 KB) used to live inside
`progress.json`, so every calibrated child made every start-up and every records write
slower (100 children: 24 MB, 4.2 s to start, 215 ms frames). Here each is a separate file,
written atomically (0600 in a 0700 folder), read only when that child's profile is asked
for, and erased with the child. `ProgressStore` moves the baselines of an old
`progress.json` into these files the first time it opens it for writing.

The file is `{"profile_id": ..., "baseline": {...}}`; the records layer never interprets
the baseline itself.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from game.records.damaged import loads_finite
from game.records.fileio import atomic_write_text, ensure_private_dir, read_no_follow
from game.records.storage import StoreError
from game.records.trial_log import SAFE_ID

logger = logging.getLogger(__name__)


class CalibrationFiles:
    """The calibration files in one folder (`<data>/calibration/`).

    Args:
        folder: the folder (created private on the first write).
        read_only: never write or delete.
    """

    def __init__(self, folder: Path, *, read_only: bool = False) -> None:
        self.folder = Path(folder)
        self.read_only = read_only

    def path_for(self, profile_id: str) -> Path:
        if not SAFE_ID.fullmatch(profile_id):
            raise StoreError(f"the profile id {profile_id!r} cannot name a file")
        return self.folder / f"{profile_id}.json"

    def read(self, profile_id: str) -> dict[str, Any] | None:
        """The child's stored baseline, or None when there is none. A damaged file counts
        as none (one warning; the file is left as it is, and the next calibration replaces
        it): the population's neutral face stands in."""
        path = self.path_for(profile_id)
        try:
            raw = read_no_follow(path)
        except FileNotFoundError:
            return None
        try:
            document = loads_finite(raw.decode("utf-8"))
            baseline = document["baseline"]
            if document.get("profile_id") != profile_id or not isinstance(baseline, dict):
                raise ValueError("not this child's calibration")
        except (UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
            logger.warning("the calm-face file of %s cannot be read (%s); the shared neutral "
                           "face is used until the child is calibrated again", profile_id, exc)
            return None
        return baseline

    def write(self, profile_id: str, baseline: dict[str, Any] | None) -> None:
        """Store the child's baseline (atomically, 0600), or remove it for None.

        Raises:
            StoreError: opened read-only.
            OSError: the disk refused it (the old file is left as it was).
        """
        if self.read_only:
            raise StoreError("these records were opened for reading only")
        path = self.path_for(profile_id)
        if baseline is None:
            path.unlink(missing_ok=True)
            return
        ensure_private_dir(self.folder)
        text = json.dumps({"profile_id": profile_id, "baseline": baseline},
                          ensure_ascii=False, allow_nan=False)
        atomic_write_text(path, text)

    def remove(self, profile_id: str) -> None:
        """Erase the child's calibration file (nothing when there is none)."""
        if self.read_only:
            raise StoreError("these records were opened for reading only")
        self.path_for(profile_id).unlink(missing_ok=True)
