"""What each training augmentation does, measured by subject-wise CV.

For each configuration (no augmentation, each augmentation of `game.training.augment`
alone, and the given combinations), a subject-wise CV trains on the training subjects'
clean images, their mirror images and one copy per image under the configuration's
augmentation(s), and scores the held-out subjects' *clean* images (accuracy per data set)
and their copies under every augmentation (accuracy per augmentation): an augmentation
helps when it raises its own condition without lowering the clean figure.

The full recipe takes minutes per fit on a laptop; the ablation may run a lighter one
(`--members`: MLPs in the landmark vote) and fewer folds, which the output records. Run:
    python -m game.training.ablation --data DIR [--data DIR ...] [--folds 3] [--members 1]
        [--only none,eyewear,...] [--json FILE]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np

from game.training.augment import AUGMENTATIONS
from game.training.cv import copies_summary, make_copies, out_of_fold_with_copies
from game.training.dataset import load_folders
from game.training.feature_cache import extract, extract_augmented
from game.training.metrics import summarise
from game.training.recipe import Recipe

logger = logging.getLogger(__name__)


def configurations(extra: list[tuple[str, ...]] | None = None) -> dict[str, tuple[str, ...]]:
    """Configuration name -> the augmentations its training copies are drawn among."""
    out: dict[str, tuple[str, ...]] = {"none": ()}
    out.update({a.name: (a.name,) for a in AUGMENTATIONS})
    for combo in extra or []:
        out["+".join(combo)] = combo
    return out


def ablate(
    data_dirs: list[Path],
    recipe: Recipe,
    folds: int,
    only: list[str] | None = None,
    cache_dir: Path | None = None,
    combos: list[tuple[str, ...]] | None = None,
    json_path: Path | None = None,
) -> dict[str, Any]:
    """The figures of each configuration (written to `json_path` after each one, when
    given, so a long run leaves what it finished)."""
    data = extract(load_folders(data_dirs), cache_dir=cache_dir, progress=False)
    aug = extract_augmented(data, AUGMENTATIONS, seed=recipe.seed, cache_dir=cache_dir,
                            progress=False)
    result: dict[str, Any] = {
        "measured": date.today().isoformat(),  # the card heads these figures with it
        "folds": folds,
        "recipe": recipe.describe(),
        "members": recipe.members,
        "configurations": {},
    }
    for name, kinds in configurations(combos).items():
        if only and name not in only:
            continue
        start = time.monotonic()
        copies = make_copies(
            aug.features, aug.source, aug.augmentations, data.labels, data.subjects,
            data.datasets, kinds, recipe.seed,
        )
        probabilities, classes, copy_probabilities = out_of_fold_with_copies(
            data.features, data.labels, data.subjects, replace(recipe, augmentations=kinds),
            folds, copies,
        )
        assert copy_probabilities is not None
        sets = np.asarray(data.datasets)
        truth = np.asarray(data.labels)
        clean = {
            s: summarise(list(truth[sets == s]), probabilities[sets == s], classes)
            for s in dict.fromkeys(data.datasets)
        }
        result["configurations"][name] = {
            "trained_on": list(kinds),
            "clean": {
                s: {"accuracy": v["accuracy"], "recall": v["recall"]} for s, v in clean.items()
            },
            "augmented": copies_summary(copies, copy_probabilities, classes),
            "seconds": round(time.monotonic() - start),
        }
        logger.info("%s: %s", name, {s: round(v["accuracy"], 3) for s, v in clean.items()})
        if json_path is not None:
            json_path.write_text(json.dumps(result, indent=1) + "\n", "utf-8")
    return result


def markdown(result: dict[str, Any]) -> str:
    """One row per configuration: clean accuracy per set, accuracy per held-out condition
    (all sets together)."""
    configs = result["configurations"]
    if not configs:
        return ""
    first = next(iter(configs.values()))
    sets = list(first["clean"])
    kinds = list(first["augmented"])
    head = ["trained with"] + [f"clean {s}" for s in sets] + [f"held-out {k}" for k in kinds]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for name, c in configs.items():
        cells = [name] + [f"{c['clean'][s]['accuracy']:.3f}" for s in sets]
        cells += [f"{c['augmented'][k]['all']['accuracy']:.3f}" for k in kinds]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True)
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--members", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated configuration names")
    parser.add_argument("--combo", action="append", default=[],
                        help="a combination to add, comma-separated augmentation names")
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    recipe = replace(Recipe(), members=args.members)
    combos = [tuple(c.split(",")) for c in args.combo]
    only = [o for o in args.only.split(",") if o] or None
    result = ablate(list(args.data), recipe, args.folds, only, args.cache_dir, combos, args.json)
    print(markdown(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
