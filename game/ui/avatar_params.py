"""The avatar's face as numbers: what `avatar.draw_avatar` draws, without any pygame.

An `AvatarFace` holds one value per drawable facial action. Every value is 0 on the calm
(neutral) face, so faces add, scale and blend like vectors: "a bit more smile" is a blend
towards the full happy face, and the child's own face can be mirrored from the readings.

Ranges (clamped on construction):
    brow_inner, brow_outer   -1 (lowered) .. +1 (raised)          AU4 / AU1, AU2
    brow_squeeze              0 .. 1 (drawn together)             AU4
    eye_open                 -1 (squeezed) .. +1 (wide open)      AU7/AU43 / AU5
    lid_tight                 0 .. 1 (straight, raised lower lid) AU7
    cheek_raise               0 .. 1                              AU6
    mouth_corner             -1 (down) .. +1 (up)                 AU15 / AU12
    mouth_open                0 .. 1 (lips part .. jaw drop)      AU25 / AU26
    mouth_width              -1 (narrow, round) .. +1 (wide)
    lip_press                 0 .. 1 (pressed thin)               AU23/24
    lip_stretch               0 .. 1 (pulled sideways)            AU20
    nose_wrinkle              0 .. 1                              AU9
    upper_lip_raise           0 .. 1                              AU10

Left/right differences (`*_lr`, each -1 .. +1, default 0): half the difference between the
face's own left and right side, (left - right) / 2, for the parts that come in pairs:
    brow_inner_lr, brow_outer_lr, eye_open_lr, lid_tight_lr, cheek_raise_lr, mouth_corner_lr
One side is drawn with `value + value_lr`, the other with `value - value_lr` (`on_side`), so
0 everywhere is the symmetric face every prototype is. "Left" is the person's own left
(anatomical, like `game.motion`'s `left`/`right`), and the avatar shows it as a mirror does,
like the game's camera view: the person's left side is drawn on the viewer's left (side -1
in `game.ui.avatar`). A replay of a child therefore looks like the child in a mirror.
"""

from __future__ import annotations

import enum
import logging
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from game.expressions import HINT_PART, Expression, FacePart, HintKey
from game.motion.vocabulary import ACTION_NAMES, LATERAL_ACTIONS

if TYPE_CHECKING:
    from game.motion.frame import FaceMotion

logger = logging.getLogger(__name__)

_SIGNED = ("brow_inner", "brow_outer", "eye_open", "mouth_corner", "mouth_width")

# the parts drawn per side: each has a `<name>_lr` field, (left - right) / 2
LATERAL_PARTS: tuple[str, ...] = ("brow_inner", "brow_outer", "eye_open", "lid_tight",
                                  "cheek_raise", "mouth_corner")
_LR_FIELDS = frozenset(f"{name}_lr" for name in LATERAL_PARTS)
MIRROR_LEFT = -1  # the drawing side (game.ui.avatar: -1 = the viewer's left) of the own left


def _clamp(value: float, lo: float, hi: float) -> float:
    return lo if value < lo else hi if value > hi else value


@dataclass(frozen=True, slots=True)
class AvatarFace:
    """One pose of the avatar's face; 0 everywhere is the calm face (see module docstring)."""

    brow_inner: float = 0.0
    brow_outer: float = 0.0
    brow_squeeze: float = 0.0
    eye_open: float = 0.0
    lid_tight: float = 0.0
    cheek_raise: float = 0.0
    mouth_corner: float = 0.0
    mouth_open: float = 0.0
    mouth_width: float = 0.0
    lip_press: float = 0.0
    lip_stretch: float = 0.0
    nose_wrinkle: float = 0.0
    upper_lip_raise: float = 0.0
    # left/right differences, (own left - own right) / 2 (see the module docstring)
    brow_inner_lr: float = 0.0
    brow_outer_lr: float = 0.0
    eye_open_lr: float = 0.0
    lid_tight_lr: float = 0.0
    cheek_raise_lr: float = 0.0
    mouth_corner_lr: float = 0.0

    def __post_init__(self) -> None:
        for name, value in self.as_dict().items():  # frozen: set once, here
            lo = -1.0 if name in _SIGNED or name in _LR_FIELDS else 0.0
            object.__setattr__(self, name, _clamp(float(value), lo, 1.0))

    @property
    def symmetric(self) -> bool:
        """True when both sides are drawn alike (every `*_lr` is 0)."""
        return not (self.brow_inner_lr or self.brow_outer_lr or self.eye_open_lr
                    or self.lid_tight_lr or self.cheek_raise_lr or self.mouth_corner_lr)

    def on_side(self, side: int) -> AvatarFace:
        """The symmetric face that one drawing side shows (side -1: the viewer's left,
        which is the face's own left, as in a mirror; +1: the viewer's right). The face
        itself when it is symmetric."""
        if self.symmetric:
            return self
        sign = 1.0 if side == MIRROR_LEFT else -1.0
        values = self.as_dict()
        changes = {f"{name}_lr": 0.0 for name in LATERAL_PARTS}
        for name in LATERAL_PARTS:
            changes[name] = values[name] + sign * values[f"{name}_lr"]
        return replace(self, **changes)

    @property
    def brow_angle(self) -> float:
        """Slant of the brows: > 0 inner ends higher (worried), < 0 inner ends lower (cross)."""
        return (self.brow_inner - self.brow_outer) / 2 - 0.3 * self.brow_squeeze

    def as_dict(self) -> dict[str, float]:
        """Every parameter by its field name, in field order (written out: this runs for
        every face drawn, and `dataclasses.asdict` is ten times slower)."""
        return {
            "brow_inner": self.brow_inner, "brow_outer": self.brow_outer,
            "brow_squeeze": self.brow_squeeze, "eye_open": self.eye_open,
            "lid_tight": self.lid_tight, "cheek_raise": self.cheek_raise,
            "mouth_corner": self.mouth_corner, "mouth_open": self.mouth_open,
            "mouth_width": self.mouth_width, "lip_press": self.lip_press,
            "lip_stretch": self.lip_stretch, "nose_wrinkle": self.nose_wrinkle,
            "upper_lip_raise": self.upper_lip_raise,
            "brow_inner_lr": self.brow_inner_lr, "brow_outer_lr": self.brow_outer_lr,
            "eye_open_lr": self.eye_open_lr, "lid_tight_lr": self.lid_tight_lr,
            "cheek_raise_lr": self.cheek_raise_lr, "mouth_corner_lr": self.mouth_corner_lr,
        }

    def blend(self, other: AvatarFace, t: float) -> AvatarFace:
        """The face `t` of the way from this face to `other` (t clamped to 0..1)."""
        t = _clamp(t, 0.0, 1.0)
        a, b = self.as_dict(), other.as_dict()
        return AvatarFace(**{k: a[k] + (b[k] - a[k]) * t for k in a})

    def scaled(self, factor: float) -> AvatarFace:
        """Every action multiplied by `factor` (0 gives the calm face)."""
        return AvatarFace(**{k: v * factor for k, v in self.as_dict().items()})

    def plus(self, other: AvatarFace) -> AvatarFace:
        """Both faces' actions added (then clamped)."""
        b = other.as_dict()
        return AvatarFace(**{k: v + b[k] for k, v in self.as_dict().items()})

    def quantized(self, step: float = 0.02) -> AvatarFace:
        """The face rounded to `step` (for caching drawings of slowly changing faces)."""
        return AvatarFace(**{k: round(v / step) * step for k, v in self.as_dict().items()})

    def distance(self, other: AvatarFace) -> float:
        """Largest absolute difference of any action."""
        b = other.as_dict()
        return max(abs(v - b[k]) for k, v in self.as_dict().items())


NEUTRAL_FACE = AvatarFace()


class AvatarLook(enum.StrEnum):
    """How the avatar looks: chosen per child, none gendered. Every look has the
    same face (the same features, the same expressions); only hair, hat and skin tone
    differ. `game.ui.avatar` draws them."""

    WAVE = "wave"      # a soft wave of brown hair (the look before there was a choice)
    CURLS = "curls"    # round dark curls, a deeper skin tone
    TUFT = "tuft"      # short sandy hair with a little tuft, a lighter skin tone
    BEANIE = "beanie"  # a knitted hat with a pompom


DEFAULT_LOOK = AvatarLook.WAVE


def look_named(name: str) -> AvatarLook:
    """The look stored as `name` (`Profile.avatar`); the default for "" or a name this
    version does not know (logged: e.g. written by a newer FaceQuest)."""
    if not name:
        return DEFAULT_LOOK
    try:
        return AvatarLook(name)
    except ValueError:
        logger.info("unknown avatar look %r: the default look is drawn", name)
        return DEFAULT_LOOK

# Full-intensity prototypes (EXPRESSIONS.md), tuned so sad / angry / disgusted read apart:
# sad = inner brows up + corners down + soft eyes; angry = brows low, together and slanted in
# + pressed lips + tight lids; disgusted = nose wrinkle + raised upper lip + squint.
PROTOTYPE_FACES: dict[Expression, AvatarFace] = {
    Expression.NEUTRAL: NEUTRAL_FACE,
    Expression.HAPPY: AvatarFace(
        brow_outer=0.15, brow_inner=0.1, eye_open=-0.35, cheek_raise=1.0, mouth_corner=1.0,
        mouth_open=0.45, mouth_width=0.6,
    ),
    Expression.SAD: AvatarFace(
        brow_inner=0.9, brow_outer=-0.55, brow_squeeze=0.35, eye_open=-0.35,
        mouth_corner=-1.0, mouth_width=-0.25,
    ),
    Expression.ANGRY: AvatarFace(
        brow_inner=-1.0, brow_outer=0.15, brow_squeeze=1.0, eye_open=0.1, lid_tight=0.85,
        mouth_corner=-0.35, mouth_width=-0.15, lip_press=1.0,
    ),
    Expression.SURPRISED: AvatarFace(
        brow_inner=1.0, brow_outer=1.0, eye_open=1.0, mouth_open=1.0, mouth_width=-0.55,
    ),
    Expression.FEARFUL: AvatarFace(
        brow_inner=1.0, brow_outer=0.1, brow_squeeze=0.55, eye_open=1.0, lid_tight=0.2,
        mouth_corner=-0.35, mouth_open=0.6, mouth_width=0.55, lip_stretch=1.0,
    ),
    Expression.DISGUSTED: AvatarFace(
        brow_inner=-0.55, brow_outer=-0.25, brow_squeeze=0.5, eye_open=-0.45, cheek_raise=0.45,
        mouth_corner=-0.6, mouth_open=0.15, mouth_width=0.1, nose_wrinkle=1.0,
        upper_lip_raise=1.0,
    ),
}


def face_for(expression: Expression, intensity: float = 1.0) -> AvatarFace:
    """The avatar showing `expression` at `intensity` (0 = calm face .. 1 = full prototype)."""
    return NEUTRAL_FACE.blend(PROTOTYPE_FACES[expression], intensity)


# How each facial action of game.expressions moves the drawn face when fully made.
ACTION_FACES: dict[str, AvatarFace] = {
    "lip_corners_up": AvatarFace(mouth_corner=1.0, mouth_width=0.5),
    "cheeks_raised": AvatarFace(cheek_raise=1.0, eye_open=-0.3),
    "jaw_drop": AvatarFace(mouth_open=1.0, mouth_width=-0.3),
    "lips_part": AvatarFace(mouth_open=0.35),
    "inner_brows_up": AvatarFace(brow_inner=1.0),
    "outer_brows_up": AvatarFace(brow_outer=1.0),
    "brows_lowered": AvatarFace(brow_inner=-0.9, brow_outer=-0.3),
    "brows_together": AvatarFace(brow_squeeze=1.0),
    "upper_lids_up": AvatarFace(eye_open=1.0),
    "lids_tight": AvatarFace(lid_tight=1.0, eye_open=-0.2),
    "lip_corners_down": AvatarFace(mouth_corner=-1.0),
    "lips_pressed": AvatarFace(lip_press=1.0, mouth_width=-0.2),
    "lips_stretched": AvatarFace(lip_stretch=1.0, mouth_width=0.6),
    "nose_wrinkled": AvatarFace(nose_wrinkle=1.0, eye_open=-0.2),
    "upper_lip_raised": AvatarFace(upper_lip_raise=1.0),
}


def face_from_actions(levels: Mapping[str, float], base: AvatarFace = NEUTRAL_FACE) -> AvatarFace:
    """A face making each named action (game.expressions names) at its level (0..1).

    Unknown action names are ignored (logged once per call at debug level).
    """
    face = base
    for name, level in levels.items():
        delta = ACTION_FACES.get(name)
        if delta is None:
            logger.debug("no avatar drawing for action %r", name)
            continue
        face = face.plus(delta.scaled(_clamp(level, 0.0, 1.0)))
    return face


def face_from_probabilities(probabilities: Mapping[Expression, float]) -> AvatarFace:
    """The probability-weighted mix of the prototypes (a soft mirror of a classifier output)."""
    total = sum(max(0.0, p) for p in probabilities.values())
    if total <= 0:
        return NEUTRAL_FACE
    face = NEUTRAL_FACE
    for expression, p in probabilities.items():
        face = face.plus(PROTOTYPE_FACES[expression].scaled(max(0.0, p) / total))
    return face


# MediaPipe blendshape (mean of left/right) -> (action, value that counts as fully made).
_BLENDSHAPE_ACTIONS: dict[str, tuple[tuple[str, ...], float]] = {
    "lip_corners_up": (("mouthSmileLeft", "mouthSmileRight"), 0.6),
    "cheeks_raised": (("cheekSquintLeft", "cheekSquintRight"), 0.4),
    "jaw_drop": (("jawOpen",), 0.5),
    "inner_brows_up": (("browInnerUp",), 0.5),
    "outer_brows_up": (("browOuterUpLeft", "browOuterUpRight"), 0.5),
    "brows_lowered": (("browDownLeft", "browDownRight"), 0.4),
    "upper_lids_up": (("eyeWideLeft", "eyeWideRight"), 0.3),
    "lids_tight": (("eyeSquintLeft", "eyeSquintRight"), 0.5),
    "lip_corners_down": (("mouthFrownLeft", "mouthFrownRight"), 0.3),
    "lips_pressed": (("mouthPressLeft", "mouthPressRight"), 0.4),
    "lips_stretched": (("mouthStretchLeft", "mouthStretchRight"), 0.3),
    "nose_wrinkled": (("noseSneerLeft", "noseSneerRight"), 0.25),
    "upper_lip_raised": (("mouthUpperUpLeft", "mouthUpperUpRight"), 0.4),
}


def face_from_blendshapes(values: Mapping[str, float]) -> AvatarFace:
    """A face mirroring MediaPipe blendshape scores (missing names count as 0)."""
    levels = {}
    for action_name, (names, full) in _BLENDSHAPE_ACTIONS.items():
        mean = sum(float(values.get(n, 0.0)) for n in names) / len(names)
        levels[action_name] = mean / full
    return face_from_actions(levels)


def _level(value: float) -> float:
    """A recorded intensity as a drawable level: 0..1, not-a-number as 0."""
    return _clamp(float(value), 0.0, 1.0) if math.isfinite(value) else 0.0


def face_from_motion(motion: FaceMotion) -> AvatarFace:
    """The avatar re-enacting one recorded face (a `game.motion.frame.FaceMotion`).

    The bilateral part comes from the motion's `actions` (each action's intensity, 0 = as
    the child's neutral, 1 = the typical full change; movements the other way and beyond
    the full change are drawn as 0 and 1). The left/right difference comes from `left` and
    `right` of the lateral actions: half the difference of the two sides' levels moves the
    `*_lr` fields the action moves (a smile on the child's own left only raises the mouth
    corner on the viewer's left, as in a mirror). Head pose is not drawn.
    """
    face = face_from_actions({name: _level(value)
                              for name, value in zip(ACTION_NAMES, motion.actions, strict=True)})
    lr = {f"{part}_lr": 0.0 for part in LATERAL_PARTS}
    for name, left, right in zip(LATERAL_ACTIONS, motion.left, motion.right, strict=True):
        delta = ACTION_FACES.get(name)
        if delta is None:
            continue
        half = (_level(left) - _level(right)) / 2
        moves = delta.as_dict()
        for part in LATERAL_PARTS:
            lr[f"{part}_lr"] += moves[part] * half
    return AvatarFace(**{**face.as_dict(), **lr})


class ActionLevel(Protocol):
    """Anything with an action name and a 0..1 level (game.vision.records.ActionCheck)."""

    @property
    def action(self) -> str: ...

    @property
    def level(self) -> float: ...


def face_from_reading(
    probabilities: Mapping[Expression, float], actions: Iterable[ActionLevel] = ()
) -> AvatarFace:
    """Mirror the child from one reading: the probability mix, corrected by measured actions.

    The measured actions of the target (an `ExpressionReading.actions`) are more direct than
    the class probabilities, so each one replaces the mix's contribution on the parameters
    it moves.
    """
    face = face_from_probabilities(probabilities)
    measured = {a.action: a.level for a in actions}
    if not measured:
        return face
    acted = face_from_actions(measured)
    moved = {
        k for name in measured if name in ACTION_FACES
        for k, v in ACTION_FACES[name].as_dict().items() if v != 0.0
    }
    acted_values = acted.as_dict()
    return replace(face, **{k: acted_values[k] for k in moved})


class HintArrow(enum.StrEnum):
    """Which way the highlighted part should move."""

    UP = "up"
    DOWN = "down"
    INNER_UP = "inner_up"  # inner ends of the brows up
    CORNERS_UP = "corners_up"  # mouth corners up and out
    CORNERS_DOWN = "corners_down"
    OPEN = "open"  # apart vertically (eyes, mouth)
    CLOSE = "close"  # together (squint, press)
    WIDER = "wider"  # apart sideways (stretch)


HINT_ARROW: dict[HintKey, HintArrow | None] = {
    HintKey.SMILE_WIDER: HintArrow.CORNERS_UP,
    HintKey.SQUINT_CHEEKS: HintArrow.UP,
    HintKey.OPEN_MOUTH: HintArrow.OPEN,
    HintKey.RAISE_BROWS: HintArrow.UP,
    HintKey.RAISE_INNER_BROWS: HintArrow.INNER_UP,
    HintKey.LOWER_BROWS: HintArrow.DOWN,
    HintKey.WIDEN_EYES: HintArrow.OPEN,
    HintKey.NARROW_EYES: HintArrow.CLOSE,
    HintKey.FROWN_CORNERS: HintArrow.CORNERS_DOWN,
    HintKey.PRESS_LIPS: HintArrow.CLOSE,
    HintKey.STRETCH_LIPS: HintArrow.WIDER,
    HintKey.WRINKLE_NOSE: HintArrow.UP,
    HintKey.RAISE_UPPER_LIP: HintArrow.UP,
    HintKey.RELAX_FACE: None,
}


def hint_visual(hint: HintKey | None) -> tuple[FacePart | None, HintArrow | None]:
    """The face part to highlight and the arrow to draw for `hint` (None, None for no hint)."""
    if hint is None:
        return None, None
    return HINT_PART[hint], HINT_ARROW[hint]
