"""`facequest export [PROFILE] --format csv|json|parquet|motion --out FILE`: trial rows (or,
with `motion`, one row per frame of the kept motion records) for research."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from game.cli import CliError, Subparsers
from game.records.storage import StoreError, local_now
from game.records.store import ProgressStore
from game.reports.export import FORMATS
from game.reports.export_file import write_export
from game.reports.selection import (
    check_not_own_records,
    open_records_for_reading,
    resolve_profile,
)

logger = logging.getLogger(__name__)

MOTION_FORMAT = "motion"
SUFFIX_FORMATS = {f".{fmt}": fmt for fmt in FORMATS}  # --out trials.parquet: Parquet


def register(subparsers: Subparsers) -> None:
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
        "--format", choices=(*FORMATS, MOTION_FORMAT), default=None,
        help="csv, json, or parquet (typed columns for DuckDB, Spark, pandas); default: what "
        "--out's name ends in, else csv; motion: one row per frame of the kept motion "
        "records, as Parquet",
    )
    parser.add_argument("--out", type=Path, required=True, help="the file to write")
    parser.add_argument(
        "--without-notes",
        action="store_true",
        help="leave the free-text note columns empty",
    )
    parser.set_defaults(func=run)


def export_format(chosen: str | None, out: Path) -> str:
    """The format to write: `chosen` (--format), else the one `out`'s name ends in, else csv.

    Raises:
        CliError: `out` ends in another format's suffix (`--out site-a.parquet` with
            `--format csv` would be a CSV file that DuckDB cannot read as Parquet).
    """
    named = SUFFIX_FORMATS.get(out.suffix.lower())
    if chosen is None:
        return named or "csv"
    if chosen in FORMATS and named is not None and named != chosen:
        raise CliError(f"--format {chosen} does not write a {out.suffix} file; give --format "
                       f"{named}, or an --out name ending in .{chosen}")
    return chosen


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.is_dir():
        raise CliError(f"--out {out} is a folder; give a file name inside it")
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")
    try:
        store = open_records_for_reading(args.data_dir)
        check_not_own_records(out, store.data_dir)
        args.format = export_format(args.format, out)
        ids = None
        if args.profile is not None:
            ids = [resolve_profile(store, args.profile).profile_id]
        if args.format == MOTION_FORMAT:
            return _export_motion(store, out, ids)
        count = write_export(
            store, out, fmt=args.format, profile_ids=ids, include_notes=not args.without_notes
        )
        children = len(store.list_profiles())
        who = ids[0] if ids else f"{children} {'child' if children == 1 else 'children'}"
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    print(f"Wrote {count} trial rows ({who}) to {out}")
    return 0


def _export_motion(store: ProgressStore, out: Path, ids: list[str] | None) -> int:
    from game.reports.motion_export import write_motion_export  # pyarrow loads only here

    if out.suffix.lower() != ".parquet":
        raise CliError(f"the motion export is a Parquet file: give --out a name ending in "
                       f".parquet, not {out.name}")
    result = write_motion_export(store, out, ids, exported_at=local_now())  # OSError: main
    sessions = f"{result.sessions} session{'' if result.sessions == 1 else 's'}"
    children = f"{result.children} {'child' if result.children == 1 else 'children'}"
    unreadable = (f"{result.unreadable} motion record{'' if result.unreadable == 1 else 's'} "
                  "could not be read (damaged) and "
                  f"{'was' if result.unreadable == 1 else 'were'} left out")
    if result.unreadable and not result.sessions:
        print(f"facequest: no frame rows were written: {unreadable}", file=sys.stderr)
        return 1
    print(f"Wrote {result.rows} frame rows ({sessions} of {children}) to {out}")
    if result.unreadable:
        print(unreadable)
    elif not result.sessions:
        print("No motion records are kept for these children: a child's frames are kept "
              "only when the profile allows per-frame records")
    return 0
