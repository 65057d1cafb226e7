"""`facequest replay CHILD`: replay how a child's face moved in a trial (no video is kept).

    facequest replay Mia                              # a window: every trial with a record
    facequest replay Mia --out clip.mp4               # the newest session's first trial
    facequest replay C-7F3A2B --session S-5D01C9E2 --trial 3 --out trial3.gif

The replay is drawn from the trial's motion record (kept only for a child whose profile
allows per-frame traces): the avatar re-enacts the child's face, as in a mirror, beside the
model face of the expression asked for, over a timeline of the expression's facial actions
with the prompt, hints, hold and reward marked. A clip shows no name: it can be sent to a
parent.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli import CliError, Subparsers, language
from game.locales import DEFAULT_LANGUAGE, LANGUAGES
from game.records.storage import StoreError

if TYPE_CHECKING:
    from game.records.models import Profile, SessionRecord
    from game.records.store import ProgressStore
    from game.ui.replay_source import ReplayTrial

logger = logging.getLogger(__name__)

CLIP_SUFFIXES = (".mp4", ".gif")


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "replay",
        help="replay how a child's face moved in a trial (a window, or an MP4/GIF clip)",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=(
            "Without --session, the newest session with a motion record is used. Without "
            "--trial, a window starts at that session's first trial (Up/Down: other trials, "
            "of every session), and --out writes that first trial and lists the session's "
            "trials, so another can be chosen with --trial N. A clip is drawn at 15 frames a "
            "second of the record's own time, and names no child."
        ),
    )
    parser.add_argument("child", metavar="CHILD", help="the child's name or id (C-XXXXXX)")
    parser.add_argument("--session", metavar="S",
                        help="a session id (S-XXXXXXXX), or its number among the child's "
                        "sessions with a record (1 = the oldest; default: the newest)")
    parser.add_argument("--trial", type=int, metavar="N",
                        help="the trial's number in the session (1 = the first; default: "
                        "the first with a record)")
    parser.add_argument("--out", type=Path,
                        help="write a clip (.mp4 or .gif) instead of opening a window")
    parser.add_argument("--data-dir", type=Path, default=None,
                        help="records folder (default: the user's)")
    parser.add_argument("--lang", type=language, choices=LANGUAGES, default=None,
                        help="the words' language (default: the child's language setting)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out: Path | None = args.out
    if out is not None:
        _check_out(out)
    if args.trial is not None and args.trial < 1:
        raise CliError(f"--trial counts from 1; {args.trial} is not a trial number")
    from game.reports.selection import (
        check_not_own_records,
        open_records_for_reading,
        resolve_profile,
    )

    try:
        store = open_records_for_reading(args.data_dir)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    try:
        if out is not None:
            check_not_own_records(out, store.data_dir)
        profile = resolve_profile(store, args.child)
        sessions = store.sessions_with_motion(profile.profile_id)
        if not sessions:
            print(f"facequest: {profile.profile_id} has no motion record to replay (per-frame "
                  "records are off for this child, or no session was played with them on, "
                  "or the files are missing).", file=sys.stderr)
            return 1
        session = _pick_session(sessions, args.session, profile.profile_id)
        trials = _session_trials(store, session)
        trial = _pick_trial(trials, args.trial, session.session_id)
        lang = args.lang or _child_language(profile)
        if out is None:
            return _window(store, profile, trial, lang)
        return _clip(trials, trial, out, lang, listed=args.trial is None,
                     look=profile.avatar)
    except StoreError as exc:
        raise CliError(str(exc)) from exc
    finally:
        store.close()


def _check_out(out: Path) -> None:
    if out.suffix.lower() not in CLIP_SUFFIXES:
        raise CliError(f"a clip is .mp4 or .gif: give --out a name ending in one, not "
                       f"{out.name}")
    if out.is_dir():
        raise CliError(f"--out {out} is a folder; give a file name inside it")
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")


def _pick_session(sessions: list[SessionRecord], wanted: str | None,
                  profile_id: str) -> SessionRecord:
    if wanted is None:
        return sessions[-1]
    text = wanted.strip()
    if text.isdigit() and 1 <= int(text) <= len(sessions):
        return sessions[int(text) - 1]
    for session in sessions:
        if session.session_id.casefold() == text.casefold():
            return session
    ids = ", ".join(s.session_id for s in sessions)
    raise CliError(f"{profile_id} has no session {text} with a motion record; those with one "
                   f"are {ids} (or 1 to {len(sessions)})")


def _session_trials(store: ProgressStore, session: SessionRecord) -> list[ReplayTrial]:
    from game.records.motion_log import MotionFileError
    from game.ui.replay_source import session_trials

    try:
        trials = session_trials(store, session)
    except MotionFileError as exc:
        raise CliError(f"the motion record of session {session.session_id} cannot be read "
                       f"({exc})") from exc
    if not trials:
        raise CliError(f"session {session.session_id}'s motion record holds no trial")
    return trials


def _pick_trial(trials: list[ReplayTrial], number: int | None,
                session_id: str) -> ReplayTrial:
    if number is None:
        return trials[0]
    for trial in trials:
        if trial.number == number:
            return trial
    numbers = ", ".join(str(t.number) for t in trials)
    raise CliError(f"session {session_id} has no trial {number} with a motion record; "
                   f"the trials with one are {numbers}")


def _child_language(profile: Profile) -> str:
    language = (profile.settings or {}).get("language", DEFAULT_LANGUAGE)
    return language if language in LANGUAGES else DEFAULT_LANGUAGE


def _describe(trial: ReplayTrial) -> str:
    frames = len(trial.motion.frames)
    return (f"trial {trial.number}: {trial.motion.target} ({trial.motion.mode}), "
            f"{frames} frame{'s' if frames != 1 else ''}")


def _clip(trials: list[ReplayTrial], trial: ReplayTrial, out: Path, lang: str,
          listed: bool, look: str = "") -> int:
    from game.ui.replay_clip import CLIP_FPS, export_trial_clip

    if listed:
        print(f"Trials with a motion record in session {trial.session_id} "
              "(choose one with --trial N):")
        for each in trials:
            print(f"  {'*' if each is trial else ' '} {_describe(each)}")
    count, duration_ms = export_trial_clip(trial.motion, trial.number, out, lang, look)
    print(f"Wrote trial {trial.number} of session {trial.session_id} "
          f"({duration_ms / 1000:.1f} s, {count} frames at {CLIP_FPS} fps) to {out}")
    return 0


def _window(store: ProgressStore, profile: Profile, trial: ReplayTrial, lang: str) -> int:
    from game.cli.play_cmd import has_display
    from game.ui.replay_window import open_replay_window

    if not has_display():
        raise CliError("there is no display to open a window on; give --out clip.mp4 to "
                       "write a clip instead")
    open_replay_window(store, profile, trial, lang)
    return 0
