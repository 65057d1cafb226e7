"""What transfers between data sets: train on all sets but one, score the one left out.

Every set is a different population, lab, camera and posing instruction (children 2-8 in
CAFE, Taiwanese performers, CK+'s students); a model that only works on the people of the
sets it saw does not generalise. For each set, the recipe is fitted on the other sets (clean
images, mirrors and the recipe's webcam-condition copies) and scores every image of the left
out set (raw features, arg-max): accuracy and per-class recall, a class the training sets lack
is never predicted. Run:
    python -m game.training.transfer --data DIR --data DIR [--data DIR ...] [--members 1]
        [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from game.training.augment import augmentation
from game.training.cv import class_order, make_copies
from game.training.dataset import load_folders
from game.training.feature_cache import extract, extract_augmented
from game.training.metrics import summarise
from game.training.recipe import Recipe, fit

logger = logging.getLogger(__name__)


def transfer(
    data_dirs: list[Path], recipe: Recipe, cache_dir: Path | None = None
) -> dict[str, Any]:
    data = extract(load_folders(data_dirs), cache_dir=cache_dir, progress=False)
    kinds = [augmentation(n) for n in recipe.augmentations]
    aug = extract_augmented(data, kinds, recipe.seed, cache_dir, progress=False)
    copies = make_copies(
        aug.features, aug.source, aug.augmentations, data.labels, data.subjects,
        data.datasets, recipe.augmentations, recipe.seed,
    )
    sets = np.asarray(data.datasets)
    copy_sets = np.asarray(copies.datasets)
    out: dict[str, Any] = {
        "measured": date.today().isoformat(),  # the card heads these figures with it
        "recipe": recipe.describe(),
        "members": recipe.members,
        "sets": {},
    }
    for name in dict.fromkeys(data.datasets):
        train = np.flatnonzero(sets != name)
        test = np.flatnonzero(sets == name)
        labels = [data.labels[i] for i in train]
        classes = class_order(labels)
        y = np.array([classes.index(label) for label in labels])
        rows = np.flatnonzero((copy_sets != name) & copies.train)
        copy_y = np.array([classes.index(copies.labels[i]) for i in rows])
        model = fit(data.features[train], y, recipe, (copies.features[rows], copy_y))
        probabilities = np.zeros((len(test), len(classes)))
        columns = np.asarray([int(c) for c in model.classes_])
        probabilities[:, columns] = model.predict_proba(data.features[test])
        summary = summarise([data.labels[i] for i in test], probabilities, classes)
        trained_on = [s for s in dict.fromkeys(data.datasets) if s != name]
        out["sets"][name] = {
            "trained_on": trained_on,
            "n": summary["n"],
            "accuracy": summary["accuracy"],
            "recall": summary["recall"],
        }
        logger.info("%s <- %s: %.3f", name, "+".join(trained_on), summary["accuracy"])
    return out


def markdown(result: dict[str, Any]) -> str:
    labels = list(dict.fromkeys(c for s in result["sets"].values() for c in s["recall"]))
    head = ["tested on", "trained on", "n", "accuracy"] + [f"recall {c}" for c in labels]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, s in result["sets"].items():
        cells = [name, " + ".join(s["trained_on"]), str(s["n"]), f"{s['accuracy']:.3f}"]
        cells += [f"{s['recall'][c]:.2f}" if c in s["recall"] else "-" for c in labels]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--members", type=int, default=Recipe().members)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    result = transfer(list(args.data), replace(Recipe(), members=args.members), args.cache_dir)
    if args.json is not None:
        args.json.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
