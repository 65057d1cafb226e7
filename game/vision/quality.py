"""Quality flags: can this face be scored? The game pauses kindly when it cannot.

Computed once per observation, here. Every threshold is a named constant, measured on real
faces (`facequest robustness` on the dev sets; docs/robustness.md):

- `MIN_FACE_WIDTH_PX`: below this width of the landmark box, scoring no longer holds.
  Measured with `facequest robustness` (80 dev faces, the flag off) in 1280x720 frames:
  accuracy 0.86 / target hit rate 0.71 at full size, 0.85 / 0.75 at 90 px, 0.81 / 0.66 at
  57 px, 0.81 / 0.54 at 48 px, and at 40 px only 56% of faces are found. Faces down to
  about 40 px are found and followed (`game.vision.reach`), so a child who sits too far
  hears "Come a little bit closer!" instead of "I can't see you".
- `MAX_YAW_DEG` / `MAX_PITCH_DEG`: the posed dataset faces stay within about 12 degrees of
  frontal; past about 30 degrees MediaPipe's blendshapes on the far side of the face
  degrade (one side of the face is hidden). Roll is cancelled by turning every image the
  models see upright by the eye line, so only an extreme roll (`MAX_ROLL_DEG`) is flagged.
- `MIN_FACE_BRIGHTNESS` / `MIN_FACE_CONTRAST`: the face's own exposure (mean luma of the
  middle of the face box, 0-255) and contrast (90th minus 10th percentile of luma there),
  not the frame's: a dim face with its detail intact is scored (its images are normalised
  by `game.vision.face_crop`), a face whose detail is lost in the dark or in sensor noise
  is not. Measured on 40 faces of each dev set (children / adults): at exposure x0.5 the
  faces keep a contrast of 47 / 36 (10th percentile) and their accuracy (0.90 / 0.85 vs
  0.88 / 0.90 clean); at x0.22 with sensor noise the contrast falls to 21-30 / 17-25 and
  accuracy to 0.80 / 0.62, so both are flagged alike there. The frame's mean luma (the
  old rule, brightness < 35) flagged 31% of children and 86% of adults at x0.22. Dim faces
  that are scored have their images normalised (`game.vision.face_crop.exposure_gain`:
  accuracy at x0.12 0.57 -> 0.72 children, 0.45 -> 0.53 adults).
- Covered parts (`game.vision.occlusion`): a hand, cloth or toy over the mouth or the eyes
  is flagged by name, so the child hears what to uncover, and that face is not scored. A
  face already flagged too small, too dark or turned is not judged for covered parts.
"""

from __future__ import annotations

from game.expressions import QualityFlag
from game.vision.features import head_pose_degrees
from game.vision.occlusion import OcclusionModel, default_occlusion_model
from game.vision.records import FaceObservation

MIN_FACE_WIDTH_PX = 54.0
MAX_YAW_DEG = 30.0
MAX_PITCH_DEG = 30.0
MAX_ROLL_DEG = 45.0
MIN_FACE_BRIGHTNESS = 20.0
MIN_FACE_CONTRAST = 30.0

NO_FACE_DARK_FRAME = 35.0  # no face found in a frame this dark (mean luma): say it is dark

_COVERED_FLAGS = {"mouth": QualityFlag.MOUTH_COVERED, "eyes": QualityFlag.EYES_COVERED}
# A face too small, too dark or turned away is not judged for covered parts: its crop is
# not what the occlusion model knows, and the child needs the other words first.
_UNJUDGED = frozenset({QualityFlag.FACE_TOO_SMALL, QualityFlag.TOO_DARK, QualityFlag.HEAD_TURNED})


def face_width_px(observation: FaceObservation) -> float:
    x0, _, x1, _ = observation.face_box
    return x1 - x0


def too_dark(brightness: float, contrast: float | None) -> bool:
    """Whether a face this bright (mean luma) with this contrast (p90 - p10 luma; None: not
    measured) is too dark to score."""
    low_contrast = contrast is not None and contrast < MIN_FACE_CONTRAST
    return brightness < MIN_FACE_BRIGHTNESS or low_contrast


def quality_flags(
    observation: FaceObservation, occlusion: OcclusionModel | None = None
) -> frozenset[QualityFlag]:
    """The quality problems of one observation (empty when it can be scored as it is).

    `SEVERAL_FACES` is advisory (the child's face is scored: `game.vision.child_lock`); the
    others block scoring. `occlusion` defaults to the shipped model (no covered-part check
    when none is shipped).
    """
    if not observation.has_face:
        flags = {QualityFlag.NO_FACE}
        if observation.brightness < NO_FACE_DARK_FRAME:
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
    if too_dark(observation.brightness, observation.contrast):
        flags.add(QualityFlag.TOO_DARK)
    model = occlusion if occlusion is not None else default_occlusion_model()
    if model is not None and observation.face_crop.size and not flags & _UNJUDGED:
        flags.update(_COVERED_FLAGS[part] for part in model.covered(observation.face_crop))
    return frozenset(flags)
