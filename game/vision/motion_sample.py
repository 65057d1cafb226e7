"""One face's movement from its features: the per-frame sample of the motion record.

`face_motion` measures every facial action of `game.expressions` (and each side of the
lateral ones, `game.motion.vocabulary.LATERAL_FEATURES`) as the change of its features from
the neutral face, in units of the action's `full_change`, unclipped, the same formula as the
action check (`game.vision.scoring.check_actions`) before it clips to [0, 1]. It keeps the
blendshapes, head pose and face size; no landmark coordinates and no pixels.

A mirrored source (the webcam, shown as a mirror to the child) shows the child's left side
as the person's right: `mirrored=True` swaps the sides back and turns the yaw's sign, so the
record always names the child's own sides.
"""

from __future__ import annotations

import numpy as np

from game.expressions import BLENDSHAPE_NAMES, all_actions
from game.motion.frame import FaceMotion
from game.motion.vocabulary import LATERAL_FEATURES
from game.vision.calibration import NeutralBaseline
from game.vision.features import head_pose_degrees
from game.vision.records import FaceObservation, FeatureVector

_ACTIONS = all_actions()
YAW_FEATURE = "pose_yaw"


class _Measure:
    """Feature values minus the neutral's, looked up once per name per frame."""

    def __init__(self, features: FeatureVector, baseline: NeutralBaseline) -> None:
        self._features, self._baseline = features, baseline
        self._seen: dict[str, float] = {}

    def change(self, name: str) -> float:
        found = self._seen.get(name)
        if found is None:
            found = self._features.get(name) - self._baseline.median(name)
            self._seen[name] = found
        return found

    def intensity(self, names: tuple[str, ...], direction: int, full_change: float) -> float:
        return direction * sum(self.change(n) for n in names) / len(names) / full_change


def face_motion(
    features: FeatureVector,
    baseline: NeutralBaseline,
    observation: FaceObservation,
    *,
    mirrored: bool = False,
) -> FaceMotion:
    """The `FaceMotion` of one observed face, measured from `baseline` (the child's
    calibration, or the population's neutral: its `source` says which).

    Raises ValueError when the observation has no face.
    """
    if not observation.has_face:
        raise ValueError("face_motion needs an observation with a face")
    measure = _Measure(features, baseline)
    actions = [measure.intensity(a.features, a.direction, a.full_change) for a in _ACTIONS]
    by_name = {a.name: a for a in _ACTIONS}
    left, right = [], []
    for name, (left_names, right_names) in LATERAL_FEATURES.items():
        act = by_name[name]
        left.append(measure.intensity(left_names, act.direction, act.full_change))
        right.append(measure.intensity(right_names, act.direction, act.full_change))
    yaw, pitch, roll = head_pose_degrees(observation.transform)
    neutral_yaw = baseline.median(YAW_FEATURE) if YAW_FEATURE in baseline.names else 0.0
    if mirrored:
        left, right = right, left
        yaw, roll, neutral_yaw = -yaw, -roll, -neutral_yaw
    blend = observation.blendshapes
    width = observation.frame_size[0]
    x0, _, x1, _ = observation.face_box
    return FaceMotion(
        blendshapes=np.array([blend.get(n, 0.0) for n in BLENDSHAPE_NAMES]),
        actions=np.array(actions),
        left=np.array(left),
        right=np.array(right),
        head_pose=(yaw, pitch, roll),
        face_size=(x1 - x0) / width if width else 0.0,
        neutral="child" if baseline.source == "child" else "population",
        neutral_yaw=neutral_yaw,
    )
