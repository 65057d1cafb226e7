"""Feature vector for one face: blendshapes + landmark geometry + head pose.

The same function feeds the live game and the training code, so a model always sees
features made the same way. Change anything here and bump `FEATURE_SPEC_VERSION`: the
model's metadata records the version it was trained on and loading refuses a mismatch.

Geometry is measured in the face's own frame: landmarks are centred between the eyes,
rotated so the eye line is horizontal (roll cancels) and divided by the inter-ocular
distance (head size cancels). y grows downwards, as in the image.
"""

from __future__ import annotations

import math

import numpy as np

from game.vision.records import FaceObservation, FeatureVector

FEATURE_SPEC_VERSION = "1"

# MediaPipe's 52 blendshape names, in the model's output order.
BLENDSHAPE_NAMES: tuple[str, ...] = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft",
    "browOuterUpRight", "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft",
    "eyeBlinkRight", "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight",
    "eyeLookOutLeft", "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft",
    "eyeSquintRight", "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen",
    "jawRight", "mouthClose", "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft",
    "mouthFrownRight", "mouthFunnel", "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight",
    "mouthPressLeft", "mouthPressRight", "mouthPucker", "mouthRight", "mouthRollLower",
    "mouthRollUpper", "mouthShrugLower", "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight",
    "mouthStretchLeft", "mouthStretchRight", "mouthUpperUpLeft", "mouthUpperUpRight",
    "noseSneerLeft", "noseSneerRight",
)

# Landmark indices of MediaPipe's 478-point face mesh. "_l" is the person's left side
# (the right of an unmirrored image).
_EYE_R_OUTER, _EYE_R_INNER, _EYE_R_TOP, _EYE_R_BOTTOM = 33, 133, 159, 145
_EYE_L_OUTER, _EYE_L_INNER, _EYE_L_TOP, _EYE_L_BOTTOM = 263, 362, 386, 374
_BROW_R_INNER, _BROW_R_MID, _BROW_R_OUTER = 107, 105, 70
_BROW_L_INNER, _BROW_L_MID, _BROW_L_OUTER = 336, 334, 300
_MOUTH_R, _MOUTH_L = 61, 291
_LIP_UP_IN, _LIP_LOW_IN, _LIP_UP_OUT, _LIP_LOW_OUT = 13, 14, 0, 17
_SUBNASALE, _NOSE_TIP, _ALA_R, _ALA_L = 2, 1, 98, 327
_CHIN = 152

GEOMETRY_NAMES: tuple[str, ...] = (
    "geo_eye_open_l", "geo_eye_open_r",
    "geo_brow_inner_height_l", "geo_brow_inner_height_r",
    "geo_brow_outer_height_l", "geo_brow_outer_height_r",
    "geo_brow_mid_height_l", "geo_brow_mid_height_r",
    "geo_brow_gap",
    "geo_corner_drop_l", "geo_corner_drop_r",
    "geo_mouth_width", "geo_mouth_open", "geo_lips_outer_height",
    "geo_lip_to_nose", "geo_nose_width", "geo_chin_to_nose",
)
POSE_NAMES: tuple[str, ...] = ("pose_yaw", "pose_pitch", "pose_roll")

FEATURE_NAMES: tuple[str, ...] = BLENDSHAPE_NAMES + GEOMETRY_NAMES + POSE_NAMES


def aligned_landmarks(observation: FaceObservation) -> np.ndarray:
    """Landmarks (478, 2) in the face's frame: eye midpoint at 0, eye line along +x, IOD = 1."""
    pts = observation.landmarks[:, :2].astype(np.float64)
    eye_r = (pts[_EYE_R_OUTER] + pts[_EYE_R_INNER]) / 2
    eye_l = (pts[_EYE_L_OUTER] + pts[_EYE_L_INNER]) / 2
    centre = (eye_r + eye_l) / 2
    dx, dy = eye_l - eye_r
    iod = math.hypot(dx, dy)
    if iod < 1e-6:
        raise ValueError("degenerate face: the eyes coincide")
    cos, sin = dx / iod, dy / iod
    rot = np.array([[cos, sin], [-sin, cos]])
    return ((pts - centre) @ rot.T) / iod


def head_pose_degrees(transform: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from the 4x4 facial transformation matrix."""
    r = np.asarray(transform, dtype=np.float64)[:3, :3]
    scale = np.linalg.norm(r[:, 0])
    if scale > 1e-9:
        r = r / scale
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, -r[2, 0]))))
    pitch = math.degrees(math.atan2(r[2, 1], r[2, 2]))
    roll = math.degrees(math.atan2(r[1, 0], r[0, 0]))
    return yaw, pitch, roll


def _geometry(a: np.ndarray) -> list[float]:
    """The named geometric measures from eye-aligned landmarks `a` (IOD units)."""

    def dist(i: int, j: int) -> float:
        return float(np.linalg.norm(a[i] - a[j]))

    eye_r_y = (a[_EYE_R_TOP, 1] + a[_EYE_R_BOTTOM, 1]) / 2
    eye_l_y = (a[_EYE_L_TOP, 1] + a[_EYE_L_BOTTOM, 1]) / 2
    lip_centre_y = (a[_LIP_UP_IN, 1] + a[_LIP_LOW_IN, 1]) / 2
    return [
        dist(_EYE_L_TOP, _EYE_L_BOTTOM) / max(dist(_EYE_L_OUTER, _EYE_L_INNER), 1e-6),
        dist(_EYE_R_TOP, _EYE_R_BOTTOM) / max(dist(_EYE_R_OUTER, _EYE_R_INNER), 1e-6),
        float(eye_l_y - a[_BROW_L_INNER, 1]),
        float(eye_r_y - a[_BROW_R_INNER, 1]),
        float(eye_l_y - a[_BROW_L_OUTER, 1]),
        float(eye_r_y - a[_BROW_R_OUTER, 1]),
        float(eye_l_y - a[_BROW_L_MID, 1]),
        float(eye_r_y - a[_BROW_R_MID, 1]),
        dist(_BROW_L_INNER, _BROW_R_INNER),
        float(a[_MOUTH_L, 1] - lip_centre_y),
        float(a[_MOUTH_R, 1] - lip_centre_y),
        dist(_MOUTH_L, _MOUTH_R),
        dist(_LIP_UP_IN, _LIP_LOW_IN),
        dist(_LIP_UP_OUT, _LIP_LOW_OUT),
        dist(_SUBNASALE, _LIP_UP_OUT),
        dist(_ALA_L, _ALA_R),
        dist(_CHIN, _SUBNASALE),
    ]


def extract_features(observation: FaceObservation) -> FeatureVector:
    """The feature vector of one observed face (ValueError for the empty observation)."""
    if not observation.has_face:
        raise ValueError("no face in this observation: nothing to extract")
    blend = [float(observation.blendshapes.get(name, 0.0)) for name in BLENDSHAPE_NAMES]
    geometry = _geometry(aligned_landmarks(observation))
    pose = list(head_pose_degrees(observation.transform))
    values = np.asarray(blend + geometry + pose, dtype=np.float32)
    return FeatureVector(values=values, names=FEATURE_NAMES, spec_version=FEATURE_SPEC_VERSION)
