"""One session, driven frame by frame: the engine's events dispatched to the jobs they need.

`SessionDriver.tick(now_ms)` gives the latest reading to `Session.update` once per frame and
routes the events it returns (`game.play.events`), by their type, to three parts:

- `game.ui.session_records.SessionRecorder`: what is written to the store, and when (every
  finished trial at once, before the reward or anything else of that frame; no phantom
  sessions; refused writes kept and retried while the child plays on; the sticker book).
- `game.ui.session_traces.SessionTraces`: the per-frame trace and the motion record, only
  where the child's profile allows them.
- `game.ui.session_scenes.SessionScenes`: what the child sees and hears (the trial scenes,
  reward, cards, rest screen, speech, the visual schedule).

The driver also carries the therapist's commands (accept, reject, skip, pause, end), the
hold while a therapist screen is open, and the child's own break request (`child_break`, a
break with reason "child") to the engine. The session's counts (stars, successes, trials)
are read from `Session.records`; the driver keeps none of its own and decides nothing the
engine decides.
"""

from __future__ import annotations

import logging

from game.play import events as ev
from game.play.schedule import ScheduleProgress, plan_schedule
from game.play.session import Session
from game.ui.context import GameContext
from game.ui.input import Action
from game.ui.records_keeper import RecordsKeeper
from game.ui.scene_stack import SceneStack
from game.ui.scenes.hud import TrialView
from game.ui.session_records import SessionRecorder
from game.ui.session_scenes import SessionScenes
from game.ui.session_traces import SessionTraces

logger = logging.getLogger(__name__)

AUTOMATIC_ENDS = ("source_ended", "time_cap")  # ended by the run, not by a person

_END_REASONS = {
    ev.EndReason.COMPLETE: "completed",
    ev.EndReason.TIME_CAP: "time_cap",
    ev.EndReason.ENDED: "therapist",
    ev.EndReason.CHILD_AWAY: "child_away",
}


class SessionDriver:
    """Feeds the session and dispatches its events. One per session.

    Args:
        ctx: the game's context (store, profile, pipeline, audio, the latest reading).
        stack: the app's scene stack.
        session: the rules engine's session, not started yet (`start` starts it).
    """

    def __init__(self, ctx: GameContext, stack: SceneStack, session: Session) -> None:
        self.ctx = ctx
        self.session = session
        self.ended = False
        self.started = False  # `start` was called (after the schedule)
        self.held = False  # this driver paused the session for a therapist screen
        self.end_reason_override: str | None = None  # e.g. "source_ended", set before ending
        profile = ctx.profile
        self.traces = SessionTraces(allowed=profile is not None and profile.allow_frame_traces
                                    and ctx.store is not None)
        self.recorder = SessionRecorder(ctx, self.traces)
        self.schedule = ScheduleProgress(plan_schedule(session.levels))
        self.scenes = SessionScenes(ctx, stack, session, self.schedule, seed=ctx.options.seed,
                                    resume=self._resume, end_break=self._end_break)

    # ---------------------------------------------------------------- read-only views

    @property
    def view(self) -> TrialView:
        """The running trial as the scenes draw it."""
        return self.scenes.view

    @property
    def keeper(self) -> RecordsKeeper:
        """The session's progress writes (kept and retried when the disk refuses one)."""
        return self.recorder.keeper

    @property
    def session_id(self) -> str | None:
        """The store's id of this session (None until its first trial is stored)."""
        return self.recorder.session_id

    @property
    def stars(self) -> int:
        return self.session.stars

    @property
    def successes(self) -> int:
        return self.session.successes

    @property
    def trials(self) -> int:
        """Trials recorded so far."""
        return len(self.session.records)

    @property
    def time_cap_ms(self) -> int:
        return self.session.settings.time_cap_ms

    def remaining_fraction(self) -> float:
        """Share of the session's time cap still left (for the gentle timer)."""
        cap = self.time_cap_ms
        if cap <= 0:
            return 1.0
        return self.session.time_left_ms(self.ctx.clock.now_ms()) / cap

    # ---------------------------------------------------------------- lifecycle

    def start(self, now_ms: int) -> None:
        """Start the engine's session (the store's record waits for the first trial)."""
        self.started = True
        self.route(self.session.start(now_ms))

    def tick(self, now_ms: int) -> None:
        """Once per frame: retry refused writes, trace the frame, update the engine."""
        self.recorder.tick(now_ms)
        if self.ended:
            return
        reading = self.ctx.reading
        self.traces.frame(reading, self.session, now_ms)  # scored in the trial it traces
        self.route(self.session.update(reading, now_ms))

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

    def close(self) -> None:
        """The app is stopping (or the next child comes): make sure the store knows the
        session ended (a session never stored stays unstored), and close the trace."""
        ended, self.ended = self.ended, True
        self.recorder.close(ended=ended)

    # ---------------------------------------------------------------- therapist

    def command(self, action: Action, now_ms: int) -> bool:
        """A therapist key: accept / reject the machine's judgement, skip, pause, end.
        Returns True when the engine carried it out (False: ignored, e.g. no trial)."""
        if self.ended:
            return False
        session = self.session
        match action:
            case Action.ACCEPT:
                found = session.accept(now_ms, note="therapist key")
            case Action.REJECT:
                found = session.reject(now_ms, note="therapist key")
            case Action.SKIP:
                found = session.skip(now_ms)
            case Action.PAUSE:
                found = session.resume(now_ms) if session.paused else session.pause(now_ms)
            case Action.END_SESSION:
                found = session.end(now_ms)
            case _:
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

    def _resume(self) -> None:
        self.route(self.session.resume(self.ctx.clock.now_ms()))

    def _end_break(self) -> None:
        self.route(self.session.end_break(self.ctx.clock.now_ms()))

    # ---------------------------------------------------------------- events

    def route(self, events: list[ev.Event]) -> None:
        """Each event to the parts that act on it; a finished trial is stored before the
        reward (or anything else) of its frame."""
        for event in sorted(events, key=lambda event: not isinstance(event, ev.TrialRecorded)):
            match event:
                case ev.TrialRecorded(record=record, motion=motion):
                    cut = self.end_reason_override in AUTOMATIC_ENDS
                    if self.recorder.trial_recorded(record, cut_by_the_run=cut):
                        self.traces.motion(record.trial_index, motion)
                case ev.TrialAmended(record=record):
                    self.recorder.trial_amended(record)
                case ev.BreakEnded(how=how, break_ms=break_ms):
                    logger.info("break ended (%s) after %d ms", how.value, break_ms)
                    self.recorder.break_ended(break_ms)
                    self.scenes.show(event)
                case ev.OverrideApplied():
                    logger.info("override %s on trial %d (now %s)", event.override.value,
                                event.trial_index, "success" if event.success else "not counted")
                    self.scenes.show(event)
                case ev.SessionEnded():
                    self._session_ended(event)
                case _:
                    self.scenes.show(event)

    def _session_ended(self, e: ev.SessionEnded) -> None:
        self.ended = True
        override = self.end_reason_override
        self.recorder.session_ended(override or _END_REASONS.get(e.reason, str(e.reason)))
        self.traces.close()
        stickers, book_size = self.recorder.award_stickers(self.session.records)
        said = "ui.flow.video_ended" if override == "source_ended" else ""
        self.scenes.session_ended(reason_key=said, stickers=stickers, book_size=book_size)
