"""`facequest levels`: check level-set files, list the shipped sets, refresh the format doc."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from game.cli import CliError, Subparsers, language
from game.cli.terminal import shown
from game.locales import LANGUAGES
from game.paths import LEVELS_DIR, REPO_ROOT
from game.play.level_doc import reference_in, render_reference, replace_reference
from game.play.level_loader import LevelFileError, check_level_file, load_level_set

DOC_PATH = REPO_ROOT / "docs" / "level-format.md"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "levels", help="check and list level sets",
        description="Check level-set files (TOML) and list the shipped ones. "
                    "The file format is described in docs/level-format.md.",
    )
    sub = parser.add_subparsers(dest="levels_command", metavar="ACTION", required=True)
    check = sub.add_parser("check", help="validate level-set files; exit 1 on any error")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="level-set files, or folders of them")
    listing = sub.add_parser("list", help="list level sets and their levels")
    listing.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                         help=f"files or folders (default: {LEVELS_DIR})")
    listing.add_argument("--lang", default="en", type=language, choices=LANGUAGES,
                         help="language of the titles")
    doc = sub.add_parser("doc", help="print the field reference of docs/level-format.md")
    doc.add_argument("--write", action="store_true",
                     help=f"refresh the reference inside {DOC_PATH.relative_to(REPO_ROOT)}")
    doc.add_argument("--check", action="store_true",
                     help="exit 1 when that file's reference is out of date")
    parser.set_defaults(func=run)


def _files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(path.glob("*.toml"))
        elif path.exists():
            files.append(path)
        else:
            raise CliError(f"{path} does not exist.")
    return files


def _check(paths: list[Path]) -> int:
    files = _files(paths)
    if not files:
        raise CliError("no .toml level-set files found in the given paths.")
    failed = 0
    for path in files:
        errors = check_level_file(path)
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            failed += 1
        else:
            print(f"{path}: ok")
    if failed:
        print(f"{failed} of {len(files)} file(s) have errors", file=sys.stderr)
    return 1 if failed else 0


def _list(paths: list[Path], lang: str) -> int:
    status = 0
    for path in _files(paths or [LEVELS_DIR]):
        try:
            level_set = load_level_set(path)
        except LevelFileError as exc:
            count = sum(error.not_shown or 1 for error in exc.errors)  # the rest counted too
            print(f"{path}: {count:,} error(s); run `facequest levels check {path}`",
                  file=sys.stderr)
            status = 1
            continue
        print(f"{level_set.id}  {shown(level_set.title[lang])}  ({path})")
        for level in level_set.levels:
            targets = ", ".join(t.value for t in level.targets)
            print(f"  {level.id:<20} {level.mode:<6} {level.trials:>3} trials  {targets}")
    return status


def _doc(write: bool, check: bool) -> int:
    if not (write or check):
        print(render_reference(), end="")
        return 0
    try:
        document = DOC_PATH.read_text(encoding="utf-8")
        current = reference_in(document)
    except (OSError, ValueError) as exc:
        raise CliError(f"cannot read the reference in {DOC_PATH}: {exc}.") from exc
    if check:
        if current != render_reference():
            print(f"{DOC_PATH} is out of date: run `facequest levels doc --write`",
                  file=sys.stderr)
            return 1
        return 0
    DOC_PATH.write_text(replace_reference(document), encoding="utf-8")
    print(f"wrote {DOC_PATH}")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.levels_command == "check":
        return _check(args.paths)
    if args.levels_command == "list":
        return _list(args.paths, args.lang)
    return _doc(args.write, args.check)
