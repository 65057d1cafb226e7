"""Assemble the game from its parts and run it: vision, store, audio, display, flow, app.

`run_game` is what `facequest play` calls once its arguments are checked. Everything is
built here and passed in (no globals), and everything is closed here, in reverse order,
however the run ends: the session is marked ended in the store, the vision threads stop,
speech stops, pygame quits.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from game.ui.app import App, FrameStats, init_display, init_gamepads
from game.ui.backup_restore import backup_offer
from game.ui.clock import FrameClock
from game.ui.context import WINDOW_SIZE, GameContext, theme_for
from game.ui.flow import GameFlow, SessionFactory
from game.ui.run_options import RunOptions
from game.ui.scene_stack import SceneStack
from game.ui.settings import SensorySettings

if TYPE_CHECKING:
    from game.audio.system import AudioSystem
    from game.play.level_library import LevelLibrary
    from game.play.level_set import LevelSet
    from game.play.session import Session
    from game.records.models import Profile
    from game.records.storage import CorruptStoreError
    from game.records.store import ProgressStore
    from game.ui.theme import Theme
    from game.vision.sources import FrameSource

logger = logging.getLogger(__name__)


def session_factory(level_set: LevelSet, seed: int,
                    chosen: Callable[[], LevelSet | None] | None = None) -> SessionFactory:
    """A function building the rules engine's Session for a profile at `now_ms`: of the
    level set `chosen()` gives (the flow's choice for the child), else
    `level_set`."""
    import random

    from game.play.session import Session

    def make(profile: Profile | None, now_ms: int) -> Session:
        picked = chosen() if chosen is not None else None
        return Session(picked if picked is not None else level_set, random.Random(seed))

    return make


def describe_model(model_path: Path | None) -> tuple[str, str]:
    """(file name, SHA-256 hex) of the expression model, for every session record of this
    run (hashed once here, at start-up); ("", "") when playing without a model."""
    if model_path is None:
        return "", ""
    from game.records import sha256_file

    return model_path.name, sha256_file(model_path)


def warm_fonts(theme: Theme) -> None:
    """Load every font size the scenes use now, so no frame stalls on a first use."""
    from game.ui.fonts import get_font

    for size in ("small", "body", "title", "huge", 96):
        for bold in (False, True):
            get_font(theme.text_px(size), bold)


def start_mixer() -> None:
    """Open pygame.mixer in the audio system's own format (22050 Hz mono: the voice pack
    and effects play without resampling) before pygame.init() opens it in SDL's default."""
    try:
        from game.audio.player import start_mixer as start_audio_mixer

        start_audio_mixer()
    except Exception:  # sound must never stop the game
        logger.exception("could not start the mixer; playing without sound")


def _open_audio(settings: SensorySettings, headless: bool) -> AudioSystem | None:
    """The audio system; headless runs use the voice pack only (no live speech engine)."""
    try:
        from game.audio import AudioSystem

        if headless:
            return AudioSystem(settings, engine_factory=None)
        return AudioSystem(settings)
    except OSError as exc:  # a folder or device it needs: one line, no traceback
        logger.warning("audio unavailable (%s); playing without sound", exc.strerror or exc)
        logger.debug("audio start-up failed", exc_info=True)
        return None
    except Exception:  # sound must never stop the game
        logger.exception("audio unavailable; playing without sound")
        return None


class GameStartError(Exception):
    """The game cannot start (e.g. its records are open in another window); `str(error)`
    is one sentence for the user."""


def open_records(data_dir: Path) -> tuple[ProgressStore, CorruptStoreError | None]:
    """The progress store of `data_dir`, and the `CorruptStoreError` when its file could not
    be read (the records layer moved it aside; a fresh store was started), else None.

    Raises:
        GameStartError: the records are open in another FaceQuest window, or were written
            by a newer FaceQuest.
    """
    from game.records import CorruptStoreError, StoreError, open_store

    set_aside: CorruptStoreError | None = None
    for _ in range(2):
        try:
            return open_store(data_dir), set_aside
        except CorruptStoreError as exc:  # moved aside; opening again starts afresh
            set_aside = exc
            logger.info("records set aside: %s", exc)
        except StoreError as exc:
            text = str(exc)
            raise GameStartError(f"The progress records in {data_dir} cannot be opened: "
                                 f"{text[:1].lower()}{text[1:].rstrip('.')}.") from None
    raise GameStartError(str(set_aside))


def set_aside_sentence(error: CorruptStoreError, lang: str) -> str:
    """One sentence: the unreadable progress file was moved (where to), a new one started,
    and whether backups exist (the newest named)."""
    from game import phrases

    moved = str(error.moved_to or error.path)
    if error.backups:
        return phrases.text("ui.records.set_aside", lang, moved=moved,
                            backup=str(error.backups[0]))
    return phrases.text("ui.records.set_aside_no_backup", lang, moved=moved)


def damaged_sentence(moved: Path, count: int, lang: str) -> str:
    """One sentence: damaged records of the progress file were kept aside (where), and the
    rest works (a child whose profile was among them is missing from the list)."""
    from game import phrases

    return phrases.text("ui.records.damaged_set_aside", lang, count=count, moved=str(moved))


def run_game(source: FrameSource, level_set: LevelSet, options: RunOptions) -> FrameStats:
    """Run the game until the therapist quits (or, headless, the session is over), or the
    time cap is reached. With a window the goodbye card leads back to the start screen, so
    one run serves a therapist's whole day.

    Raises:
        GameStartError: the game cannot start (one sentence for the user).
    """
    import pygame

    from game.records import TherapistPin
    from game.ui.autoplay import autoplay_events
    from game.ui.live_source import is_still, live_source
    from game.ui.stop_signals import SDL_HINT
    from game.vision.pipeline import VisionChain, VisionPipeline, resolve_model_path

    if options.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    data_dir = options.data_dir
    options = dataclasses.replace(options, calibrate=options.calibrate and not is_still(source))
    settings = SensorySettings.from_dict(options.command_line_settings())
    with contextlib.ExitStack() as cleanup:
        cleanup.callback(source.close)  # until the pipeline owns it
        store, set_aside = open_records(data_dir) if data_dir is not None else (None, None)
        if store is not None:
            cleanup.callback(store.close)
        notice = functools.partial(set_aside_sentence, set_aside) if set_aside else None
        if notice is not None:
            print(f"facequest: {notice('en')}", file=sys.stderr)
        elif store is not None and store.set_aside is not None:  # the log said it already
            notice = functools.partial(damaged_sentence, store.set_aside, store.set_aside_count)
        model_path = resolve_model_path(options.model)
        chain = VisionChain.create(model_path, landmarker=options.landmarker)
        model_version, model_hash = describe_model(model_path)
        cleanup.pop_all()  # the pipeline closes the source from here on
        if store is not None:
            cleanup.callback(store.close)
        pipeline = VisionPipeline(live_source(source), chain)  # a still image: a steady stream
        cleanup.callback(pipeline.stop)
        pin = TherapistPin(data_dir) if data_dir is not None else None
        os.environ.setdefault(SDL_HINT, "1")  # SIGTERM/SIGINT are the app's (stop_signals)
        start_mixer()
        pygame.init()
        cleanup.callback(forget_fonts)
        cleanup.callback(pygame.quit)
        surface = init_display(WINDOW_SIZE, options.headless)
        init_gamepads()
        warm_fonts(theme_for(settings))
        audio = _open_audio(settings, options.headless)
        if audio is not None:
            cleanup.callback(audio.close)
        ctx = GameContext(settings=settings, clock=FrameClock(), audio=audio, store=store,
                          pipeline=pipeline, level_set=level_set,
                          window_size=surface.get_size(), model_version=model_version,
                          model_hash=model_hash, notice=notice, options=options)
        ctx.levels = level_library(level_set)
        stack = SceneStack()
        flow = GameFlow(
            ctx, stack, session_factory(level_set, options.seed, lambda: ctx.level_set),
            pin=pin,
            overrides=options.command_line_settings(),
            profile_name=options.profile or ("Guest" if options.headless else None),
            data_dir=data_dir,
            close_after_session=options.headless,  # scripted runs finish; a window goes on
            fixed_levels=options.fixed_levels,
        )
        flow.restore_offer = backup_offer(data_dir, set_aside)
        cleanup.callback(close_store_of, ctx)  # the store in use (a restore reopens it)
        app = App(ctx, surface, stack, screenshots_dir=options.screenshots,
                  max_seconds=options.max_seconds,
                  event_source=autoplay_events(stack, ctx.clock) if options.headless
                  else pygame.event.get,
                  after_first_frame=ctx.warm_up_voice)
        pipeline.start()
        flow.begin()
        try:
            app.run()
        finally:
            flow.close()
        return dataclasses.replace(app.frame_stats(), unsaved_writes=ctx.unsaved_writes,
                                   unsaved_reason=ctx.unsaved_reason)


def level_library(level_set: LevelSet) -> LevelLibrary:
    """The level sets of levels/ that programmes name, with the one started with (a .toml
    path from elsewhere is known by its id too)."""
    from game.paths import LEVELS_DIR
    from game.play.level_library import LevelLibrary

    library = LevelLibrary(LEVELS_DIR)
    if level_set.id not in library:
        library.add(level_set)
    return library


def close_store_of(ctx: GameContext) -> None:
    """Close the store the context holds at the end (safe when already closed)."""
    if ctx.store is not None:
        ctx.store.close()


def forget_fonts() -> None:
    """Drop every cached font and rendered text: they die with pygame.quit(), and a later
    game in the same process (tests) must load them afresh."""
    from game.ui.fonts import get_font
    from game.ui.widgets.text import render_line

    get_font.cache_clear()
    render_line.cache_clear()
