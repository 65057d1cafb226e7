"""`facequest clinic`: the clinic's side of home practice (no server; docs/home.md).

    facequest clinic init                        # the clinic's key pair, once
    facequest clinic pair Mia fqhome1-...        # register a family's installation
    facequest clinic import bundle1.fqb ...      # verify, decrypt, merge

Every command takes `--data-dir` (default: the data folder `facequest play` uses). A bundle
that is damaged, cut short, for another clinic, from an unpaired installation or for a
deleted child is refused in one sentence, and nothing of it is merged.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from game.cli import CliError, Subparsers
from game.cli.home_cmd import home_sentences
from game.cli.profiles_cmd import child, data_folder, records, records_action
from game.records.storage import local_now


def register(subparsers: Subparsers) -> None:
    parser = subparsers.add_parser(
        "clinic", help="the clinic's key, pairing home installations, importing bundles",
        description=__doc__.split("\n\n")[0] if __doc__ else None)
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    action = partial(records_action, actions)

    action("init", "make the clinic's key pair (the private key stays here, mode 0600)") \
        .set_defaults(func=home_sentences(run_init))
    pair = action("pair", "register a family's home installation for a child and show the "
                  "code to read aloud")
    pair.add_argument("child", metavar="NAME|ID", help="the child's name or id")
    pair.add_argument("home_key", metavar="HOMEKEY",
                      help="the key `facequest home setup` printed (fqhome1-...)")
    pair.set_defaults(func=home_sentences(run_pair))
    imp = action("import", "verify, decrypt and merge bundles sent from home")
    imp.add_argument("files", metavar="FILE", nargs="+", type=Path, help="bundle files")
    imp.set_defaults(func=home_sentences(run_import))


def run_init(args: argparse.Namespace) -> int:
    from game.home.clinic import ClinicError, init_clinic, key_path
    from game.home.keys import clinic_key_text, fingerprint

    folder = data_folder(args)
    try:
        key = init_clinic(folder)
    except ClinicError as exc:
        raise CliError(str(exc)) from None
    print(f"Clinic key made; the private key is {key_path(folder)} (keep it, mode 0600).")
    print(f"Public key: {clinic_key_text(key.public_key())}")
    print(f"Fingerprint: {fingerprint(key.public_key())}")
    return 0


def run_pair(args: argparse.Namespace) -> int:
    from game.home.clinic import ClinicError, pair
    from game.home.keys import KeyTextError

    folder = data_folder(args)
    with records(args, write=True) as store:
        profile = child(store, args.child)
        try:
            code = pair(store, folder, profile.profile_id, args.home_key,
                        paired_at=local_now().isoformat(timespec="seconds"))
        except (ClinicError, KeyTextError) as exc:
            raise CliError(str(exc)) from None
    print(f"Paired with {profile.profile_id}'s home installation.")
    print(f"Pairing code: {code}")
    print("Read it aloud with the family: their `facequest home setup` showed the same code, "
          "or the keys were not the ones sent.")
    return 0


def run_import(args: argparse.Namespace) -> int:
    from game.home.bundle import MAGIC, BundleRefused, read_input
    from game.home.clinic import ClinicError, clinic_key, import_bundle

    folder = data_folder(args)
    try:
        clinic_key(folder)
    except ClinicError as exc:
        raise CliError(str(exc)) from None
    refused = 0
    with records(args, write=True) as store:
        for path in args.files:
            try:
                data = read_input(Path(path), magic=MAGIC)
            except OSError as exc:
                print(f"facequest: {path}: cannot be read ({exc.strerror or exc}); nothing "
                      "was merged.", file=sys.stderr)
                refused += 1
                continue
            try:
                done = import_bundle(store, folder, data)
            except BundleRefused as exc:
                print(f"facequest: {path}: {exc}.", file=sys.stderr)
                refused += 1
                continue
            if done.already and not (done.sessions or done.trials):
                print(f"{path}: bundle {done.seq} for {done.profile_id} was imported before; "
                      "nothing changed.")
            else:
                print(f"{path}: bundle {done.seq} for {done.profile_id}: {done.sessions} "
                      f"session(s) and {done.trials} trial(s) merged (place: home).")
    return 1 if refused else 0
