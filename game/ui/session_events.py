"""The rules engine's events turned into what the child sees and hears, and what is stored.

`SessionDriver.tick(now_ms)` gives the latest reading to `Session.update` once per frame and
routes each event (`game.play.events`): a prompt replaces the trial scene and is spoken,
hints go onto the avatar and are spoken, a success brings the reward, a timeout the
"let's try another one" card, a pause the "I can't see you" card, and every finished trial
is written to the store at once, before the reward or anything else of that frame (a crash
loses at most the trial in flight). Store writes go through a `RecordsKeeper`: when the
disk refuses one, it is kept in memory and retried while the child plays on. The driver
keeps the `TrialView` the scenes draw; it never decides anything the engine decides.

No phantom sessions: the store's session is started with the first trial recorded, so a
session that never got to a trial leaves nothing behind, and neither does one whose first
trial the run cut off (the video ended, or the run's `--max-seconds` was up) before the child
had `MIN_PLAYED_MS` of it with their face in view (`TrialRecord.never_played`): it was never
really played. A session a person ends (E, closing the window) keeps what was played.

The child's side: the driver keeps the session's schedule (`ScheduleProgress`,
shown before the first trial and at each rest), passes the child's own break request to the
engine (`child_break`, a break with reason "child", counted in the trial's `child_breaks`),
and at the end turns the session's successes into the child's sticker book (a sticker for an
independent success, a smaller star for a prompted one), kept with the child and shown on
the goodbye card.

Per-frame traces (`game.records.traces`): only when the child's profile allows them
(`allow_frame_traces`), one line per new reading while a trial is prompted; the lines of the
first trial wait in memory until the session is stored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from game import phrases
from game.expressions import Expression
from game.play import events as ev
from game.play.schedule import ScheduleProgress, plan_schedule
from game.play.stickers import Sticker, StickerBook, award
from game.play.trial_record import Override
from game.records.storage import StoreError, local_now
from game.ui.context import GameContext
from game.ui.input import Action
from game.ui.records_keeper import RecordsKeeper
from game.ui.scene_stack import SceneStack
from game.ui.scenes.break_scene import BreakScene
from game.ui.scenes.end import EndScene
from game.ui.scenes.hud import TrialView
from game.ui.scenes.maze import MazeScene
from game.ui.scenes.overlays import MessageCard, PauseOverlay
from game.ui.scenes.reward import RewardScene
from game.ui.scenes.story import StoryScene
from game.ui.scenes.trial import CueScene, MimicScene, TrialScene

if TYPE_CHECKING:
    from game.play.level_set import Level
    from game.play.session import Session
    from game.records.motion_log import SessionMotionWriter
    from game.records.traces import TraceWriter
    from game.vision.records import ExpressionReading

logger = logging.getLogger(__name__)

AUTOMATIC_ENDS = ("source_ended", "time_cap")  # ended by the run, not by a person
MAX_WAITING_TRACE_ROWS = 20_000  # the first trial's lines kept until the session is stored
CHILD_BREAK_KEYS_AFTER_MS = 1500  # a rest the child asked for: not ended by a second tap

SCENES_BY_MODE: dict[str, type[TrialScene]] = {
    "mimic": MimicScene,
    "cue": CueScene,
    "maze": MazeScene,
    "story": StoryScene,
}

_END_REASONS = {
    ev.EndReason.COMPLETE: "completed",
    ev.EndReason.TIME_CAP: "time_cap",
    ev.EndReason.ENDED: "therapist",
    ev.EndReason.CHILD_AWAY: "child_away",
}


class SessionDriver:
    """Feeds the session and shows its events. One per session."""

    def __init__(self, ctx: GameContext, stack: SceneStack, session: Session) -> None:
        self.ctx = ctx
        self.stack = stack
        self.session = session
        self.view = TrialView()
        self.level: Level | None = None
        self.level_trial = 0
        self.stars = 0
        self.successes = 0
        self.trials = 0
        self.ended = False
        level_set = ctx.level_set
        self.time_cap_ms = level_set.session.time_cap_ms if level_set is not None else 0
        self.session_id: str | None = None
        self.stored = False  # the store's session was started (with the first trial)
        self.held = False  # this driver paused the session for a therapist screen
        self.end_reason_override: str | None = None  # e.g. "source_ended", set before ending
        self.keeper = RecordsKeeper(ctx)
        self.level_index = 0
        self.new_level = False  # a level started: its first prompt sets the scene up anew
        profile = ctx.profile
        self.traces_allowed = bool(profile is not None and profile.allow_frame_traces
                                   and ctx.store is not None)
        self.trace: TraceWriter | None = None
        self.motion_writer: SessionMotionWriter | None = None
        self._trace_waiting: list[dict[str, Any]] = []
        self._last_reading: ExpressionReading | None = None
        self.started = False  # `start` was called (after the schedule)
        self.schedule = ScheduleProgress(plan_schedule(session.levels))

    # ---------------------------------------------------------------- lifecycle

    def start(self, now_ms: int) -> None:
        """Start the engine's session (the store's record waits for the first trial)."""
        self.started = True
        self.route(self.session.start(now_ms))

    def child_break(self, now_ms: int) -> bool:
        """The child asked for a break (B or the rest button): the engine's `request_break`
        (reason "child"). Returns True when a break started (False: nothing to rest from,
        e.g. a break already runs)."""
        if self.ended or not self.started:
            return False
        found = self.session.request_break(now_ms)
        if any(isinstance(event, ev.CommandIgnored) for event in found):
            return False
        logger.info("the child asked for a break")
        self.route(found)
        return True

    def _store_session(self) -> None:
        """Start the store's session (once, before its first trial is written), and open
        its trace when the child's profile allows one."""
        store, profile = self.ctx.store, self.ctx.profile
        if self.stored or store is None or profile is None:
            return
        self.stored = True
        level_set, plan_id = self.ctx.level_set, self.ctx.plan_id

        plan = self.ctx.home_plan

        def start_session() -> None:
            record = store.start_session(profile.profile_id,
                                         level_set_id=level_set.id if level_set else "",
                                         level_set_title=level_set.title if level_set else None,
                                         model_version=self.ctx.model_version,
                                         model_hash=self.ctx.model_hash,
                                         place="clinic" if plan is None else "home",
                                         plan_id=plan_id if plan is None else plan.plan_id)
            self.session_id = record.session_id
            if self.traces_allowed:  # a refused trace never repeats the stored session
                try:
                    self.trace = store.open_trace(record.session_id)
                except (OSError, StoreError) as exc:
                    logger.warning("no frame trace for this session (%s)", exc)
                    self.traces_allowed = False
                    self._trace_waiting = []
                self._flush_trace()
                try:
                    self.motion_writer = store.open_motion(record.session_id)
                except (OSError, StoreError) as exc:
                    logger.warning("no motion record for this session (%s)", exc)

        self.keeper.submit(start_session)

    def tick(self, now_ms: int) -> None:
        self.keeper.tick(now_ms)
        if self.ended:
            return
        reading = self.ctx.reading
        self._trace_frame(reading, now_ms)  # the frame belongs to the trial it is scored in
        self.route(self.session.update(reading, now_ms))

    # ---------------------------------------------------------------- traces

    def _trace_frame(self, reading: ExpressionReading | None, now_ms: int) -> None:
        """One trace line per new reading while a trial is prompted (traces allowed only)."""
        if not self.traces_allowed or reading is None or reading is self._last_reading:
            return
        self._last_reading = reading
        trial = self.session.trial
        if trial is None or trial.finished:
            return
        row = {
            "t_ms": now_ms - self.session.start_ms,
            "trial_index": trial.spec.index,
            "target": trial.spec.target.value,
            "score": round(float(reading.target_score), 4),
            "raw_score": round(float(reading.raw_score), 4),
            "trusted": bool(reading.trusted),
            "flags": sorted(flag.value for flag in reading.flags),
        }
        if len(self._trace_waiting) < MAX_WAITING_TRACE_ROWS:
            self._trace_waiting.append(row)
        self._flush_trace()

    def _flush_trace(self) -> None:
        if self.trace is None or not self._trace_waiting:
            return
        rows, self._trace_waiting = self._trace_waiting, []
        try:
            for row in rows:
                self.trace.append(row)
        except OSError as exc:  # a trace is research data: the child plays on without it
            logger.warning("the frame trace could not be written (%s); traces stop for this "
                           "session", exc.strerror or exc)
            self._close_trace()

    def _close_trace(self) -> None:
        writer, self.motion_writer = self.motion_writer, None
        if writer is not None:
            writer.close()
        trace, self.trace = self.trace, None
        self._trace_waiting = []
        if trace is not None:
            try:
                trace.close()
            except OSError as exc:
                logger.warning("the frame trace could not be closed (%s)", exc.strerror or exc)

    # ---------------------------------------------------------------- therapist

    def command(self, action: Action, now_ms: int) -> bool:
        """A therapist key: accept / reject the machine's judgement, skip, pause, end.
        Returns True when the engine carried it out (False: ignored, e.g. no trial)."""
        if self.ended:
            return False
        session = self.session
        if action is Action.ACCEPT:
            found = session.accept(now_ms, note="therapist key")
        elif action is Action.REJECT:
            found = session.reject(now_ms, note="therapist key")
        elif action is Action.SKIP:
            found = session.skip(now_ms)
        elif action is Action.PAUSE:
            found = session.resume(now_ms) if session.paused else session.pause(now_ms)
        elif action is Action.END_SESSION:
            found = session.end(now_ms)
        else:
            return False
        logger.info("therapist %s", action.value)
        self.route(found)
        return not any(isinstance(event, ev.CommandIgnored) for event in found)

    def hold(self, now_ms: int) -> None:
        """A therapist screen opened over play: pause the session (the engine's manual
        pause) so no trial times out behind it. A pause the therapist already made is left
        as it is, and `release` will not resume it. No pause card is shown (the therapist
        screen covers the game)."""
        if self.ended or self.held:
            return
        found = self.session.pause(now_ms)
        if any(isinstance(event, ev.Paused) for event in found):
            self.held = True
            logger.info("session paused while a therapist screen is open")
        self.route([event for event in found if not isinstance(event, ev.Paused)])

    def release(self, now_ms: int) -> None:
        """The therapist screens closed: resume the session if `hold` paused it."""
        if not self.held:
            return
        self.held = False
        if not self.ended:
            logger.info("session resumed after the therapist screen")
            self.route(self.session.resume(now_ms))

    def close(self) -> None:
        """The app is stopping (or the next child comes): make sure the store knows the
        session ended (a session never stored stays unstored), and close the trace."""
        store = self.ctx.store
        if not self.ended and store is not None and self.stored:
            self.keeper.submit(lambda: store.end_session(self._sid(), reason="closed"))
        self.ended = True
        self._close_trace()
        if not self.keeper.flush():
            logger.error("%d progress write(s) could not be saved before closing",
                         self.keeper.waiting)
            self.ctx.unsaved_writes += self.keeper.waiting
            self.ctx.unsaved_reason = self.keeper.last_error

    def _sid(self) -> str:
        if self.session_id is None:  # start_session was refused (it is retried before this)
            raise StoreError("the session was never stored")
        return self.session_id

    def remaining_fraction(self) -> float:
        """Share of the session's time cap still left (for the gentle timer)."""
        if self.time_cap_ms <= 0:
            return 1.0
        return self.session.time_left_ms(self.ctx.clock.now_ms()) / self.time_cap_ms

    # ---------------------------------------------------------------- events

    def route(self, events: list[ev.Event]) -> None:
        # a finished trial is stored before the reward (or anything else) of this frame
        events = sorted(events, key=lambda event: not isinstance(event, ev.TrialRecorded))
        for event in events:
            handler = getattr(self, f"_on_{type(event).__name__}", None)
            if handler is not None:
                handler(event)

    def text_of(self, texts: Mapping[str, str] | None, fallback_key: str) -> str:
        lang = self.ctx.lang
        if texts:
            return str(texts.get(lang) or next(iter(texts.values())))
        return phrases.text(fallback_key, lang)

    def speak_text(self, text: str) -> None:
        if self.ctx.audio is not None and text:
            self.ctx.audio.speak(text, self.ctx.lang)

    def speak_key(self, key: str) -> None:
        if self.ctx.audio is not None and key:
            self.ctx.audio.speak_key(key, self.ctx.lang)

    def _on_LevelStarted(self, e: ev.LevelStarted) -> None:
        self.level = self.ctx.level_set.level(e.level_id) if self.ctx.level_set else None
        self.level_trial = 0
        self.view.trials_total = e.trials
        self.view.level_id = e.level_id
        self.new_level = True
        self.level_index = e.level_index
        if e.intro:
            self.speak_text(self.text_of(e.intro, "copy_my_face"))

    def _on_PromptShown(self, e: ev.PromptShown) -> None:
        v = self.view
        v.mode, v.target, v.trial_index = e.mode, e.target, self.level_trial
        v.threshold, v.hold_required_ms, v.hold_ms, v.score = e.threshold, e.hold_ms, 0, 0.0
        v.hint = None
        v.show_model = e.mode == "mimic"
        v.prompt_text = self.text_of(e.prompt_text, e.prompt_key)
        v.story = e.scene_picture if e.mode == "story" else None
        v.active = True
        v.stars = self.stars
        self.level_trial += 1
        self.schedule.face_started()
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.set_target(e.target)
        self._show_trial_scene(e)
        self.speak_text(v.prompt_text)

    def _show_trial_scene(self, e: ev.PromptShown) -> None:
        scene_class = SCENES_BY_MODE.get(e.mode, MimicScene)
        current = self._trial_scene()
        new_level, self.new_level = self.new_level, False
        if current is not None and type(current) is scene_class:
            current.new_trial(self.view)
            if new_level and self.level is not None and isinstance(current, MazeScene):
                current.set_level(self.level, self._seed())  # a new maze for a new level
            return
        self._clear_to_base()
        scene = scene_class(self.ctx, self.view)
        if self.level is not None and isinstance(scene, MazeScene):
            scene.set_level(self.level, self._seed())
        self.stack.replace(scene)

    def _seed(self) -> int:
        """The maze seed of this level: the run's seed, different for every level."""
        return self.ctx.options.seed * 1000 + self.level_index

    def _trial_scene(self) -> TrialScene | None:
        for scene in self.stack.scenes:
            if isinstance(scene, TrialScene):
                return scene
        return None

    def _clear_to_base(self) -> None:
        """Take every card off, leaving one scene at the bottom to replace."""
        while len(self.stack) > 1:
            self.stack.pop()

    def _on_PromptLevelRaised(self, e: ev.PromptLevelRaised) -> None:
        v = self.view
        v.threshold = e.threshold
        if e.step == "voice_repeat":
            self.speak_text(v.prompt_text)
        elif e.step == "model_face":
            v.show_model = True
            self.speak_key("watch_me")
        elif e.step == "part_hint" and e.hint is not None:
            v.hint = e.hint
            self.speak_key(phrases.hint_key(e.hint))

    def _on_PartHintChanged(self, e: ev.PartHintChanged) -> None:
        self.view.hint = e.hint
        self.speak_key(phrases.hint_key(e.hint))

    def _on_GaugeChanged(self, e: ev.GaugeChanged) -> None:
        self.view.score, self.view.threshold = e.score, e.threshold

    def _on_HoldProgress(self, e: ev.HoldProgress) -> None:
        self.view.hold_ms, self.view.hold_required_ms = e.held_ms, e.required_ms

    def _on_StateChanged(self, e: ev.StateChanged) -> None:
        self.view.active = not e.new.finished
        if e.new.finished:
            self.view.hint = None

    def _on_Succeeded(self, e: ev.Succeeded) -> None:
        self.view.active = False
        self.view.hold_ms = self.view.hold_required_ms
        self.stars += e.reward
        self.successes += 1
        self.view.stars = self.stars
        scene = self._trial_scene()
        if scene is not None:
            scene.on_success()
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.set_target(None)
        level_set = self.ctx.level_set
        gap = level_set.session.inter_trial_ms if level_set is not None else 0
        duration = max(1200, min(2600, gap - 300)) if gap else 2600
        self.stack.push(RewardScene(self.ctx, max(1, e.reward), e.independent, e.trial_index,
                                    duration_ms=duration, target=e.target))

    def _on_TimedOut(self, e: ev.TimedOut) -> None:
        self.view.active = False
        self.effect("try_again")
        self.stack.push(MessageCard(self.ctx, e.phrase_key))

    def effect(self, name: str) -> None:
        if self.ctx.audio is not None:
            self.ctx.audio.play_effect(name)

    def _on_Paused(self, e: ev.Paused) -> None:
        if isinstance(self.stack.top, PauseOverlay):
            return
        reason = "manual" if e.reason is ev.PauseReason.MANUAL else "no_face"
        key = e.phrase_key or ("cant_see_you" if reason == "no_face" else "pause.manual")
        self.stack.push(PauseOverlay(self.ctx, reason, on_resume=self._resume, phrase_key=key))

    def _resume(self) -> None:
        self.route(self.session.resume(self.ctx.clock.now_ms()))

    def _on_Resumed(self, e: ev.Resumed) -> None:
        for scene in self.stack.scenes:
            if isinstance(scene, PauseOverlay):
                self.stack.remove(scene)

    def _on_BreakStarted(self, e: ev.BreakStarted) -> None:
        """A real break: the rest screen covers the game; a smile (scored as a happy face
        while it shows), a key, a click or `max_ms` ends it (the engine decides)."""
        logger.info("break (%s)", "asked for by the child" if e.reason == "child" else e.reason)
        self._clear_to_base()
        self.view.active = False
        self.schedule.rest_started()
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.set_target(Expression.HAPPY if e.end_on_smile else None)
        self.stack.push(BreakScene(self.ctx, on_end=self._end_break, schedule=self.schedule,
                                   keys_after_ms=CHILD_BREAK_KEYS_AFTER_MS
                                   if e.reason == "child" else 0))

    def _end_break(self) -> None:
        self.route(self.session.end_break(self.ctx.clock.now_ms()))

    def _on_BreakEnded(self, e: ev.BreakEnded) -> None:
        logger.info("break ended (%s) after %d ms", e.how.value, e.break_ms)
        store = self.ctx.store
        if store is not None and self.ctx.profile is not None:
            self._store_session()  # kept with the session's record (research export)
            self.keeper.submit(lambda: store.record_break(self._sid(), max(0, e.break_ms)))
        for scene in self.stack.scenes:
            if isinstance(scene, BreakScene):
                self.stack.remove(scene)
        self.schedule.rest_ended()
        trial = self.session.trial
        resumed = trial is not None and not trial.finished  # the child's break in a trial
        if resumed and trial is not None:
            self.view.active = True
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.set_target(trial.spec.target if resumed and trial else None)
        self.speak_key("rest.end")

    def _on_OverrideApplied(self, e: ev.OverrideApplied) -> None:
        logger.info("override %s on trial %d (now %s)", e.override.value, e.trial_index,
                    "success" if e.success else "not counted")
        if e.success and e.override is Override.ACCEPT:
            self.stars += e.reward
            self.view.stars = self.stars

    def _on_TrialRecorded(self, e: ev.TrialRecorded) -> None:
        self.trials += 1
        store = self.ctx.store
        if store is None or self.ctx.profile is None:
            return
        cut_by_the_run = self.end_reason_override in AUTOMATIC_ENDS
        if not self.stored and cut_by_the_run and e.record.never_played():
            logger.info("the first trial was cut off before it was played: no session is "
                        "recorded")
            return
        self._store_session()
        self.keeper.submit(lambda: store.add_trial(self._sid(), e.record))
        if self.motion_writer is not None and e.motion is not None:
            self.motion_writer.add(e.record.trial_index, e.motion)


    def _on_TrialAmended(self, e: ev.TrialAmended) -> None:
        store = self.ctx.store
        if store is not None and self.stored:
            self.keeper.submit(lambda: store.replace_trial(self._sid(), e.record))

    def _on_SessionEnded(self, e: ev.SessionEnded) -> None:
        self.ended = True
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.set_target(None)
        store = self.ctx.store
        if store is not None and self.stored:
            reason = self.end_reason_override or _END_REASONS.get(e.reason, str(e.reason))
            self.keeper.submit(lambda: store.end_session(self._sid(), reason=reason))
        self._close_trace()
        self._clear_to_base()
        self.schedule.finished()
        new, book_size = self._award_stickers()
        said = "ui.flow.video_ended" if self.end_reason_override == "source_ended" else ""
        self.stack.replace(EndScene(self.ctx, self.stars, self.successes, self.trials,
                                    reason_key=said, stickers=new, book_size=book_size))

    def _award_stickers(self) -> tuple[tuple[Sticker, ...], int]:
        """The session's successes into the child's sticker book (`game.play.stickers`),
        kept with the child through the keeper (retried like the trials). Returns the new
        items and the size of the book with them; nothing for a session never stored."""
        store, profile = self.ctx.store, self.ctx.profile
        if store is None or profile is None or not self.stored:
            return (), 0
        book = StickerBook.from_dicts(profile.stickers)
        records = tuple(self.session.records)
        shown = award(records, self.session_id or "S-UNSAVED", book, local_now)
        profile_id = profile.profile_id

        def keep() -> None:
            kept = store.add_stickers(profile_id, award(records, self._sid(), book, local_now))
            if self.ctx.profile is not None and self.ctx.profile.profile_id == profile_id:
                self.ctx.profile = kept

        if shown:
            self.keeper.submit(keep)
            logger.info("%d sticker(s) and star(s) for the sticker book", len(shown))
        return shown, len(book) + len(shown)
