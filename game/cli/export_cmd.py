"""`facequest export [PROFILE] --format csv|json --out FILE`: trial rows for research."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path
from typing import Any

from game.cli import CliError
from game.records.storage import StoreError
from game.reports.export import FORMATS, write_export
from game.reports.selection import open_records_for_reading, resolve_profile

logger = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "export",
        help="export one row per trial (CSV, JSON or Parquet) with pseudonymous ids",
        description=(
            "Write one row per trial for research. Children appear only by their "
            "pseudonymous id (C-XXXXXX), never by name; the columns are described in "
            "docs/data-dictionary.md. Without PROFILE, every child is exported."
        ),
    )
    parser.add_argument(
        "profile",
        metavar="PROFILE",
        nargs="?",
        default=None,
        help="the child's name or id (default: every child)",
    )
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="records folder (default: the user's)"
    )
    parser.add_argument(
        "--format", choices=FORMATS, default="csv",
        help="csv (default), json, or parquet (typed columns for DuckDB, Spark, pandas)",
    )
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument(
        "--without-notes",
        action="store_true",
        help="leave the free-text note columns empty",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.is_dir():
        raise CliError(f"--out {out} is a folder; give a file name inside it")
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")
    try:
        store = open_records_for_reading(args.data_dir)
        ids = None
        if args.profile is not None:
            ids = [resolve_profile(store, args.profile).profile_id]
        count = write_export(
            store, out, fmt=args.format, profile_ids=ids, include_notes=not args.without_notes
        )
        children = len(store.list_profiles())
        who = ids[0] if ids else f"{children} {'child' if children == 1 else 'children'}"
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    print(f"Wrote {count} trial rows ({who}) to {out}")
    return 0
