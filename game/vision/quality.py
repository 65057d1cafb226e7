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
- `MAX_OUT_SIDE` / `MAX_OUT_BELOW` / `MAX_OUT_ABOVE` (`partly_out_of_view`): MediaPipe
  places the whole mesh also where the frame cuts the face off, so the share of the
  landmark box past the frame's edges says how much of the face is out of view. Measured
  with `game.vision.conditions.partly_out` on 120 dev faces (40 per set; people the model
  trained on), 5-35% of the face past the side, 5-25% past the bottom, binned by the
  measured share (accuracy / hit rate; clean 0.91 / 0.87): past the side 0.05-0.10: 0.90 /
  0.84, 0.10-0.15: 0.86 / 0.82, 0.15-0.20: 0.85 / 0.77, 0.30-0.35: 0.79 / 0.71; past the
  bottom 0.08-0.12: 0.82 / 0.81, 0.12-0.16: 0.82 / 0.83, 0.16-0.20: 0.68 / 0.72, and the
  occlusion model calls the mouth covered from about 0.10 (12% of faces at 15% cut, 73% at
  25%). The dev sets' own tight crops already cut some chins (up to 0.146 of the box on
  clean children's faces), so `MAX_OUT_BELOW` is 0.15 (no clean dev face of 600 flagged;
  0.12 would flag 2% of the clean children's faces); and past `CUT_CHIN` a mouth the
  occlusion model calls covered is the frame's edge, so it is flagged out of view instead:
  a cut-off face is never called covered. The forehead (`MAX_OUT_ABOVE`) is not measured:
  0.25 of the box is about where the brows begin. `facequest robustness` (same 120 faces):
  a face 35% past the side is flagged 100% (`out_side_35`; unflagged, its accuracy was 0.75
  and hit rate 0.65), a chin 15% below the frame 31% (`out_chin`: the rest are scored at
  accuracy 0.89, clean 0.91).
- `MIN_BLUR_BALANCE` (`blur_balance`): a child moving smears the face along one direction,
  so the face crop (`FaceObservation.face_crop`, already normalised for scale and roll)
  loses its fine detail (second-derivative energy) in that direction only. Its share in
  each of 8 directions is compared to a still face's (`BLUR_REFERENCE`); the least over
  the most of those ratios is the balance. A far, small or low-resolution face is soft in
  every direction alike and keeps its balance, so no calibration is needed: clean dev
  faces are flagged 0.0% (0 of 200 in each set: children, adults, CK+'s 48 px faces
  sampled up), mirrored 0.0%, faces 57 px wide in 1280x720 0.2% (1 of 600). Motion blur
  (`game.vision.conditions.motion_blurred`, a line kernel in a seeded direction; same 600
  faces, people the model trained on): at 4% of the face's width 33% / 34% / 1% are
  flagged (children / adults / CK+) and the rest are scored at accuracy 0.80 / 0.84 / 1.00
  (clean 0.84 / 0.87 / 1.00); at 8% 91% / 95% / 28% are flagged (unflagged accuracy 0.86 /
  0.91 / 0.97; all faces 0.80 / 0.72 / 0.98, 6.5% of children confidently wrong); at 16%
  99.5% / 100% / 91% (all faces 0.53 / 0.41 / 0.70). CK+'s 48 px faces hold their detail
  under a small blur (it is below their own resolution), so they are flagged less.
  A face flagged too small, too dark, turned or out of view is not judged for blur.
- Covered parts (`game.vision.occlusion`): a hand, cloth, toy or pacifier over the mouth,
  or something over the eyes, is flagged by name, so the child hears what to uncover, and
  that face is not scored. The mouth is also flagged covered when its ellipse holds a
  colour no skin or lip has (`game.vision.mouth_colour`: a pacifier's shield the grey
  crop's edges miss). A face already flagged too small, too dark, turned, out of view
  or blurred is not judged for covered parts (`UNJUDGED_FOR_COVER`; `covered_flags`). On
  people the occlusion model never saw, clean faces are flagged covered 0.0% (0 of 1095),
  children's cheap-webcam, side-light and dim copies 0.0-0.1%; a chin cut 10-30% by the
  frame's bottom edge is never called covered (tests/vision/test_occlusion_conditions.py,
  real children's and adults' faces).
"""

from __future__ import annotations

import cv2
import numpy as np

from game.expressions import QualityFlag
from game.vision.features import head_pose_degrees
from game.vision.mouth_colour import MAX_ODD_COLOUR_SHARE, odd_colour_share
from game.vision.occlusion import OcclusionModel, default_occlusion_model
from game.vision.records import FaceObservation

MIN_FACE_WIDTH_PX = 54.0
MAX_YAW_DEG = 30.0
MAX_PITCH_DEG = 30.0
MAX_ROLL_DEG = 45.0
MIN_FACE_BRIGHTNESS = 20.0
MIN_FACE_CONTRAST = 30.0
MAX_OUT_SIDE = 0.15  # share of the landmark box's width past the frame's left or right edge
MAX_OUT_BELOW = 0.15  # share of its height past the bottom edge (the chin)
# a chin this far past the bottom edge: a "covered" mouth is the frame's edge, not a cover
CUT_CHIN = 0.08
MAX_OUT_ABOVE = 0.25  # share of its height past the top edge (the forehead)
MIN_BLUR_BALANCE = 0.2  # directional sharpness balance (`blur_balance`) of a still face

# The face crop's directional second-derivative energy, as shares over `_BLUR_ANGLES`, of a
# still face: the median of 600 clean dev faces (200 of each set), made symmetric (a face
# mirrored left-right swaps angle t for 180 - t). A face is sharper across its horizontal
# features (brows, eyes, lips) than along them, so the shares peak at 90 degrees.
BLUR_REFERENCE = (0.083, 0.082, 0.106, 0.169, 0.205, 0.169, 0.106, 0.082)
_BLUR_ANGLES = np.linspace(0.0, np.pi, len(BLUR_REFERENCE), endpoint=False)
# rows and columns of the face crop judged for blur: brows to chin, cheek to cheek
_BLUR_REGION = (slice(32, 112), slice(24, 104))

NO_FACE_DARK_FRAME = 35.0  # no face found in a frame this dark (mean luma): say it is dark

_COVERED_FLAGS = {"mouth": QualityFlag.MOUTH_COVERED, "eyes": QualityFlag.EYES_COVERED}
# A face too small, too dark or turned away is not judged for covered parts: its crop is
# not what the occlusion model knows, and the child needs the other words first.
# A face cut off by the frame's edge is not called covered (its crop's missing part looks
# like a cover) nor blurred (the crop's edge is smeared where the frame ends).
UNJUDGED_FOR_COVER = frozenset({
    QualityFlag.FACE_TOO_SMALL, QualityFlag.TOO_DARK, QualityFlag.HEAD_TURNED,
    QualityFlag.PARTLY_OUT_OF_VIEW, QualityFlag.MOTION_BLUR,
})


def face_width_px(observation: FaceObservation) -> float:
    x0, _, x1, _ = observation.face_box
    return x1 - x0


def too_dark(brightness: float, contrast: float | None) -> bool:
    """Whether a face this bright (mean luma) with this contrast (p90 - p10 luma; None: not
    measured) is too dark to score."""
    low_contrast = contrast is not None and contrast < MIN_FACE_CONTRAST
    return brightness < MIN_FACE_BRIGHTNESS or low_contrast


def out_of_view(observation: FaceObservation) -> tuple[float, float, float]:
    """How much of the face lies past the frame's edges, from its landmarks (MediaPipe
    places the whole mesh, also where the frame cut it off): (share of the landmark box's
    width past the left and right edges, share of its height past the bottom edge, share
    past the top edge)."""
    if not len(observation.landmarks):
        return 0.0, 0.0, 0.0
    width, height = observation.frame_size
    points = observation.landmarks[:, :2]
    x0, y0 = (float(v) for v in points.min(axis=0))
    x1, y1 = (float(v) for v in points.max(axis=0))
    box_w, box_h = max(x1 - x0, 1e-6), max(y1 - y0, 1e-6)
    side = (max(0.0, -x0) + max(0.0, x1 - width)) / box_w
    return side, max(0.0, y1 - height) / box_h, max(0.0, -y0) / box_h


def partly_out_of_view(observation: FaceObservation) -> bool:
    side, below, above = out_of_view(observation)
    return side > MAX_OUT_SIDE or below > MAX_OUT_BELOW or above > MAX_OUT_ABOVE


def directional_sharpness(face_crop: np.ndarray) -> np.ndarray:
    """The energy of the face crop's second derivative along each of `_BLUR_ANGLES`, as
    shares of their sum (the middle of the face, `_BLUR_REGION`)."""
    grey = face_crop.astype(np.float32)
    gxx = cv2.Sobel(grey, cv2.CV_32F, 2, 0, ksize=3)[_BLUR_REGION]
    gyy = cv2.Sobel(grey, cv2.CV_32F, 0, 2, ksize=3)[_BLUR_REGION]
    gxy = cv2.Sobel(grey, cv2.CV_32F, 1, 1, ksize=3)[_BLUR_REGION]
    energies = np.array([
        float(np.mean((c * c * gxx + 2 * c * s * gxy + s * s * gyy) ** 2))
        for c, s in zip(np.cos(_BLUR_ANGLES), np.sin(_BLUR_ANGLES), strict=True)
    ])
    total = float(energies.sum())
    if total <= 0:
        return np.full(len(_BLUR_ANGLES), 1.0 / len(_BLUR_ANGLES))
    return energies / total


def blur_balance(face_crop: np.ndarray) -> float:
    """How evenly the face keeps its fine detail in every direction, against a still face
    (`BLUR_REFERENCE`): the least over the most of the shares' ratios to the reference, 1
    for a face as sharp every way as the reference. A movement blurs along one direction
    only, so that direction's share falls; a small, far or low-resolution face is soft in
    every direction alike and keeps its balance (no calibration is needed)."""
    ratios = directional_sharpness(face_crop) / np.asarray(BLUR_REFERENCE)
    return float(ratios.min() / max(float(ratios.max()), 1e-12))


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
    if partly_out_of_view(observation):
        flags.add(QualityFlag.PARTLY_OUT_OF_VIEW)
    if too_dark(observation.brightness, observation.contrast):
        flags.add(QualityFlag.TOO_DARK)
    if (observation.face_crop.size and not flags & UNJUDGED_FOR_COVER
            and blur_balance(observation.face_crop) < MIN_BLUR_BALANCE):
        flags.add(QualityFlag.MOTION_BLUR)
    model = occlusion if occlusion is not None else default_occlusion_model()
    if model is not None and observation.face_crop.size and not flags & UNJUDGED_FOR_COVER:
        flags.update(covered_flags(observation.face_crop, out_of_view(observation)[1], model,
                                   mouth_colour(observation)))
    return frozenset(flags)


def mouth_colour(observation: FaceObservation) -> float:
    """`mouth_colour.odd_colour_share` of the observation's colour patch (0.0 when it has
    none, or its landmarks are degenerate)."""
    try:
        return odd_colour_share(observation.face_patch, observation.landmarks)
    except ValueError:
        return 0.0


def covered_flags(
    face_crop: np.ndarray, below: float, model: OcclusionModel, odd_colour: float = 0.0
) -> frozenset[QualityFlag]:
    """The covered-part flags of a face judged for covered parts (its other flags not in
    `UNJUDGED_FOR_COVER`): `model`'s covered parts of the (128, 128) uint8 face crop, and
    the mouth when its `odd_colour` share (`mouth_colour.odd_colour_share`) is over
    `MAX_ODD_COLOUR_SHARE`; except that a "covered" mouth of a face whose chin is more than
    `CUT_CHIN` of its height (`below`, `out_of_view`) past the frame's bottom edge is the
    frame's edge: flagged `PARTLY_OUT_OF_VIEW` instead."""
    covered = {_COVERED_FLAGS[part] for part in model.covered(face_crop)}
    if odd_colour > MAX_ODD_COLOUR_SHARE:
        covered.add(QualityFlag.MOUTH_COVERED)
    if QualityFlag.MOUTH_COVERED in covered and below > CUT_CHIN:
        covered = {QualityFlag.PARTLY_OUT_OF_VIEW} | (covered - {QualityFlag.MOUTH_COVERED})
    return frozenset(covered)
