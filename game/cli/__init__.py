"""The `facequest` command. Each subcommand lives in its own module under `game.cli`.

A subcommand module defines `register(subparsers)`, which adds its parser and sets
`func=run` where `run(args) -> int` returns the exit code. Add the module's name to
`COMMANDS` when it does something real (no placeholder commands).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import errno
import importlib
import logging
import math
import os
import sqlite3
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TypeAlias

from game import __version__
from game.expressions import Expression
from game.offline import stay_offline

COMMANDS: tuple[str, ...] = (
    "voice", "watch", "bench", "play", "levels", "report", "export", "train", "evaluate",
    "robustness", "occlusion", "profiles", "metrics", "replay", "home", "clinic", "doctor",
)


# What every command's `register` receives: `facequest`'s sub-command parsers (a string:
# argparse's class takes no type argument at run time).
Subparsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


class CliError(Exception):
    """A problem the user can fix; printed as one sentence, exit code 2."""


def expression_arg(text: str) -> Expression:
    """argparse type: an expression name (any case), or the allowed names in one sentence."""
    try:
        return Expression.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_seconds(text: str) -> float:
    """argparse type: a finite number of seconds above zero (not nan, inf, 0 or -5)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} must be a number of seconds above 0")
    return value


def language(text: str) -> str:
    """argparse type: a language's code or one of its catalogue's `catalogue.aliases`
    ("zh", "zh_cn", "cmn"), in any case, as its code in `game.locales.LANGUAGES`."""
    from game.locales import LANGUAGES, spellings

    found = spellings().get(text.strip().lower().replace("_", "-"))
    if found is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a language here (choose from {', '.join(LANGUAGES)})")
    return found


def describe_os_error(exc: OSError) -> str:
    """One sentence for a failed file operation: what, where, and what to do."""
    where = exc.filename if exc.filename is not None else ""
    place = f" {where}" if where else ""
    code = exc.errno
    if code == errno.ENOSPC or code == errno.EDQUOT:
        return f"the disk is full, so{place or ' a file'} could not be written; free some space"
    if code == errno.EROFS:
        return f"{where or 'that folder'} is on a read-only disk; choose a writable folder"
    if code in (errno.EACCES, errno.EPERM):
        return f"FaceQuest is not allowed to use{place or ' that file'}; check its permissions"
    if isinstance(exc, FileExistsError) or code == errno.ENOTDIR:
        return f"{where or 'a path'} (or a folder above it) is a file where a folder is needed"
    if isinstance(exc, IsADirectoryError):
        return f"{where or 'a path'} is a folder where a file is needed"
    if isinstance(exc, FileNotFoundError):
        return f"{where or 'a file'} does not exist (was its folder removed?)"
    reason = exc.strerror or str(exc) or type(exc).__name__
    return f"{reason.rstrip('.')}{':' + place if place else ''}"


def expand_home(args: argparse.Namespace) -> None:
    """Every path option that starts with `~` made the user's home: the shell expands `~`
    only at the start of a word, so `--data-dir=~/FaceQuest` arrives as it was typed and
    would otherwise make a folder named `~` in the current one."""
    for name, value in vars(args).items():
        with contextlib.suppress(RuntimeError):  # no home to expand to: leave it as typed
            if isinstance(value, Path):
                setattr(args, name, value.expanduser())
            elif isinstance(value, list) and value and all(isinstance(v, Path) for v in value):
                setattr(args, name, [v.expanduser() for v in value])


def _silence_stdout() -> None:
    """Point standard output at the null device: what is still buffered for a reader that
    has gone (a closed pipe) is dropped at exit, not raised again as a second error."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)


def existing_folder_or_new(path: Path, what: str) -> Path:
    """`path` for a folder FaceQuest may create: refuse it when it exists as a file."""
    if path.exists() and not path.is_dir():
        raise CliError(f"{what} {path} is a file; give a folder")
    return path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="facequest",
        description=(
            "FaceQuest: a calm game in which children practise making facial expressions, "
            "scored from the webcam, with progress records for therapists."
        ),
    )
    parser.add_argument("--version", action="version", version=f"facequest {__version__}")
    parser.add_argument(
        "-v", "--verbose", action="store_true",
        help="log debug messages, and show the log lines of MediaPipe, TFLite and ALSA",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"game.cli.{name}_cmd")
        module.register(sub)
    return parser


def terminal_main() -> int:
    """The `facequest` program (and `python -m game`): `main` in its own process, with
    third-party native log lines kept off the terminal unless `-v` is given, and a prompt
    exit (see `exit_now`)."""
    return exit_now(main(terminal=True))


def exit_now(code: int) -> int:
    """End the process with `code` once the command is done, skipping the interpreter's
    tear-down: MediaPipe's native libraries alone take 1 to 3 s to unload, which would let
    a stopped game (SIGTERM) linger. `atexit` handlers still run (logging is flushed) and
    every stream is flushed first; records are already closed by the commands. When a
    non-daemon thread is still working, the normal exit waits for it instead (returns)."""
    main_thread = threading.main_thread()
    if any(t is not main_thread and not t.daemon and t.is_alive() for t in threading.enumerate()):
        return code
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError, AttributeError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None, *, terminal: bool = False) -> int:
    """Run one command; returns its exit code. `terminal`: this is the whole process (the
    console script), so its stderr descriptor may be filtered (`game.native_log`)."""
    from game.cli.terminal import tolerant_output
    from game.locales import CatalogueError, check_catalogues
    from game.paths import quiet_matplotlib_config

    os.umask(0o077)  # everything FaceQuest writes (matplotlib's folders too) is this user's only
    tolerant_output()  # any terminal: what its encoding cannot show is escaped, never fatal
    try:  # every text is read up front: a broken catalogue is one sentence, not a traceback
        check_catalogues()
    except CatalogueError as exc:
        print(f"facequest: {str(exc).rstrip('.')}.", file=sys.stderr)
        return 1
    quiet_matplotlib_config()  # an unusable HOME: no matplotlib warnings before our sentence
    parser = build_parser()
    args = parser.parse_args(argv)
    if terminal and not args.verbose:
        from game.native_log import quiet_native_logs

        quiet_native_logs()
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    func = getattr(args, "func", None)
    if func is None:
        parser.print_help()
        return 0
    expand_home(args)
    stay_offline()
    try:
        return int(func(args))
    except CliError as exc:
        print(f"facequest: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # `facequest levels list | head -1`: the reader has had enough
        _silence_stdout()
        return 141  # as a shell reports a command stopped by SIGPIPE
    except OSError as exc:  # disk full, read-only, a file where a folder should be ...
        logging.getLogger(__name__).debug("file error", exc_info=True)
        print(f"facequest: {describe_os_error(exc)}.", file=sys.stderr)
        return 1
    except sqlite3.OperationalError as exc:  # e.g. a cache locked by another run
        print(f"facequest: the feature cache is busy or damaged ({exc}); wait for the other "
              "FaceQuest run to finish, or remove the cache file.", file=sys.stderr)
        return 1
    except RecursionError:
        print("facequest: an input file is nested too deeply to read.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
