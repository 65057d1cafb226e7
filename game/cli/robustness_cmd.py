"""`facequest robustness`: the live chain under webcam conditions (tilt, eyewear, occluders,
light, range, motion blur, a face partly out of the frame, a second face, a mirror), per
condition (`game.training.robustness`)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli import CliError, Subparsers
from game.cli.out_of_fold_options import add_out_of_fold_options, check_out_of_fold
from game.paths import DEFAULT_MODEL_PATH

if TYPE_CHECKING:
    from game.training.robustness_reads import ConditionResult


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "robustness",
        help="measure live scoring under webcam conditions on labelled face images",
        description=(
            "Apply a fixed, seeded set of webcam conditions (head roll 15/25/35 degrees, three "
            "eyewear styles, hands, cloth and toys over the mouth or eyes, a pacifier, dark, "
            "dim, backlight, strong side light, a cheap 320x240 webcam (JPEG q15), "
            "faces 48-180 px wide in 1280x720 frames, motion blur 8% and 16% of the face's "
            "width, a face 35% past the side of the frame or its chin below it, a second face "
            "beside or behind, a mirror) to labelled images (labels.csv: file,label,subject) "
            "and print, per condition: faces found, flagged, accuracy among trusted readings, "
            "the share of confident wrong readings, target hit rate and false alarms."
        ),
    )
    parser.add_argument(
        "--data", type=Path, action="append", required=True, metavar="DIR",
        help="a labelled image folder (repeat for several)",
    )
    parser.add_argument("--model", type=Path, default=None, metavar="FILE",
                        help=f"raw model file (default: {DEFAULT_MODEL_PATH})")
    parser.add_argument("--per-set", type=int, default=None, metavar="N",
                        help="use at most N images of each folder, spread over its subjects")
    parser.add_argument("--conditions", default=None, metavar="NAMES",
                        help="comma-separated condition names (default: all)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the conditions, a whole number >= 0 (default 0)")
    parser.add_argument("--exclude-trained", action="store_true",
                        help="leave out the images the model trained on (recognised by "
                        "content), so the figures are on images it never saw")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    oof = add_out_of_fold_options(
        parser,
        "--out-of-fold K trains K models with the shipped recipe, people grouped by subject "
        "id (no person on both sides of a fold), and measures each image with the model, "
        "temperature and score map that never saw its person (--model is then not used).",
        "number of subject-wise folds (at least 2)",
    )
    oof.add_argument("--cache-dir", type=Path, default=None, metavar="DIR",
                     help="the feature cache of the fold models' training")
    oof.add_argument("--hold-out-style", default=None, metavar="STYLE",
                     help="train the fold models without the glasses of an eyewear style "
                     "(thin, thick or tinted; glasses_thin is read as thin; several "
                     "comma-separated, or all) in their webcam-condition copies, so the "
                     "glasses_STYLE condition measures glasses no training copy had "
                     "(leave-one-style-out); only the copy each image trains on is made")
    oof.add_argument("--picked-copies", action="store_true",
                     help="make only the webcam-condition copy each image trains on (a "
                     "quarter of the work when the copies are not cached), glasses of every "
                     "style")
    oof.add_argument("--varied-glasses", choices=("instead", "extra"), default=None,
                     help="the fold models' glasses copies wear a varied training family "
                     "(shapes, rims, colours, tints, glare) drawn by code apart from the "
                     "measured styles, never thin, thick or tinted: 'instead' as the "
                     "image's one copy, 'extra' also one more copy of every image; the "
                     "glasses_* conditions then measure styles no fold model saw")
    oof.add_argument("--calibrated", action="store_true",
                     help="also train each fold model's calibrated companion and score every "
                     "picture twice, raw (before calibration) and calibrated against the "
                     "person's own neutral pictures (read under the condition when it lasts "
                     "a session: glasses, light, camera, distance), as the game scores a "
                     "child after the neutral calibration; people without a neutral picture "
                     "are left out of both")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from game.training.dataset import DatasetError
    from game.training.robustness import as_json, measure
    from game.vision.conditions import CONDITIONS, condition
    from game.vision.model import ModelError

    if args.per_set is not None and args.per_set < 1:
        raise CliError("--per-set must be a whole number of at least 1.")
    if args.seed < 0:
        raise CliError("--seed must be a whole number of at least 0.")
    if args.conditions is None:
        chosen = list(CONDITIONS)
    else:
        names = list(dict.fromkeys(n.strip() for n in args.conditions.split(",") if n.strip()))
        if not names:
            raise CliError("--conditions names no condition; leave it out to run them all.")
        try:
            chosen = [condition(n) for n in names]
        except ValueError as exc:
            raise CliError(str(exc)) from None
    model = args.model if args.model is not None else DEFAULT_MODEL_PATH
    check_out_of_fold(
        args,
        only_with={"--cache-dir": args.cache_dir, "--hold-out-style": args.hold_out_style,
                   "--picked-copies": args.picked_copies,
                   "--varied-glasses": args.varied_glasses, "--calibrated": args.calibrated},
        not_with={"--model": args.model is not None, "--exclude-trained": args.exclude_trained},
        why="trains its own models on people it then leaves out",
    )
    eyewear_styles = _eyewear_styles(args.hold_out_style, args.picked_copies)
    if (eyewear_styles is not None or args.varied_glasses) and args.no_copies:
        raise CliError("--hold-out-style, --picked-copies and --varied-glasses choose the "
                       "copies the fold models train on: leave out --no-copies.")
    recipe = None
    if args.varied_glasses is not None:
        from game.training.recipe import Recipe, with_varied_glasses

        if args.hold_out_style is not None:
            raise CliError("--varied-glasses already keeps every measured style out of the "
                           "training copies: leave out --hold-out-style.")
        recipe = with_varied_glasses(Recipe(), args.varied_glasses)
        eyewear_styles = ()  # only the picked copies, none of the measured styles

    def progress(text: str) -> None:
        print(f"robustness: {text}", file=sys.stderr, flush=True)

    try:
        run_ = measure(
            list(args.data), model, conditions=chosen, per_set=args.per_set, seed=args.seed,
            progress=progress, exclude_trained=args.exclude_trained,
            out_of_fold=args.out_of_fold, cache_dir=args.cache_dir,
            with_copies=not args.no_copies, population=args.map_population,
            maps_on=args.maps_on or "video",
            eyewear_styles=eyewear_styles, recipe=recipe, calibrated=args.calibrated,
        )
    except (DatasetError, ModelError) as exc:
        raise CliError(str(exc)) from None
    if run_.note is not None:
        print(f"robustness: {run_.note}", file=sys.stderr, flush=True)
    if args.json:
        print(json.dumps({
            "seed": args.seed,
            "conditions": as_json(run_.conditions),
            "trained_images": run_.trained.as_dict(run_.excluded_trained),
            "trained_note": run_.note,
            "out_of_fold": run_.out_of_fold,
            "by_set": ({name: as_json(results) for name, results in run_.by_set.items()}
                       if run_.by_set is not None else None),
            "calibrated": (as_json(run_.calibrated) if run_.calibrated is not None
                           else None),
            "calibrated_by_set": ({name: as_json(results)
                                   for name, results in run_.calibrated_by_set.items()}
                                  if run_.calibrated_by_set is not None else None),
            "uncalibrated": run_.uncalibrated,
        }, indent=1))
    else:
        if run_.out_of_fold is not None:
            print(f"Out of fold: {run_.out_of_fold['description']}.\n")
        _print_tables(run_.conditions, run_.by_set,
                      "Scored raw (before calibration)" if run_.calibrated is not None else None)
        if run_.calibrated is not None:
            left = sorted(set((run_.uncalibrated or {}).values()))
            print(f"\nThe same pictures (every picture of a person with a neutral baseline; "
                  f"{' to '.join(map(str, left)) or 0} left out per condition).")
            _print_tables(run_.calibrated, run_.calibrated_by_set,
                          "Scored calibrated (against the person's own neutral pictures)")
    return 0


def _print_tables(conditions: list[ConditionResult],
                  by_set: dict[str, list[ConditionResult]] | None, title: str | None) -> None:
    from game.training.robustness import as_table

    if title is not None:
        print(f"\n{title}:\n")
    print(as_table(conditions))
    if by_set is not None and len(by_set) > 1:
        for name, results in by_set.items():
            print(f"\n{name}:\n\n{as_table(results)}")


def _eyewear_styles(hold_out: str | None, picked: bool) -> tuple[str, ...] | None:
    """The eyewear styles of the fold models' copies: None (every copy made, all styles)
    unless a style is held out or only the picked copies are made."""
    from game.training.augment import EYEWEAR_STYLES

    if hold_out is None:
        return EYEWEAR_STYLES if picked else None
    names = [n.strip().removeprefix("glasses_") for n in hold_out.split(",") if n.strip()]
    held = set(EYEWEAR_STYLES) if names == ["all"] else set(names)
    if not held or not held <= set(EYEWEAR_STYLES):
        raise CliError(f"--hold-out-style must name some of {', '.join(EYEWEAR_STYLES)} "
                       f"(or all), not {hold_out!r}.")
    return tuple(s for s in EYEWEAR_STYLES if s not in held)
