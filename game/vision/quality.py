"""Quality flags: can this face be scored? The game pauses kindly when it cannot.

Every threshold is a named constant, measured on real faces:

- `MIN_FACE_WIDTH_PX`: below this width of the landmark box the blendshapes get noisy. A
  child 1.5 m from a 640x480 laptop camera shows a face about 90 px wide; the cropped
  dataset faces (256-300 px images) are 150-230 px wide.
- `MAX_YAW_DEG` / `MAX_PITCH_DEG`: the posed dataset faces stay within about 12 degrees of
  frontal; past about 30 degrees MediaPipe's blendshapes on the far side of the face
  degrade (one side of the face is hidden). Roll is cancelled by the eye-line alignment of
  the features, so only an extreme roll (`MAX_ROLL_DEG`) is flagged.
- `MIN_FACE_BRIGHTNESS`: mean luma (0-255) of the face box. Dataset faces and the
  astronaut sit between about 80 and 200; at a third of the astronaut's brightness (about
  45) landmarks still hold, below about 35 the sensor noise dominates a webcam image.
"""

from __future__ import annotations

from game.expressions import QualityFlag
from game.vision.features import head_pose_degrees
from game.vision.records import FaceObservation

MIN_FACE_WIDTH_PX = 60.0
MAX_YAW_DEG = 30.0
MAX_PITCH_DEG = 30.0
MAX_ROLL_DEG = 45.0
MIN_FACE_BRIGHTNESS = 35.0


def face_width_px(observation: FaceObservation) -> float:
    x0, _, x1, _ = observation.face_box
    return x1 - x0


def quality_flags(observation: FaceObservation) -> frozenset[QualityFlag]:
    """The quality problems of one observation (empty when it can be scored as it is).

    `SEVERAL_FACES` is advisory (the largest, most central face is scored); the others
    block scoring.
    """
    if not observation.has_face:
        flags = {QualityFlag.NO_FACE}
        if observation.brightness < MIN_FACE_BRIGHTNESS:
            flags.add(QualityFlag.TOO_DARK)
        return frozenset(flags)
    flags = set()
    if observation.faces_seen > 1:
        flags.add(QualityFlag.SEVERAL_FACES)
    if face_width_px(observation) < MIN_FACE_WIDTH_PX:
        flags.add(QualityFlag.FACE_TOO_SMALL)
    yaw, pitch, roll = head_pose_degrees(observation.transform)
    if abs(yaw) > MAX_YAW_DEG or abs(pitch) > MAX_PITCH_DEG or abs(roll) > MAX_ROLL_DEG:
        flags.add(QualityFlag.HEAD_TURNED)
    if observation.brightness < MIN_FACE_BRIGHTNESS:
        flags.add(QualityFlag.TOO_DARK)
    return frozenset(flags)
