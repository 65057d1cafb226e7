"""`facequest train-occlusion`: fit the mouth/eyes occlusion model on labelled faces with
synthetic occluders (`game.training.occlusion_fit`), measured on people it never saw."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from game.cli import CliError, Subparsers
from game.paths import MODELS_DIR


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "train-occlusion",
        help="fit the model that tells a covered mouth or covered eyes",
        description=(
            "Show every face of labelled folders to the face tracker as it is, as webcams "
            "show it (cheap 320x240, side light, dim), with eyewear, fringes, beards or darker "
            "skin, and with pacifiers, hands, cloth or toys over the mouth and the eyes "
            "(seeded); measure subject-wise out of fold (each fold also holding one pacifier "
            "style out of training), print the figures, fit one logistic regression per face "
            "part on everyone and write the model as JSON."
        ),
    )
    parser.add_argument("--data", type=Path, action="append", required=True, metavar="DIR",
                        help="a labelled image folder (repeat for several)")
    parser.add_argument("--out", type=Path, required=True, metavar="FILE",
                        help=f"where to write the model (shipped: {MODELS_DIR / 'occlusion.json'})")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of the occluders, a whole number >= 0 (default 0)")
    parser.add_argument("--out-of-fold", type=int, default=5, metavar="K",
                        help="people in K subject-wise folds for the measurement (default 5)")
    parser.add_argument("--every", action="append", default=[], metavar="SET=N",
                        help="use every N-th image of the folder named SET (repeat; default "
                        "every image)")
    parser.add_argument("--samples-dir", type=Path, default=None, metavar="DIR",
                        help="keep the tracked face crops of each folder here (private files, "
                        "one per folder, seed and N) and reuse them on the next run; they are "
                        "pictures of the data set's faces: keep them with the data set")
    parser.add_argument("--train-versions", default=None, metavar="TAGS",
                        help="comma-separated versions to train on in the measurement (e.g. "
                        "the earlier recipe's: clean,webcam,eyewear,mouth_hand,...); the "
                        "written model is trained on all")
    parser.add_argument("--drawn-pacifiers", type=float, default=0.0, metavar="SHARE",
                        help="also train on pacifiers drawn onto this share (0-1) of the "
                        "uncovered face crops, never measured on them (default 0: off; 0.12 "
                        "was measured to lower the hit rates)")
    parser.add_argument("--report", type=Path, default=None, metavar="FILE",
                        help="also write the measurement as JSON here")
    parser.set_defaults(func=run)


def _every(values: list[str]) -> dict[str, int]:
    every: dict[str, int] = {}
    for value in values:
        name, _, n = value.partition("=")
        if not name or not n.isdigit() or int(n) < 1:
            raise CliError(f"--every {value!r}: write it as SET=N, N a whole number >= 1.")
        every[name] = int(n)
    return every


def run(args: argparse.Namespace) -> int:
    from game.training.dataset import DatasetError
    from game.training.occlusion_fit import (
        fit,
        load_samples,
        make_samples,
        out_of_fold_table,
        save_samples,
    )

    if args.out.is_dir():
        raise CliError(f"--out {args.out} is a folder; name a .json file.")
    if not args.out.resolve().parent.is_dir():
        raise CliError(f"--out {args.out}: the folder {args.out.parent} does not exist.")
    if args.seed < 0:
        raise CliError("--seed must be a whole number of at least 0.")
    if args.out_of_fold < 2:
        raise CliError("--out-of-fold must be a whole number of at least 2.")
    if not 0.0 <= args.drawn_pacifiers <= 1.0:
        raise CliError(f"--drawn-pacifiers {args.drawn_pacifiers}: give a share from 0 to 1.")
    if args.samples_dir is not None and not args.samples_dir.is_dir():
        raise CliError(f"--samples-dir {args.samples_dir} is not a folder.")
    every = _every(args.every)

    def progress(text: str) -> None:
        print(f"train-occlusion: {text}", file=sys.stderr, flush=True)

    try:
        samples = []
        for folder in args.data:
            n = every.get(folder.name, 1)
            cached = (None if args.samples_dir is None else
                      args.samples_dir / f"{folder.name}_seed{args.seed}_every{n}.npz")
            if cached is not None and cached.is_file():
                samples += load_samples(cached)
                continue
            made = make_samples([folder], seed=args.seed, progress=progress, every=n)
            if cached is not None:
                save_samples(made, cached)
                os.chmod(cached, 0o600)
            samples += made
        tags = None
        if args.train_versions is not None:
            tags = [t.strip() for t in args.train_versions.split(",") if t.strip()]
        model, figures, measured = fit(samples, seed=args.seed, out_of_fold=args.out_of_fold,
                                       progress=progress, train_tags=tags,
                                       drawn_share=args.drawn_pacifiers)
    except DatasetError as exc:
        raise CliError(str(exc)) from None
    except OSError as exc:
        raise CliError(f"cannot read or write the samples: {exc}") from None
    model.save(args.out)
    for f in figures:
        print(
            f"{f.part}: hit rate {f.hit_rate:.3f}, false flags {f.false_flag_rate:.3f} "
            f"(subject-wise {args.out_of_fold}-fold; {f.covered} covered, {f.uncovered} "
            f"uncovered faces; threshold {f.threshold:.3f})"
        )
    print(out_of_fold_table(measured))
    if args.report is not None:
        args.report.write_text(json.dumps(measured.as_dict(), indent=1) + "\n",
                               encoding="utf-8")
    print(f"wrote {args.out}")
    return 0
