"""Everything a scene may use, passed in explicitly (no globals): the `GameContext`.

The app builds one context and hands it to every scene's constructor. The vision pipeline
runs on its own thread; the app copies `pipeline.latest()` into `ctx.reading` once per
frame, so every scene sees the same reading during a frame and nobody waits for vision.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from game.ui.clock import FrameClock
from game.ui.run_options import RunOptions
from game.ui.settings import SensorySettings
from game.ui.theme import Theme
from game.ui.toast import Toast

if TYPE_CHECKING:  # the real types, without importing them (and their imports) at run time
    from game.audio.system import AudioSystem
    from game.home.plan import HomePlan
    from game.play.level_library import LevelLibrary
    from game.play.level_set import LevelSet
    from game.play.session import Session
    from game.records.models import Profile
    from game.records.store import ProgressStore
    from game.ui.navigation import Navigation
    from game.vision.pipeline import VisionPipeline
    from game.vision.records import ExpressionReading

logger = logging.getLogger(__name__)

WINDOW_SIZE = (1280, 720)


@dataclass(slots=True)
class GameContext:
    """The dependencies of the scenes. Mutable on purpose: the session and the profile are
    chosen while the app runs, and settings can change from the settings scene. What never
    changes during a run is in `options`; what follows from other fields (`theme`, `lang`,
    `home_plan`) is a property, never stored.

    Attributes:
        settings: the child's sensory settings (the theme is derived from them).
        clock: the app's monotonic clock (`now_ms()`).
        audio: the speech/effects player (`game.audio`), or None when sound is unavailable.
        store: the progress store (`game.records`), or None when nothing is recorded.
        pipeline: the vision pipeline (`game.vision.pipeline.VisionPipeline`).
        session: the rules engine's running `Session`, or None before one starts.
        flow: what scenes may ask of the game's flow (`navigation.Navigation`; the `GameFlow`
            that builds scenes and drives the session, `tick` per frame).
        level_set: the loaded level set being played.
        profile: the chosen child's profile (from the store), or None.
        reading: the latest vision reading, refreshed by the app once per frame.
        camera_view: the therapist has switched the child's camera image on.
        window_size: the drawing surface size in pixels.
        options: how this run plays (`RunOptions`: seed, headless, calibrate, ...), fixed
            for the whole run.
        voice_warmed: the language whose voice pack was last warmed up ("": not yet).
        model_version: the expression model's file name, kept with each session record.
        model_hash: SHA-256 (hex) of that file, computed once at start-up ("" when none).
        notice: a message for the therapist shown over the first scene (e.g. the progress
            file was unreadable and set aside): a function of the language giving one
            sentence.
        therapist_line: one calm line drawn small over every scene while it is set (e.g.
            progress cannot be saved right now); "" hides it.
        toast: a short note for the therapist about the key just pressed ("Skipped"),
            drawn over every scene by the app until it has faded (`game.ui.toast`).
        levels: the level sets a programme or the therapist's choice for today may name;
            None: only `level_set` is played.
        plan_id: the child's programme in force for the running session ("" for none),
            recorded with the session.
        unsaved_writes: progress writes the disk still refused when their session closed
            (lost; the run exits non-zero and says so).
        unsaved_reason: why the last of them was refused (the OS's words), or "".
    """

    settings: SensorySettings
    clock: FrameClock
    audio: AudioSystem | None = None
    store: ProgressStore | None = None
    pipeline: VisionPipeline | None = None
    session: Session | None = None
    flow: Navigation | None = None
    level_set: LevelSet | None = None
    profile: Profile | None = None
    reading: ExpressionReading | None = None
    camera_view: bool = False
    window_size: tuple[int, int] = WINDOW_SIZE
    options: RunOptions = field(default_factory=RunOptions)
    voice_warmed: str = ""
    model_version: str = ""
    model_hash: str = ""
    notice: Callable[[str], str] | None = None
    therapist_line: str = ""
    toast: Toast | None = None
    levels: LevelLibrary | None = None
    plan_id: str = ""
    unsaved_writes: int = 0
    unsaved_reason: str = ""

    @property
    def lang(self) -> str:
        """The language of the texts and the voice ("en", "zh-CN"): the settings' own."""
        return self.settings.language

    @property
    def theme(self) -> Theme:
        """Colours, text scale and reduced motion for drawing, derived from `settings`."""
        return theme_for(self.settings)

    @property
    def home_plan(self) -> HomePlan | None:
        """A home installation's plan (one child, every session's place "home"), or None."""
        return self.options.home_plan

    def apply_settings(self, settings: SensorySettings) -> None:
        """Switch to new settings (the theme follows) and pass volumes to the audio player."""
        self.settings = settings
        if not settings.camera_view_allowed:
            self.camera_view = False
        apply_audio_settings(self.audio, settings)
        if self.voice_warmed:  # after start-up: a new language's voice too
            self.warm_up_voice()

    def warm_up_voice(self) -> None:
        """Decode the voice pack of the current language for the mixer in the background
        (`AudioSystem.warm_up` returns at once). The app calls it once after the first frame;
        afterwards a change of language warms the new one."""
        if self.audio is None or self.voice_warmed == self.lang:
            return
        self.voice_warmed = self.lang
        try:
            self.audio.warm_up(self.lang)
        except Exception:  # sound must never stop the game
            logger.exception("voice warm-up failed")


@functools.lru_cache(maxsize=16)
def theme_for(settings: SensorySettings) -> Theme:
    """The theme of `settings` (the same settings give the same theme object: settings are
    frozen, so the theme is worked out once per distinct settings, not per frame)."""
    return Theme.from_settings(settings.palette, settings.text_scale, settings.reduced_motion)


def apply_audio_settings(audio: AudioSystem | None, settings: SensorySettings) -> None:
    """Pass mute, quiet mode and per-channel volumes to the audio system, if there is one
    (`AudioSystem.apply_settings` reads the fields it knows from `settings`)."""
    if audio is not None:
        audio.apply_settings(settings)
