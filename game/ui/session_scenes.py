"""The rules engine's events as what the child sees and hears.

`SessionScenes.show(event)` turns one event (`game.play.events`) into scenes on the stack,
speech and the `TrialView` the scenes draw: a prompt replaces the trial scene and is
spoken, hints go onto the avatar and are spoken, a success brings the reward, a timeout the
"let's try another one" card, a pause the "I can't see you" card, a break the rest screen.
It also tells the vision pipeline which expression to score (the trial's target, a smile
during a break that a smile may end, nothing between trials) and moves the session's
visual schedule on (`ScheduleProgress`). It decides nothing the engine decides, and
writes nothing to the store (`game.ui.session_records` does).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence

from game import phrases
from game.expressions import Expression
from game.play import events as ev
from game.play.level_set import Level
from game.play.schedule import ScheduleProgress
from game.play.session import Session
from game.play.stickers import Sticker
from game.ui.context import GameContext
from game.ui.scene_stack import SceneStack
from game.ui.scenes.break_scene import BreakScene
from game.ui.scenes.end import EndScene
from game.ui.scenes.hud import TrialView
from game.ui.scenes.maze import MazeScene
from game.ui.scenes.overlays import MessageCard, PauseOverlay
from game.ui.scenes.reward import RewardScene
from game.ui.scenes.story import StoryScene
from game.ui.scenes.trial import CueScene, MimicScene, TrialScene

logger = logging.getLogger(__name__)

CHILD_BREAK_KEYS_AFTER_MS = 1500  # a rest the child asked for: not ended by a second tap

SCENES_BY_MODE: dict[str, type[TrialScene]] = {
    "mimic": MimicScene,
    "cue": CueScene,
    "maze": MazeScene,
    "story": StoryScene,
}


class SessionVoice:
    """What the session says, in the child's language (silent without audio)."""

    def __init__(self, ctx: GameContext) -> None:
        self.ctx = ctx

    def text_of(self, texts: Mapping[str, str] | None, fallback_key: str) -> str:
        """The level's own text in the child's language (else its first language), or the
        phrase `fallback_key` when the level gives none."""
        lang = self.ctx.lang
        if texts:
            return str(texts.get(lang) or next(iter(texts.values())))
        return phrases.text(fallback_key, lang)

    def say_text(self, text: str) -> None:
        if self.ctx.audio is not None and text:
            self.ctx.audio.speak(text, self.ctx.lang)

    def say_key(self, key: str) -> None:
        if self.ctx.audio is not None and key:
            self.ctx.audio.speak_key(key, self.ctx.lang)

    def effect(self, name: str) -> None:
        if self.ctx.audio is not None:
            self.ctx.audio.play_effect(name)


class SessionScenes:
    """Shows one session's events. One per session.

    Args:
        ctx: the scenes' context (audio, pipeline, language).
        stack: the app's scene stack.
        session: the running session, read for its levels, the stars so far and its
            timing settings.
        schedule: the session's visual schedule, moved on as faces and rests come.
        seed: the run's seed; each maze level's maze is drawn from it.
        resume: ends a pause (the pause card's button), routed like any command.
        end_break: ends a break (the rest screen's key, click or tap).
    """

    def __init__(self, ctx: GameContext, stack: SceneStack, session: Session,
                 schedule: ScheduleProgress, *, seed: int, resume: Callable[[], None],
                 end_break: Callable[[], None]) -> None:
        self.ctx = ctx
        self.stack = stack
        self.session = session
        self.schedule = schedule
        self.voice = SessionVoice(ctx)
        self.view = TrialView()
        self.seed = seed
        self._resume = resume
        self._end_break = end_break
        self.level: Level | None = None  # the level playing (None before the first)
        self.level_index = 0
        self.new_level = False  # a level started: its first prompt sets the scene up anew

    def show(self, event: ev.Event) -> None:
        """One event on screen and in speech (events with nothing to show are ignored)."""
        match event:
            case ev.LevelStarted():
                self._level_started(event)
            case ev.PromptShown():
                self._prompt_shown(event)
            case ev.PromptLevelRaised():
                self._prompt_level_raised(event)
            case ev.PartHintChanged(hint=hint):
                self.view.hint = hint
                self.voice.say_key(phrases.hint_key(hint))
            case ev.GaugeChanged(score=score, threshold=threshold):
                self.view.score, self.view.threshold = score, threshold
            case ev.HoldProgress(held_ms=held, required_ms=required):
                self.view.hold_ms, self.view.hold_required_ms = held, required
            case ev.StateChanged(new=new):
                self.view.active = not new.finished
                if new.finished:
                    self.view.hint = None
            case ev.Succeeded():
                self._succeeded(event)
            case ev.TimedOut(phrase_key=key):
                self.view.active = False
                self.voice.effect("try_again")
                self.stack.push(MessageCard(self.ctx, key))
            case ev.Paused():
                self._paused(event)
            case ev.Resumed():
                for scene in self.stack.scenes:
                    if isinstance(scene, PauseOverlay):
                        self.stack.remove(scene)
            case ev.BreakStarted():
                self._break_started(event)
            case ev.BreakEnded():
                self._break_ended()
            case ev.OverrideApplied():
                self.view.stars = self.session.stars
            case _:
                pass

    def set_target(self, target: Expression | None) -> None:
        """The expression the vision pipeline scores (None: none)."""
        if self.ctx.pipeline is not None:
            self.ctx.pipeline.set_target(target)

    def session_ended(self, *, reason_key: str, stickers: Sequence[Sticker],
                      book_size: int) -> None:
        """The goodbye card over a cleared stack, with the session's stars and the stickers
        it added to the child's book (`reason_key`: a phrase saying why, or "")."""
        self.set_target(None)
        self._clear_to_base()
        self.schedule.finished()
        session = self.session
        self.stack.replace(EndScene(self.ctx, session.stars, session.successes,
                                    len(session.records), reason_key=reason_key,
                                    stickers=stickers, book_size=book_size))

    # ---------------------------------------------------------------- trials

    def _level_started(self, e: ev.LevelStarted) -> None:
        self.level = self.session.level_set.level(e.level_id)
        self.view.trials_total = e.trials
        self.view.level_id = e.level_id
        self.new_level = True
        self.level_index = e.level_index
        if e.intro:
            self.voice.say_text(self.voice.text_of(e.intro, "copy_my_face"))

    def _prompt_shown(self, e: ev.PromptShown) -> None:
        v = self.view
        v.mode, v.target = e.mode, e.target
        v.trial_index = max(0, self.session.trial_number_in_level - 1)
        v.threshold, v.hold_required_ms, v.hold_ms, v.score = e.threshold, e.hold_ms, 0, 0.0
        v.hint = None
        v.show_model = e.mode == "mimic"
        v.prompt_text = self.voice.text_of(e.prompt_text, e.prompt_key)
        v.story = e.scene_picture if e.mode == "story" else None
        v.active = True
        v.stars = self.session.stars
        self.schedule.face_started()
        self.set_target(e.target)
        self._show_trial_scene(e)
        self.voice.say_text(v.prompt_text)

    def _show_trial_scene(self, e: ev.PromptShown) -> None:
        scene_class = SCENES_BY_MODE.get(e.mode, MimicScene)
        current = self._trial_scene()
        new_level, self.new_level = self.new_level, False
        if current is not None and type(current) is scene_class:
            current.new_trial(self.view)
            if new_level and self.level is not None and isinstance(current, MazeScene):
                current.set_level(self.level, self._maze_seed())  # a new maze for a new level
            return
        self._clear_to_base()
        scene = scene_class(self.ctx, self.view)
        if self.level is not None and isinstance(scene, MazeScene):
            scene.set_level(self.level, self._maze_seed())
        self.stack.replace(scene)

    def _maze_seed(self) -> int:
        """The maze seed of this level: the run's seed, different for every level."""
        return self.seed * 1000 + self.level_index

    def _prompt_level_raised(self, e: ev.PromptLevelRaised) -> None:
        v = self.view
        v.threshold = e.threshold
        if e.step == "voice_repeat":
            self.voice.say_text(v.prompt_text)
        elif e.step == "model_face":
            v.show_model = True
            self.voice.say_key("watch_me")
        elif e.step == "part_hint" and e.hint is not None:
            v.hint = e.hint
            self.voice.say_key(phrases.hint_key(e.hint))

    def _succeeded(self, e: ev.Succeeded) -> None:
        self.view.active = False
        self.view.hold_ms = self.view.hold_required_ms
        self.view.stars = self.session.stars
        scene = self._trial_scene()
        if scene is not None:
            scene.on_success()
        self.set_target(None)
        gap = self.session.settings.inter_trial_ms
        duration = max(1200, min(2600, gap - 300)) if gap else 2600
        self.stack.push(RewardScene(self.ctx, max(1, e.reward), e.independent, e.trial_index,
                                    duration_ms=duration, target=e.target))

    # ---------------------------------------------------------------- pauses and breaks

    def _paused(self, e: ev.Paused) -> None:
        if isinstance(self.stack.top, PauseOverlay):
            return
        reason = "manual" if e.reason is ev.PauseReason.MANUAL else "no_face"
        key = e.phrase_key or ("cant_see_you" if reason == "no_face" else "pause.manual")
        self.stack.push(PauseOverlay(self.ctx, reason, on_resume=self._resume, phrase_key=key))

    def _break_started(self, e: ev.BreakStarted) -> None:
        """A real break: the rest screen covers the game; a smile (scored as a happy face
        while it shows), a key, a click or `max_ms` ends it (the engine decides)."""
        logger.info("break (%s)", "asked for by the child" if e.reason == "child" else e.reason)
        self._clear_to_base()
        self.view.active = False
        self.schedule.rest_started()
        self.set_target(Expression.HAPPY if e.end_on_smile else None)
        self.stack.push(BreakScene(self.ctx, on_end=self._end_break, schedule=self.schedule,
                                   keys_after_ms=CHILD_BREAK_KEYS_AFTER_MS
                                   if e.reason == "child" else 0))

    def _break_ended(self) -> None:
        for scene in self.stack.scenes:
            if isinstance(scene, BreakScene):
                self.stack.remove(scene)
        self.schedule.rest_ended()
        trial = self.session.trial
        resumed = trial is not None and not trial.finished  # the child's break in a trial
        if resumed:
            self.view.active = True
        self.set_target(trial.spec.target if resumed and trial is not None else None)
        self.voice.say_key("rest.end")

    # ---------------------------------------------------------------- the stack

    def _trial_scene(self) -> TrialScene | None:
        for scene in self.stack.scenes:
            if isinstance(scene, TrialScene):
                return scene
        return None

    def _clear_to_base(self) -> None:
        """Take every card off, leaving one scene at the bottom to replace."""
        while len(self.stack) > 1:
            self.stack.pop()
