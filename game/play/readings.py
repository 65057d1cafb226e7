"""What the rules engine needs from one vision reading.

`game.play` never imports `game.vision`: it accepts anything shaped like a reading.
The face's movement it carries is `game.motion`'s pure record.
`game.vision.records.ExpressionReading` satisfies `Reading` as is (its `trusted` and
`face_present` are properties); tests use small fake dataclasses.
"""

from __future__ import annotations

from typing import Protocol

from game.expressions import HintKey, QualityFlag
from game.motion.frame import FaceMotion


class Reading(Protocol):
    """One scored frame as the engine sees it.

    `t_ms` is the vision clock of the frame (used only to ignore a reading seen twice);
    `target_score` is in [0, 1]; `hint` is the weakest facial action's hint (or None);
    `flags` are the quality problems; `trusted` is False when a blocking flag is up;
    `face_present` is False when there is no face (or no camera); `motion` is the face's
    movement for the trial's motion record (None without a face).
    """

    @property
    def t_ms(self) -> int: ...

    @property
    def target_score(self) -> float: ...

    @property
    def hint(self) -> HintKey | None: ...

    @property
    def flags(self) -> frozenset[QualityFlag]: ...

    @property
    def trusted(self) -> bool: ...

    @property
    def face_present(self) -> bool: ...

    @property
    def motion(self) -> FaceMotion | None: ...
