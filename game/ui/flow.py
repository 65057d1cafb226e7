"""The game's flow: which scene comes next, and the rules engine's events turned into scenes.

`GameFlow` is the one place that builds scenes, so scenes never construct each other:
start -> (PIN) -> calibration -> the level's trial scenes (with reward, pause and message
cards on top) -> end -> start again (a therapist sees several children a day: the goodbye
card leads back to the start screen; quitting is its own action, with a confirmation).
Once a session runs, `tick(now_ms)` (called by the app once per frame) hands the latest
reading to the rules engine's `Session` and routes its events through
`game.ui.session_events`: the UI shows, speaks and stores what the engine decided. While a
therapist screen (PIN, settings, help, progress, a question) is open over play, the session
is held with the engine's own pause command and resumed when the screen closes.

The therapist's doors (adding a child, settings, progress) open through the PIN. With no PIN
set they open freely only while no child exists (the very first set-up); once a profile
exists, the first door asks the therapist to choose a PIN, then opens.

Issue 23 (the child's side): after the calibration, the session's visual schedule shows
(`ScheduleScene`); the session starts when the child goes on from it. The child's own break
request (B, or the rest button on the trial screen) comes in through `child_break`.

Settings changed before a child is picked become the settings for new children (kept in
the data folder, `game.records.default_settings`); settings changed while a child is chosen
are kept in that child's profile. A child added while the command line gives settings
(`--lang zh-CN`) keeps them as their own.

Issue 23: each child plays the therapist's choice for today (the plan page), else their
programme's current step, else the level set the game was started with
(`game.records.plans.next_session`); `fixed_levels` (a `--levels` given on the command
line) plays that one for every child. The start screen shows each child's next step.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game import phrases
from game.records import DuplicateNameError, Profile
from game.records.default_settings import load_default_settings, save_default_settings
from game.records.pin import PinFileDamagedError, PinLockedError
from game.records.plans import SessionChoice, next_session
from game.records.storage import StoreError
from game.ui.avatar_params import look_named
from game.ui.backup_restore import BackupOffer, restore_newest
from game.ui.context import GameContext
from game.ui.input import Action
from game.ui.replay_source import child_trials
from game.ui.scene_stack import SceneStack
from game.ui.scenes.base import GameScene
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.child_admin import ChildAdminScene
from game.ui.scenes.confirm import ConsentQuestionCard
from game.ui.scenes.end import EndScene
from game.ui.scenes.name_entry import NameEntryScene
from game.ui.scenes.overlays import HelpOverlay, NoticeCard, YesNoCard
from game.ui.scenes.pin import PinScene, PinSetupScene
from game.ui.scenes.plan import PlanScene
from game.ui.scenes.progress import ProgressScene
from game.ui.scenes.replay import ReplayScene
from game.ui.scenes.restore_offer import RestoreOfferCard
from game.ui.scenes.schedule import ScheduleScene
from game.ui.scenes.settings_scene import SettingsScene
from game.ui.scenes.start import StartScene
from game.ui.session_events import SessionDriver
from game.ui.settings import SensorySettings
from game.ui.toast import Toast

if TYPE_CHECKING:
    from game.play.session import Session
    from game.records.models import Profile
    from game.records.pin import TherapistPin
    from game.vision.calibration import NeutralBaseline

logger = logging.getLogger(__name__)

SessionFactory = Callable[["Profile | None", int], "Session"]

# the toast shown for a therapist key the engine carried out
_TOASTS = {
    Action.ACCEPT: "ui.toast.accepted",
    Action.REJECT: "ui.toast.rejected",
    Action.SKIP: "ui.toast.skipped",
}


class GameFlow:
    """Builds scenes and connects the session to them.

    Args:
        ctx: the shared context (`ctx.flow` is set to this flow).
        stack: the app's scene stack.
        make_session: builds the rules engine's `Session` for a profile at `now_ms`.
        pin: the therapist PIN (`game.records.TherapistPin`); None when nothing is
            recorded (doors open).
        overrides: settings given on the command line, kept over the profile's own.
        profile_name: pick this child (a name or an id) at once, no start scene first;
            after the session the goodbye card still leads to the start screen with every
            child. When two children have that name, the start screen shows just those two.
        data_dir: the data folder, where the settings for new children are kept; None
            when nothing is recorded (the defaults then live only while the game runs).
        close_after_session: end the program when the goodbye card closes instead of
            going back to the start screen (headless scripted runs, which pick a child by
            themselves and must finish).
        fixed_levels: play `ctx.level_set` for every child, whatever their programme (the
            command line named it).
    """

    def __init__(
        self,
        ctx: GameContext,
        stack: SceneStack,
        make_session: SessionFactory,
        *,
        pin: TherapistPin | None = None,
        overrides: Mapping[str, str] | None = None,
        profile_name: str | None = None,
        data_dir: Path | None = None,
        close_after_session: bool = False,
        fixed_levels: bool = False,
    ) -> None:
        self.ctx = ctx
        self.stack = stack
        self.make_session = make_session
        self.pin = pin
        self.overrides = dict(overrides or {})
        self.profile_name = profile_name
        self.data_dir = data_dir
        self.close_after_session = close_after_session
        self.driver: SessionDriver | None = None
        self.restore_offer: BackupOffer | None = None  # set by the runner
        self.defaults: dict[str, Any] = (  # JSON, as kept in the data folder
            load_default_settings(data_dir) if data_dir is not None else {})
        self._first_settings = ctx.settings  # what the game was started with
        self.fixed_levels = fixed_levels
        self._first_level_set = ctx.level_set  # played without a programme
        self.today: dict[str, str] = {}  # profile id -> level set id chosen for today
        self._choices: dict[str, SessionChoice] = {}  # profile id -> its next step (kept)
        ctx.flow = self

    # ---------------------------------------------------------------- start

    def begin(self) -> None:
        """Put the first scene on the stack (with the therapist's notice, if any, on top)."""
        self._apply_defaults()
        found = self._find_profiles(self.profile_name) if self.profile_name else []
        if len(found) == 1:
            self.stack.push(self._start_scene(found))
            self.profile_chosen(found[0])
        else:  # none asked for, or two children of that name: the therapist picks one
            self.stack.push(self._start_scene(found or self._profiles()))
        if self.ctx.notice is not None:
            if self.restore_offer is not None and len(found) != 1:  # the
                # newest backup is offered on the start screen (not once a child plays)
                self.stack.push(RestoreOfferCard(self.ctx, self.ctx.notice,
                                                 on_restore=self.restore_backup))
            else:
                self.stack.push(NoticeCard(self.ctx, self.ctx.notice))

    def _apply_defaults(self) -> None:
        """The start screen speaks the settings for new children (command line first)."""
        self.ctx.apply_settings(SensorySettings.from_dict(
            {**self._first_settings.to_dict(), **self.defaults, **self.overrides}))

    def _profiles(self) -> list[Profile]:
        store = self.ctx.store
        return list(store.list_profiles()) if store is not None else []

    def _find_profiles(self, name_or_id: str) -> list[Profile]:
        """The stored children called `name_or_id` (or with that id); a new one when none
        is (so scripted runs work). Two of one name are both returned: never pick one
        silently."""
        store = self.ctx.store
        if store is None:
            return []
        found = store.find_profiles(name_or_id)
        return found or [store.create_profile(name_or_id, settings=self._new_child_settings())]

    def _new_child_settings(self) -> dict[str, Any]:  # JSON: kept in the child's profile
        """A new child's own settings: those for new children, with the command line's
        (`--lang zh-CN`) over them, so the child keeps them in later sessions and reports."""
        return {**self.defaults, **self.overrides}

    # ---------------------------------------------------------------- programme

    def _next(self, profile: Profile, *, fresh: bool = False) -> SessionChoice | None:
        """What the child plays next (`next_session`), kept until a session ends or a plan
        or today's choice changes (`forget_next`): reading a child's trials costs ~0.3 ms
        each, and the start screen asks on every letter typed. None: nothing to choose
        from (no records or no level sets), or the records could not be read (logged)."""
        store, library = self.ctx.store, self.ctx.levels
        fallback = self._first_level_set
        if store is None or library is None or fallback is None:
            return None
        cached = None if fresh else self._choices.get(profile.profile_id)
        if cached is not None:
            return cached
        try:
            choice = next_session(store, profile, library, fallback,
                                  today=self._today(profile.profile_id))
        except (StoreError, OSError) as exc:  # play on with the fallback
            logger.warning("the child's programme could not be read (%s)", type(exc).__name__)
            return None
        self._choices[profile.profile_id] = choice
        return choice

    def forget_next(self) -> None:
        """Work out every child's next step again (a session ended, a plan changed)."""
        self._choices.clear()

    def choose_session(self, profile: Profile | None) -> None:
        """Put the level set this child plays now in `ctx.level_set` (and the programme in
        force in `ctx.plan_id`): see the module docstring."""
        self.ctx.level_set, self.ctx.plan_id = self._first_level_set, ""
        choice = self._next(profile, fresh=True) if profile is not None else None
        if profile is None or choice is None:
            return
        self.ctx.level_set, self.ctx.plan_id = choice.level_set, choice.plan_id
        logger.info("profile %s plays %s%s", profile.profile_id, choice.level_set.id,
                    " (chosen for today)" if choice.chosen_today else "")

    def _today(self, profile_id: str) -> str | None:
        """The level set chosen for today: on the plan page, else the command line's."""
        fallback = self._first_level_set
        chosen = self.today.get(profile_id)
        if chosen is None and self.fixed_levels and fallback is not None:
            return fallback.id
        return chosen

    def next_step_text(self, profile: Profile, lang: str) -> str:
        """The start screen's line for a child: their next step ("" without a programme)."""
        choice, library = self._next(profile), self.ctx.levels
        if choice is None or library is None:
            return ""
        title = library.title(choice.level_set.id, lang)
        name = profile.display_name
        if choice.chosen_today:
            return phrases.text("ui.plan.next.today", lang, name=name, title=title)
        state = choice.progress
        if state is None:
            return ""
        if state.finished:
            return phrases.text("ui.plan.next.done", lang, name=name, title=title)
        return phrases.text("ui.plan.next", lang, name=name, title=title, step=state.step + 1,
                            steps=state.steps)

    def open_plan(self, profile_id: str) -> None:
        """The child's programme page (from the child's page, so behind the PIN)."""
        store, library = self.ctx.store, self.ctx.levels
        fallback = self._first_level_set
        if store is None or library is None or fallback is None:
            return

        def today(level_set_id: str | None) -> None:
            if level_set_id is None:
                self.today.pop(profile_id, None)
            else:
                self.today[profile_id] = level_set_id
            self._choices.pop(profile_id, None)

        def now() -> str:
            from game.records.storage import local_now

            return local_now().isoformat(timespec="seconds")

        self.stack.push(PlanScene(self.ctx, store.get_profile(profile_id), library,
                                  fallback_id=fallback.id,
                                  today=self.today.get(profile_id), on_today=today, now=now,
                                  on_saved=lambda _profile: self.refresh_start()))

    def profile_chosen(self, profile: Profile) -> None:
        self.ctx.profile = profile
        stored = dict(profile.settings or {})
        self.ctx.apply_settings(SensorySettings.from_dict({**stored, **self.overrides}))
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.camera_needed()  # a video waits for this to start playing
        self.stack.replace(CalibrationScene(self.ctx))

    def back_to_start(self) -> None:
        """The session is over: forget the child and show every child again."""
        self.forget_session()
        self.forget_next()  # the session may have moved the child on
        self.ctx.profile = None
        self._apply_defaults()
        self.stack.clear()
        self.stack.push(self._start_scene(self._profiles()))
        logger.info("back at the start screen")

    def _start_scene(self, profiles: list[Profile]) -> GameScene:
        """The first screen: every child (the clinic), or a home installation's one child
        with today's practice and this week's days (`scenes.home.HomeScene`)."""
        plan = self.ctx.home_plan
        if plan is None:
            scene = StartScene(self.ctx, profiles)
            scene.set_next_step(self.next_step_text)  # each child's next step (programme)
            return scene
        from game.ui.scenes.home import HomeScene

        mine = [p for p in profiles if p.profile_id == plan.profile_id]
        if not mine and self.ctx.store is not None:
            mine = self._find_profiles(plan.profile_id)
        return HomeScene(self.ctx, plan, mine[0] if mine else None)

    def forget_session(self) -> None:
        """Close the finished session's driver (its writes flushed, its trace closed)."""
        driver, self.driver = self.driver, None
        if driver is not None:
            driver.close()
        self.ctx.session = None
        pipeline = self.ctx.pipeline
        if pipeline is not None:
            pipeline.set_target(None)
            pipeline.set_baseline(None)  # the next child is not this child's calm face

    def session_over(self) -> None:
        """The goodbye card was closed: back to the start screen, or (headless scripted
        runs) the end of the program."""
        if self.close_after_session:
            self.forget_session()
            self.stack.clear()
        else:
            self.back_to_start()

    # ---------------------------------------------------------------- quitting

    def ask_quit(self) -> None:
        """Ask "Quit FaceQuest?" (the session, if one runs, is held meanwhile)."""
        if isinstance(self.stack.top, YesNoCard) and self.stack.top.name == "confirm_quit":
            return
        self.stack.push(YesNoCard(self.ctx, "ui.flow.quit_question", on_yes=self.quit,
                                    name="confirm_quit"))

    def quit(self) -> None:
        """Quit now: a running session is ended and recorded first, then every scene goes
        (the app stops when the stack is empty)."""
        if self.driver is not None and not self.driver.ended:
            self.driver.command(Action.END_SESSION, self.ctx.clock.now_ms())
        self.forget_session()
        self.stack.clear()

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
        if self.pin is None:
            return True
        try:
            return bool(self.pin.verify(digits))
        except PinLockedError:  # the pad says how long to wait
            raise
        except PinFileDamagedError as exc:  # the pad says so: stays closed, no traceback
            logger.warning("the therapist PIN could not be checked: %s", exc)
            raise
        except Exception:  # the disk refused the count of wrong PINs: stay closed
            logger.exception("the therapist PIN could not be checked")
            return False

    def _set_pin(self, digits: str) -> bool:
        if self.pin is None:
            return False
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
        """A new child, with the settings for new children."""
        store = self.ctx.store
        if store is None:
            return
        try:
            profile = store.create_profile(name, settings=self._new_child_settings())
        except StoreError as exc:  # e.g. the name is taken: the entry scene says why
            entry = self.stack.top
            if isinstance(entry, NameEntryScene):
                entry.refused(
                    phrases.text("ui.admin.name_taken", self.ctx.lang, name=name.strip())
                    if isinstance(exc, DuplicateNameError) else str(exc))
            return
        self.stack.pop()
        start = self.stack.top
        if isinstance(start, StartScene):
            start.set_profiles(self._profiles(), focus=profile)
        profile_id = profile.profile_id

        def answered(keep: bool) -> None:
            if keep:
                try:
                    store.update_profile(profile_id, allow_frame_traces=True)
                except StoreError:
                    logger.exception("the motion-record consent could not be saved")

        # nothing is switched on silently: the therapist is asked, "not now" is the default
        self.stack.push(ConsentQuestionCard(self.ctx, profile.display_name, answered))

    # ---------------------------------------------------------------- the child's page
    # The therapist's page for one child, and restoring the newest backup, behind the PIN.

    def manage_child(self, profile: Profile | None) -> None:
        """Open the child's page (rename, birth year, notes, consents, delete) after the PIN."""
        store = self.ctx.store
        if profile is None or store is None:
            return
        profile_id = profile.profile_id
        self.with_pin(lambda: ChildAdminScene(
            self.ctx, store.get_profile(profile_id), on_close=self.refresh_start,
            on_deleted=self._child_deleted,
            on_replay=lambda: self.open_replay(profile_id),
            on_plan=lambda: self.open_plan(profile_id),
            on_home_plan=(lambda: self.make_home_plan(profile_id))
            if self.ctx.home_plan is None else None))

    def make_home_plan(self, profile_id: str) -> str:
        """Write the child's home plan into the data folder (`clinic/plans/`, as `facequest
        home plan` would: 4 days a week, 20 minutes a day, today's level set); returns the
        sentence the child's page shows."""
        from game.home.clinic import ClinicError, write_plan
        from game.records.clinic_ledger import LedgerKeptAsideError

        store, lang = self.ctx.store, self.ctx.lang
        if store is None or store.data_dir is None:
            return phrases.text("ui.home.admin.no_clinic_key", lang)
        level_set = self.ctx.level_set.id if self.ctx.level_set is not None else ""
        try:
            path = write_plan(store, store.data_dir, profile_id, level_set_id=level_set)
        except ClinicError:
            return phrases.text("ui.home.admin.no_clinic_key", lang)
        except LedgerKeptAsideError:  # a new ledger has started: pressing again makes it
            return phrases.text("ui.home.admin.ledger_kept_aside", lang)
        except (OSError, StoreError) as exc:
            logger.warning("the home plan could not be written (%s)", type(exc).__name__)
            return phrases.text("ui.home.admin.no_clinic_key", lang)
        return phrases.text("ui.home.admin.plan_written", lang,
                            path=path.relative_to(store.data_dir).as_posix())

    def open_replay(self, profile_id: str) -> None:
        """Replay how the child's face moved (from the child's page, so behind the PIN):
        every trial with a motion record, the newest session's first trial first."""
        store = self.ctx.store
        if store is None:
            return
        trials = child_trials(store, profile_id)
        newest = trials[-1].session_id if trials else ""
        start = next((i for i, trial in enumerate(trials) if trial.session_id == newest), 0)
        look = look_named(store.get_profile(profile_id).avatar)  # the child's look
        self.stack.push(ReplayScene(self.ctx, trials, start=start, look=look))

    def refresh_start(self) -> None:
        """Show the stored children on the start screen again (after a change)."""
        self.forget_next()
        for scene in self.stack.scenes:
            if isinstance(scene, StartScene):
                scene.set_profiles(self._profiles())

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
        """Keep the settings with the child's profile; before a child is picked, as the
        settings for new children (in the data folder)."""
        store, profile = self.ctx.store, self.ctx.profile
        if profile is None:
            self.defaults = settings.to_dict()
            if self.data_dir is not None:
                try:
                    save_default_settings(self.data_dir, self.defaults)
                except OSError as exc:
                    logger.warning("the settings for new children could not be saved (%s)",
                                   exc.strerror or exc)
            return
        if store is not None:
            self.ctx.profile = store.update_profile(profile.profile_id,
                                                    settings=settings.to_dict())

    # ---------------------------------------------------------------- session

    def calibration_finished(self, baseline: NeutralBaseline | None, *,
                             use_stored: bool = True) -> None:
        """Keep the new neutral baseline (or, with `use_stored`, use the profile's stored
        one; else the population neutral), then start the session. When the frames are
        already over (a video that ended during the calibration), no session starts: the
        goodbye card says the video ended."""
        store, profile, pipeline = self.ctx.store, self.ctx.profile, self.ctx.pipeline
        if pipeline is not None and pipeline.finished is True:
            logger.info("the frame source ended before the first prompt: no session")
            self.stack.replace(EndScene(self.ctx, 0, 0, 0, reason_key="ui.flow.video_ended"))
            return
        unsaved: Callable[[], object] | None = None
        if baseline is not None and store is not None and profile is not None:
            try:
                self.ctx.profile = store.set_baseline(profile.profile_id, baseline.to_dict())
            except OSError as exc:  # e.g. a full disk: play on, keep it and retry
                logger.warning("the calm face could not be saved (%s)", exc.strerror or exc)
                self.ctx.profile = dataclasses.replace(profile, baseline=baseline.to_dict())
                unsaved = functools.partial(store.set_baseline, profile.profile_id,
                                            baseline.to_dict())
        elif baseline is None and use_stored and profile is not None and (
                kept := store.baseline_of(profile.profile_id) if store is not None
                else profile.baseline):
            from game.vision.calibration import CalibrationError
            from game.vision.calibration import NeutralBaseline as Baseline

            try:
                stored = Baseline.from_dict(kept)
            except CalibrationError as exc:  # the population neutral stands in
                logger.warning("the child's stored neutral face cannot be used: %s", exc)
            else:
                if stored.is_current and pipeline is not None:
                    pipeline.set_baseline(stored)
        now_ms = self.ctx.clock.now_ms()
        self.choose_session(self.ctx.profile)
        session = self.make_session(self.ctx.profile, now_ms)
        self.ctx.session = session
        self.driver = SessionDriver(self.ctx, self.stack, session)
        if unsaved is not None:
            self.driver.keeper.submit(unsaved)  # retried with the trials; the therapist told
        self._show_schedule(self.driver)

    def _show_schedule(self, driver: SessionDriver) -> None:
        """Issue 23: today's schedule before the first trial; the session starts (its clock
        with it) when the child goes on from it (`start_play`)."""
        self.stack.replace(ScheduleScene(self.ctx, driver.schedule, on_start=self.start_play))

    def start_play(self) -> None:
        """Start the session whose schedule shows (the child went on); nothing once it
        runs or after it ended."""
        driver = self.driver
        if driver is not None and not driver.started and not driver.ended:
            driver.start(self.ctx.clock.now_ms())

    def child_break(self) -> None:
        """The child asked for a break (B, or the rest button): the rest screen, recorded as
        the child's own. Nothing before the first trial, after the end, or while a therapist
        screen is open."""
        driver = self.driver
        if driver is None or self.therapist_screen_open():
            return
        if driver.child_break(self.ctx.clock.now_ms()):
            logger.info("break asked for by the child")

    def tick(self, now_ms: int) -> None:
        """Once per frame: keep the session paused while a therapist screen is open (the
        rules engine's own manual pause), then give it the latest reading. When the frames
        are over (a video file has ended, or the vision worker stopped), the session ends
        as if the therapist ended it: no reading will come, so waiting for the away timeout
        would only show "I can't see you" for minutes."""
        driver = self.driver
        if driver is None:
            return
        pipeline = self.ctx.pipeline
        if not driver.started:  # the schedule shows; the session has not begun
            if pipeline is not None and pipeline.finished is True:
                logger.info("the frame source ended before the first prompt: no session")
                self.forget_session()
                self.stack.replace(EndScene(self.ctx, 0, 0, 0,
                                            reason_key="ui.flow.video_ended"))
            return
        if pipeline is not None and pipeline.finished is True and not driver.ended:
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
        """True while a PIN, settings, help, progress, question or new-child screen is on
        the stack."""
        return any(isinstance(scene, GameScene) and scene.holds_play
                   for scene in self.stack.scenes)

    def therapist(self, action: Action) -> None:
        """A therapist key pressed during play (a short toast says what happened)."""
        if action is Action.HELP:
            self.show_help()
        elif action is Action.SETTINGS:
            self.open_settings()
        elif action is Action.PROGRESS:
            self.open_progress()
        elif action is Action.TOGGLE_CAMERA:
            self._toggle_camera()
        elif action is Action.END_SESSION:
            self.confirm_end()
        elif self.driver is not None and not self.driver.ended:
            done = self.driver.command(action, self.ctx.clock.now_ms())
            if action is Action.PAUSE:
                key = "ui.toast.paused" if self.driver.session.paused else "ui.toast.resumed"
            else:
                key = _TOASTS.get(action, "") if done else "ui.toast.nothing_to_change"
            if key:
                self.toast(key)

    def _toggle_camera(self) -> None:
        if not self.ctx.settings.camera_view_allowed:
            self.toast("ui.toast.camera_not_allowed")
            return
        self.ctx.camera_view = not self.ctx.camera_view
        logger.info("camera view %s", "on" if self.ctx.camera_view else "off")
        self.toast("ui.toast.camera_on" if self.ctx.camera_view else "ui.toast.camera_off")

    def toast(self, key: str) -> None:
        """Show the phrase `key` as a short calm toast (it fades after about 2 s)."""
        self.ctx.toast = Toast(key, self.ctx.clock.now_ms())

    def confirm_end(self) -> None:
        """E: ask "End the session?" first (the session is held while the question shows);
        before any session, nothing happens."""
        if self.driver is None or self.driver.ended or not self.driver.started:
            return
        if isinstance(self.stack.top, YesNoCard):
            return
        self.stack.push(YesNoCard(self.ctx, "ui.flow.end_question", on_yes=self.end_session,
                                    name="confirm_end"))

    def end_session(self, reason: str | None = None) -> None:
        """End now (time cap of the run, a confirmed E); before a session runs, this simply
        closes the game. `reason` overrides the recorded end reason (e.g. "time_cap" for
        the run's `--max-seconds`)."""
        if self.driver is not None and self.driver.started:
            if reason is not None:
                self.driver.end_reason_override = reason
            self.driver.command(Action.END_SESSION, self.ctx.clock.now_ms())
        else:  # (also while the schedule shows: no trial was played)
            self.forget_session()
            self.stack.clear()

    def remaining_fraction(self) -> float:
        driver = self.driver
        return driver.remaining_fraction() if driver is not None else 1.0

    def close(self) -> None:
        """Record the session as ended if the app stops before the engine said so."""
        if self.driver is not None:
            self.driver.close()
