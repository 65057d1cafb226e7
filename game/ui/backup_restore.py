"""Putting the newest backup back after the progress file could not be read.

At start-up `open_store` may find the records file unreadable: the records layer moves it
aside and the game starts with empty records (`game.ui.runner.open_records`). The notice
then offers the newest backup (`BackupOffer`); the therapist restores it in the game,
through the PIN (`GameFlow.restore_backup`), and `restore_newest` closes the store, puts
the backup back with `game.records.restore_backup`, opens the records again and hands the
new store to the context. The unreadable file stays where it was moved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from game import phrases
from game.records import CorruptStoreError, StoreError, open_store, restore_backup
from game.ui.context import GameContext

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class BackupOffer:
    """The backup the therapist may restore: `backup` into `data_dir`; `moved_to` is where
    the unreadable file was kept (None when it could not be moved)."""

    data_dir: Path
    backup: Path
    moved_to: Path | None


def backup_offer(data_dir: Path | None, set_aside: CorruptStoreError | None) -> BackupOffer | None:
    """The newest backup named by the set-aside error (its `backups` are newest first), or
    None when nothing was set aside or no backup exists."""
    if data_dir is None or set_aside is None or not set_aside.backups:
        return None
    return BackupOffer(Path(data_dir), Path(set_aside.backups[0]), set_aside.moved_to)


def restore_newest(ctx: GameContext, offer: BackupOffer) -> Callable[[str], str]:
    """Close `ctx.store`, put `offer.backup` back, open the records again into `ctx.store`.

    Returns the sentence for the therapist (a function of the language): how many children
    are back, or why the backup could not be restored (the records are then opened again
    as they were). `ctx.store` is None only when the records cannot be opened at all.
    """
    if ctx.store is not None:
        ctx.store.close()
    ctx.profile = None
    failure: Exception | None = None
    try:
        restore_backup(offer.data_dir, offer.backup)
        logger.info("backup %s restored", offer.backup.name)
    except (StoreError, OSError, ValueError) as exc:  # a damaged or vanished backup
        failure = exc
        logger.warning("backup %s could not be restored (%s)", offer.backup.name, exc)
    try:
        ctx.store = open_store(offer.data_dir)
    except StoreError as exc:
        ctx.store = None
        failure = failure or exc
        logger.warning("the records could not be opened again (%s)", type(exc).__name__)
    if failure is not None:
        reason = _sentence(failure)
        return lambda lang: phrases.text("ui.restore.failed", lang, reason=reason)
    count = len(ctx.store.list_profiles()) if ctx.store is not None else 0
    moved = str(offer.moved_to or "")
    backup = offer.backup.name
    return lambda lang: phrases.text("ui.restore.done", lang, backup=backup, count=count,
                                     moved=moved)


def _sentence(error: Exception) -> str:
    text = str(error).strip() or type(error).__name__
    return text[:1].upper() + text[1:].rstrip(".") + "."
