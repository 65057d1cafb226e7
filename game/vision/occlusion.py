"""Is the mouth or are the eyes covered (a hand, a sleeve, a toy)?

MediaPipe always returns 478 landmarks and 52 blendshapes, even for a mouth behind a hand:
it guesses. Scoring such a guess gives confident wrong answers (measured: with a hand over
the mouth, 13% of children's readings were a wrong class at >= 0.6). So each face part is
checked on the appearance of the face itself: the HOG of the part's window in the
eye-aligned grey face crop (`FaceObservation.face_crop`, eyes level at fixed points), fed to
a logistic regression per part. The weights are `models/occlusion.json`, trained by
`facequest train-occlusion` on the dev sets with the varied synthetic occluders of
`game.vision.conditions` (hands of six skin tones, cloth, toys; eyewear and clean faces as
the negatives), subject-wise; its figures are in the model card section of that file.

Grey only, on purpose: the children's set is grey, so colour would teach "colour means an
occluder".
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from game.paths import MODELS_DIR

OCCLUSION_MODEL_PATH = MODELS_DIR / "occlusion.json"

# Windows of the 128x128 eye-aligned crop (eyes at y=45, 40 px apart): (x0, y0, x1, y1),
# and the size each window is resampled to before its HOG (8 px cells, 16 px blocks).
PART_WINDOWS: dict[str, tuple[tuple[int, int, int, int], tuple[int, int]]] = {
    "mouth": ((24, 72, 104, 124), (64, 40)),
    "eyes": ((8, 20, 120, 68), (96, 40)),
}
PARTS = tuple(PART_WINDOWS)


class OcclusionModelError(RuntimeError):
    """The occlusion model file is missing or unreadable."""


@functools.cache
def _hog(size: tuple[int, int]) -> cv2.HOGDescriptor:
    return cv2.HOGDescriptor(size, (16, 16), (8, 8), (8, 8), 9)


def part_features(face_crop: np.ndarray, part: str) -> np.ndarray:
    """The HOG (float32, 1-D) of `part`'s window of a (128, 128) uint8 face crop, plus the
    window's mean and spread of grey relative to the whole crop's."""
    (x0, y0, x1, y1), size = PART_WINDOWS[part]
    window = cv2.resize(face_crop[y0:y1, x0:x1], size, interpolation=cv2.INTER_AREA)
    hog = np.asarray(_hog(size).compute(window), np.float32).ravel()
    whole_mean, whole_std = float(face_crop.mean()), float(face_crop.std()) + 1e-6
    stats = np.array(
        [(float(window.mean()) - whole_mean) / whole_std, float(window.std()) / whole_std],
        np.float32,
    )
    return np.concatenate([hog.astype(np.float32), stats])


@dataclass(frozen=True, slots=True)
class PartModel:
    """A logistic regression on standardised part features, with its flag threshold."""

    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    def probability(self, features: np.ndarray) -> float:
        z = float(((features - self.mean) / self.scale) @ self.coef + self.intercept)
        return float(1.0 / (1.0 + np.exp(-np.clip(z, -40, 40))))


class OcclusionModel:
    """One `PartModel` per face part, loaded from JSON (`save` writes the same form)."""

    def __init__(self, parts: dict[str, PartModel], info: dict[str, object] | None = None):
        self.parts, self.info = parts, dict(info or {})

    @classmethod
    def load(cls, path: Path = OCCLUSION_MODEL_PATH) -> OcclusionModel:
        """Raises OcclusionModelError naming the file when it is missing or malformed."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            parts = {
                name: PartModel(
                    mean=np.asarray(p["mean"], np.float32),
                    scale=np.asarray(p["scale"], np.float32),
                    coef=np.asarray(p["coef"], np.float32),
                    intercept=float(p["intercept"]),
                    threshold=float(p["threshold"]),
                )
                for name, p in data["parts"].items()
            }
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise OcclusionModelError(f"{path}: not a readable occlusion model ({exc})") from None
        return cls(parts, data.get("info"))

    def save(self, path: Path) -> None:
        data = {
            "info": self.info,
            "parts": {
                name: {
                    "mean": [round(float(v), 6) for v in p.mean],
                    "scale": [round(float(v), 6) for v in p.scale],
                    "coef": [round(float(v), 6) for v in p.coef],
                    "intercept": p.intercept,
                    "threshold": p.threshold,
                }
                for name, p in self.parts.items()
            },
        }
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    def probabilities(self, face_crop: np.ndarray) -> dict[str, float]:
        """P(covered) per face part of a (128, 128) uint8 eye-aligned face crop."""
        return {
            name: model.probability(part_features(face_crop, name))
            for name, model in self.parts.items()
        }

    def covered(self, face_crop: np.ndarray) -> frozenset[str]:
        """The face parts whose probability of being covered reaches their threshold."""
        return frozenset(
            name
            for name, p in self.probabilities(face_crop).items()
            if p >= self.parts[name].threshold
        )


@functools.cache
def default_occlusion_model() -> OcclusionModel | None:
    """The shipped model, loaded once; None (no occlusion check) when it is not there."""
    if not OCCLUSION_MODEL_PATH.is_file():
        return None
    return OcclusionModel.load(OCCLUSION_MODEL_PATH)
