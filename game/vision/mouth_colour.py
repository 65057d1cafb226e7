"""Something over the mouth whose colour no skin or lip has (a pacifier's shield, a toy).

The occlusion check (`game.vision.occlusion`) reads the grey face crop's edges, and a smooth
shield over the lips can look like lips to it: on people it never saw it flags a pacifier
61-69% of the time. Most pacifier shields are pastel or bright plastic (blue, green, lilac,
pink, yellow), colours a face does not have. This check reads the face's colour patch
(`FaceObservation.face_patch`). In CIELAB, natural skin and lips of every tone lie in one
band of hue (red to orange-yellow, `SKIN_HUES`) and differ mostly in lightness and chroma,
so a pixel of some chroma (`MIN_CHROMA`) whose hue is outside that band is "odd" (pink or
lilac lip make-up is odd too). The face's colours are first white-balanced on its own
cheeks (`CHEEKS`: their median chroma moved towards `SKIN_AB`, by at most
`MAX_WHITE_BALANCE`; only hues are judged after it, chroma as seen), so a cool or warm
light or camera does not push the lips out of the band. The measure is the share of odd pixels in
an ellipse around the mouth (`MOUTH_ELLIPSE`, in inter-ocular distances, about the size of
a shield) minus their share on the cheeks.

A grey picture has no chroma, so on one the measure is 0 unless something coloured was
drawn onto it: figures on the grey research sets flatter this check, the ones on colour
faces do not (docs/robustness.md, "A pacifier's colour").

White, black, clear or skin-coloured shields have no odd hue; this check does not see them.
"""

from __future__ import annotations

import cv2
import numpy as np

from game.vision.face_crop import eye_line, patch_matrix

MIN_CHROMA = 12.0  # CIELAB chroma (a*, b* in their usual units) of a coloured pixel
SKIN_HUES = (10.0, 90.0)  # CIELAB hue angles (degrees) of skin, lips and brown hair
MOUTH_ELLIPSE = (0.6, 0.4)  # half-width and half-height, in inter-ocular distances
CHEEKS = (50, 280, 118, 347)  # face-mesh points high on both cheeks, above a beard's line
CHEEK_RADIUS = 0.12  # in inter-ocular distances
# the cheeks' median (a*, b*) of the performers' clean faces (14-28, 18-29 for 15 of them):
# a face's colours are moved so its cheeks sit here before the hues are judged
SKIN_AB = (19.0, 23.0)
MAX_WHITE_BALANCE = 25.0  # the longest (a*, b*) shift the cheeks may ask for
GREY_CHEEKS = 2.0  # cheeks of less chroma than this: a grey picture, nothing to balance
_MOUTH_POINTS = (61, 291, 0, 17)  # the corners and the middle of the upper and lower lip
# Over this share, the mouth is flagged covered: fitted by scripts/fit_mouth_colour.py
# (2026-12-07) on 252 colour faces of the performers' set (12 of each of 21 people), each
# in 11 uncovered versions (clean, 320x240 JPEG, side light, dim, darker skin, a beard, a
# fringe, thick or tinted glasses, a cool or a warm white balance): the least share keeping
# each version at <= 0.5% flagged and no person's faces above 5% (0.116-0.120 on folds of
# 14 people). On the held-out third: 0.0-0.8% of each uncovered version flagged, no person
# above 0.8%; a pacifier flagged 68-69% by colour alone, 89-94% with the grey crop's check
# (docs/robustness.md, "A pacifier's colour").
MAX_ODD_COLOUR_SHARE = 0.106


def odd_colour_share(patch: np.ndarray, landmarks: np.ndarray) -> float:
    """The share of odd-coloured pixels (see the module docstring) in the mouth's ellipse
    minus that on the cheeks, in [-1, 1], of a face's colour patch (uint8 RGB, square, made
    by `face_crop.face_box_patch` from the same (478, 3) frame `landmarks`). 0.0 for an
    empty patch. Raises ValueError for degenerate landmarks."""
    if patch.size == 0:
        return 0.0
    matrix = patch_matrix(landmarks)
    pts = np.asarray(landmarks, np.float64)[:, :2] @ matrix[:, :2].T + matrix[:, 2]
    _, iod_frame, _ = eye_line(landmarks)
    iod = iod_frame * float(np.hypot(matrix[0, 0], matrix[0, 1]))
    mouth = np.zeros(patch.shape[:2], np.uint8)
    centre = pts[list(_MOUTH_POINTS)].mean(axis=0)
    axes = (max(1, round(MOUTH_ELLIPSE[0] * iod)), max(1, round(MOUTH_ELLIPSE[1] * iod)))
    cv2.ellipse(mouth, (round(centre[0]), round(centre[1])), axes, 0.0, 0.0, 360.0, 255, -1)
    cheeks = np.zeros(patch.shape[:2], np.uint8)
    for i in CHEEKS:
        cv2.circle(cheeks, (round(pts[i, 0]), round(pts[i, 1])),
                   max(1, round(CHEEK_RADIUS * iod)), 255, -1)
    in_mouth, on_cheeks = mouth > 0, cheeks > 0
    if not in_mouth.any():
        return 0.0
    lab = cv2.cvtColor(np.ascontiguousarray(patch), cv2.COLOR_RGB2LAB)
    ab = lab[..., 1:].astype(np.float32) - 128.0  # OpenCV's uint8 a*, b*: offset by 128
    # white balance on the person's own skin: the cheeks' median chroma moved to SKIN_AB, so
    # a cool or warm light or camera moves the lips and the cheeks back together
    shift = _white_balance(ab[on_cheeks])
    base = float(_odd(ab[on_cheeks], shift).mean()) if on_cheeks.any() else 0.0
    return float(_odd(ab[in_mouth], shift).mean()) - base


def _white_balance(cheeks: np.ndarray) -> np.ndarray:
    """The (a*, b*) shift that moves the cheek pixels' median to SKIN_AB, at most
    MAX_WHITE_BALANCE long (a beard asks for a long one); none without cheek pixels or when
    their median has no chroma (`GREY_CHEEKS`: a grey picture)."""
    median = np.median(cheeks, axis=0) if len(cheeks) else np.zeros(2, np.float32)
    if float(np.hypot(*median)) < GREY_CHEEKS:
        return np.zeros(2, np.float32)
    shift = np.asarray(SKIN_AB, np.float32) - median
    length = float(np.hypot(*shift))
    if length > MAX_WHITE_BALANCE:
        shift *= MAX_WHITE_BALANCE / length
    return np.asarray(shift, np.float32)


def _odd(ab: np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Which of (N, 2) CIELAB (a*, b*) pixels are odd: chroma >= MIN_CHROMA as seen, and a
    hue outside SKIN_HUES once white-balanced by `shift` (the shift turns hues; it never
    gives a grey or brownish pixel the chroma to count)."""
    moved = ab + shift
    hue = np.degrees(np.arctan2(moved[:, 1], moved[:, 0])) % 360.0
    return np.asarray((np.hypot(ab[:, 0], ab[:, 1]) >= MIN_CHROMA)
                      & ((hue < SKIN_HUES[0]) | (hue > SKIN_HUES[1])))
