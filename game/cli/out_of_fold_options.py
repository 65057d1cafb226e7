"""The `--out-of-fold K` options that `facequest evaluate` and `facequest robustness` share:
the same flags, the same help and the same one-sentence refusals, checked before any
training starts."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path

from game.cli import CliError


def add_out_of_fold_options(
    parser: argparse.ArgumentParser, description: str, folds_help: str
) -> argparse._ArgumentGroup:
    """Add `--out-of-fold K`, `--no-copies`, `--map-population SET` and `--maps-on` to
    `parser`, in a group "out of fold (people no model saw)" described by `description`;
    `folds_help` is the help of `--out-of-fold`. Returns the group, for the command's own
    options of it."""
    group = parser.add_argument_group("out of fold (people no model saw)", description)
    group.add_argument("--out-of-fold", type=int, default=None, metavar="K", help=folds_help)
    group.add_argument("--no-copies", action="store_true",
                       help="train the fold models without the recipe's webcam-condition "
                       "copies (faster when they are not cached)")
    group.add_argument("--map-population", action="append", default=None, metavar="SET",
                       help="a data set (folder name) whose faces set the score-map offsets, "
                       "as facequest train --map-population (default: every set)")
    group.add_argument("--maps-on", choices=("video", "still"), default=None,
                       help="fit the fold models' temperatures and score maps on every "
                       "training picture read as the game reads it, as video (default), or "
                       "on the still reads the models train on (as before 2026-12-07)")
    return group


def check_out_of_fold(
    args: argparse.Namespace,
    *,
    only_with: Mapping[str, object],
    not_with: Mapping[str, object],
    why: str,
) -> None:
    """Refuse, in one sentence, options that do not fit `--out-of-fold` (or its absence).

    `only_with`: the command's own options that need `--out-of-fold`, by flag, with their
    values (a true value is "given"); `not_with`: the options `--out-of-fold` refuses, and
    `why` ends the sentence that says so ("--out-of-fold <why>: leave out ...").

    Raises:
        CliError: an out-of-fold option without `--out-of-fold`, fewer than 2 folds, a
            refused option, or a `--map-population` that names no `--data` folder.
    """
    needing = {"--no-copies": args.no_copies, "--map-population": args.map_population,
               "--maps-on": args.maps_on, **only_with}
    if args.out_of_fold is None:
        given = [flag for flag, value in needing.items() if value]
        if given:
            verb = "needs" if len(given) == 1 else "need"
            raise CliError(f"{_listed(given)} {verb} --out-of-fold K.")
        return
    if args.out_of_fold < 2:
        raise CliError("--out-of-fold must be a whole number of at least 2.")
    if any(not_with.values()):
        raise CliError(f"--out-of-fold {why}: leave out {' and '.join(not_with)}.")
    folder_names = {Path(d).name for d in args.data}
    unknown = [p for p in args.map_population or [] if p not in folder_names]
    if unknown:
        raise CliError(f"--map-population {unknown[0]} is not the name of a --data folder "
                       f"({', '.join(sorted(folder_names))}).")


def _listed(flags: Sequence[str]) -> str:
    return flags[0] if len(flags) == 1 else f"{', '.join(flags[:-1])} and {flags[-1]}"
