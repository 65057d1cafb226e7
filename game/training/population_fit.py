"""Rebuild the population neutral face (`game.vision.population`) from labelled folders.

Usage:
    python -m game.training.population_fit DATASET_DIR [DATASET_DIR ...]

Each folder holds a labels.csv of file,label,subject; the images labelled neutral are used.
This lives in training, not vision, because it reads datasets through the training feature
cache: the game's vision layer only reads the shipped file.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from game.vision.calibration import NeutralBaseline
from game.vision.features import FEATURE_NAMES, FEATURE_SPEC_VERSION
from game.vision.population import POPULATION_PATH
from game.vision.records import FeatureVector


def build_population_baseline(
    dataset_dirs: list[Path], cache_dir: Path | None = None
) -> NeutralBaseline:
    """Median neutral face over the images labelled neutral in each dataset's labels.csv.

    Features are made exactly as for training (`game.training.feature_cache.extract`, which
    runs the tracker only for images not cached yet).
    """
    from game.expressions import Expression
    from game.training.dataset import load_folders
    from game.training.feature_cache import extract

    neutral = [i for i in load_folders(dataset_dirs) if i.label is Expression.NEUTRAL]
    data = extract(neutral, cache_dir=cache_dir)
    if len(data) == 0:
        raise ValueError("no neutral face found in the data folders")
    vectors = [FeatureVector(row, FEATURE_NAMES, FEATURE_SPEC_VERSION) for row in data.features]
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
