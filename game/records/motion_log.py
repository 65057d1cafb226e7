"""Motion records on disk: one compressed Parquet file per session, `motion/<session_id>.parquet`.

One row per frame scored while a trial ran (`game.motion.frame.MotionFrame`): the trial's
index and target, `t_ms` since the prompt, trusted, the quality flags, the target score,
head pose (degrees), face size (fraction of the frame's width), the 52 blendshapes
(`bs_<name>`), every facial action's intensity (`act_<action>`) and each side of the lateral
ones (`left_<action>`, `right_<action>`). No landmark coordinates, no pixels. The trials'
marks (prompt, help, hints, hold, reward) and modes are in the file's key-value metadata
(`facequest.trials`, JSON). DuckDB reads the file directly:
`select * from read_parquet('motion/*.parquet')`.

Kept only for a child whose profile allows frame traces (`Profile.allow_frame_traces`).
`SessionMotionWriter` rewrites the session's file after each finished trial, on its own
thread, atomically (temporary file, fsync, rename): a crash or kill -9 leaves the file as
it was after the last finished trial. Values are float32 at `game.motion` resolution
(1/1024): zstd with byte-stream-split keeps a 15-minute session near 1-2 MB.
"""

from __future__ import annotations

import json
import logging
import queue
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from game.closing import Closing
from game.expressions import BLENDSHAPE_NAMES, QualityFlag
from game.motion.frame import FaceMotion, MarkKind, MotionFrame, MotionMark, TrialMotion
from game.motion.vocabulary import ACTION_NAMES, LATERAL_ACTIONS
from game.records.fileio import LinkedRecordsError, atomic_write_bytes, ensure_private_dir
from game.records.layout import motion_path as motion_path

logger = logging.getLogger(__name__)

METADATA_KEY = b"facequest.trials"
FORMAT_VERSION = "1"

BLENDSHAPE_COLUMNS = tuple(f"bs_{n}" for n in BLENDSHAPE_NAMES)
ACTION_COLUMNS = tuple(f"act_{n}" for n in ACTION_NAMES)
LEFT_COLUMNS = tuple(f"left_{n}" for n in LATERAL_ACTIONS)
RIGHT_COLUMNS = tuple(f"right_{n}" for n in LATERAL_ACTIONS)
FLOAT_COLUMNS = ("target_score", "yaw", "pitch", "roll", "face_size", "neutral_yaw",
                 *BLENDSHAPE_COLUMNS, *ACTION_COLUMNS, *LEFT_COLUMNS, *RIGHT_COLUMNS)


class MotionFileError(ValueError):
    """A motion file cannot be read (damaged, or not FaceQuest's)."""


def _columns(trial_index: int, motion: TrialMotion) -> dict[str, Any]:
    frames = motion.frames
    n = len(frames)
    face_rows = np.full((n, len(FLOAT_COLUMNS) - 1), np.nan, dtype=np.float32)
    for i, frame in enumerate(frames):
        face = frame.face
        if face is None:
            continue
        face_rows[i] = np.concatenate([
            np.array([*face.head_pose, face.face_size, face.neutral_yaw], dtype=np.float32),
            face.blendshapes, face.actions, face.left, face.right])
    columns: dict[str, Any] = {
        "trial_index": np.full(n, trial_index, dtype=np.int32),
        "target": [motion.target] * n,
        "t_ms": np.array([f.t_ms for f in frames], dtype=np.int32),
        "trusted": np.array([f.trusted for f in frames], dtype=bool),
        "has_face": np.array([f.face is not None for f in frames], dtype=bool),
        "neutral": [f.face.neutral if f.face is not None else None for f in frames],
        "flags": [",".join(sorted(flag.value for flag in f.flags)) for f in frames],
        "target_score": np.array([f.target_score for f in frames], dtype=np.float32),
    }
    for k, name in enumerate(FLOAT_COLUMNS[1:]):
        columns[name] = face_rows[:, k]
    return columns


def _trial_meta(motion: TrialMotion) -> dict[str, Any]:
    return {"target": motion.target, "mode": motion.mode,
            "model_face_shown": motion.model_face_shown,
            "marks": [[m.t_ms, m.kind.value, m.detail] for m in motion.marks]}


def trial_table(index: int, motion: TrialMotion) -> Any:
    """One trial's rows as a `pyarrow.Table` (the face's columns null where no face was)."""
    import pyarrow as pa

    columns = _columns(index, motion)
    no_face = ~columns["has_face"]
    for name in FLOAT_COLUMNS[1:]:
        columns[name] = pa.array(columns[name], mask=no_face)
    return pa.table(columns)


def encode_session(trials: Sequence[tuple[int, TrialMotion]],
                   tables: Mapping[int, Any] | None = None) -> bytes:
    """The Parquet bytes of a session's trials ((trial_index, motion) pairs, in order).

    `tables`: trial index -> that trial's `trial_table`, already built (the writer keeps
    them, so each trial's rows are built once however often the file is rewritten)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    built = [tables[index] if tables is not None and index in tables
             else trial_table(index, motion) for index, motion in trials]
    table = pa.concat_tables(built) if built else trial_table(0, TrialMotion("happy", ""))
    meta = {"format": FORMAT_VERSION,
            "trials": {str(index): _trial_meta(motion) for index, motion in trials}}
    table = table.replace_schema_metadata({METADATA_KEY: json.dumps(meta).encode("utf-8")})
    sink = pa.BufferOutputStream()
    float_columns = [c for c in table.column_names if c in FLOAT_COLUMNS]
    pq.write_table(table, sink, compression="zstd", compression_level=9,
                   use_byte_stream_split=float_columns, use_dictionary=["target", "flags",
                                                                        "neutral"])
    return bytes(sink.getvalue().to_pybytes())


def read_session_motion(path: Path) -> list[tuple[int, TrialMotion]]:
    """The (trial_index, TrialMotion) pairs of a session's motion file, in order.

    Raises:
        FileNotFoundError: no such file.
        MotionFileError: the file is damaged or not a FaceQuest motion file.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    if Path(path).is_symlink():
        raise LinkedRecordsError(Path(path))
    try:
        table = pq.read_table(path)
        meta = json.loads((table.schema.metadata or {})[METADATA_KEY])
        if str(meta.get("format")) != FORMAT_VERSION:
            raise ValueError(f"format {meta.get('format')!r}, not {FORMAT_VERSION!r}")
        data = {name: table.column(name).to_numpy(zero_copy_only=False)
                for name in table.column_names}
        return _trials_of(data, meta)
    except FileNotFoundError:
        raise
    except (OSError, KeyError, ValueError, TypeError, IndexError, AttributeError,
            pa.ArrowException) as exc:
        # a damaged file, or one whose values a record cannot hold (NaN scores, frames out
        # of order, a missing column): one sentence for the user, the detail in the log
        logger.debug("motion record %s unreadable: %r", path, exc)
        raise MotionFileError(f"{path.name} is not a readable motion record") from exc


def _trials_of(data: dict[str, Any], meta: dict[str, Any]) -> list[tuple[int, TrialMotion]]:
    """The trials of a file's columns and metadata (ValueError, KeyError, ... when its values
    cannot make records)."""
    floats = np.stack([data[c] for c in FLOAT_COLUMNS[1:]], axis=1).astype(np.float32)
    splits = np.cumsum([5, len(BLENDSHAPE_COLUMNS), len(ACTION_COLUMNS), len(LEFT_COLUMNS)])
    out: list[tuple[int, TrialMotion]] = []
    for key, info in meta["trials"].items():
        index = int(key)
        rows = np.flatnonzero(data["trial_index"] == index)
        frames = []
        for row in rows:
            face = None
            if data["has_face"][row]:
                head, blend, acts, left, right = np.split(floats[row], splits)
                face = FaceMotion(blend, acts, left, right, (float(head[0]), float(head[1]),
                                                              float(head[2])),
                                  float(head[3]), str(data["neutral"][row]), float(head[4]))
            flags = frozenset(QualityFlag(f) for f in str(data["flags"][row]).split(",") if f)
            frames.append(MotionFrame(int(data["t_ms"][row]), face, flags,
                                      bool(data["trusted"][row]),
                                      float(data["target_score"][row])))
        marks = tuple(MotionMark(int(t), MarkKind(kind), str(detail))
                      for t, kind, detail in info["marks"])
        out.append((index, TrialMotion(str(info["target"]), str(info["mode"]), tuple(frames),
                                       marks, bool(info["model_face_shown"]))))
    return sorted(out, key=lambda pair: pair[0])


class SessionMotionWriter(Closing):
    """Keeps one session's motion file up to date, one finished trial at a time.

    `add(trial_index, motion)` returns at once; a worker thread rewrites the file atomically.
    `close()` waits for the last write. A write the disk refuses is logged and retried with
    the next trial (the record is research data: the child plays on without it).
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._trials: list[tuple[int, TrialMotion]] = []
        self._built: dict[int, tuple[TrialMotion, Any]] = {}  # the writer thread's only
        self._queue: queue.Queue[tuple[tuple[int, TrialMotion], ...] | None] = queue.Queue()
        self.failed_writes = 0
        self._thread = threading.Thread(target=self._run, name="motion-writer", daemon=True)
        self._thread.start()

    def add(self, trial_index: int, motion: TrialMotion) -> None:
        """Add (or replace) a finished trial's record and write the session file."""
        self._trials = [(i, m) for i, m in self._trials if i != trial_index]
        self._trials.append((trial_index, motion))
        self._queue.put(tuple(sorted(self._trials, key=lambda pair: pair[0])))

    def _run(self) -> None:
        while True:
            trials = self._queue.get()
            taken = 1
            while trials is not None and not self._queue.empty():  # the newest state matters
                newer = self._queue.get()
                taken += 1
                if newer is None:
                    self._write(trials)
                    trials = None
                    break
                trials = newer
            if trials is not None:
                self._write(trials)
            for _ in range(taken):
                self._queue.task_done()
            if trials is None:
                return

    def flush(self) -> None:
        """Wait until every trial added so far is on disk (or its write failed)."""
        if self._thread.is_alive():
            self._queue.join()

    def _write(self, trials: tuple[tuple[int, TrialMotion], ...]) -> None:
        try:
            for index, motion in trials:  # each trial's rows built once, on this thread
                if self._built.get(index, (None, None))[0] is not motion:
                    self._built[index] = (motion, trial_table(index, motion))
            data = encode_session(trials, {i: table for i, (_, table) in self._built.items()})
            ensure_private_dir(self.path.parent)
            atomic_write_bytes(self.path, data)
        except OSError as exc:
            self.failed_writes += 1
            logger.warning("the motion record could not be written (%s)", exc.strerror or exc)
        except Exception:  # research data: never stop the writer (flush would wait forever)
            self.failed_writes += 1
            logger.exception("the motion record could not be written")

    def close(self) -> None:
        if self._thread.is_alive():
            self._queue.put(None)
            self._thread.join(timeout=30)
