"""The game's flow: which scene comes next, and the rules engine's events turned into scenes.

`GameFlow` is the one place that builds scenes, so scenes never construct each other:
start -> (PIN) -> calibration -> the level's trial scenes (with reward, pause and message
cards on top) -> end. Once a session runs, `tick(now_ms)` (called by the app once per frame)
hands the latest reading to the rules engine's `Session` and routes its events through
`game.ui.session_events`: the UI shows, speaks and stores what the engine decided. While a
therapist screen (PIN, settings, help, progress) is open over play, the session is held
with the engine's own pause command and resumed when the screen closes.

The therapist's doors (adding a child, settings, progress) open through the PIN. With no PIN
set they open freely only while no child exists (the very first set-up); once a profile
exists, the first door asks the therapist to choose a PIN, then opens.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from typing import Any

from game import phrases
from game.records import Profile
from game.records.pin import PinLockedError
from game.ui.backup_restore import BackupOffer, restore_newest  # issue 14 (D)
from game.ui.context import GameContext
from game.ui.input import Action
from game.ui.scene_stack import SceneStack
from game.ui.scenes.base import GameScene
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.child_admin import ChildAdminScene  # issue 14 (D)
from game.ui.scenes.name_entry import NameEntryScene
from game.ui.scenes.overlays import HelpOverlay, NoticeCard
from game.ui.scenes.pin import PinScene, PinSetupScene
from game.ui.scenes.progress import ProgressScene
from game.ui.scenes.restore_offer import RestoreOfferCard  # issue 14 (D)
from game.ui.scenes.settings_scene import SettingsScene
from game.ui.scenes.start import MAX_SHOWN, StartScene
from game.ui.session_events import SessionDriver
from game.ui.settings import SensorySettings

logger = logging.getLogger(__name__)


class GameFlow:
    """Builds scenes and connects the session to them.

    Args:
        ctx: the shared context (`ctx.flow` is set to this flow).
        stack: the app's scene stack.
        make_session: builds the rules engine's `Session` for a profile at `now_ms`.
        pin: the therapist PIN (`game.records.TherapistPin`: `is_set()`, `verify(pin)`,
            `set(pin)`); None when nothing is recorded (doors open).
        overrides: settings given on the command line, kept over the profile's own.
        profile_name: pick this child at once (no start scene).
    """

    def __init__(
        self,
        ctx: GameContext,
        stack: SceneStack,
        make_session: Callable[[Any, int], Any],
        *,
        pin: Any = None,
        overrides: dict[str, Any] | None = None,
        profile_name: str | None = None,
    ) -> None:
        self.ctx = ctx
        self.stack = stack
        self.make_session = make_session
        self.pin = pin
        self.overrides = dict(overrides or {})
        self.profile_name = profile_name
        self.driver: SessionDriver | None = None
        self.restore_offer: BackupOffer | None = None  # issue 14 (D): set by the runner
        ctx.flow = self

    # ---------------------------------------------------------------- start

    def begin(self) -> None:
        """Put the first scene on the stack (with the therapist's notice, if any, on top)."""
        profile = self._find_profile(self.profile_name) if self.profile_name else None
        if profile is not None:
            self.stack.push(StartScene(self.ctx, [profile]))
            self.profile_chosen(profile)
        else:
            self.stack.push(StartScene(self.ctx, self._profiles()))
        if self.ctx.notice is not None:
            if self.restore_offer is not None and profile is None:  # issue 14 (D): the
                # newest backup is offered on the start screen (not once a child plays)
                self.stack.push(RestoreOfferCard(self.ctx, self.ctx.notice,
                                                 on_restore=self.restore_backup))
            else:
                self.stack.push(NoticeCard(self.ctx, self.ctx.notice))

    def _profiles(self) -> list[Any]:
        store = self.ctx.store
        return list(store.list_profiles()) if store is not None else []

    def _find_profile(self, name: str) -> Any:
        """The stored child called `name` (created when missing, so scripted runs work)."""
        store = self.ctx.store
        if store is None:
            return None
        found = store.find_profiles(name)
        return found[0] if found else store.create_profile(name)

    def profile_chosen(self, profile: Any) -> None:
        self.ctx.profile = profile
        stored = dict(getattr(profile, "settings", {}) or {})
        self.ctx.apply_settings(SensorySettings.from_dict({**stored, **self.overrides}))
        self.stack.replace(CalibrationScene(self.ctx))

    # ---------------------------------------------------------------- therapist doors

    def with_pin(self, make: Callable[[], GameScene]) -> None:
        """Open `make()` after the PIN; when none is set yet but a child exists, after the
        therapist has chosen one; at once before any child exists (or with no records)."""
        pin = self.pin
        if pin is None:
            self.stack.push(make())
        elif pin.is_set():
            self.stack.push(PinScene(self.ctx, self._check_pin, make))
        elif self._profiles():
            self.stack.push(PinSetupScene(self.ctx, self._set_pin, make))
        else:
            self.stack.push(make())

    def _check_pin(self, digits: str) -> bool:
        try:
            return bool(self.pin.verify(digits))
        except PinLockedError:  # the pad says how long to wait
            raise
        except Exception:  # a damaged PIN file: stay closed, say why in the log
            logger.exception("the therapist PIN could not be checked")
            return False

    def _set_pin(self, digits: str) -> bool:
        try:
            self.pin.set(digits)
        except Exception:
            logger.exception("the therapist PIN could not be saved")
            return False
        logger.info("therapist PIN chosen")
        return True

    def open_settings(self) -> None:
        self.with_pin(lambda: SettingsScene(self.ctx, on_save=self.save_settings))

    def open_progress(self) -> None:
        self.with_pin(lambda: ProgressScene(self.ctx))

    def add_profile(self) -> None:
        self.with_pin(lambda: NameEntryScene(self.ctx, on_done=self._create_profile))

    def show_help(self) -> None:
        if not isinstance(self.stack.top, HelpOverlay):
            self.stack.push(HelpOverlay(self.ctx))

    def _create_profile(self, name: str) -> None:
        store = self.ctx.store
        if store is None:
            return
        profile = store.create_profile(name)
        self.stack.pop()
        start = self.stack.top
        if isinstance(start, StartScene):
            start.profiles = [*start.profiles, profile][-5:]
            start.resume()

    # ---------------------------------------------------------------- issue 14 (D)
    # The therapist's page for one child, and restoring the newest backup, behind the PIN.

    def manage_child(self, profile: Profile | None) -> None:
        """Open the child's page (rename, birth year, notes, consents, delete) after the PIN."""
        if profile is None or self.ctx.store is None:
            return
        profile_id = profile.profile_id
        self.with_pin(lambda: ChildAdminScene(
            self.ctx, self.ctx.store.get_profile(profile_id), on_close=self.refresh_start,
            on_deleted=self._child_deleted))

    def refresh_start(self) -> None:
        """Show the stored children on the start screen again (after a change)."""
        for scene in self.stack.scenes:
            if isinstance(scene, StartScene):
                scene.profiles = self._profiles()[:MAX_SHOWN]
                scene.resume()

    def _child_deleted(self, name: str) -> None:
        self.refresh_start()
        self.stack.push(NoticeCard(
            self.ctx, lambda lang: phrases.text("ui.admin.deleted", lang, name=name)))

    def restore_backup(self) -> None:
        """Restore the newest backup (offered after an unreadable file) after the PIN."""
        if self.restore_offer is not None:
            self.with_pin(self._restore_now)

    def _restore_now(self) -> GameScene:
        offer = self.restore_offer
        assert offer is not None
        text_of = restore_newest(self.ctx, offer)
        self.restore_offer = None
        self.refresh_start()
        return NoticeCard(self.ctx, text_of)

    # ---------------------------------------------------------------- settings

    def save_settings(self, settings: SensorySettings) -> None:
        """Keep the settings with the child's profile (when there is one)."""
        store, profile = self.ctx.store, self.ctx.profile
        if store is None or profile is None:
            return
        self.ctx.profile = store.update_profile(profile.profile_id, settings=settings.to_dict())

    # ---------------------------------------------------------------- session

    def calibration_finished(self, baseline: Any, *, use_stored: bool = True) -> None:
        """Keep the new neutral baseline (or, with `use_stored`, use the profile's stored
        one; else the population neutral), then start the session."""
        store, profile, pipeline = self.ctx.store, self.ctx.profile, self.ctx.pipeline
        unsaved: Callable[[], Any] | None = None
        if baseline is not None and store is not None and profile is not None:
            try:
                self.ctx.profile = store.set_baseline(profile.profile_id, baseline.to_dict())
            except OSError as exc:  # e.g. a full disk: play on, keep it and retry
                logger.warning("the calm face could not be saved (%s)", exc.strerror or exc)
                self.ctx.profile = dataclasses.replace(profile, baseline=baseline.to_dict())
                unsaved = functools.partial(store.set_baseline, profile.profile_id,
                                            baseline.to_dict())
        elif baseline is None and use_stored and profile is not None and profile.baseline:
            from game.vision.calibration import CalibrationError, NeutralBaseline

            try:
                stored = NeutralBaseline.from_dict(profile.baseline)
            except CalibrationError as exc:  # the population neutral stands in
                logger.warning("the child's stored neutral face cannot be used: %s", exc)
            else:
                if stored.is_current and pipeline is not None:
                    pipeline.set_baseline(stored)
        now_ms = self.ctx.clock.now_ms()
        session = self.make_session(self.ctx.profile, now_ms)
        self.ctx.session = session
        self.driver = SessionDriver(self.ctx, self.stack, session)
        if unsaved is not None:
            self.driver.keeper.submit(unsaved)  # retried with the trials; the therapist told
        self.driver.start(now_ms)

    def tick(self, now_ms: int) -> None:
        """Once per frame: keep the session paused while a therapist screen is open (the
        rules engine's own manual pause), then give it the latest reading. When the frames
        are over (a video file has ended, or the vision worker stopped), the session ends
        as if the therapist ended it: no reading will come, so waiting for the away timeout
        would only show "I can't see you" for minutes."""
        driver = self.driver
        if driver is None:
            return
        if getattr(self.ctx.pipeline, "finished", False) is True and not driver.ended:
            logger.info("the frame source has ended: ending the session")
            driver.end_reason_override = "source_ended"
            driver.command(Action.END_SESSION, now_ms)
            return
        if self.therapist_screen_open():
            driver.hold(now_ms)
        else:
            driver.release(now_ms)
        driver.tick(now_ms)

    def therapist_screen_open(self) -> bool:
        """True while a PIN, settings, help, progress or new-child screen is on the stack."""
        return any(getattr(scene, "holds_play", False) for scene in self.stack.scenes)

    def therapist(self, action: Action) -> None:
        """A therapist key pressed during play."""
        if action is Action.HELP:
            self.show_help()
        elif action is Action.SETTINGS:
            self.open_settings()
        elif action is Action.PROGRESS:
            self.open_progress()
        elif action is Action.TOGGLE_CAMERA:
            if self.ctx.settings.camera_view_allowed:
                self.ctx.camera_view = not self.ctx.camera_view
                logger.info("camera view %s", "on" if self.ctx.camera_view else "off")
        elif self.driver is not None:
            self.driver.command(action, self.ctx.clock.now_ms())

    def end_session(self) -> None:
        """End now (window closed, time cap of the run, therapist key); before a session
        runs, this simply closes the game."""
        if self.driver is not None:
            self.driver.command(Action.END_SESSION, self.ctx.clock.now_ms())
        else:
            self.stack.clear()

    def remaining_fraction(self) -> float:
        driver = self.driver
        return driver.remaining_fraction() if driver is not None else 1.0

    def close(self) -> None:
        """Record the session as ended if the app stops before the engine said so."""
        if self.driver is not None:
            self.driver.close()
