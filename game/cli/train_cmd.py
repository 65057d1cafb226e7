"""`facequest train`: train the expression models on labelled face folders and write the card."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.cli import CliError, Subparsers
from game.paths import DEFAULT_MODEL_PATH

if TYPE_CHECKING:
    from game.training.recipe import Recipe


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "train",
        help="train the expression model on labelled face images",
        description=(
            "Extract features with the game's own face tracker (cached per image), run "
            "subject-wise cross-validation, train the raw and calibrated models, export them "
            "to ONNX, fit each model's target-score map (NAME.scoring.json) from the "
            "cross-validation and write the model card. Each --data folder holds labels.csv "
            "(file,label,subject) and the images."
        ),
    )
    parser.add_argument(
        "--data", type=Path, action="append", required=True, metavar="DIR",
        help="a labelled image folder (repeat for several)",
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_MODEL_PATH, metavar="FILE",
        help=f"raw model file (default: {DEFAULT_MODEL_PATH}); the calibrated model is "
        "written beside it as NAME_calibrated.onnx",
    )
    parser.add_argument(
        "--card", type=Path, default=None, metavar="FILE",
        help="model card to write (default: MODEL_CARD.md beside --out)",
    )
    parser.add_argument(
        "--folds", type=int, default=5,
        help="subject-wise CV folds for the card's figures and the score maps "
        "(0: skip CV and write no score map; default 5)",
    )
    parser.add_argument(
        "--false-alarm", type=float, default=None, metavar="RATE",
        help="share of other expressions' faces allowed to reach the default threshold "
        "when the score maps are fitted (default 0.04)",
    )
    parser.add_argument(
        "--no-calibrated", action="store_true", help="do not train the calibrated model"
    )
    parser.add_argument(
        "--cache-dir", type=Path, default=None, metavar="DIR",
        help="feature cache folder (default: the user cache folder)",
    )
    parser.add_argument(
        "--augment", default=None, metavar="NAMES",
        help="webcam-condition augmentations the training copies are drawn among, "
        "comma-separated (game.training.augment: eyewear, roll, light, lowres, occluder), "
        "or 'none' (default: the recipe's, chosen by the ablation in the model card)",
    )
    parser.add_argument(
        "--jobs", type=int, default=1, metavar="N",
        help="processes fitting the landmark vote's MLPs (the same models; default 1)",
    )
    parser.add_argument("--cv-json", type=Path, default=None, metavar="FILE",
                        help="also save the CV figures as JSON")
    parser.add_argument(
        "--map-population", action="append", default=None, metavar="SET",
        help="a --data folder's name whose faces set the target-score offsets (the people "
        "the game scores; repeat for several; default: every data set). The shipped maps: "
        "--map-population cafe_children",
    )
    parser.add_argument(
        "--maps-on", choices=("video", "still"), default=None,
        help="fit the target-score maps on every picture read as the game reads it, as "
        "video (default), or on the still reads the models train on (as before 2026-12-07); "
        "the maps need --folds >= 2",
    )
    parser.set_defaults(func=run)


def _recipe(args: argparse.Namespace) -> Recipe | None:
    """The recipe with the command line's changes (None: `train`'s default recipe)."""
    from dataclasses import replace

    from game.training.augment import augmentation
    from game.training.recipe import Recipe

    if args.jobs < 1:
        raise CliError("--jobs must be at least 1.")
    if args.augment is None and args.jobs == 1:
        return None
    recipe = replace(Recipe(), n_jobs=args.jobs)
    if args.augment is None:
        return recipe
    names = tuple(n.strip() for n in args.augment.split(",") if n.strip())
    if names == ("none",):
        names = ()
    for name in names:
        try:
            augmentation(name)
        except ValueError as exc:
            raise CliError(str(exc)) from None
    return replace(recipe, augmentations=names)


def run(args: argparse.Namespace) -> int:
    from game.training.dataset import DatasetError
    from game.training.train import train

    if args.folds == 1 or args.folds < 0:
        raise CliError("--folds must be 0 (no cross-validation) or at least 2.")
    if args.out.suffix != ".onnx":
        raise CliError(f"--out must name an .onnx file, not {args.out}.")
    if args.maps_on is not None and args.folds == 0:
        raise CliError("--maps-on needs --folds 2 or more: without cross-validation no "
                       "target-score map is fitted.")
    if args.false_alarm is not None and not 0.0 < args.false_alarm < 1.0:
        raise CliError("--false-alarm must be a share between 0 and 1, such as 0.04.")
    card = args.card or args.out.with_name("MODEL_CARD.md")
    extra: dict[str, Any] = {} if args.false_alarm is None else {
        "false_alarm_rate": args.false_alarm}
    if args.map_population:
        names = {Path(d).name for d in args.data}
        unknown = [p for p in args.map_population if p not in names]
        if unknown:
            raise CliError(f"--map-population {unknown[0]} is not the name of a --data folder "
                           f"({', '.join(sorted(names))}).")
        extra["map_population"] = tuple(args.map_population)
    try:
        result = train(
            list(args.data),
            args.out,
            recipe=_recipe(args),
            cache_dir=args.cache_dir,
            folds=args.folds,
            card=card,
            calibrated=not args.no_calibrated,
            maps_on=args.maps_on or "video",
            **extra,
        )
    except DatasetError as exc:
        raise CliError(str(exc)) from None
    except ValueError as exc:
        raise CliError(f"cannot train: {exc}") from None
    print(f"trained on {result.n_images} faces")
    print(f"raw model:        {result.raw_model}")
    if result.calibrated_model is not None:
        print(f"calibrated model: {result.calibrated_model}")
    for score_map in result.score_maps:
        print(f"score map:        {score_map}")
    if not result.score_maps:
        print("score maps:       none (they need --folds >= 2); the game uses the default map")
    if result.trained_images is not None:
        print(f"trained images:   {result.trained_images} (hashes only)")
    print(f"model card:       {card}")
    if result.cv is not None:
        for kind in ("raw", "calibrated"):
            for name, s in result.cv[kind].items():
                print(
                    f"CV {kind:<10} {name:<16} n={s['n']:<5} accuracy {s['accuracy']:.3f}  "
                    f"balanced {s['balanced_accuracy']:.3f}  "
                    f"lowest AUC {min(s['auc'].values()):.3f}"
                )
        for kind, block in result.cv.get("target_score", {}).get("modes", {}).items():
            for name, per_target in block["nested"].items():
                hits = [m["hit_rate"] for m in per_target.values()]
                alarms = [m["false_alarm_rate"] for m in per_target.values()]
                if not hits:
                    continue
                print(
                    f"target score {kind:<10} {name:<16} mean hit rate "
                    f"{sum(hits) / len(hits):.2f}  highest false alarms {max(alarms):.3f}"
                )
        if args.cv_json is not None:
            args.cv_json.write_text(json.dumps(result.cv, indent=1), encoding="utf-8")
    return 0
