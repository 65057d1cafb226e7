"""The app loop: 60 frames a second, one scene stack, vision read once per frame.

Each frame: convert pygame events to actions (once, in `InputAdapter`), copy the vision
pipeline's latest reading into the context (never waiting), update the top scene with a
clamped time step, draw, flip, and save a screenshot when the scene changed. Frame work
times are kept so the UI frame-time p99 can be reported (`App.frame_stats()`).
"""

from __future__ import annotations

import logging
import os
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pygame

from game.paths import private_dir
from game.ui.clock import frames
from game.ui.context import GameContext
from game.ui.input import THERAPIST_ACTIONS, Action, InputAdapter, InputEvent
from game.ui.scene_stack import Scene, SceneStack
from game.ui.stop_signals import stop_on_signals
from game.ui.toast import draw_toast
from game.ui.widgets.text import draw_text

logger = logging.getLogger(__name__)

FPS = 60
SCREENSHOT_SETTLE_MS = 900  # re-save a scene's screenshot once it has settled
END_GRACE_MS = 2500  # after --max-seconds: time for the end scene to show before closing


def init_display(size: tuple[int, int], headless: bool) -> pygame.Surface:
    """Open the window (or, headless, an off-screen surface via SDL's dummy driver)."""
    if headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ.setdefault("SDL_FRAMEBUFFER_ACCELERATION", "0")
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_caption("FaceQuest")
    return pygame.display.set_mode(size)


def init_gamepads() -> list[pygame.joystick.JoystickType]:
    """Open every connected gamepad so its events reach the input adapter."""
    pygame.joystick.init()
    return [pygame.joystick.Joystick(i) for i in range(pygame.joystick.get_count())]


@dataclass(frozen=True, slots=True)
class FrameStats:
    """Work time per frame (events + update + draw + flip), in ms."""

    frames: int
    p50_ms: float
    p99_ms: float
    max_ms: float
    first_frame_s: float = 0.0  # process start -> first frame on screen
    peak_rss_mb: float = 0.0    # the process's peak resident memory so far
    unsaved_writes: int = 0     # progress writes the disk refused to the end (lost)
    unsaved_reason: str = ""    # why the last of them was refused


def process_age_s() -> float:
    """Seconds since this process started (Linux /proc; elsewhere since this module loaded)."""
    try:
        stat = Path("/proc/self/stat").read_text().rsplit(")", 1)[1].split()
        started_ticks = int(stat[19])  # field 22 of proc(5): starttime, in clock ticks
        uptime_s = float(Path("/proc/uptime").read_text().split()[0])
        return uptime_s - started_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return time.perf_counter() - _MODULE_LOADED


def peak_rss_mb() -> float:
    """Peak resident memory of this process in MB (0 where the platform cannot say)."""
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


_MODULE_LOADED = time.perf_counter()


class App:
    """Runs the scene stack until it empties (the therapist quit), or the time cap is reached.

    Args:
        ctx: the shared context (its `pipeline`, when set, is read once per frame).
        surface: the display surface.
        stack: the scene stack (the first scene should already be pushed, or pass it to run).
        screenshots_dir: save `NNN_<scene>.png` at every scene change when set.
        max_seconds: end the session cleanly after this many seconds (END_SESSION is sent),
            then stop the program after a short grace (scripted runs always finish).
        frame_source: the frame pacing generator (tests pass a fast fake).
        event_source: where pygame events come from (tests pass a scripted list).
        after_first_frame: called once, right after the first frame is on screen (start-up
            work that must not delay the first picture, e.g. the voice warm-up).
    """

    def __init__(
        self,
        ctx: GameContext,
        surface: pygame.Surface,
        stack: SceneStack,
        *,
        screenshots_dir: Path | None = None,
        max_seconds: float | None = None,
        frame_source: Iterator[int] | None = None,
        event_source: Callable[[], list[pygame.event.Event]] = pygame.event.get,
        after_first_frame: Callable[[], None] | None = None,
    ) -> None:
        self.ctx = ctx
        self.surface = surface
        self.stack = stack
        self.adapter = InputAdapter(surface.get_size())
        self.screenshots_dir = screenshots_dir
        self.max_seconds = max_seconds
        self._frames = frame_source if frame_source is not None else frames(FPS)
        self._events = event_source
        self._work_ms: deque[float] = deque(maxlen=20_000)
        self._seen_changes = -1
        self._shot_index = 0
        self._settle: tuple[Path, int, int] | None = None  # (path, due_ms, changes)
        self._end_requested_ms: int | None = None
        self._stop_signal: str | None = None  # set by SIGTERM/SIGINT (stop_on_signals)
        self._after_first_frame = after_first_frame
        self._first_frame_s = 0.0
        self.running = True
        self.screenshots: list[Path] = []

    # ------------------------------------------------------------------ loop

    def run(self, first: Scene | None = None) -> int:
        """Run until done; returns 0. The caller stops the pipeline and closes the store.
        SIGTERM and SIGINT stop the run at the next frame (`request_stop`)."""
        if first is not None:
            self.stack.push(first)
        with stop_on_signals(self.request_stop):
            for dt_ms in self._frames:
                if not self.step(dt_ms):
                    break
        return 0

    def request_stop(self, why: str = "stop") -> None:
        """Stop at the next frame, without the quit question or the goodbye card: the
        session in flight is ended (its running trial recorded as ended) with the end
        reason "stopped". Only sets a field, so a signal handler may call it."""
        self._stop_signal = why

    def step(self, dt_ms: int) -> bool:
        """One frame. Returns False when the app should stop."""
        if self._stop_signal is not None:
            logger.info("%s received: stopping", self._stop_signal)
            self._request_end(reason="stopped")
            self.running = False
            return False
        started = time.perf_counter()
        now_ms = self.ctx.clock.now_ms()
        for event in self.adapter.convert(self._events()):
            self._dispatch(event)
        self._check_time_cap(now_ms)
        if self.ctx.pipeline is not None:
            self.ctx.reading = self.ctx.pipeline.latest()
        if self.ctx.flow is not None:
            self.ctx.flow.tick(now_ms)
        self.stack.update(dt_ms, now_ms)
        if not self.running or len(self.stack) == 0:
            return False
        self.stack.draw(self.surface)
        if self.ctx.therapist_line:
            self._draw_therapist_line(self.ctx.therapist_line)
        self._draw_toast(now_ms)
        pygame.display.flip()
        self._work_ms.append((time.perf_counter() - started) * 1000.0)
        if not self._first_frame_s:
            self._first_frame_s = process_age_s()
        if self._after_first_frame is not None:
            hook, self._after_first_frame = self._after_first_frame, None
            try:
                hook()
            except Exception:  # start-up extras must never stop the game
                logger.exception("after-first-frame work failed")
        self._screenshot_if_changed(now_ms)
        if self._end_requested_ms is not None and now_ms - self._end_requested_ms > END_GRACE_MS:
            return False
        return self.running

    def stop(self) -> None:
        self.running = False

    def _draw_therapist_line(self, text: str) -> None:
        """One small calm line along the top edge, over every scene (for the therapist)."""
        w, _ = self.surface.get_size()
        palette = self.ctx.theme.palette
        band = pygame.Rect(0, 0, w, 2 * round(self.ctx.theme.text_px("small") * 1.2) + 16)
        self.surface.fill(palette.surface, band)
        draw_text(self.surface, text, self.ctx.theme, (w // 2, band.centery), size="small",
                  color=palette.text_muted, max_width=w - 40)

    def _draw_toast(self, now_ms: int) -> None:
        """The therapist's toast ("Skipped"), below the therapist line; gone once faded."""
        toast = self.ctx.toast
        if toast is None:
            return
        if toast.over(now_ms):
            self.ctx.toast = None
            return
        top = 12
        if self.ctx.therapist_line:
            top += 2 * round(self.ctx.theme.text_px("small") * 1.2) + 16
        draw_toast(self.surface, toast, self.ctx.theme, self.ctx.lang, now_ms, top=top)

    def _dispatch(self, event: InputEvent) -> None:
        if event.action is Action.QUIT:
            self._window_closed()
            return
        if self.stack.handle(event):
            return
        if event.action in THERAPIST_ACTIONS and self.ctx.flow is not None:
            self.ctx.flow.therapist(event.action)  # therapist keys work over any scene
        elif event.action is Action.REST and self.ctx.flow is not None:
            self.ctx.flow.child_break()  # the child's B works over the cards of play too

    def _window_closed(self) -> None:
        """The window's close button: "Quit FaceQuest?" first (the session is held while
        it shows); closing it again while the question shows quits at once. Without a flow
        the app simply stops."""
        flow = self.ctx.flow
        if flow is None:
            self.stack.clear()
            self.running = False
            return
        top = self.stack.top
        if top is not None and top.name == "confirm_quit":
            flow.quit()
        else:
            flow.ask_quit()

    def _request_end(self, reason: str | None = None) -> None:
        if self.ctx.flow is not None:
            self.ctx.flow.end_session(reason)
        else:
            self.stack.clear()

    def _check_time_cap(self, now_ms: int) -> None:
        if self.max_seconds is None or self._end_requested_ms is not None:
            return
        if now_ms >= self.max_seconds * 1000.0:
            logger.info("--max-seconds reached: ending the session")
            self._end_requested_ms = now_ms
            self._request_end(reason="time_cap")  # the run's limit, not a person

    # ------------------------------------------------------------------ screenshots

    def _screenshot_if_changed(self, now_ms: int) -> None:
        if self.screenshots_dir is None:
            return
        top = self.stack.top
        if self.stack.changes != self._seen_changes and top is not None:
            self._seen_changes = self.stack.changes
            path = self.screenshots_dir / f"{self._shot_index:03d}_{top.name}.png"
            self._shot_index += 1
            self._save(path)
            self.screenshots.append(path)
            self._settle = (path, now_ms + SCREENSHOT_SETTLE_MS, self.stack.changes)
        elif self._settle is not None and now_ms >= self._settle[1]:
            path, _, changes = self._settle
            if changes == self.stack.changes:
                self._save(path)
            self._settle = None

    def _save(self, path: Path) -> None:
        """Save the screen as a PNG readable only by the user (0600; a new folder is 0700):
        it may show a child's face."""
        private_dir(path.parent)
        pygame.image.save(self.surface, str(path))
        os.chmod(path, 0o600)

    # ------------------------------------------------------------------ measuring

    def frame_stats(self) -> FrameStats:
        """Frame work-time percentiles over the run (the first 30 warm-up frames skipped)."""
        values = sorted(list(self._work_ms)[30:] or list(self._work_ms) or [0.0])
        n = len(values)

        def pct(p: float) -> float:
            return values[min(n - 1, round(p * (n - 1)))]

        return FrameStats(len(self._work_ms), pct(0.5), pct(0.99), values[-1],
                          first_frame_s=self._first_frame_s, peak_rss_mb=peak_rss_mb())
