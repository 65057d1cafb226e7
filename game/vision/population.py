"""The population neutral face: what scoring compares against before a child is calibrated.

`population_neutral.json` beside this module holds per-feature medians and spreads of the
neutral faces of both dev datasets (children and adults; aggregate statistics only, no
images). Readings scored against it carry the NOT_CALIBRATED flag.

Rebuild it (after a feature-spec change) with:
    python -m game.training.population_fit DATASET_DIR [DATASET_DIR ...]
(each with a labels.csv of file,label,subject; the images labelled neutral are used). The
features come from the training feature cache (`game.training.feature_cache`: same padding,
tracker and feature code as the model's training data), so a rebuild after training takes
seconds.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path

import numpy as np

from game.vision.calibration import NeutralBaseline
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION

logger = logging.getLogger(__name__)

POPULATION_PATH = Path(__file__).with_name("population_neutral.json")
PAD_FRACTION = 0.5  # tight dataset crops need a border for the face detector


def pad_crop(rgb: np.ndarray, fraction: float = PAD_FRACTION) -> np.ndarray:
    """Surround a tight face crop with a grey border so the detector finds the face."""
    h, w = rgb.shape[:2]
    p = int(max(h, w) * fraction)
    out = np.full((h + 2 * p, w + 2 * p, 3), 128, dtype=np.uint8)
    out[p : p + h, p : p + w] = rgb
    return out


@functools.cache
def population_baseline() -> NeutralBaseline:
    """The shipped population baseline, completed for features it lacks.

    A feature missing from the file (the spec changed since it was built) gets median 0 and
    a one-line warning: rebuild the file.
    """
    stored = NeutralBaseline.from_dict(json.loads(POPULATION_PATH.read_text("utf-8")))
    index = {n: i for i, n in enumerate(stored.names)}
    missing = [n for n in FEATURE_NAMES if n not in index]
    if missing or stored.spec_version != FEATURE_SPEC_VERSION:
        logger.warning(
            "%s is feature spec %s (this game: %s) and lacks %d of %d features; "
            "rebuild it: python -m game.training.population_fit DATASET_DIR ...",
            POPULATION_PATH.name,
            stored.spec_version,
            FEATURE_SPEC_VERSION,
            len(missing),
            len(FEATURE_NAMES),
        )
    medians = tuple(stored.medians[index[n]] if n in index else 0.0 for n in FEATURE_NAMES)
    spreads = tuple(stored.spreads[index[n]] if n in index else 0.0 for n in FEATURE_NAMES)
    return NeutralBaseline(
        FEATURE_NAMES, medians, spreads, FEATURE_SPEC_VERSION, stored.frames, "population"
    )
