"""Feature vector for one face: blendshapes + landmark geometry + head pose + face shape.

The same function feeds the live game and the training code, so a model always sees
features made the same way. Change anything here and bump `FEATURE_SPEC_VERSION`: the
model's metadata records the version it was trained on and loading refuses a mismatch.

Geometry is measured in the face's own frame: landmarks are centred between the eyes,
rotated so the eye line is horizontal (roll cancels) and divided by the inter-ocular
distance (head size cancels). y grows downwards, as in the image.

Spec 2 adds, for the expression model: the logit of every blendshape (`logit_<name>`: small
scores such as eyeWide or noseSneer spread out where a linear model can use them) and the
whole 3-D mesh aligned to a reference face (`shape_<index>_<x|y|z>`): a similarity
Procrustes fit on all 478 points cancels position, size, roll, yaw and pitch, so what is
left is the face's shape and expression. The reference face (the mean aligned face of the
dev datasets, made left-right symmetric) is stored below as float16; its symmetry gives the
mirror pairing of the mesh (`mirror_features`), used to augment training data with
left-right flipped faces.

Spec 3 appends the face's appearance: a HOG descriptor (`hog_<index>`, OpenCV's
`HOGDescriptor`: 8-pixel cells, 2x2-cell blocks with an 8-pixel stride, 9 unsigned
orientation bins, L2-Hys) of the eye-aligned 96x96 grey face crop
(`FaceObservation.face_crop`, `game.vision.face_crop`): 11 x 11 blocks x 4 cells x 9 bins
= 4,356 values, about 0.2 ms. Wrinkles, teeth and shadows that the landmarks do not
carry. Mirroring permutes it: block and cell columns reverse and orientation bin k becomes
8 - k (OpenCV's bin centres sit at 10, 30, ..., 170 degrees, so a flip maps them onto each
other). On a face crop the permuted descriptor matches the descriptor of the flipped crop
closely but not exactly (OpenCV's spatial interpolation is not perfectly symmetric).

Spec 4 enlarges the crop to 128x128 with 40 pixels between the eyes (the adults' photos
carry more detail than 96x96 kept: HOG alone 0.706 -> 0.730 / 0.619 -> 0.630 subject-wise
CV accuracy, children / adults; 15 x 15 blocks = 8,100 values, about 0.6 ms) and appends the
256-value embedding of a pretrained face-expression network (`game.vision.face_net`) for
the face patch (`emb_<index>`) and for the same patch flipped left-right
(`emb_mirror_<index>`): the flip of a face is a new image to a CNN, not a permutation of
its embedding, so both are computed (one batch of two, about 1 ms) and mirroring swaps
the two blocks.

Spec 6 appends the mouth's appearance: the same HOG (8-pixel cells, 2x2-cell blocks,
9 bins) of the grey mouth crop at twice the face crop's scale (`FaceObservation.
mouth_crop`, 192x128 with 80 pixels between the eyes, `game.vision.face_crop.align_mouth`):
23 x 15 blocks = 12,420 values (`mouth_hog_<index>`), about 0.5 ms. The calibrated model
reads it as the change from the child's neutral mouth (a tongue shown, teeth bared, lips
pressed): on subject-wise CV it raised the children's calibrated hit rates of the weakest
targets; since 2026-12-07 the raw model reads it too (children never seen: closed-mouth
anger 0.62 -> 0.69; models/MODEL_CARD.md). Mirroring permutes it like the face's HOG.
"""

from __future__ import annotations

import base64
import functools
import math

import cv2
import numpy as np

from game.expressions import BLENDSHAPE_NAMES
from game.vision.face_net import EMBEDDING_SIZE, FaceNet, default_face_net
from game.vision.records import (
    FACE_CROP_SIZE,
    MOUTH_CROP_SHAPE,
    N_LANDMARKS,
    FaceObservation,
    FeatureVector,
)

FEATURE_SPEC_VERSION = "6"


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
    "geo_eye_open_l",
    "geo_eye_open_r",
    "geo_brow_inner_height_l",
    "geo_brow_inner_height_r",
    "geo_brow_outer_height_l",
    "geo_brow_outer_height_r",
    "geo_brow_mid_height_l",
    "geo_brow_mid_height_r",
    "geo_brow_gap",
    "geo_corner_drop_l",
    "geo_corner_drop_r",
    "geo_mouth_width",
    "geo_mouth_open",
    "geo_lips_outer_height",
    "geo_lip_to_nose",
    "geo_nose_width",
    "geo_chin_to_nose",
)
POSE_NAMES: tuple[str, ...] = ("pose_yaw", "pose_pitch", "pose_roll")

LOGIT_NAMES: tuple[str, ...] = tuple(f"logit_{name}" for name in BLENDSHAPE_NAMES)
SHAPE_NAMES: tuple[str, ...] = tuple(
    f"shape_{i:03d}_{axis}" for i in range(N_LANDMARKS) for axis in "xyz"
)

HOG_CELL = 8
HOG_BINS = 9
HOG_BLOCKS = (FACE_CROP_SIZE - 2 * HOG_CELL) // HOG_CELL + 1  # per side, stride one cell
HOG_SIZE = HOG_BLOCKS * HOG_BLOCKS * 4 * HOG_BINS
HOG_NAMES: tuple[str, ...] = tuple(f"hog_{i:04d}" for i in range(HOG_SIZE))
# the mouth crop's HOG: block columns (x) and rows (y), stride one cell
MOUTH_HOG_BLOCKS = (
    (MOUTH_CROP_SHAPE[1] - 2 * HOG_CELL) // HOG_CELL + 1,
    (MOUTH_CROP_SHAPE[0] - 2 * HOG_CELL) // HOG_CELL + 1,
)
MOUTH_HOG_SIZE = MOUTH_HOG_BLOCKS[0] * MOUTH_HOG_BLOCKS[1] * 4 * HOG_BINS
MOUTH_HOG_NAMES: tuple[str, ...] = tuple(f"mouth_hog_{i:05d}" for i in range(MOUTH_HOG_SIZE))

LANDMARK_FEATURE_NAMES: tuple[str, ...] = (
    BLENDSHAPE_NAMES + GEOMETRY_NAMES + POSE_NAMES + LOGIT_NAMES + SHAPE_NAMES
)
EMBEDDING_NAMES: tuple[str, ...] = tuple(f"emb_{i:03d}" for i in range(EMBEDDING_SIZE))
EMBEDDING_MIRROR_NAMES: tuple[str, ...] = tuple(
    f"emb_mirror_{i:03d}" for i in range(EMBEDDING_SIZE)
)
FEATURE_NAMES: tuple[str, ...] = (
    LANDMARK_FEATURE_NAMES
    + HOG_NAMES
    + EMBEDDING_NAMES
    + EMBEDDING_MIRROR_NAMES
    + MOUTH_HOG_NAMES
)


def block_columns(block: str) -> range:
    """The columns of one block of `FEATURE_NAMES`: "landmarks", "hog", "embedding" (the
    patch's embedding, not its mirror's) or "mouth" (the mouth crop's HOG)."""
    appearance = len(LANDMARK_FEATURE_NAMES) + len(HOG_NAMES)
    starts = {
        "landmarks": (0, len(LANDMARK_FEATURE_NAMES)),
        "hog": (len(LANDMARK_FEATURE_NAMES), len(HOG_NAMES)),
        "embedding": (appearance, EMBEDDING_SIZE),
        "mouth": (appearance + 2 * EMBEDDING_SIZE, MOUTH_HOG_SIZE),
    }
    if block not in starts:
        raise ValueError(f"no feature block {block!r}; blocks: {', '.join(starts)}")
    first, size = starts[block]
    return range(first, first + size)


_LOGIT_EPS = 1e-4

# The reference face: (478, 3) float16, eye midpoint at 0, eye line along +x, IOD = 1,
# left-right symmetric (generated from the mean Procrustes-aligned dev faces).
_REFERENCE_FACE_B64 = (
    "AACKOlK2AAAtOEu5AADuOHC2Vq2dMz24AADrNpS5AAAZNUO5AAAxKUK2dLkgHd4hAADVsUK1AADctJ+1AAAPuvCzAADH"
    "Oh22AAABO5i1AAAsO9O0AAAwPMSzAABWPA60AACGPE+0AAC2PNGzAAADPYqwAACSOOC4sK2XOIq3VLxgtbA3w7ZOLcat"
    "JLi1LVet5bh4LTir1bkLKQoncrU+LDitkbiJsT2wQ7cssTqwaLnysFqu7rmDr0irk7ovLv0s9rVePT2mt7lBpJ4pd7zd"
    "Kjo4hLvkKLcxArg/N9KxFLBkOhi2ba/9OlW1/rOkOhC1ULXtOlyz07IQO5q0obQuO62yc7cgPE6pG60sODq5963yNnq5"
    "ELv1sdGntbRfM3my07T9N3O277RCN/a1bboUNxerpa07NQG5MLmBtLqyS7oCtC2w4Lvzt3Q0vrJassS0p7Wnr4KuSLht"
    "O/SnBLxJO4Q6PLNpONG1z7CgOP21zbaGO1GpXraFO2SsvLrwtDOt37RQOIq1XrdPtEy0qrePtae0pbiuuWavS7t/tsQs"
    "KrhMuLWyi7s1sz8rDrxvtB0096+2OuO1abPeOuW0+7QNO0mzh7KLOH61mraFOzir8bXoO7auKraHO4us8rEqOAu4VLRB"
    "Ox2yTrIqO9yzza4mO5m0t7D4PGqwZrCnPJyzPrB4PBu0569KPKSzFK8nPFazYrT9O8Swt7QMPBqxFbUjPG2xYrU7PM6w"
    "urYrOnqyerxGN5Y7AADHOKC3O7XOO22ukrXcO9WuDLDmOP61WbS8OFG0aLDHOAu2bLZ+NFWxjrhsNWKwOLXpNwa1mbr/"
    "uEssCrrvt+ysfLmvtS6yM7ZxPCCtwrMWtW+1bbRWuIy0CLUAuhmzfrluLM6icrsYMVgwmLTsKW+ssrqvrAsoJ7OTMbKz"
    "5rN1Nwe4J7whM/cz67oCM7op6rkCNByqYridMwWufbaFMnqvzrRIMauwAK7jK5+1F7yUNigzV7tJrQMtB6qLONS4i7QW"
    "NdazmbwHKug6H7OULzqxXrX/N7iyLbo3ohcs/rOONnK3UbxmOUM7kbRBJJ6phbG7NYS4Sbp+PAE1PrrpPMY3bLz8NrA4"
    "RrsCPL82SLwBsL02PLa4PSwou6jBOIS3ALYkNpSyF7y+Kn80xLgCKCeqJrjSKKesPrb/O7StAbzDOC40rLI9PtkrDri0"
    "PeUzEblfPaM1AABPuOu0AABQPlooBrdJKPSs1bWaJh+sAbWpJcep7bturskx9bUyqimtRbfhrFGuS7hBrQeu6LiCrGas"
    "TblwqoCoh7w8sY85K7nyJC2kAACDOfu1J7XDOUO0PbNIOHG2YbCGOcy1AABxrCC1Orn2PFszObhWPWkwz7L/PZGrL7tj"
    "PDw5A7UKoaerA7FlMhO2AAAVPjWt7bUBPlgwSLwgOZw4drIVPC+yErMuPIKyq7NSPOKyCrR8PFKyk7TAPLevmrVWO1qw"
    "7rVGO0+wOrY2O1Ww6re7OpWv+rogOb8rCbEnL6C0zbIJq6uvWrSeqRutR7VfOwGw/rrsOkIz2a/+qgS0VbUJPSqsAAAx"
    "M4S4r63uMDO3AABjMJS3KLNeNQW2AAC+PUKwAABaPUWwk7FKPVOvZrhCPL4kvraQOL6xQLewPHKkRLl9OE+wI7hKOdyw"
    "37mlOXKperKqPeSufbQtNti0BLmLPDovB7j6PH0rA7mLOxsjwbsHOuE0/Lm0O/8uDryoOlQ4vbg0Ou+t+rIdNOq02rIJ"
    "ODO4UbQ6OKO2lbEcN8y4qLR+sN2wSrdtsnSxz7jKsjaxw7kasrOvZrqtsBOrwroYIrEufbzMM384I7pBMPQmV7kLMUKo"
    "SbgQMcesk7Z6MO2tDbU2L1+u9LOILd2uj7ztM4U7Q7RsONK1BbFxNFS3sbARONW4Ia5wOIC4qrAzOHC4ubOmOEC1/qyA"
    "OLe4UKyxOIW3A7TRJMSrV7K5KNSvSrGlKjmyiLk5qPWQPLqBrBgbVi2dMz24dDkgHd4hsC2XOIq3VDxgtbA3wzZOLcat"
    "JDi1LVet5Th4LTir1TkLKQoncjU+LDitkTiJsT2wQzcssTqwaDnysFqu7jmDr0irkzovLv0s9jVePT2mtzlBpJ4pdzzd"
    "Kjo4hDvkKLcxAjg/N9KxFDBkOhi2bS/9OlW1/jOkOhC1UDXtOlyz0zIQO5q0oTQuO62yczcgPE6pGy0sODq59y3yNnq5"
    "EDv1sdGntTRfM3my0zT9N3O27zRCN/a1bToUNxerpS07NQG5MDmBtLqySzoCtC2w4Dvzt3Q0vjJassS0pzWnr4KuSDht"
    "O/SnBDxJO4Q6PDNpONG1zzCgOP21zTaGO1GpXjaFO2SsvDrwtDOt3zRQOIq1XjdPtEy0qjePtae0pTiuuWavSzt/tsQs"
    "KjhMuLWyizs1sz8rDjxvtB009y+2OuO1aTPeOuW0+zQNO0mzhzKLOH61mjaFOzir8TXoO7auKjaHO4us8jEqOAu4VDRB"
    "Ox2yTjIqO9yzzS4mO5m0tzD4PGqwZjCnPJyzPjB4PBu05y9KPKSzFC8nPFazYjT9O8SwtzQMPBqxFTUjPG2xYjU7PM6w"
    "ujYrOnqyejxGN5Y7OzXOO22ukjXcO9WuDDDmOP61WTS8OFG0aDDHOAu2bDZ+NFWxjjhsNWKwODXpNwa1mTr/uEssCjrv"
    "t+ysfDmvtS6yMzZxPCCtwjMWtW+1bTRWuIy0CDUAuhmzfjluLM6icjsYMVgwmDTsKW+ssjqvrAsoJzOTMbKz5jN1Nwe4"
    "JzwhM/cz6zoCM7op6jkCNByqYjidMwWufTaFMnqvzjRIMauwAC7jK5+1FzyUNigzVztJrQMtByqLONS4izQWNdazmTwH"
    "Kug6HzOULzqxXjX/N7iyLTo3ohcs/jOONnK3UTxmOUM7kTRBJJ6phTG7NYS4STp+PAE1PjrpPMY3bDz8NrA4RjsCPL82"
    "SDwBsL02PDa4PSwouyjBOIS3ADYkNpSyFzy+Kn80xDgCKCeqJjjSKKesPjb/O7StATzDOC40rDI9PtkrDji0PeUzETlf"
    "PaM1BjdJKPSs1TWaJh+sATWpJcep7Tturskx9TUyqimtRTfhrFGuSzhBrQeu6DiCrGasTTlwqoCohzw8sY85KznyJC2k"
    "JzXDOUO0PTNIOHG2YTCGOcy1Ojn2PFszOThWPWkwzzL/PZGrLztjPDw5AzUKoaerAzFlMhO27TUBPlgwSDwgOZw4djIV"
    "PC+yEjMuPIKyqzNSPOKyCjR8PFKykzTAPLevmjVWO1qw7jVGO0+wOjY2O1Ww6je7OpWv+jogOb8rCTEnL6C0zTIJq6uv"
    "WjSeqRutRzVfOwGw/jrsOkIz2S/+qgS0VTUJPSqsry3uMDO3KDNeNQW2kzFKPVOvZjhCPL4kvjaQOL6xQDewPHKkRDl9"
    "OE+wIzhKOdyw3zmlOXKpejKqPeSufTQtNti0BDmLPDovBzj6PH0rAzmLOxsjwTsHOuE0/Dm0O/8uDjyoOlQ4vTg0Ou+t"
    "+jIdNOq02jIJODO4UTQ6OKO2lTEcN8y4qDR+sN2wSjdtsnSxzzjKsjaxwzkasrOvZjqtsBOrwjoYIrEufTzMM384IzpB"
    "MPQmVzkLMUKoSTgQMceskzZ6MO2tDTU2L1+u9DOILd2ujzztM4U7QzRsONK1BTFxNFS3sTARONW4IS5wOIC4qjAzOHC4"
    "uTOmOEC1/iyAOLe4UCyxOIW3AzTRJMSrVzK5KNSvSjGlKjmyiDk5qPWQPDqBrBgbD7h4pU+sebaFpVOsD7herk6s4bix"
    "pU2sDbhpK1KsDzh4pU+s4TixpU2sDzherk6seTaFpVOsDThpK1Ks"
)


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
    return np.asarray((pts - centre) @ rot.T) / iod


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


@functools.cache
def reference_face() -> np.ndarray:
    """The symmetric reference face (478, 3) that `shape_*` features are aligned to."""
    raw = base64.b64decode("".join(_REFERENCE_FACE_B64))
    face = np.frombuffer(raw, dtype=np.float16).astype(np.float64).reshape(N_LANDMARKS, 3)
    face.setflags(write=False)
    return face


def procrustes_landmarks(landmarks: np.ndarray) -> np.ndarray:
    """(478, 3) landmarks moved, scaled and rotated (3-D) onto the reference face."""
    ref = reference_face()
    pts = np.asarray(landmarks, dtype=np.float64)[:, :3]
    centred = pts - pts.mean(axis=0)
    ref_mean = ref.mean(axis=0)
    norm = float((centred**2).sum())
    if norm < 1e-12:
        raise ValueError("degenerate face: all landmarks coincide")
    u, sigma, vt = np.linalg.svd(centred.T @ (ref - ref_mean))
    d = np.ones(3)
    d[2] = np.sign(np.linalg.det(u @ vt)) or 1.0
    rotation = (u * d) @ vt
    scale = float((sigma * d).sum()) / norm
    return np.asarray(centred @ rotation * scale + ref_mean)


@functools.cache
def landmark_mirror_pairs() -> np.ndarray:
    """For each mesh index, the index of the same point on the other side of the face."""
    ref = reference_face()
    mirrored = ref[:, :2] * np.array([-1.0, 1.0])
    distances = np.linalg.norm(ref[:, None, :2] - mirrored[None, :, :], axis=2)
    pairs: np.ndarray = np.argmin(distances, axis=1)
    pairs.setflags(write=False)
    return pairs


def _mirror_name(name: str) -> str:
    swapped = name.replace("Left", "#").replace("Right", "Left").replace("#", "Right")
    if swapped.endswith("_l"):
        return swapped[:-2] + "_r"
    if swapped.endswith("_r"):
        return swapped[:-2] + "_l"
    return swapped


@functools.cache
def mirror_permutation() -> tuple[np.ndarray, np.ndarray]:
    """(index, sign): `values[..., index] * sign` is the feature vector of the mirrored face.

    Left/right blendshapes and geometry swap; yaw and roll change sign; each mesh point
    takes its mirror partner's coordinates with x negated; HOG blocks, cells and
    orientation bins are reflected (`hog_mirror_index`), the mouth's HOG likewise; the face
    network's embeddings of the patch and of the flipped patch swap.
    """
    position = {name: i for i, name in enumerate(FEATURE_NAMES)}
    index = np.arange(len(FEATURE_NAMES))
    sign = np.ones(len(FEATURE_NAMES), dtype=np.float32)
    named = LANDMARK_FEATURE_NAMES[: len(LANDMARK_FEATURE_NAMES) - len(SHAPE_NAMES)]
    for i, name in enumerate(named):
        index[i] = position[_mirror_name(name)]
    for name in ("pose_yaw", "pose_roll"):
        sign[position[name]] = -1.0
    pairs = landmark_mirror_pairs()
    first = len(LANDMARK_FEATURE_NAMES) - len(SHAPE_NAMES)
    for point in range(N_LANDMARKS):
        for k, axis in enumerate("xyz"):
            index[first + 3 * point + k] = first + 3 * int(pairs[point]) + k
            if axis == "x":
                sign[first + 3 * point + k] = -1.0
    hog = block_columns("hog")
    index[hog.start : hog.stop] = hog.start + hog_mirror_index()
    emb = block_columns("embedding")
    index[emb.start : emb.stop] = np.arange(emb.stop, emb.stop + EMBEDDING_SIZE)
    index[emb.stop : emb.stop + EMBEDDING_SIZE] = np.arange(emb.start, emb.stop)
    mouth = block_columns("mouth")
    index[mouth.start : mouth.stop] = mouth.start + hog_mirror_index(MOUTH_HOG_BLOCKS)
    index.setflags(write=False)
    sign.setflags(write=False)
    return index, sign


@functools.cache
def hog_descriptor(size: tuple[int, int] = (FACE_CROP_SIZE, FACE_CROP_SIZE)) -> cv2.HOGDescriptor:
    """OpenCV's HOG over a whole crop of `size` (width, height), the face crop by default
    (see the module docstring)."""
    cell = (HOG_CELL, HOG_CELL)
    return cv2.HOGDescriptor(size, (2 * HOG_CELL, 2 * HOG_CELL), cell, cell, HOG_BINS)


def hog_features(crop: np.ndarray) -> np.ndarray:
    """The HOG descriptor (HOG_SIZE,) float32 of a FACE_CROP_SIZE square uint8 grey crop."""
    if crop.shape != (FACE_CROP_SIZE, FACE_CROP_SIZE) or crop.dtype != np.uint8:
        raise ValueError(f"a face crop must be uint8 {FACE_CROP_SIZE}x{FACE_CROP_SIZE}")
    values = hog_descriptor().compute(np.ascontiguousarray(crop))
    return np.asarray(values, dtype=np.float32).reshape(HOG_SIZE)


def mouth_hog_features(crop: np.ndarray) -> np.ndarray:
    """The HOG descriptor (MOUTH_HOG_SIZE,) float32 of a uint8 grey mouth crop of
    `MOUTH_CROP_SHAPE`."""
    if crop.shape != MOUTH_CROP_SHAPE or crop.dtype != np.uint8:
        raise ValueError(f"a mouth crop must be uint8 {MOUTH_CROP_SHAPE}")
    size = (MOUTH_CROP_SHAPE[1], MOUTH_CROP_SHAPE[0])
    values = hog_descriptor(size).compute(np.ascontiguousarray(crop))
    return np.asarray(values, dtype=np.float32).reshape(MOUTH_HOG_SIZE)


@functools.cache
def hog_mirror_index(blocks: tuple[int, int] = (HOG_BLOCKS, HOG_BLOCKS)) -> np.ndarray:
    """Index into a HOG descriptor of `blocks` (columns, rows) giving the descriptor of the
    left-right flipped crop (the face crop's by default).

    OpenCV orders the descriptor block column, block row, cell column, cell row, bin.
    """
    columns, rows = blocks
    grid = np.arange(columns * rows * 4 * HOG_BINS).reshape(columns, rows, 2, 2, HOG_BINS)
    mirrored = grid[::-1, :, ::-1, :, ::-1].reshape(-1)
    mirrored.setflags(write=False)
    return mirrored


def mirror_features(values: np.ndarray) -> np.ndarray:
    """Feature values (F,) or (N, F) of the same faces flipped left-right."""
    index, sign = mirror_permutation()
    return np.asarray(np.asarray(values)[..., index] * sign)


def extract_features(
    observation: FaceObservation, face_net: FaceNet | None = None
) -> FeatureVector:
    """The feature vector of one observed face (`face_net`: default, the shipped network).

    Raises:
        ValueError: the observation is empty, or carries no face crop.
    """
    if not observation.has_face:
        raise ValueError("no face in this observation: nothing to extract")
    if not observation.has_crop:
        raise ValueError(
            "this observation has no face crop: its appearance features cannot be made"
        )
    blend = np.array([float(observation.blendshapes.get(name, 0.0)) for name in BLENDSHAPE_NAMES])
    geometry = _geometry(aligned_landmarks(observation))
    pose = list(head_pose_degrees(observation.transform))
    clipped = np.clip(blend, _LOGIT_EPS, 1.0 - _LOGIT_EPS)
    logits = np.log(clipped / (1.0 - clipped))
    shape = procrustes_landmarks(observation.landmarks).reshape(-1)
    hog = hog_features(observation.face_crop)
    embedding, mirrored = (face_net or default_face_net()).embed_with_mirror(observation.face_patch)
    mouth = mouth_hog_features(observation.mouth_crop)
    values = np.concatenate(
        [blend, geometry, pose, logits, shape, hog, embedding, mirrored, mouth]
    ).astype(np.float32)
    return FeatureVector(values=values, names=FEATURE_NAMES, spec_version=FEATURE_SPEC_VERSION)
