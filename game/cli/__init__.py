"""The `facequest` command. Each subcommand lives in its own module under `game.cli`.

A subcommand module defines `register(subparsers)`, which adds its parser and sets
`func=run` where `run(args) -> int` returns the exit code. Add the module's name to
`COMMANDS` when it does something real (no placeholder commands).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from game import __version__
from game.offline import stay_offline

COMMANDS: tuple[str, ...] = (
    "voice", "watch", "bench", "play", "levels", "report", "export", "train", "evaluate",
)


class CliError(Exception):
    """A problem the user can fix; printed as one sentence, exit code 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facequest",
        description=(
            "FaceQuest: a calm game in which children practise making facial expressions, "
            "scored from the webcam, with progress records for therapists."
        ),
    )
    parser.add_argument("--version", action="version", version=f"facequest {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"game.cli.{name}_cmd")
        module.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    stay_offline()
    try:
        return int(func(args))
    except CliError as exc:
        print(f"facequest: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
