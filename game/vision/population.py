"""The population neutral face: what scoring compares against before a child is calibrated.

`population_neutral.json` beside this module holds per-feature medians and spreads of the
neutral faces of both dev datasets (children and adults; aggregate statistics only, no
images). Readings scored against it carry the NOT_CALIBRATED flag.

Rebuild it (after a feature-spec change) with:
    python -m game.vision.population DATASET_DIR [DATASET_DIR ...]
(each with a labels.csv of file,label,subject; the images labelled neutral are used).
"""

from __future__ import annotations

import csv
import functools
import json
import logging
import sys
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

    A feature missing from the file (the spec grew since it was built) gets median 0 and a
    warning: rebuild the file.
    """
    stored = NeutralBaseline.from_dict(json.loads(POPULATION_PATH.read_text("utf-8")))
    index = {n: i for i, n in enumerate(stored.names)}
    missing = [n for n in FEATURE_NAMES if n not in index]
    if missing:
        logger.warning("population baseline lacks %s: rebuild %s", missing, POPULATION_PATH)
    medians = tuple(stored.medians[index[n]] if n in index else 0.0 for n in FEATURE_NAMES)
    spreads = tuple(stored.spreads[index[n]] if n in index else 0.0 for n in FEATURE_NAMES)
    return NeutralBaseline(
        FEATURE_NAMES, medians, spreads, FEATURE_SPEC_VERSION, stored.frames, "population"
    )


def build_population_baseline(dataset_dirs: list[Path]) -> NeutralBaseline:
    """Median neutral face over the images labelled neutral in each dataset's labels.csv."""
    from game.vision.face_tracker import FaceTracker, TrackerSettings
    from game.vision.features import extract_features
    from game.vision.records import Frame
    from game.vision.sources import read_image

    vectors = []
    with FaceTracker(TrackerSettings(mode="image")) as tracker:
        for root in dataset_dirs:
            with (root / "labels.csv").open(newline="", encoding="utf-8") as fh:
                rows = [r for r in csv.DictReader(fh) if r["label"] == "neutral"]
            for row in rows:
                obs = tracker.observe(Frame(0, pad_crop(read_image(root / row["file"]))))
                if obs.has_face:
                    vectors.append(extract_features(obs))
    return NeutralBaseline.from_vectors(vectors, source="population")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    baseline = build_population_baseline([Path(a) for a in argv])
    POPULATION_PATH.write_text(json.dumps(baseline.to_dict(), indent=1) + "\n", "utf-8")
    print(f"wrote {POPULATION_PATH} from {baseline.frames} neutral faces")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
