"""`facequest play`: start the game (a window; or headless for tests, demos and research).

    facequest play                                   # webcam, pick the child on screen
    facequest play --source clip.mp4 --profile Mia --levels first-faces
    facequest play --headless --source clip.mp4 --max-seconds 60 --screenshots shots/

In a window the goodbye card leads back to the start screen (the next child can play;
Esc or the window's close button asks "Quit FaceQuest?"); `--profile NAME` only picks the
first child. `--headless` draws off-screen (SDL's dummy video driver) and plays by itself
(the first child is picked; when the goodbye card closes, the program ends);
`--max-seconds` ends the session cleanly and then the program, so scripts always finish;
`--screenshots DIR` saves a PNG at every scene change.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli import CliError, Subparsers, existing_folder_or_new, language, positive_seconds
from game.locales import LANGUAGES
from game.paths import LEVELS_DIR, user_data_dir
from game.system_check import describe_missing, missing_libraries

if TYPE_CHECKING:
    from game.home.plan import HomePlan
    from game.vision.sources import FrameSource

logger = logging.getLogger(__name__)

DEFAULT_LEVELS = "first-faces"


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "play",
        help="play FaceQuest (webcam, or --source a video, image or folder)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    parser.add_argument("--source", help="webcam, webcam:N, a video file, an image or a folder "
                        "of images (default: webcam)")
    parser.add_argument("--profile", help="start with this child (created if missing); the "
                        "start screen follows the session")
    parser.add_argument("--levels", default=None,
                        help=f"level set id (a file in levels/) or a .toml path, played by "
                        f"every child today (default: a home plan's, else each child's "
                        f"programme, else {DEFAULT_LEVELS})")
    parser.add_argument("--data-dir", type=Path, help="where profiles and progress are kept")
    parser.add_argument("--headless", action="store_true",
                        help="no window: draw off-screen and play by itself")
    parser.add_argument("--max-seconds", type=positive_seconds,
                        help="end the session, then the program, after N seconds (a number "
                        "above 0)")
    parser.add_argument("--screenshots", type=Path, help="save a PNG at every scene change")
    parser.add_argument("--lang", type=language, choices=LANGUAGES,
                        help="language (default: profile's)")
    parser.add_argument("--palette", choices=("calm", "high_contrast"),
                        help="colours (default: the profile's, else calm)")
    parser.add_argument("--seed", type=int, default=0, help="seed for orders and mazes")
    parser.add_argument("--model", type=Path, help="expression model (.onnx) to use")
    parser.add_argument("--landmarker", type=Path, help="another face_landmarker.task to use")
    parser.add_argument("--stats", action="store_true",
                        help="print the UI frame-time percentiles at the end (a headless run "
                        "always does)")
    parser.set_defaults(func=run)


def shipped_level_sets() -> str:
    """The ids of the level sets shipped in levels/, comma-separated (for a sentence)."""
    return ", ".join(sorted(p.stem for p in LEVELS_DIR.glob("*.toml")))


def level_set_path(levels: str) -> Path:
    path = Path(levels).expanduser()
    if path.suffix == ".toml":
        return path
    return LEVELS_DIR / f"{levels}.toml"


def has_display() -> bool:
    """True when a window can be opened (always on Windows and macOS)."""
    if not sys.platform.startswith("linux"):
        return True
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def run(args: argparse.Namespace) -> int:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    missing = missing_libraries()
    if missing:
        raise CliError(describe_missing(missing))
    from game.play.level_loader import LevelFileError, load_level_set

    check_paths(args)
    home = home_installation(args.data_dir)
    if home is not None:
        if args.profile is not None and home.profile_id not in (args.profile,):
            raise CliError("this data folder is set up for one child's home practice; leave "
                           "out --profile (it plays the plan's child)")
        args.profile = home.profile_id
    fixed_levels = args.levels is not None
    from_plan = args.levels is None and home is not None and bool(home.level_set_id)
    if from_plan and home is not None:
        args.levels, fixed_levels = home.level_set_id, True
    levels = args.levels if args.levels is not None else DEFAULT_LEVELS
    path = level_set_path(levels)
    if not path.is_file():
        known = shipped_level_sets()
        if from_plan:  # the family never typed it: the clinic's plan (or a newer FaceQuest's)
            raise CliError(f"the home plan names the level set {levels!r}, which this "
                           f"FaceQuest does not have (it has {known}); ask the clinic for a "
                           "new plan, or install the FaceQuest version the clinic uses")
        raise CliError(f"no level set {levels!r} (known: {known}); "
                       "give an id from levels/ or a .toml path")
    try:
        level_set = load_level_set(path)
    except LevelFileError as exc:
        raise CliError(str(exc)) from None
    profile = profile_for_play(args.profile, args.data_dir)
    source = _open_source(args)
    if not args.headless and not has_display():
        source.close()
        raise CliError("No display found to open the game window; run it on a desktop, or "
                       "add --headless (with --source PATH) to play without a window.")
    from game.ui.run_options import RunOptions
    from game.ui.runner import GameStartError, run_game

    options = RunOptions(
        headless=args.headless,
        profile=profile,
        data_dir=user_data_dir(args.data_dir),
        max_seconds=args.max_seconds,
        screenshots=args.screenshots,
        lang=args.lang,
        palette=args.palette,
        seed=args.seed,
        model=args.model,
        landmarker=args.landmarker,
        fixed_levels=fixed_levels,
        home_plan=home,
    )
    from game.vision.face_net import FaceNetError
    from game.vision.landmarker_asset import LandmarkerAssetError
    from game.vision.model import ModelError

    try:
        stats = run_game(source, level_set, options)
    except GameStartError as exc:  # e.g. the records are open in another window
        raise CliError(str(exc)) from None
    except (ModelError, FaceNetError, LandmarkerAssetError) as exc:
        raise CliError(str(exc)) from None
    if args.stats or args.headless:
        print(f"UI frame time: p50 {stats.p50_ms:.1f} ms, p99 {stats.p99_ms:.1f} ms, "
              f"max {stats.max_ms:.1f} ms over {stats.frames} frames; "
              f"first frame {stats.first_frame_s:.2f} s after start; "
              f"peak memory {stats.peak_rss_mb:.0f} MB")
    if stats.unsaved_writes:
        why = f" ({stats.unsaved_reason})" if stats.unsaved_reason else ""
        print(f"facequest: {stats.unsaved_writes} progress write(s) of the last session could "
              f"not be saved{why} and are lost; every trial saved before that is kept in "
              f"{options.data_dir}.", file=sys.stderr)
        return 1
    return 0


SETUP_AGAIN = "install the clinic's plan file again with `facequest home setup PLAN`"


def home_installation(data_dir: Path | None) -> HomePlan | None:
    """The home plan when the data folder is a home installation (`facequest home setup`);
    then `play` needs no `--profile`: it plays the plan's child, every session "home"."""
    from game.home.install import find_installation
    from game.home.plan import PlanError

    try:
        found = find_installation(user_data_dir(data_dir))
    except PlanError as exc:
        raise CliError(f"{exc}; {SETUP_AGAIN}") from None
    return found.plan if found is not None else None


def profile_for_play(name_or_id: str | None, data_dir: Path | None) -> str | None:
    """What `--profile` stands for: the id of the one child with that name or id, or the text
    itself for a child to create. Two children of one name (records kept before names had to
    differ) are refused in one sentence listing their ids, never one picked silently; so is
    an id (`C-4F98B9`) no child has, a mistyped id rather than a new child's name.
    Records that cannot be read here are left to the game, which says why."""
    if name_or_id is None:
        return None
    from game.records import AmbiguousNameError, StoreError, UnknownChildError, open_store
    from game.records.names import clean_name
    from game.records.store import PROFILE_ID, RECORDS_FILE

    try:
        clean_name(name_or_id)
    except StoreError as exc:  # "" or "   ": refused before anything starts
        raise CliError(f"--profile: {exc}") from None

    an_id = PROFILE_ID.fullmatch(name_or_id.strip().upper()) is not None
    folder = user_data_dir(data_dir)
    if not (folder / RECORDS_FILE).is_file():
        if an_id:
            raise CliError(f"--profile: no child has the id {name_or_id.strip()} (there are no "
                           f"records in {folder} yet); give the child's name to add a child")
        return name_or_id
    try:
        with open_store(folder, read_only=True) as store:
            return store.resolve_profile(name_or_id).profile_id
    except AmbiguousNameError as exc:
        raise CliError(f"--profile: {exc}") from None
    except UnknownChildError as exc:
        if an_id:  # a mistyped id: never a new child named "C-4F98B9"
            raise CliError(f"--profile: {exc}") from None
        return name_or_id  # a new child, created when the game starts
    except StoreError:
        return name_or_id  # unreadable records: the game moves them aside and says so


def check_paths(args: argparse.Namespace) -> None:
    """Refuse unusable paths in one sentence before anything starts."""
    import zipfile

    if args.data_dir is not None:
        existing_folder_or_new(args.data_dir, "--data-dir")
    if args.screenshots is not None:
        existing_folder_or_new(args.screenshots, "--screenshots")
    if args.model is not None and not args.model.is_file():
        raise CliError(f"--model {args.model}: no such file (give an .onnx expression model)")
    if args.landmarker is not None and not (
        args.landmarker.is_file() and zipfile.is_zipfile(args.landmarker)
    ):
        raise CliError(f"--landmarker {args.landmarker} is not a MediaPipe .task bundle "
                       "(face_landmarker.task)")


def _open_source(args: argparse.Namespace) -> FrameSource:
    from game.vision.sources import CameraUnavailableError, SourceError, open_source

    if args.source is None:
        try:
            return open_source("webcam")
        except CameraUnavailableError:
            raise CliError("No webcam found; plug one in, or play from a recording with "
                           "--source PATH (a video file, an image or a folder of images).") \
                from None
    try:
        return open_source(args.source)
    except SourceError as exc:
        raise CliError(str(exc)) from None
