"""`facequest train-occlusion`: fit the mouth/eyes occlusion model on labelled faces with
synthetic occluders (`game.training.occlusion_fit`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.cli import CliError, Subparsers
from game.paths import MODELS_DIR


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "train-occlusion",
        help="fit the model that tells a covered mouth or covered eyes",
        description=(
            "Show every face of labelled folders to the face tracker as it is, with eyewear, "
            "and with hands, cloth or toys over the mouth and the eyes (seeded); fit one "
            "logistic regression per face part, report subject-wise hit and false-flag rates, "
            "and write the model as JSON."
        ),
    )
    parser.add_argument("--data", type=Path, action="append", required=True, metavar="DIR",
                        help="a labelled image folder (repeat for several)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help=f"where to write the model (shipped: {MODELS_DIR / 'occlusion.json'})")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the occluders, a whole number >= 0 (default 0)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from game.training.dataset import DatasetError
    from game.training.occlusion_fit import fit, make_samples

    if args.out.is_dir():
        raise CliError(f"--out {args.out} is a folder; name a .json file.")
    if not args.out.resolve().parent.is_dir():
        raise CliError(f"--out {args.out}: the folder {args.out.parent} does not exist.")
    if args.seed < 0:
        raise CliError("--seed must be a whole number of at least 0.")

    def progress(text: str) -> None:
        print(f"train-occlusion: {text}", file=sys.stderr, flush=True)

    try:
        samples = make_samples(list(args.data), seed=args.seed, progress=progress)
        model, figures = fit(samples, seed=args.seed)
    except DatasetError as exc:
        raise CliError(str(exc)) from None
    model.save(args.out)
    for f in figures:
        print(
            f"{f.part}: hit rate {f.hit_rate:.3f}, false flags {f.false_flag_rate:.3f} "
            f"(subject-wise 5-fold; {f.covered} covered, {f.uncovered} uncovered faces; "
            f"threshold {f.threshold:.3f})"
        )
    print(f"wrote {args.out}")
    return 0
