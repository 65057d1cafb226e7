"""Eyewear before and after calibration: what a glasses style no training copy had costs a
child scored raw (before calibration) and calibrated (the neutral taken wearing the same
glasses, as a child calibrates at the start of the session), on people never seen.

A feature-level measurement, not the live chain: `facequest robustness` plays pictures to the
chain with the raw model only. Here, for each style S (thin, thick, tinted):

1. K subject-wise fold models (`game.training.out_of_fold.subject_folds`) are trained with the
   shipped recipe, raw and calibrated ("delta", its copies minus the same person's neutral
   copies), each image's one webcam copy drawn as the recipe draws it but no eyewear copy
   wearing S (`copies.picked_copies`);
2. every picture of the held-out people is read clean and wearing S (one seeded copy per
   picture, `augment.eyewear_among((S,))`, seed 1, features from the game's tracker and
   feature code, cached); calibrated, each picture is compared with the median of the same
   person's neutral pictures under the same condition (`cv.neutral_deltas`, leave one out for
   the neutral pictures) and the delta model's probabilities are fused with the raw model's
   (`cv.fuse_with_raw`, as the game fuses them);
3. a picture *hits* when its posed label's probability reaches that label's threshold, set
   per fold on the other folds' clean out-of-fold probabilities so 4% of the other labels'
   pictures reach it (the score map's offsets at 4% false alarms, without the temperature or
   the action bonus, which move neither a target's ranking nor, here, its threshold's place);
4. the cost of S is the clean hit rate minus the hit rate with S's glasses, per data set
   and scoring (raw, calibrated). Calibrated figures leave out the people without a neutral
   picture (and a lone neutral picture, which has no other to be compared with).

Usage (from the repository root; about 5 CPU-minutes per style on the children's and adults'
sets, plus the glasses copies not yet in the cache):

    python scripts/measure_calibrated_eyewear.py --data ../shared/datasets/cafe_children \\
        --data ../shared/datasets/tw_performers --cache-dir DIR [--styles tinted,thick,thin] \\
        [--out-of-fold 2] [--json FILE]

Prints a Markdown table; --json writes every figure. Exit 1 with one sentence for a bad
folder or option.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

from game.training.augment import EYEWEAR_STYLES, eyewear_among
from game.training.copies import picked_copies
from game.training.cv import class_order, copy_deltas, fuse_with_raw, neutral_deltas
from game.training.dataset import DatasetError, load_folders
from game.training.feature_cache import extract, extract_augmented
from game.training.out_of_fold import subject_folds
from game.training.recipe import Recipe, fit

TARGET_COST = 0.04
FALSE_ALARM_RATE = 0.04
GLASSES_SEED = 1
MODES = ("raw", "calibrated")


def thresholds(
    probabilities: np.ndarray, truth: np.ndarray, fold: np.ndarray, k: int
) -> np.ndarray:
    """(k, C) per fold and label: the (1 - FALSE_ALARM_RATE) quantile of that label's
    probability over the other folds' pictures of other labels (rows of NaN left out)."""
    out = np.zeros((k, probabilities.shape[1]))
    read = ~np.isnan(probabilities[:, 0])
    for f in range(k):
        for c in range(probabilities.shape[1]):
            others = probabilities[read & (fold != f) & (truth != c), c]
            out[f, c] = np.quantile(others, 1.0 - FALSE_ALARM_RATE)
    return out


def hit_rate(
    probabilities: np.ndarray, truth: np.ndarray, fold: np.ndarray, limits: np.ndarray,
    rows: np.ndarray,
) -> tuple[float, float, int]:
    """(hit rate, accuracy, pictures) over `rows` (a bool mask) that were read."""
    read = rows & ~np.isnan(probabilities[:, 0])
    if not read.any():
        return float("nan"), float("nan"), 0
    p = probabilities[read]
    t = truth[read]
    hits = p[np.arange(len(p)), t] >= limits[fold[read], t]
    return float(hits.mean()), float((p.argmax(axis=1) == t).mean()), int(read.sum())


def measure_style(
    style: str, data_dirs: list[Path], cache_dir: Path | None, k: int
) -> dict[str, dict[str, float | int]]:
    """The figures of one held-out style, keyed "MODE SET"."""
    recipe = Recipe()
    data = extract(load_folders(data_dirs), cache_dir=cache_dir, progress=False)
    labels, subjects = tuple(data.labels), tuple(data.subjects)
    sets = np.asarray(data.datasets)
    classes = class_order(labels)
    truth = np.array([classes.index(label) for label in labels])
    fold = subject_folds(subjects, k)
    others = [s for s in EYEWEAR_STYLES if s != style]
    copies = picked_copies(data, recipe, cache_dir, False, eyewear_styles=others)
    if copies is None:
        raise ValueError("the recipe makes no training copies")
    worn = extract_augmented(data, [eyewear_among((style,))], seed=GLASSES_SEED,
                             cache_dir=cache_dir, progress=False)
    source = worn.source
    worn_truth, worn_fold, worn_sets = truth[source], fold[source], sets[source]
    clean_deltas = neutral_deltas(data.features, labels, subjects)
    worn_deltas = neutral_deltas(worn.features, tuple(labels[i] for i in source),
                                 tuple(subjects[i] for i in source))
    delta_copies = copy_deltas(copies)
    copy_truth = np.array([classes.index(label) for label in copies.labels])
    delta_copy_truth = np.array([classes.index(label) for label in delta_copies.labels])
    person = np.asarray(subjects)
    clean = {m: np.full((len(truth), len(classes)), np.nan) for m in MODES}
    glasses = {m: np.full((len(source), len(classes)), np.nan) for m in MODES}
    for f in range(k):
        training = set(person[fold != f].tolist())
        mine = np.array([s in training for s in copies.subjects])
        raw = fit(data.features[fold != f], truth[fold != f], recipe,
                  (copies.features[mine], copy_truth[mine]))
        delta_train = fold[clean_deltas.rows] != f
        mine_d = np.array([s in training for s in delta_copies.subjects])
        delta = fit(clean_deltas.values[delta_train], truth[clean_deltas.rows[delta_train]],
                    recipe, (delta_copies.features[mine_d], delta_copy_truth[mine_d]), "delta")
        if list(delta.classes_) != list(range(len(classes))):
            raise ValueError("a fold's calibrated model lacks an expression")
        held = fold == f
        clean["raw"][held] = raw.predict_proba(data.features[held])
        rows = clean_deltas.rows[~delta_train]
        clean["calibrated"][rows] = fuse_with_raw(
            delta.predict_proba(clean_deltas.values[~delta_train]), classes,
            clean["raw"][rows], classes)
        held_worn = worn_fold == f
        glasses["raw"][held_worn] = raw.predict_proba(worn.features[held_worn])
        test_d = worn_fold[worn_deltas.rows] == f
        rows_w = worn_deltas.rows[test_d]
        glasses["calibrated"][rows_w] = fuse_with_raw(
            delta.predict_proba(worn_deltas.values[test_d]), classes,
            glasses["raw"][rows_w], classes)
    figures: dict[str, dict[str, float | int]] = {}
    for mode in MODES:
        limits = thresholds(clean[mode], truth, fold, k)
        for name in dict.fromkeys(data.datasets):
            c_hit, c_acc, c_n = hit_rate(clean[mode], truth, fold, limits, sets == name)
            g_hit, g_acc, g_n = hit_rate(glasses[mode], worn_truth, worn_fold, limits,
                                         worn_sets == name)
            figures[f"{mode} {name}"] = {
                "clean_hit_rate": c_hit, "glasses_hit_rate": g_hit, "cost": c_hit - g_hit,
                "clean_accuracy": c_acc, "glasses_accuracy": g_acc,
                "clean_pictures": c_n, "glasses_pictures": g_n,
            }
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True, metavar="DIR")
    parser.add_argument("--cache-dir", type=Path, default=None, metavar="DIR")
    parser.add_argument("--styles", default=",".join(EYEWEAR_STYLES), metavar="NAMES")
    parser.add_argument("--out-of-fold", type=int, default=2, metavar="K")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE")
    args = parser.parse_args(argv)
    styles = [s.strip() for s in args.styles.split(",") if s.strip()]
    unknown = [s for s in styles if s not in EYEWEAR_STYLES]
    if unknown or not styles:
        print(f"--styles takes some of {', '.join(EYEWEAR_STYLES)}, not "
              f"{', '.join(unknown) or 'none'}.", file=sys.stderr)
        return 1
    if args.out_of_fold < 2:
        print("--out-of-fold must be at least 2.", file=sys.stderr)
        return 1
    if args.json is not None and not args.json.parent.is_dir():
        print(f"--json: there is no folder {args.json.parent}.", file=sys.stderr)
        return 1
    results: dict[str, dict[str, dict[str, float | int]]] = {}
    try:
        for style in styles:
            results[style] = measure_style(style, list(args.data), args.cache_dir,
                                           args.out_of_fold)
    except (DatasetError, ValueError) as exc:
        print(f"cannot measure: {exc}", file=sys.stderr)
        return 1
    print("| held-out style | scored | set | clean pictures | clean hit rate | glasses hit rate "
          "| cost | clean accuracy | glasses accuracy | <= 0.04 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for style, figures in results.items():
        for key, v in figures.items():
            mode, name = key.split(" ", 1)
            print(f"| {style} | {mode} | {name} | {v['clean_pictures']} "
                  f"| {v['clean_hit_rate']:.3f} | {v['glasses_hit_rate']:.3f} "
                  f"| **{v['cost']:+.3f}** | {v['clean_accuracy']:.3f} "
                  f"| {v['glasses_accuracy']:.3f} | "
                  f"{'yes' if v['cost'] <= TARGET_COST else 'no'} |")
    if args.json is not None:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
