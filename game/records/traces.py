"""Per-frame score traces: an append-only JSON-lines file per session, off by default.

Traces are kept only when the therapist enables them for a child
(`Profile.allow_frame_traces`). Each line is one JSON object (e.g. `{"t_ms": 1234,
"score": 0.61, "trusted": true}`); the writer flushes every line, so a crash loses at most
the last frames, and `read_trace` skips a line cut short by a crash.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Mapping
from pathlib import Path
from typing import IO, Any

from game.closing import Closing
from game.records.fileio import FILE_MODE, NOFOLLOW

logger = logging.getLogger(__name__)


class TraceWriter(Closing):
    """Appends one JSON line per frame to a private (0600) file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | NOFOLLOW, FILE_MODE)
        os.chmod(self.path, FILE_MODE)
        self._handle: IO[str] | None = os.fdopen(fd, "a", encoding="utf-8")

    def append(self, row: Mapping[str, Any]) -> None:
        """Write one frame's values (JSON-ready) as a line, flushed to the OS."""
        if self._handle is None:
            raise ValueError("trace writer is closed")
        self._handle.write(json.dumps(dict(row), ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        """Flush to disk and close; safe to call twice."""
        if self._handle is None:
            return
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self._handle.close()
        self._handle = None


def read_trace(path: Path) -> list[dict[str, Any]]:
    """All complete lines of a trace file; a line cut short by a crash is skipped."""
    rows: list[dict[str, Any]] = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                logger.warning("skipping unreadable line %d of %s", number, Path(path).name)
    return rows
