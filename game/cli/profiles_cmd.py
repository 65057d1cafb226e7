"""`facequest profiles`: see and manage the children whose progress is kept on this computer.

    facequest profiles list
    facequest profiles show Mia
    facequest profiles rename Mia "Mia R."
    facequest profiles note C-7F3A2B "Prefers the calm palette."
    facequest profiles set Mia --birth-year 2017 --allow-frame-traces
    facequest profiles set Mia --lang zh-CN --text-size large --reduced-motion --palette calm
    facequest profiles plan Mia --sets first-faces,six-feelings --mastery-rate 0.8 \
        --mastery-sessions 2 --minutes 10        # also: plan Mia --show, plan Mia --clear
    facequest profiles delete Mia --yes
    facequest profiles restore-backup [--backup FILE | --list]

A child is named by their name (any case) or their id (C-XXXXXX). Every command takes
`--data-dir` (default: the same data folder as `facequest play`). Commands that change
something refuse while the game has the records open.
"""

from __future__ import annotations

import argparse
import sys
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.cli import CliError, Subparsers, existing_folder_or_new
from game.cli.terminal import shown
from game.locales import LANGUAGES, spellings
from game.paths import user_data_dir
from game.records import (
    CorruptStoreError,
    Profile,
    ProgressStore,
    SessionRecord,
    StoredTrial,
    StoreError,
    list_backups,
    newest_backup,
    open_store,
    restore_backup,
)
from game.records.backups import restore_trials_backup
from game.records.layout import RECORDS_FILE
from game.records.store import EARLIEST_BIRTH_YEAR
from game.reports.selection import no_records_sentence
from game.ui.settings import PALETTES, TEXT_SCALES

# `profiles set --text-size`: the names the settings screen shows, for its scales
TEXT_SIZES: dict[str, float] = dict(zip(("small", "medium", "large"), TEXT_SCALES, strict=True))
_SETTING_NAMES = {"language": "language", "text_scale": "text size", "palette": "palette",
                  "reduced_motion": "reduced motion"}

if TYPE_CHECKING:
    from game.play.level_library import LevelLibrary
    from game.play.programme import ProgrammeProgress


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "profiles",
        help="list, show, rename, annotate or delete children; restore a backup",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
    )
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name: str, help_text: str, child: bool = True) -> argparse.ArgumentParser:
        sub = records_action(actions, name, help_text)
        if child:
            sub.add_argument("child", metavar="NAME|ID", help="the child's name or id (C-XXXXXX)")
        return sub

    action("list", "each child: id, name, birth year, sessions, last session",
           child=False).set_defaults(func=run_list)
    action("show", "a child's profile: consents, notes, sessions").set_defaults(func=run_show)
    rename = action("rename", "give a child a new name (no other child may have it)")
    rename.add_argument("new_name", metavar="NEW", help="the new name")
    rename.set_defaults(func=run_rename)
    note = action("note", "replace the therapist's notes about a child ('' clears them)")
    note.add_argument("text", metavar="TEXT", help="the notes")
    note.set_defaults(func=run_note)
    change = action("set", "set a child's birth year, consent and game settings")
    change.add_argument("--birth-year", metavar="YEAR",
                        help=f"the year of birth ({EARLIEST_BIRTH_YEAR} to this year), or "
                        "'none' to clear it")
    change.add_argument("--lang", metavar="LANG",
                        help=f"the child's language: {' or '.join(LANGUAGES)}")
    change.add_argument("--text-size", metavar="SIZE",
                        help=f"the text size: {', '.join(TEXT_SIZES)}")
    change.add_argument("--reduced-motion", action=argparse.BooleanOptionalAction,
                        default=None, help="no bobbing or sliding: changes appear at once")
    change.add_argument("--palette", metavar="PALETTE",
                        help=f"the colours: {' or '.join(PALETTES)}")
    change.add_argument("--allow-frame-traces", action=argparse.BooleanOptionalAction,
                        default=None, help="consent to keep per-frame records: score traces "
                        "(traces/<session>.jsonl) and face-motion records for replay "
                        "(motion/<session>.parquet; numbers only, no pictures)")
    change.set_defaults(func=run_set)
    plan = action("plan", "set, show or clear a child's programme: level sets in order, "
                  "the mastery rule that moves the child on, and the session length")
    doing = plan.add_mutually_exclusive_group()
    doing.add_argument("--sets", metavar="A,B,C",
                       help="level set ids in the order to play them (see `facequest levels "
                       "list`)")
    doing.add_argument("--show", action="store_true", help="show the programme and where "
                       "the child stands (the default)")
    doing.add_argument("--clear", action="store_true", help="remove the programme")
    plan.add_argument("--mastery-rate", metavar="SHARE", default=None,
                      help="share of attempts that must be independent successes, above 0 "
                      "and at most 1 (default 0.8)")
    plan.add_argument("--mastery-sessions", metavar="N", default=None,
                      help="sessions in a row that must reach it (default 2)")
    plan.add_argument("--mastery-min-trials", metavar="N", default=None,
                      help="fewest attempts for a session to count (default 3)")
    plan.add_argument("--minutes", metavar="N", default=None,
                      help="session length in minutes, 1 to 60 (default 10)")
    plan.set_defaults(func=run_plan)
    delete = action("delete", "erase every trace of a child from the data folder, backups "
                    "included (it asks first unless --yes)")
    delete.add_argument("--yes", action="store_true", help="do not ask; delete")
    delete.set_defaults(func=run_delete)
    restore = action("restore-backup", "put the newest backup (or --backup FILE) back as the "
                     "records file; an unreadable one is kept aside", child=False)
    chosen = restore.add_mutually_exclusive_group()
    chosen.add_argument("--backup", type=Path, metavar="FILE",
                        help="this backup (a path, or a file name in the backups folder)")
    chosen.add_argument("--list", action="store_true", help="list the backups and stop")
    restore.set_defaults(func=run_restore)


# -- opening the records ---------------------------------------------------------------------


def records_action(actions: Subparsers, name: str, help_text: str) -> argparse.ArgumentParser:
    """The sub-command `name` of `actions` with the `--data-dir` option every command on the
    records takes (`data_folder` reads it)."""
    sub = actions.add_parser(name, help=help_text, description=help_text)
    sub.add_argument("--data-dir", type=Path, default=None,
                     help="records folder (default: the one `facequest play` uses)")
    return sub


def data_folder(args: argparse.Namespace) -> Path:
    if args.data_dir is not None:
        return existing_folder_or_new(Path(args.data_dir), "--data-dir")
    return user_data_dir()


def _need_records(folder: Path) -> None:
    if not (folder / RECORDS_FILE).is_file():
        raise CliError(no_records_sentence(folder))


@contextmanager
def records(args: argparse.Namespace, *, write: bool) -> Iterator[ProgressStore]:
    """The records of `--data-dir`; every records problem becomes one sentence (exit 2)."""
    folder = data_folder(args)
    _need_records(folder)
    try:
        store = open_store(folder, read_only=not write)
    except CorruptStoreError as exc:  # "put a backup back" only where there is one
        hint = " Put it back with `facequest profiles restore-backup`." if exc.backups else ""
        raise CliError(f"{exc}{hint}") from None
    except StoreError as exc:
        raise CliError(str(exc)) from None
    try:
        yield store
    except StoreError as exc:
        raise CliError(str(exc)) from None
    finally:
        store.close()


def child(store: ProgressStore, name_or_id: str) -> Profile:
    try:
        return store.resolve_profile(name_or_id)
    except StoreError as exc:
        raise CliError(str(exc)) from None


# -- showing -------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


def table(rows: list[list[str]]) -> str:
    """Rows as aligned columns (wide CJK characters count twice); control characters in a
    cell (ESC, BEL in a name or a note) are shown escaped (`terminal.shown`)."""
    rows = [[shown(cell) for cell in row] for row in rows]
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(_pad(cell, w) for cell, w in zip(row, widths, strict=True))
                     .rstrip() for row in rows)


def _yes_no(value: bool) -> str:
    return "yes" if value else "no"


def run_list(args: argparse.Namespace) -> int:
    with records(args, write=False) as store:
        profiles = store.list_profiles()
        if not profiles:
            print(f"No children yet in {store.data_dir}.")
            return 0
        rows = [["ID", "Name", "Born", "Sessions", "Last session"]]
        for profile in profiles:
            sessions = store.sessions_for(profile.profile_id)
            rows.append([
                profile.profile_id, profile.display_name,
                str(profile.birth_year) if profile.birth_year is not None else "-",
                str(len(sessions)), sessions[-1].started_at[:10] if sessions else "-",
            ])
    print(table(rows))
    return 0


def run_show(args: argparse.Namespace) -> int:
    with records(args, write=False) as store:
        profile = child(store, args.child)
        sessions = store.sessions_for(profile.profile_id)
        stored_trials = store.trials_for(profile.profile_id)
        baseline = store.baseline_of(profile.profile_id)
        trials = len(stored_trials)
        traces = [p for s in sessions if (p := store.trace_path(s.session_id)) and p.is_file()]
        motions = [p for s in sessions if (p := store.motion_path(s.session_id)) and p.is_file()]
    last = sessions[-1].started_at[:10] if sessions else "-"
    settings = ", ".join(f"{k}={v}" for k, v in sorted(profile.settings.items())) or "defaults"
    rows = [
        ["id", profile.profile_id],
        ["name", profile.display_name],
        ["birth year", str(profile.birth_year) if profile.birth_year is not None else "-"],
        ["created", profile.created_at],
        ["changed", profile.updated_at],
        ["sessions", f"{len(sessions)} (last {last})"],
        ["trials", str(trials)],
        ["calm-face baseline", _baseline_state(baseline)],
        ["frame traces allowed", f"{_yes_no(profile.allow_frame_traces)} "
                                 f"({len(traces)} trace file(s), {len(motions)} motion "
                                 "record(s) kept)"],
        ["settings", settings],
        ["programme", _programme_line(profile)],
        ["notes", profile.notes or "-"],
    ]
    print(table(rows))
    if sessions:
        print()
        print(table(session_rows(sessions, stored_trials)))
    return 0


def _programme_line(profile: Profile) -> str:
    """The plan in one line (`profiles plan NAME` shows it in full)."""
    from game.records.plans import programme_of

    programme = programme_of(profile)
    if programme is None:
        return "none"
    return f"{programme.plan_id}: {', '.join(programme.level_sets)}; " \
           f"{programme.session_minutes} minutes"


def session_rows(sessions: list[SessionRecord], trials: list[StoredTrial]) -> list[list[str]]:
    """The child's sessions as table rows, oldest first, under a header: id, start (local
    time as recorded), minutes, why it ended, trials, faces made, breaks, level set."""
    counts: dict[str, list[int]] = {}
    for stored in trials:
        tally = counts.setdefault(stored.session_id, [0, 0])
        tally[0] += 1
        tally[1] += int(stored.trial.success)
    rows = [["session", "started", "minutes", "ended", "trials", "made", "breaks", "level set"]]
    for session in sessions:
        total, made = counts.get(session.session_id, [0, 0])
        rows.append([
            session.session_id,
            session.started_at[:16].replace("T", " "),
            _minutes(session.started_at, session.ended_at),
            session.end_reason or ("-" if session.ended_at else "not ended"),
            str(total),
            str(made),
            str(session.breaks),
            session.level_set_id or "-",
        ])
    return rows


def _minutes(started: str, ended: str | None) -> str:
    """Whole minutes between two ISO times, or "-" when either is missing or unreadable."""
    if not ended:
        return "-"
    try:
        span = datetime.fromisoformat(ended) - datetime.fromisoformat(started)
    except (TypeError, ValueError):
        return "-"
    return str(max(0, round(span.total_seconds() / 60)))


def _baseline_state(stored: dict[str, Any] | None) -> str:
    """"none", "stored", or why the stored calm face cannot be used (the game then scores
    with the population's neutral face until the child is calibrated again)."""
    if not stored:
        return "none"
    from game.vision.calibration import CalibrationError, NeutralBaseline

    try:
        NeutralBaseline.from_dict(stored)
    except CalibrationError as exc:
        return f"stored but not usable ({exc})"
    return "stored"


# -- changing ------------------------------------------------------------------------------


def run_rename(args: argparse.Namespace) -> int:
    with records(args, write=True) as store:
        profile = child(store, args.child)
        updated = store.update_profile(profile.profile_id, display_name=args.new_name)
    name = shown(updated.display_name)
    print(f"{updated.profile_id} is now called {name}" + ("" if name.endswith(".") else "."))
    return 0


def run_note(args: argparse.Namespace) -> int:
    with records(args, write=True) as store:
        profile = child(store, args.child)
        store.update_profile(profile.profile_id, notes=args.text.strip())
    print(f"Notes of {profile.profile_id} {'saved' if args.text.strip() else 'cleared'}.")
    return 0


def birth_year(text: str) -> int | None:
    """`--birth-year`: None for 'none', else a year from EARLIEST_BIRTH_YEAR to this year;
    CliError (one sentence) otherwise."""
    if text.strip().lower() in ("none", "-", ""):
        return None
    this_year = datetime.now().year
    try:
        year = int(text)
    except ValueError:
        raise CliError(f"--birth-year {shown(text)!r} is not a year (e.g. 2017), "
                       "or 'none' to clear it") from None
    if not EARLIEST_BIRTH_YEAR <= year <= this_year:
        raise CliError(f"--birth-year {year}: a birth year is a year from "
                       f"{EARLIEST_BIRTH_YEAR} to {this_year}")
    return year


def _choice(flag: str, text: str, options: dict[str, Any]) -> Any:
    """The value `text` names among `options` (any case), or one sentence listing them."""
    for name, value in options.items():
        if text.strip().casefold() == name.casefold():
            return value
    raise CliError(f"{flag} {shown(text)!r} is not one of {', '.join(options)}")


def setting_changes(args: argparse.Namespace) -> dict[str, Any]:
    """The child's game settings that `profiles set` was asked to change (keys and values
    as `game.ui.settings.SensorySettings` keeps them)."""
    changes: dict[str, Any] = {}
    if args.lang is not None:
        code = spellings().get(args.lang.strip().lower().replace("_", "-"))  # aliases too
        changes["language"] = (code if code is not None else
                               _choice("--lang", args.lang, {lang: lang for lang in LANGUAGES}))
    if args.text_size is not None:
        changes["text_scale"] = _choice("--text-size", args.text_size, TEXT_SIZES)
    if args.palette is not None:
        changes["palette"] = _choice("--palette", args.palette, {p: p for p in PALETTES})
    if args.reduced_motion is not None:
        changes["reduced_motion"] = bool(args.reduced_motion)
    return changes


def run_set(args: argparse.Namespace) -> int:
    changes: dict[str, Any] = {}
    if args.birth_year is not None:
        changes["birth_year"] = birth_year(args.birth_year)
    if args.allow_frame_traces is not None:
        changes["allow_frame_traces"] = bool(args.allow_frame_traces)
    settings = setting_changes(args)
    if not changes and not settings:
        raise CliError("say what to set: --birth-year YEAR, --lang, --text-size, --palette, "
                       "--reduced-motion or --no-reduced-motion, --allow-frame-traces or "
                       "--no-allow-frame-traces")
    with records(args, write=True) as store:
        profile = child(store, args.child)
        if settings:
            changes["settings"] = {**profile.settings, **settings}
        updated = store.update_profile(profile.profile_id, **changes)
    year = str(updated.birth_year) if updated.birth_year is not None else "not given"
    told = [f"birth year {year}", f"frame traces allowed {_yes_no(updated.allow_frame_traces)}"]
    told += [f"{_SETTING_NAMES[key]} {_setting_text(key, updated.settings[key])}"
             for key in sorted(settings)]
    print(f"{updated.profile_id}: {'; '.join(told)}.")
    return 0


def _setting_text(key: str, value: Any) -> str:
    if key == "text_scale":
        return next((name for name, scale in TEXT_SIZES.items() if scale == value), str(value))
    if isinstance(value, bool):
        return "on" if value else "off"
    return str(value)


def _number(text: str | None, option: str, default: float, kind: type) -> Any:
    """A number given to `option` (or the default); one sentence when it is not one."""
    if text is None:
        return default
    try:
        value = kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise CliError(f"{option} {text!r} is not {what} (nothing changed)") from None
    return value


def run_plan(args: argparse.Namespace) -> int:
    from game.paths import LEVELS_DIR
    from game.play.level_library import LevelLibrary, UnknownLevelSetError
    from game.play.programme import MasteryRule, ProgrammeError, revised
    from game.records.plans import child_progress, programme_of

    tuning = [args.mastery_rate, args.mastery_sessions, args.mastery_min_trials, args.minutes]
    if args.sets is None and any(v is not None for v in tuning):
        raise CliError("give the level sets with --sets A,B,C to make a plan (nothing changed)")
    library = LevelLibrary(LEVELS_DIR)
    if args.sets is not None:
        sets = [s.strip() for s in args.sets.split(",") if s.strip()]
        if not sets:
            raise CliError("--sets needs at least one level set id, e.g. --sets first-faces")
        try:
            library.check(sets)
            rule = MasteryRule(
                min_independent_rate=_number(args.mastery_rate, "--mastery-rate", 0.8, float),
                over_sessions=_number(args.mastery_sessions, "--mastery-sessions", 2, int),
                min_trials=_number(args.mastery_min_trials, "--mastery-min-trials", 3, int))
            minutes = _number(args.minutes, "--minutes", 10, int)
        except (UnknownLevelSetError, ProgrammeError) as exc:
            raise CliError(f"{exc} (nothing changed)") from None
    with records(args, write=args.sets is not None or args.clear) as store:
        profile = child(store, args.child)
        if args.clear:
            if profile.programme is None:
                print(f"{profile.profile_id} has no programme; nothing changed.")
                return 0
            store.set_programme(profile.profile_id, None)
            print(f"The programme of {profile.profile_id} was cleared.")
            return 0
        if args.sets is not None:
            now = datetime.now().astimezone().isoformat(timespec="seconds")
            old = programme_of(profile)
            reached = child_progress(store, profile)
            try:
                programme = revised(old, sets, rule, minutes, created_at=now,
                                    reached_step=reached.step if reached else None)
            except ProgrammeError as exc:
                raise CliError(f"{exc} (nothing changed)") from None
            profile = store.set_programme(profile.profile_id, programme.to_json())
        shown = child_progress(store, profile)
    if shown is None:
        print(f"{profile.profile_id} has no programme; make one with `facequest profiles plan "
              f"{args.child} --sets A,B,C`.")
        return 0
    print(plan_text(shown, library))
    return 0


def plan_text(shown: ProgrammeProgress, library: LevelLibrary) -> str:
    """The programme as aligned rows, with where the child stands (`ProgrammeProgress`)."""
    programme = shown.programme
    rule = programme.mastery
    rows = [["plan", programme.plan_id],
            ["made", programme.created_at or "-"],
            ["mastery", f">= {rule.min_independent_rate:.0%} independent successes over "
                        f"{rule.over_sessions} session(s) in a row (each with at least "
                        f"{rule.min_trials} attempts)"],
            ["session length", f"{programme.session_minutes} minutes"]]
    mastered = {m.step: m for m in shown.mastered}
    for n, set_id in enumerate(programme.level_sets):
        if n in mastered:
            state = f"mastered {mastered[n].reached_at[:10]}"
        elif n == shown.step and not shown.finished:
            state = f"now ({shown.run} of {rule.over_sessions} sessions met)"
        elif n < programme.start_step:
            state = "before this plan"
        else:
            state = "to come"
        rows.append([f"step {n + 1} of {len(programme.level_sets)}",
                     f"{set_id} ({library.title(set_id, 'en')}): {state}"])
    return table(rows)


def _confirmed(profile: Profile, sessions: int, folder: Path) -> bool:
    question = (f"Delete {profile.profile_id} ({shown(profile.display_name)}) with {sessions} "
                f"session(s), from {folder} and its backups? This cannot be undone. [y/N] ")
    try:
        answer = input(question)
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


def run_delete(args: argparse.Namespace) -> int:
    with records(args, write=True) as store:
        profile = child(store, args.child)
        sessions = store.sessions_for(profile.profile_id)
        trials = len(store.trials_for(profile.profile_id))
        if not args.yes:
            if not sys.stdin.isatty():
                raise CliError("deleting a child cannot be undone, so add --yes to confirm "
                               "(nothing was deleted)")
            if not _confirmed(profile, len(sessions), Path(str(store.data_dir))):
                print("Nothing was deleted.")
                return 1
        erased = store.delete_profile(profile.profile_id)
        folder = store.data_dir
    copies = ""
    if erased.rewritten:
        copies += f"; removed from {len(erased.rewritten)} backup(s)"
    if erased.deleted:
        copies += f"; {len(erased.deleted)} other file(s) that held their records deleted"
    print(f"Deleted {profile.profile_id}: profile, {len(sessions)} session(s), {trials} "
          f"trial(s), traces, motion records and baseline{copies}. Copies made outside "
          f"{folder} (exports, reports, backups you made yourself) are not reached.")
    if erased.left:
        print("These files in the data folder were not written by FaceQuest but mention the "
              "child; delete them yourself if they should go: "
              + ", ".join(str(p) for p in erased.left))
    return 0


# -- backups -------------------------------------------------------------------------------


def _backup_line(path: Path) -> str:
    when = datetime.fromtimestamp(path.stat().st_mtime).astimezone()
    return f"{path.name}  {when:%Y-%m-%d %H:%M}  {path.stat().st_size} bytes"


def _chosen_backup(folder: Path, given: Path | None) -> Path:
    if given is None:
        newest = newest_backup(folder)
        if newest is None:
            raise CliError(f"there are no backups in {folder / 'backups'}")
        return newest
    if given.is_file():
        return given
    for inside in (folder / "backups" / given.name, folder / "backups" / "trials" / given.name):
        if given.parent == Path(".") and inside.is_file():
            return inside
    raise CliError(f"there is no backup file {given}; see `facequest profiles restore-backup "
                   "--list`")


def run_restore(args: argparse.Namespace) -> int:
    folder = data_folder(args)
    if args.list:
        backups = list_backups(folder)
        trials = folder / "backups" / "trials"
        if trials.is_dir():
            backups += sorted(trials.glob("*.backup-*.jsonl.gz"), reverse=True)
        if not backups:
            raise CliError(f"there are no backups in {folder / 'backups'}")
        print("\n".join(_backup_line(p) for p in backups))
        return 0
    backup = _chosen_backup(folder, args.backup)
    if backup.name.endswith(".jsonl.gz"):  # a child's trials (backups/trials/)
        try:
            child = restore_trials_backup(folder, backup)
        except StoreError as exc:
            raise CliError(str(exc)) from None
        print(f"Restored the trials of {child} from {backup}; the trials file it replaced "
              "was backed up first.")
        return 0
    try:
        done = restore_backup(folder, backup)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    if done.backed_up is not None and done.backed_up.resolve() == backup.resolve():
        print(f"{folder / RECORDS_FILE} already held what {backup} holds; nothing changed.")
        return 0
    told = [f"Restored {folder / RECORDS_FILE} from {done.restored_from}."]
    if done.set_aside is not None:
        told.append(f"The unreadable records file was kept as {done.set_aside}.")
    if done.backed_up is not None:
        told.append(f"The records it replaced were backed up as {done.backed_up}.")
    print(" ".join(told))
    return 0
