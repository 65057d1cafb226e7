"""`facequest home`: home practice planned at the clinic (no server; docs/home.md).

    facequest home plan Mia --out mia.plan.json --days 4 --minutes 20   # at the clinic
    facequest home setup mia.plan.json --data-dir ~/fq-home             # the family's computer
    facequest home status --data-dir ~/fq-home
    facequest home send --out week1.fqb --data-dir ~/fq-home

`home plan` writes the child's plan: programme, settings, days a week, minutes a day, the
clinic's public key and the child's pseudonymous id (never the name). `home setup` installs
it: that data folder then plays only this child (`facequest play` needs no `--profile`),
and prints this installation's key and the pairing code to read aloud with the clinic.
`home send` writes one bundle of the sessions since the last one, signed by this
installation and encrypted to the clinic's key: mail it, or carry it on a USB stick.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from functools import partial, wraps
from pathlib import Path
from typing import Any

from game.cli import CliError, Subparsers
from game.cli.play_cmd import SETUP_AGAIN, level_set_path, shipped_level_sets
from game.cli.profiles_cmd import child, data_folder, records, records_action
from game.records.fileio import atomic_write_bytes, atomic_write_text
from game.records.storage import local_now


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "home", help="home practice: make a child's home plan, install it, send sessions back",
        description=__doc__.split("\n\n")[0] if __doc__ else None)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    action = partial(records_action, actions)

    plan = action("plan", "(clinic) write a child's home plan")
    plan.add_argument("child", metavar="NAME|ID", help="the child's name or id")
    plan.add_argument("--out", type=Path, required=True, help="the plan file to write")
    plan.add_argument("--days", type=int, default=4, help="days of practice a week (1-7, "
                      "default 4)")
    plan.add_argument("--minutes", type=int, default=20, help="minutes a day (1-240, "
                      "default 20)")
    plan.add_argument("--levels", default="first-faces", help="level set id (default "
                      "first-faces)")
    plan.add_argument("--home-key", help="pair at once with this home installation's key "
                      "(fqhome1-...), when the family already has one")
    plan.set_defaults(func=home_sentences(run_plan))
    setup = action("setup", "(family) install a home plan in this data folder")
    setup.add_argument("plan", type=Path, help="the plan file from the clinic")
    setup.add_argument("--name", help="the child's name as shown here (never sent); default "
                       "the child's id")
    setup.set_defaults(func=home_sentences(run_setup))
    action("status", "(family) this installation's child, plan, week and key") \
        .set_defaults(func=home_sentences(run_status))
    send = action("send", "(family) write a bundle of the sessions since the last one")
    send.add_argument("--out", type=Path, required=True, help="the bundle file to write")
    send.add_argument("--all", action="store_true", help="send every session again")
    send.set_defaults(func=home_sentences(run_send))


Run = Callable[[argparse.Namespace], int]


def home_sentences(run: Run) -> Run:
    """`run` with every home-practice problem as one sentence (exit 2): a damaged key file,
    plan or ledger, wherever in the command it is read (a key is read when it is printed)."""
    @wraps(run)
    def guarded(args: argparse.Namespace) -> int:
        from game.home.clinic import ClinicError
        from game.home.install import HomeError
        from game.home.keys import KeyTextError
        from game.home.plan import PlanError

        try:
            return run(args)
        except (ClinicError, HomeError, KeyTextError, PlanError) as exc:
            raise CliError(str(exc)) from None
    return guarded


def _now() -> str:
    return local_now().isoformat(timespec="seconds")


def check_out(out: Path, data_dir: Path) -> None:
    """Refuse an `--out` that is a folder, an existing non-regular file (a device such as
    /dev/full, a pipe: writing "atomically" would replace the device node with a file), or a
    file among the data folder's own records and folders (`home/` and `clinic/`, with the
    keys, ledger and plan, included).

    Raises:
        CliError: one sentence naming the path.
    """
    from game.records.storage import StoreError
    from game.reports.selection import check_not_own_records

    if out.is_dir():
        raise CliError(f"--out {out} is a folder; give a file name inside it")
    if out.exists() and not out.is_file():
        raise CliError(f"--out {out} is not a regular file (a device or a pipe); give a file "
                       "name to write")
    try:
        check_not_own_records(out, data_dir)
    except StoreError as exc:
        raise CliError(str(exc)) from None
    if not out.parent.is_dir():
        raise CliError(f"the folder {out.parent} does not exist")


def _check_shipped_levels(levels: str) -> None:
    """A home plan names a level set by id, and the family's FaceQuest has only the shipped
    ones: an id that is not one of them (a typo) would make every `play` at home fail, so it
    is refused here. A .toml path that exists is a researcher's choice and is kept.

    Raises:
        CliError: one sentence with the known ids.
    """
    # a shipped id, or a research set by path (the same file must be there at home)
    if levels and not level_set_path(levels).is_file():
        raise CliError(f"--levels {levels!r} is not a level set shipped with FaceQuest, so the "
                       f"family's computer would not have it (known: {shipped_level_sets()})")


def run_plan(args: argparse.Namespace) -> int:
    from game.home.clinic import ClinicError, issue_plan, pair
    from game.home.keys import KeyTextError

    folder = data_folder(args)
    check_out(args.out, folder)
    _check_shipped_levels(args.levels)
    with records(args, write=True) as store:
        profile = child(store, args.child)
        try:
            plan = issue_plan(store, folder, profile.profile_id, issued_at=_now(),
                              days_per_week=args.days, minutes_per_day=args.minutes,
                              level_set_id=args.levels)
            atomic_write_text(args.out, plan.to_json())
            code = None
            if args.home_key:
                code = pair(store, folder, profile.profile_id, args.home_key,
                            paired_at=_now())
        except (ClinicError, KeyTextError, ValueError) as exc:
            raise CliError(str(exc)) from None
    print(f"Home plan {plan.plan_id} for {plan.profile_id} written to {args.out} "
          f"({plan.days_per_week} days a week, {plan.minutes_per_day} minutes a day).")
    if code:
        print(f"Paired; pairing code: {code}")
    else:
        print("On the family's computer: `facequest home setup PLAN`; then here `facequest "
              "clinic pair CHILD HOMEKEY` with the key it prints.")
    return 0


def run_setup(args: argparse.Namespace) -> int:
    from game.home.bundle import MAX_PLAN_BYTES, read_input
    from game.home.install import HomeError, install
    from game.home.keys import KeyTextError
    from game.home.plan import HomePlan, PlanError
    from game.records import StoreError, open_store

    folder = data_folder(args)
    try:
        raw = read_input(Path(args.plan), MAX_PLAN_BYTES)
    except OSError as exc:
        raise CliError(f"{args.plan}: cannot be read ({exc.strerror or exc})") from None
    try:
        plan = HomePlan.from_json(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise CliError(f"{args.plan}: that file is not a FaceQuest home plan (it is not "
                       "text)") from None
    except PlanError as exc:
        raise CliError(f"{args.plan}: {exc}") from None
    try:
        with open_store(folder) as store:
            inst = install(folder, plan, store, name=args.name)
    except (HomeError, KeyTextError, PlanError, StoreError) as exc:
        raise CliError(str(exc)) from None
    print(f"Home practice set up for {plan.profile_id}: {plan.days_per_week} days a week, "
          f"{plan.minutes_per_day} minutes a day.")
    print(f"This installation's key: {inst.key_text()}")
    print(f"Pairing code: {inst.pairing_code()}")
    print("Give the key to the clinic; when they pair it, their screen shows the same code.")
    return 0


def _installation(folder: Path) -> Any:
    from game.home.install import find_installation
    from game.home.plan import PlanError

    try:
        inst = find_installation(folder)
    except PlanError as exc:
        raise CliError(f"{exc}; {SETUP_AGAIN}") from None
    if inst is None:
        raise CliError(f"{folder} is not set up for home practice; run `facequest home setup "
                       "PLAN` first")
    return inst


def run_status(args: argparse.Namespace) -> int:
    from game.reports.adherence import week_progress

    folder = data_folder(args)
    inst = _installation(folder)
    with records(args, write=False) as store:
        week = week_progress(store.sessions_for(inst.plan.profile_id), inst.plan.days_per_week,
                             local_now())
    print(f"Child: {inst.plan.profile_id}; plan {inst.plan.plan_id}: "
          f"{inst.plan.days_per_week} days a week, {inst.plan.minutes_per_day} minutes a day.")
    print(f"This week: {week.days_done} of {week.days_planned} days done; today "
          f"{week.minutes_today:.0f} of {inst.plan.minutes_per_day} minutes.")
    print(f"This installation's key: {inst.key_text()}")
    print(f"Pairing code: {inst.pairing_code()}")
    return 0


def run_send(args: argparse.Namespace) -> int:
    from game.home.install import HomeError, make_bundle

    folder = data_folder(args)
    inst = _installation(folder)
    check_out(args.out, folder)
    with records(args, write=False) as store:
        try:
            made = make_bundle(inst, store, made_at=_now(), resend_all=args.all)
        except HomeError as exc:
            raise CliError(str(exc)) from None
    if made is None:
        print("Nothing new since the last bundle; no file written (add --all to send every "
              "session again).")
        return 0
    atomic_write_bytes(args.out, made.data)
    made.state.save(inst)
    content = made.content
    print(f"Bundle {content.seq} written to {args.out}: {len(content.sessions)} session(s), "
          f"{len(content.trial_lines)} trial(s), {len(content.motion)} motion record(s); "
          "encrypted to the clinic, signed by this installation. Mail it or copy it to the "
          "clinic.")
    return 0
