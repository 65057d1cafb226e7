"""Leave-one-style-out eyewear: what a glasses style no training copy had costs people never
seen, through the game's chain.

The recipe's webcam-condition copies draw glasses with the code (`game.vision.conditions.
eyewear`) that `facequest robustness` measures with, so the glasses_* rows of an ordinary run
measure styles the model trained on. Here, for each style S (thin, thick, tinted):

1. K subject-wise fold models are trained with the shipped recipe, but no training copy
   wears S (`facequest robustness --out-of-fold K --hold-out-style S`: each image's one
   copy is drawn first; an eyewear copy's glasses are drawn among the other two styles);
2. each picked image is played to the live chain with the model that never saw its person,
   clean and with S's glasses (`glasses_S`);
3. the cost of S per data set is the clean hit rate minus the glasses_S hit rate (target
   score >= the credit threshold; an untrusted reading never hits).

Usage (from the repository root). Each set of fold models costs K fits of the recipe (about
3 CPU-minutes each on the children's and adults' sets) plus the copies not yet in the cache
(about 0.2 CPU-seconds each); --together trains one set for every chosen style:

    python scripts/measure_eyewear_holdout.py --data ../shared/datasets/cafe_children \\
        --data ../shared/datasets/tw_performers --data ../shared/datasets/ckplus48 \\
        --out-of-fold 3 --per-set 150 --cache-dir DIR [--styles thin,tinted] [--json FILE]

`--varied instead|extra`: the fold models' eyewear copies wear the varied training family
(`game.training.augment.varied_glasses`, code apart from the measured styles) instead of the
three styles, or every image also gets an extra copy wearing it; the styles are measured
with one set of fold models, none of whose copies wore any of them.

Prints a Markdown table (one row per style and data set) and, with --json, writes every
figure. Exit 1 with one sentence for a bad folder or option.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from game.training.augment import EYEWEAR_STYLES
from game.training.dataset import DatasetError
from game.training.recipe import VARIED_GLASSES_MODES, Recipe, with_varied_glasses
from game.training.robustness import as_json, as_table, measure
from game.training.robustness_reads import ConditionResult
from game.vision.conditions import condition
from game.vision.model import ModelError

TARGET_COST = 0.04


def _row(style: str, name: str, clean: ConditionResult, worn: ConditionResult) -> str:
    cost = clean.hit_rate - worn.hit_rate
    return (f"| {style} | {name} | {clean.images} | {clean.hit_rate:.3f} | {worn.hit_rate:.3f} "
            f"| **{cost:+.3f}** | {worn.flagged:.2f} | {clean.confident_wrong:.3f} "
            f"| {worn.confident_wrong:.3f} | {'yes' if cost <= TARGET_COST else 'no'} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True, metavar="DIR")
    parser.add_argument("--out-of-fold", type=int, default=3, metavar="K")
    parser.add_argument("--per-set", type=int, default=150, metavar="N")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache-dir", type=Path, default=None, metavar="DIR")
    parser.add_argument("--styles", default=",".join(EYEWEAR_STYLES), metavar="NAMES")
    parser.add_argument("--json", type=Path, default=None, metavar="FILE")
    parser.add_argument("--together", action="store_true",
                        help="hold every chosen style out of one set of fold models at once "
                        "(a stricter test at a third of the training: no training copy has "
                        "any of them) instead of one set per style")
    parser.add_argument("--also", default="", metavar="NAMES",
                        help="more conditions measured with the first style's fold models "
                        "(e.g. motion_blur_8,out_side_35), printed per set")
    parser.add_argument("--varied", choices=VARIED_GLASSES_MODES, default=None,
                        help="train on the varied glasses family (`augment.varied_glasses`), "
                        "never on the measured styles: 'instead' draws it as the eyewear copy "
                        "(one copy per image, as the recipe), 'extra' also gives every image "
                        "one more copy wearing varied glasses; every chosen style is then "
                        "measured with one set of fold models")
    parser.add_argument("--calibrated", action="store_true",
                        help="also train the fold models' calibrated companions and measure "
                        "each style calibrated: every picture against the person's own "
                        "neutral pictures wearing the same glasses, as a child who plays in "
                        "glasses calibrates in them (`robustness --calibrated`); the raw rows "
                        "are then on the same pictures (people with a neutral baseline)")
    args = parser.parse_args(argv)
    styles = [s.strip().removeprefix("glasses_") for s in args.styles.split(",") if s.strip()]
    unknown = [s for s in styles if s not in EYEWEAR_STYLES]
    if unknown or not styles:
        print(f"--styles must name some of {', '.join(EYEWEAR_STYLES)}.", file=sys.stderr)
        return 1
    if args.out_of_fold < 2 or args.per_set < 1 or args.seed < 0:
        print("--out-of-fold must be at least 2, --per-set at least 1 and --seed at least 0.",
              file=sys.stderr)
        return 1
    if args.json is not None and (args.json.is_dir() or not args.json.parent.is_dir()
                                  or not os.access(args.json.parent, os.W_OK)):
        # Checked before the hours of training, not when the figures are written.
        print(f"--json {args.json}: not a file that can be written in an existing folder.",
              file=sys.stderr)
        return 1

    def progress(text: str) -> None:
        print(f"eyewear hold-out: {text}", file=sys.stderr, flush=True)

    try:
        also = [condition(n.strip()) for n in args.also.split(",") if n.strip()]
    except ValueError as exc:
        print(f"--also: {exc}", file=sys.stderr)
        return 1
    rows: list[str] = []
    figures: dict[str, object] = {}
    recipe = None
    if args.varied is not None:
        recipe = with_varied_glasses(Recipe(), args.varied)
        args.together = True
    rounds = [styles] if args.together else [[style] for style in styles]
    for n, held in enumerate(rounds):
        label = "+".join(held)
        progress(f"{label} held out of the training copies")
        try:
            run = measure(
                args.data, Path("unused"),
                conditions=[condition("clean"), *(condition(f"glasses_{s}") for s in held),
                            *(also if n == 0 else [])],
                per_set=args.per_set, seed=args.seed, progress=progress,
                out_of_fold=args.out_of_fold, cache_dir=args.cache_dir,
                eyewear_styles=tuple(s for s in EYEWEAR_STYLES if s not in held),
                recipe=recipe, calibrated=args.calibrated,
            )
        except (DatasetError, ModelError) as exc:
            print(f"eyewear hold-out: {exc}", file=sys.stderr)
            return 1
        assert run.by_set is not None and run.out_of_fold is not None
        made = len(rows)
        scorings = [("", run.conditions, run.by_set)]
        if run.calibrated is not None and run.calibrated_by_set is not None:
            scorings = [(" (raw)", run.conditions, run.by_set),
                        (" (calibrated)", run.calibrated, run.calibrated_by_set)]
        for i, style in enumerate(held, start=1):
            for how, overall, per_set in scorings:
                for name, results in per_set.items():
                    rows.append(_row(style + how, name, results[0], results[i]))
                rows.append(_row(style + how, "all", overall[0], overall[i]))
        if n == 0 and also:
            for name, results in [("all", run.conditions), *run.by_set.items()]:
                print(f"\n{name}, fold models without {label} glasses copies:\n\n"
                      f"{as_table(results)}", file=sys.stderr, flush=True)
        figures[label] = {
            "varied": args.varied,
            "out_of_fold": run.out_of_fold,
            "all": as_json(run.conditions),
            "by_set": {name: as_json(results) for name, results in run.by_set.items()},
            "calibrated": (None if run.calibrated is None else as_json(run.calibrated)),
            "calibrated_by_set": (None if run.calibrated_by_set is None else
                                  {name: as_json(results)
                                   for name, results in run.calibrated_by_set.items()}),
            "uncalibrated": run.uncalibrated,
        }
        print("\n".join(rows[made:]), file=sys.stderr, flush=True)
    held_how = ("every style held out of one set of" if args.together
                else "each style held out of its own set of")
    if args.varied is not None:
        held_how = ("varied training glasses " + ("as an extra copy of every image"
                    if args.varied == "extra" else "instead of the three styles")
                    + "; every measured style held out of one set of")
    print(f"Out of fold, {args.out_of_fold} subject-wise folds; {held_how} "
          f"fold models' training copies; at most {args.per_set} images per set, seed "
          f"{args.seed}; cost = clean hit rate - glasses hit rate (target <= {TARGET_COST}).\n")
    print("| held-out style | set | images | clean hit rate | glasses hit rate | cost "
          "| glasses flagged | clean confident wrong | glasses confident wrong | <= 0.04 |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    print("\n".join(rows))
    if args.json is not None:
        try:
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
        except OSError as exc:
            print(f"--json {args.json}: cannot write it ({exc.strerror}); the table above "
                  "has the figures.", file=sys.stderr)
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
