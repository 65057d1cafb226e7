"""`facequest doctor`: check camera, display, speech voices per language, font and models.

Prints one line per checked part: `ok ...`, or `PROBLEM part: what; fix: what to do`.
Exits 0 when every check passes, 1 when any found a problem.
"""

from __future__ import annotations

import argparse

from game.cli import CliError, Subparsers


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "doctor",
        help="check camera, display, speech voices, font and models; one line per problem",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--camera", type=int, default=0, metavar="N",
                        help="the webcam to check (default 0)")
    parser.add_argument("--no-camera", action="store_true", help="skip the camera check")
    parser.add_argument("--no-display", action="store_true",
                        help="skip the display check (a machine that plays headless)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from game.cli.voice_catalogue import shipped_texts
    from game.doctor import run_checks
    from game.ui.display_check import ui_findings

    if args.camera < 0:
        raise CliError(f"--camera {args.camera}: give a webcam number from 0")
    findings = run_checks(camera=not args.no_camera, display=not args.no_display,
                          camera_index=args.camera, spoken=shipped_texts(),
                          ui_checks=ui_findings)
    for finding in findings:
        print(finding.line())
    problems = sum(not f.ok for f in findings)
    if problems:
        print(f"{problems} problem(s) found; apply the fixes above, then run facequest doctor "
              "again.")
        return 1
    print("FaceQuest is ready to play on this machine.")
    return 0
