"""The child lock: which of the faces in a frame is the child's, frame after frame.

A parent leaning in to help shows a bigger face than the child's; scoring the biggest face
then rewards (or withholds) the wrong person's expression. So the tracker asks this lock:

- **Start** (nothing locked yet, or after `reset`, e.g. at calibration): the most central face
  is the child's. A child sits in front of the screen; a helper leans in from a side or stands
  behind. Ties (within `CENTRE_TIE`, a fraction of the frame's half-diagonal) go to the
  bigger face.
- **Follow**: a face continues the child's when its centre moved less than `MAX_SHIFT` of the
  child's face width (more while the child has been out of sight, up to `MAX_SHIFT_LOST`) and
  its width changed by less than the factor `MAX_SIZE_CHANGE`. The nearest such face wins;
  a face anywhere else never takes over, however big.
- **Come back**: when no face continues the child's, the child is away: `choose` answers
  None even if other faces are there, so the game pauses ("I can't see you"). Only after
  `FORGET_MS` with no face at all in view does the lock forget the child, so that the next
  face to sit down is taken; calibration also starts afresh (`reset`).

Appearance is not used: measured on 250 children's faces, the face-expression network's
embedding tells the same child from another child with ROC AUC 0.55 (it encodes
expression, not identity), and the children's set is grey, so colour cannot help there.

Pure and deterministic: fed one list of candidates per frame with its time; no MediaPipe,
no clock of its own. History is bounded (the last box and two times).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in frame px

CENTRE_TIE = 0.05
MAX_SHIFT = 0.8  # face widths between two looks at the child
MAX_SHIFT_LOST = 2.0  # ... after `SHIFT_GROWS_MS` or more out of sight
SHIFT_GROWS_MS = 2000
MAX_SIZE_CHANGE = 1.6
FORGET_MS = 5000


@dataclass(frozen=True, slots=True)
class Candidate:
    """One face found in a frame: its box (x0, y0, x1, y1 in frame px)."""

    box: Box

    @property
    def width(self) -> float:
        return max(self.box[2] - self.box[0], 1e-6)

    @property
    def centre(self) -> tuple[float, float]:
        return ((self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2)


class ChildLock:
    """Keeps hold of the child's face; see the module docstring for the rules."""

    def __init__(self) -> None:
        self._box: Box | None = None
        self._last_seen_ms = 0
        self._last_any_face_ms = 0

    @property
    def locked(self) -> bool:
        """Whether a child is known (being followed, or away and awaited)."""
        return self._box is not None

    @property
    def box(self) -> Box | None:
        """Where the child's face was last seen (frame px), or None before a lock."""
        return self._box

    def reset(self) -> None:
        """Forget the child: the next `choose` starts afresh (calibration does this)."""
        self._box = None

    def choose(
        self, candidates: list[Candidate], t_ms: int, frame_size: tuple[int, int]
    ) -> int | None:
        """The index in `candidates` of the child's face, or None when it is not among them.

        Args:
            candidates: the faces found in this frame (any order).
            t_ms: the frame's time in ms (non-decreasing from call to call).
            frame_size: (width, height) of the frame in px.
        """
        if candidates:
            self._last_any_face_ms = t_ms
        elif self._box is not None and t_ms - self._last_any_face_ms >= FORGET_MS:
            self.reset()
        if not candidates:
            return None
        index: int | None = (
            _most_central(candidates, frame_size)
            if self._box is None
            else self._follow(candidates, t_ms)
        )
        if index is not None:
            self._take(candidates[index], t_ms)
        return index

    def follows(self, candidates: list[Candidate], t_ms: int) -> int | None:
        """The index of the face that continues the child's, without taking it (None when
        none does, or nothing is locked). Changes nothing."""
        return self._follow(candidates, t_ms) if self._box is not None else None

    def _follow(self, candidates: list[Candidate], t_ms: int) -> int | None:
        assert self._box is not None
        child = Candidate(self._box)
        away = min(max(t_ms - self._last_seen_ms, 0) / SHIFT_GROWS_MS, 1.0)
        limit = MAX_SHIFT + (MAX_SHIFT_LOST - MAX_SHIFT) * away
        best, best_shift = None, np.inf
        for i, c in enumerate(candidates):
            shift = float(np.hypot(*np.subtract(c.centre, child.centre))) / child.width
            ratio = c.width / child.width
            same_size = 1 / MAX_SIZE_CHANGE <= ratio <= MAX_SIZE_CHANGE
            if shift <= limit and same_size and shift < best_shift:
                best, best_shift = i, shift
        return best

    def _take(self, candidate: Candidate, t_ms: int) -> None:
        self._box, self._last_seen_ms = candidate.box, t_ms


def _most_central(candidates: list[Candidate], frame_size: tuple[int, int]) -> int:
    width, height = frame_size
    half_diagonal = float(np.hypot(width, height)) / 2
    distances = [
        float(np.hypot(c.centre[0] - width / 2, c.centre[1] - height / 2)) / half_diagonal
        for c in candidates
    ]
    nearest = min(distances)
    tied = [i for i, d in enumerate(distances) if d <= nearest + CENTRE_TIE]
    return max(tied, key=lambda i: candidates[i].width)
