"""The mouth's colour check on a real face: a coloured shield over the mouth is flagged
covered; the face as it is, in grey, or under a coloured light is not."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from game.expressions import QualityFlag
from game.vision.face_crop import eye_line, face_box_patch
from game.vision.face_tracker import FaceTracker
from game.vision.mouth_colour import MAX_ODD_COLOUR_SHARE, odd_colour_share
from game.vision.quality import mouth_colour, quality_flags
from game.vision.records import FaceObservation, Frame


def _shield(rgb: np.ndarray, lm: np.ndarray, colour: tuple[int, int, int]) -> np.ndarray:
    """An opaque oval of `colour` over the mouth, a pacifier shield's size."""
    out = rgb.copy()
    _, iod, _ = eye_line(lm)
    centre = lm[[61, 291, 0, 17], :2].mean(axis=0)
    cv2.ellipse(out, (round(centre[0]), round(centre[1])), (round(0.55 * iod),
                round(0.38 * iod)), 0.0, 0.0, 360.0, colour, -1)
    return out


def _share(rgb: np.ndarray, lm: np.ndarray) -> float:
    return odd_colour_share(face_box_patch(rgb, lm), lm)


def test_a_coloured_shield_is_odd_and_the_face_is_not(
    astronaut_observation: FaceObservation, astronaut_rgb: np.ndarray
) -> None:
    lm = astronaut_observation.landmarks
    face = _share(astronaut_rgb, lm)
    assert face <= MAX_ODD_COLOUR_SHARE / 2  # her own lips and skin
    grey = np.repeat(cv2.cvtColor(astronaut_rgb, cv2.COLOR_RGB2GRAY)[..., None], 3, axis=2)
    assert _share(grey, lm) == 0.0  # no chroma, nothing odd
    for colour in ((120, 190, 240), (170, 230, 170), (200, 170, 240)):  # blue, green, lilac
        assert _share(_shield(astronaut_rgb, lm, colour), lm) > 2 * MAX_ODD_COLOUR_SHARE
    # a skin-coloured or white shield has no odd hue: this check does not see it
    assert _share(_shield(astronaut_rgb, lm, (225, 180, 150)), lm) <= MAX_ODD_COLOUR_SHARE
    assert _share(_shield(astronaut_rgb, lm, (250, 250, 250)), lm) <= MAX_ODD_COLOUR_SHARE
    assert odd_colour_share(np.zeros((0, 0, 3), np.uint8), lm) == 0.0


def test_a_coloured_light_on_the_whole_face_cancels(
    astronaut_observation: FaceObservation, astronaut_rgb: np.ndarray
) -> None:
    """A cool or warm light or camera tints cheeks and lips alike: the face is white-balanced
    on its cheeks first (a mild cool cast had pushed real lips out of the skin band)."""
    lm = astronaut_observation.landmarks
    def lit(rgb: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
        return np.asarray(np.clip(rgb.astype(np.float32) * gains, 0, 255), np.uint8)

    shielded = _shield(astronaut_rgb, lm, (120, 190, 240))
    for gains in ((0.80, 0.92, 1.25), (0.88, 1.0, 1.12), (0.85, 1.0, 1.2), (1.15, 1.0, 0.85)):
        assert _share(lit(astronaut_rgb, gains), lm) <= MAX_ODD_COLOUR_SHARE / 2, gains
    for gains in ((0.88, 1.0, 1.12), (0.85, 1.0, 1.2), (1.15, 1.0, 0.85)):
        # a blue shield under the same (milder) light is still odd
        assert _share(lit(shielded, gains), lm) > 2 * MAX_ODD_COLOUR_SHARE, gains


def test_the_chain_flags_a_coloured_shield_as_a_covered_mouth(
    image_tracker: FaceTracker, astronaut_observation: FaceObservation,
    astronaut_rgb: np.ndarray,
) -> None:
    shielded = _shield(astronaut_rgb, astronaut_observation.landmarks, (120, 190, 240))
    obs = image_tracker.observe(Frame(0, shielded))
    assert obs.has_face
    assert mouth_colour(obs) > MAX_ODD_COLOUR_SHARE
    assert QualityFlag.MOUTH_COVERED in quality_flags(obs)
    assert QualityFlag.MOUTH_COVERED not in quality_flags(astronaut_observation)
    assert mouth_colour(FaceObservation.empty(0, (480, 640))) == 0.0


def test_real_colour_faces_and_their_pacifiers(performers_dir: Path) -> None:
    """Performers' colour faces (every 40th picture): none flagged by colour as they are or
    under a mild cool or warm white balance; with a drawn pacifier (any colour of the
    drawing's palette, white and near-black too, opaque or translucent), at least half."""
    from game.training.dataset import load_folders
    from game.training.robustness_reads import found_faces
    from game.vision import conditions as cond

    items = load_folders([performers_dir])[::40]
    faces, _ = found_faces(items)
    assert len(faces) >= 20
    caught = 0
    for n, (_, (image, lm)) in enumerate(faces):
        for gains in ((1.0, 1.0, 1.0), (0.9, 1.0, 1.1), (1.1, 1.0, 0.9)):
            lit = np.asarray(np.clip(image.astype(np.float32) * gains, 0, 255), np.uint8)
            assert _share(lit, lm) <= MAX_ODD_COLOUR_SHARE, (n, gains)
        shielded = cond.pacifier(image, lm, np.random.default_rng(n), "oval")
        caught += _share(shielded, lm) > MAX_ODD_COLOUR_SHARE
    assert caught >= len(faces) // 2
