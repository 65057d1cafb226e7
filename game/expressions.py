"""The closed vocabulary shared by every layer: expressions, facial actions, hints, quality flags.

Nothing here imports anything of ours or any third-party library, so the rules engine
(`game.play`), the vision engine (`game.vision`) and the UI all speak the same words.

The action prototypes follow the FACS/EMFACS table in EXPRESSIONS.md: each expression is a
set of facial actions, each action is measured by named features (blendshapes and landmark
geometry from `game.vision.features`) that rise (+1) or fall (-1) when the action is made,
and each action has the one hint that asks the child to make it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Expression(enum.StrEnum):
    """The expressions a level may ask for. Order is the model's class order."""

    NEUTRAL = "neutral"
    HAPPY = "happy"
    SAD = "sad"
    ANGRY = "angry"
    SURPRISED = "surprised"
    FEARFUL = "fearful"
    DISGUSTED = "disgusted"

    @classmethod
    def parse(cls, text: str) -> Expression:
        """Parse a name (case-insensitive); raise ValueError naming the allowed values."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            allowed = ", ".join(e.value for e in cls)
            raise ValueError(f"unknown expression {text!r}; allowed: {allowed}") from None


# MediaPipe's 52 blendshape names, in the landmarker's output order (the feature vector,
# the motion record and the avatar's replay all use this order).
BLENDSHAPE_NAMES: tuple[str, ...] = (
    "_neutral",
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "eyeBlinkLeft",
    "eyeBlinkRight",
    "eyeLookDownLeft",
    "eyeLookDownRight",
    "eyeLookInLeft",
    "eyeLookInRight",
    "eyeLookOutLeft",
    "eyeLookOutRight",
    "eyeLookUpLeft",
    "eyeLookUpRight",
    "eyeSquintLeft",
    "eyeSquintRight",
    "eyeWideLeft",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawOpen",
    "jawRight",
    "mouthClose",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthFunnel",
    "mouthLeft",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthPucker",
    "mouthRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "noseSneerLeft",
    "noseSneerRight",
)


class HintKey(enum.StrEnum):
    """One corrective hint: which part of the face to change, and how.

    The keys are stable identifiers: voice prompts, on-screen texts and avatar highlights
    are looked up by them.
    """

    SMILE_WIDER = "smile_wider"
    SQUINT_CHEEKS = "squint_cheeks"
    OPEN_MOUTH = "open_mouth"
    RAISE_BROWS = "raise_brows"
    RAISE_INNER_BROWS = "raise_inner_brows"
    LOWER_BROWS = "lower_brows"
    WIDEN_EYES = "widen_eyes"
    NARROW_EYES = "narrow_eyes"
    FROWN_CORNERS = "frown_corners"
    PRESS_LIPS = "press_lips"
    STRETCH_LIPS = "stretch_lips"
    WRINKLE_NOSE = "wrinkle_nose"
    RAISE_UPPER_LIP = "raise_upper_lip"
    RELAX_FACE = "relax_face"


class FacePart(enum.StrEnum):
    """The parts the avatar can highlight when a hint is shown."""

    BROWS = "brows"
    EYES = "eyes"
    CHEEKS = "cheeks"
    NOSE = "nose"
    MOUTH = "mouth"
    WHOLE_FACE = "face"


HINT_PART: dict[HintKey, FacePart] = {
    HintKey.SMILE_WIDER: FacePart.MOUTH,
    HintKey.SQUINT_CHEEKS: FacePart.CHEEKS,
    HintKey.OPEN_MOUTH: FacePart.MOUTH,
    HintKey.RAISE_BROWS: FacePart.BROWS,
    HintKey.RAISE_INNER_BROWS: FacePart.BROWS,
    HintKey.LOWER_BROWS: FacePart.BROWS,
    HintKey.WIDEN_EYES: FacePart.EYES,
    HintKey.NARROW_EYES: FacePart.EYES,
    HintKey.FROWN_CORNERS: FacePart.MOUTH,
    HintKey.PRESS_LIPS: FacePart.MOUTH,
    HintKey.STRETCH_LIPS: FacePart.MOUTH,
    HintKey.WRINKLE_NOSE: FacePart.NOSE,
    HintKey.RAISE_UPPER_LIP: FacePart.NOSE,
    HintKey.RELAX_FACE: FacePart.WHOLE_FACE,
}


class QualityFlag(enum.StrEnum):
    """Why a reading cannot be trusted. A reading with any flag is not scored."""

    NO_FACE = "no_face"
    SEVERAL_FACES = "several_faces"
    FACE_TOO_SMALL = "face_too_small"
    HEAD_TURNED = "head_turned"
    PARTLY_OUT_OF_VIEW = "partly_out_of_view"
    TOO_DARK = "too_dark"
    MOTION_BLUR = "motion_blur"
    MOUTH_COVERED = "mouth_covered"
    EYES_COVERED = "eyes_covered"
    CAMERA_LOST = "camera_lost"
    NOT_CALIBRATED = "not_calibrated"


# Flags that only warn: scoring still runs (several faces: we pick the most central one;
# not calibrated: scores are absolute instead of relative to the child's neutral).
ADVISORY_FLAGS: frozenset[QualityFlag] = frozenset(
    {QualityFlag.SEVERAL_FACES, QualityFlag.NOT_CALIBRATED}
)


def flags_trusted(flags: frozenset[QualityFlag]) -> bool:
    """A reading with these flags can be scored: none of them blocks (only advisory ones)."""
    return not (flags - ADVISORY_FLAGS)


def flags_face_present(flags: frozenset[QualityFlag]) -> bool:
    """A face is in view (the camera works and found one), whatever else is flagged."""
    return QualityFlag.NO_FACE not in flags and QualityFlag.CAMERA_LOST not in flags


@dataclass(frozen=True, slots=True)
class FacialAction:
    """One facial action (an action unit or a group of them) and how we measure it.

    `features` name entries of the feature vector; `direction` is +1 when the feature grows
    as the action is made, -1 when it shrinks. `full_change` is the change from the child's
    neutral, in feature units, that counts as the action fully made.
    """

    name: str
    aus: str
    features: tuple[str, ...]
    direction: int
    full_change: float
    hint: HintKey


# full_change values: about the median change of the posed expression from the neutral
# median, measured on both dev datasets (cafe_children, tw_performers) with MediaPipe 1.2.
_ACTIONS: dict[str, FacialAction] = {
    a.name: a
    for a in (
        FacialAction(
            "lip_corners_up", "AU12", ("mouthSmileLeft", "mouthSmileRight"), 1, 0.5,
            HintKey.SMILE_WIDER,
        ),
        FacialAction(
            # MediaPipe's cheekSquint stays at 0 on all 1,727 dataset faces; the lids narrow
            # with AU6 instead (eyeSquint +0.24..0.26 median in happy faces, both datasets).
            "cheeks_raised", "AU6", ("eyeSquintLeft", "eyeSquintRight"), 1, 0.25,
            HintKey.SQUINT_CHEEKS,
        ),
        FacialAction("jaw_drop", "AU26", ("jawOpen",), 1, 0.35, HintKey.OPEN_MOUTH),
        FacialAction("lips_part", "AU25", ("geo_mouth_open",), 1, 0.2, HintKey.OPEN_MOUTH),
        FacialAction(
            "inner_brows_up", "AU1", ("browInnerUp", "geo_brow_inner_height_l",
                                      "geo_brow_inner_height_r"), 1, 0.25,
            HintKey.RAISE_INNER_BROWS,
        ),
        FacialAction(
            "outer_brows_up", "AU2", ("browOuterUpLeft", "browOuterUpRight"), 1, 0.3,
            HintKey.RAISE_BROWS,
        ),
        FacialAction(
            "brows_lowered", "AU4", ("browDownLeft", "browDownRight"), 1, 0.2,
            HintKey.LOWER_BROWS,
        ),
        FacialAction(
            "brows_together", "AU4", ("geo_brow_gap",), -1, 0.03, HintKey.LOWER_BROWS,
        ),
        FacialAction(
            "upper_lids_up", "AU5", ("geo_eye_open_l", "geo_eye_open_r"), 1, 0.06,
            HintKey.WIDEN_EYES,
        ),
        FacialAction(
            "lids_tight", "AU7", ("eyeSquintLeft", "eyeSquintRight"), 1, 0.3,
            HintKey.NARROW_EYES,
        ),
        FacialAction(
            "lip_corners_down", "AU15", ("mouthFrownLeft", "mouthFrownRight",
                                         "geo_corner_drop_l", "geo_corner_drop_r"), 1, 0.04,
            HintKey.FROWN_CORNERS,
        ),
        FacialAction(
            "lips_pressed", "AU23/24", ("mouthPressLeft", "mouthPressRight"), 1, 0.25,
            HintKey.PRESS_LIPS,
        ),
        FacialAction(
            "lips_stretched", "AU20", ("mouthStretchLeft", "mouthStretchRight"), 1, 0.2,
            HintKey.STRETCH_LIPS,
        ),
        FacialAction(
            # AU9 lifts and flares the nose wings. MediaPipe's noseSneer stays at 0 on every
            # posed disgusted face of both datasets (never "made"); the wings' distance
            # grows by +0.047 IOD (children) / +0.031 (adults) median, made (>= half) in 80%
            # / 65% of posed disgusted faces.
            "nose_wrinkled", "AU9", ("geo_nose_width",), 1, 0.04,
            HintKey.WRINKLE_NOSE,
        ),
        FacialAction(
            "upper_lip_raised", "AU10", ("mouthUpperUpLeft", "mouthUpperUpRight",
                                         "geo_lip_to_nose"), 1, 0.15,
            HintKey.RAISE_UPPER_LIP,
        ),
    )
}


def action(name: str) -> FacialAction:
    """Return the action called `name` (KeyError names it when unknown)."""
    return _ACTIONS[name]


def all_actions() -> tuple[FacialAction, ...]:
    return tuple(_ACTIONS.values())


# The prototype of each expression: the actions that make it, most important first.
# The first action whose change is weakest relative to its full change is the hint given.
PROTOTYPES: dict[Expression, tuple[str, ...]] = {
    Expression.NEUTRAL: (),
    Expression.HAPPY: ("lip_corners_up", "cheeks_raised"),
    Expression.SAD: ("lip_corners_down", "inner_brows_up", "brows_lowered"),
    # Posed anger has two mouths (FACS: AU4 + AU5/7 with AU23/24, or with AU10 + AU25): lips
    # pressed, or an open mouth with the upper lip raised. Measured 2026-11-29 (change from the
    # person's own neutral, made = half the full change): the upper lip is raised in 71% / 53%
    # of the open-mouth angry faces (children / adults) and pressed in none of them.
    Expression.ANGRY: ("brows_lowered", "brows_together", "lips_pressed|upper_lip_raised",
                       "lids_tight"),
    # Mouth opening is measured by lip distance (AU25), not jawOpen: the adults' posed surprise
    # and fear open the lips (+0.14 / +0.08 IOD) while jawOpen barely moves (+0.01).
    Expression.SURPRISED: ("lips_part", "outer_brows_up", "inner_brows_up", "upper_lids_up"),
    Expression.FEARFUL: ("inner_brows_up", "upper_lids_up", "lips_stretched", "lips_part"),
    Expression.DISGUSTED: ("nose_wrinkled", "upper_lip_raised", "lip_corners_down"),
}


CREDIT_THRESHOLD = 0.6
"""The target score a child must reach for credit unless a level says otherwise: the level
schema's default `threshold` (and a break's `smile_threshold`), the score the model's fitted
score maps put at each target's offset (`game.vision.score_map.ANCHOR_SCORE`, so 0.6 means
about 4% false alarms), and the threshold `evaluate` and `robustness` report at. Fraction of
the target score's range 0..1."""

ALTERNATIVE = "|"  # in a PROTOTYPES entry: either action makes that part of the expression


def prototype(expression: Expression) -> tuple[FacialAction, ...]:
    """The facial actions that make up `expression`, most important first (of a part with
    alternatives, the first: see `prototype_parts`)."""
    return tuple(part[0] for part in prototype_parts(expression))


def prototype_parts(expression: Expression) -> tuple[tuple[FacialAction, ...], ...]:
    """The parts of `expression`'s prototype, most important first; each part is one action
    or several alternatives (e.g. angry's mouth: lips pressed, or the upper lip raised)."""
    return tuple(
        tuple(_ACTIONS[name] for name in entry.split(ALTERNATIVE))
        for entry in PROTOTYPES[expression]
    )
