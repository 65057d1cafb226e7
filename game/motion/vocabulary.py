"""The facial actions a motion record measures, side by side and by face region.

Every action of `game.expressions` is measured in every frame (its intensity: the change of
its features from the neutral face, as a fraction of the action's `full_change`). Actions
made by features that come in left/right pairs are also measured on each side: the child's
own left and right (anatomical sides, whatever the camera's mirroring).

Upper and lower face follow FACS (Ekman, Friesen & Hager 2002, "Facial Action Coding
System", chapters on upper-face AUs 1, 2, 4, 5, 6, 7 and lower-face AUs 9-28).
"""

from __future__ import annotations

from game.expressions import all_actions

ACTION_NAMES: tuple[str, ...] = tuple(a.name for a in all_actions())

# action -> (features of the person's left side, features of the right side). Blendshape
# names "...Left" describe the person's own left side, like the geometric "_l" measures
# (measured with half-face composites: the expression pasted on the image's right half,
# the person's left in an unmirrored photo, raises mouthSmileLeft; docs/metrics.md).
LATERAL_FEATURES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "lip_corners_up": (("mouthSmileLeft",), ("mouthSmileRight",)),
    "cheeks_raised": (("eyeSquintLeft",), ("eyeSquintRight",)),
    "inner_brows_up": (("geo_brow_inner_height_l",), ("geo_brow_inner_height_r",)),
    "outer_brows_up": (("browOuterUpLeft",), ("browOuterUpRight",)),
    "brows_lowered": (("browDownLeft",), ("browDownRight",)),
    "upper_lids_up": (("geo_eye_open_l",), ("geo_eye_open_r",)),
    "lids_tight": (("eyeSquintLeft",), ("eyeSquintRight",)),
    "lip_corners_down": (("mouthFrownLeft", "geo_corner_drop_l"),
                         ("mouthFrownRight", "geo_corner_drop_r")),
    "lips_pressed": (("mouthPressLeft",), ("mouthPressRight",)),
    "lips_stretched": (("mouthStretchLeft",), ("mouthStretchRight",)),
    "upper_lip_raised": (("mouthUpperUpLeft",), ("mouthUpperUpRight",)),
}
LATERAL_ACTIONS: tuple[str, ...] = tuple(LATERAL_FEATURES)

UPPER_FACE: frozenset[str] = frozenset({
    "inner_brows_up", "outer_brows_up", "brows_lowered", "brows_together", "upper_lids_up",
    "cheeks_raised", "lids_tight",
})
LOWER_FACE: frozenset[str] = frozenset(set(ACTION_NAMES) - UPPER_FACE)

# Values are kept at this resolution (1/1024 of a unit: 0.001 of a blendshape's range, of an
# action's full change, of a degree of head turn): the stored record compresses to about a
# tenth, and metrics computed live and from the stored record are the same numbers.
QUANTUM = 1.0 / 1024.0
# Blendshape scores ([0, 1]) at 1/256: under the landmarker's own frame-to-frame jitter on a
# still face (about 0.01), and 13 bytes a frame less on disk.
BLENDSHAPE_QUANTUM = 1.0 / 256.0


def lateral_index(action: str) -> int:
    """The position of `action` in the left/right arrays (ValueError when not lateral)."""
    return LATERAL_ACTIONS.index(action)


def action_index(action: str) -> int:
    """The position of `action` in the actions array."""
    return ACTION_NAMES.index(action)
