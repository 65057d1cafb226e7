"""`facequest report PROFILE --out FILE.html`: a child's progress report for the therapist."""

from __future__ import annotations

import argparse
import logging
from pathlib import Path

from game.cli import CliError, Subparsers, language
from game.locales import LANGUAGES
from game.records.storage import StoreError
from game.reports.selection import (
    check_not_own_records,
    open_records_for_reading,
    resolve_profile,
)

logger = logging.getLogger(__name__)


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "report",
        help="write a child's progress report (one HTML file, prints well)",
        description=(
            "Write one self-contained HTML file with a child's progress: charts of faces "
            "made, help needed, time and strength per session, session and expression "
            "tables, and the therapist's notes. It makes no network requests."
        ),
    )
    parser.add_argument("profile", metavar="PROFILE", help="the child's name or id (C-XXXXXX)")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="records folder (default: the user's)"
    )
    parser.add_argument("--out", type=Path, required=True, help="the HTML file to write")
    parser.add_argument(
        "--lang", type=language, choices=LANGUAGES, default=None,
        help="the report's language (default: the child's language setting)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path = args.out
    if out.suffix.lower() not in (".html", ".htm"):
        raise CliError(f"the report is HTML: give --out a name ending in .html, not {out.name}")
    if out.is_dir():
        raise CliError(f"--out {out} is a folder; give a file name inside it")
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")
    from game.reports.html_report import write_report  # matplotlib loads only here

    try:
        store = open_records_for_reading(args.data_dir)
        check_not_own_records(out, store.data_dir)
        profile = resolve_profile(store, args.profile)
        write_report(store, profile.profile_id, out, lang=args.lang)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    print(f"Wrote the report for {profile.profile_id} to {out}")
    return 0
