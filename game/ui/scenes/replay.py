"""The therapist's replay of how a child's face moved (behind the PIN, from the child's page).

The avatar re-enacts the recorded face frame by frame, the target's model face beside it,
and the timeline of the target's action curves with the trial's marks under them: the same
drawing as the clips of `facequest replay --out` (`game.ui.replay_view.draw_replay`).

Keys: Space (or Enter) plays and pauses; Left/Right step one recorded frame; Home/End go to
the start or the end; a click or a drag on the timeline jumps there; Up/Down (or Page
Up/Page Down) show the previous or next trial; Esc goes back. The key hints are on screen.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence

import pygame

from game.ui.avatar_params import DEFAULT_LOOK, AvatarLook
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.replay_source import ReplayTrial
from game.ui.replay_view import (
    ReplayLayout,
    ReplayTrack,
    draw_replay,
    expression_name,
    replay_layout,
    time_at_x,
)
from game.ui.scenes.base import GameScene
from game.ui.widgets import fitting_size, text_size

logger = logging.getLogger(__name__)

TOP = 60  # the title band
MARGIN = 32
FOOTER_SIZES: tuple[str | int, ...] = ("small", 18, 16, 14)


class ReplayScene(GameScene):
    """Replay the trials of `trials` (a child's trials with a motion record).

    Args:
        trials: what can be replayed, in order (Up/Down walk it).
        start: the trial shown first (an index into `trials`).
        on_close: called when the replay closes (after it left the stack).
        look: the child's avatar look, so the replay shows the child's own avatar.
    """

    name = "replay"
    holds_play = True

    def __init__(self, ctx: GameContext, trials: Sequence[ReplayTrial], *, start: int = 0,
                 on_close: Callable[[], None] | None = None,
                 look: AvatarLook = DEFAULT_LOOK) -> None:
        super().__init__(ctx)
        self.trials = list(trials)
        self.look = look
        self.on_close = on_close
        self.index = max(0, min(start, len(self.trials) - 1))
        self.t_ms = 0.0
        self.playing = False
        self.scrubbing = False  # the last press was on the timeline: a drag moves the time
        self._tracks: dict[int, ReplayTrack] = {}
        if self.trials:
            self._load(self.index)

    # ---------------------------------------------------------------- state

    @property
    def track(self) -> ReplayTrack | None:
        """The trial being shown, ready to draw (None when there is nothing to replay)."""
        return self._tracks.get(self.index)

    def _load(self, index: int) -> None:
        if index not in self._tracks:
            self._tracks = {index: ReplayTrack.from_motion(self.trials[index].motion)}

    def show_trial(self, index: int) -> None:
        """Show trial `index` (kept within the list) from its start, paused."""
        if not self.trials:
            return
        self.index = max(0, min(index, len(self.trials) - 1))
        self._load(self.index)
        self.t_ms, self.playing, self.scrubbing = 0.0, False, False

    def seek(self, t_ms: float) -> None:
        track = self.track
        if track is not None:
            self.t_ms = float(min(max(t_ms, 0.0), track.duration_ms))

    def update(self, dt_ms: int, now_ms: int) -> None:
        track = self.track
        if not self.playing or track is None:
            return
        self.t_ms = min(float(track.duration_ms), self.t_ms + dt_ms)
        if self.t_ms >= track.duration_ms:
            self.playing = False

    # ---------------------------------------------------------------- input

    def handle(self, event: InputEvent) -> bool:
        action = event.action
        track = self.track
        if action is Action.BACK:
            self.close()
        elif track is None:
            return True
        elif action is Action.CONFIRM:
            if not self.playing and self.t_ms >= track.duration_ms:
                self.t_ms = 0.0  # play again from the start
            self.playing = not self.playing
        elif action in (Action.LEFT, Action.RIGHT):
            self.playing = False
            self.t_ms = float(track.step(self.t_ms, 1 if action is Action.RIGHT else -1))
        elif action is Action.FIRST:
            self.playing, self.t_ms = False, 0.0
        elif action is Action.LAST:
            self.playing, self.t_ms = False, float(track.duration_ms)
        elif action in (Action.UP, Action.PAGE_UP):
            self.show_trial(self.index - 1)
        elif action in (Action.DOWN, Action.PAGE_DOWN):
            self.show_trial(self.index + 1)
        elif action is Action.POINT and event.pos is not None:
            layout = self.layout(track)
            self.scrubbing = layout.timeline_card.collidepoint(event.pos)
            if self.scrubbing:
                self._scrub(event.pos[0], layout, track)
        elif action is Action.DRAG and event.pos is not None and self.scrubbing:
            self._scrub(event.pos[0], self.layout(track), track)
        return True  # nothing reaches the screens below

    def _scrub(self, x: int, layout: ReplayLayout, track: ReplayTrack) -> None:
        """Jump to the time under column `x` of the timeline (and pause)."""
        self.playing = False
        self.seek(time_at_x(layout, track, x))

    def close(self) -> None:
        self.playing = False
        stack = self.stack
        if stack is not None and len(stack) == 1 and stack.top is self:
            stack.clear()  # `facequest replay` in a window: the replay was all there was
        else:
            self.leave()
        if self.on_close is not None:
            self.on_close()

    # ---------------------------------------------------------------- layout

    def _footer_size(self) -> str | int:
        w, _ = self.ctx.window_size
        room = 2 * self.font("small").get_linesize() + 8
        return fitting_size(self.t("ui.replay.keys"), self.theme, w - 2 * MARGIN, room,
                            FOOTER_SIZES)

    def _footer_height(self) -> int:
        w, _ = self.ctx.window_size
        return text_size(self.t("ui.replay.keys"), self.theme, self._footer_size(),
                         w - 2 * MARGIN)[1]

    def replay_rect(self) -> pygame.Rect:
        w, h = self.ctx.window_size
        bottom = h - self._footer_height() - 20
        return pygame.Rect(MARGIN, TOP, w - 2 * MARGIN, bottom - TOP)

    def layout(self, track: ReplayTrack) -> ReplayLayout:
        return replay_layout(self.replay_rect(), track, self.theme, self.ctx.lang)

    def title(self) -> str:
        if not self.trials:
            return self.t("ui.replay.open")
        trial = self.trials[self.index]
        track = self.track
        name = expression_name(track.target, self.ctx.lang) if track is not None else ""
        return self.t("ui.replay.title", date=trial.date, number=trial.number,
                      count=trial.count, expression=name)

    # ---------------------------------------------------------------- drawing

    def draw(self, surface: pygame.Surface) -> None:
        p = self.palette
        surface.fill(p.background)
        w, h = surface.get_size()
        title = self.title()
        room = w - 2 * MARGIN - 80
        size = fitting_size(title, self.theme, room, TOP - 12, ("body", "small", 18, 16),
                            bold=True)
        self.draw_text(surface, title, (w // 2, TOP // 2), size=size, bold=True,
                       max_width=room)
        track = self.track
        if track is None:
            self.draw_text(surface, self.t("ui.replay.open.none"), (w // 2, h // 2),
                           color=p.text_muted, max_width=w - 2 * MARGIN - 80)
        else:
            self._draw_play_state(surface, (MARGIN + 14, TOP // 2))
            draw_replay(surface, self.replay_rect(), track, self.t_ms, self.ctx.lang,
                        self.theme, self.look)
        self.draw_text(surface, self.t("ui.replay.keys"), (w // 2, h - 10), anchor="midbottom",
                       size=self._footer_size(), color=p.text_muted, max_width=w - 2 * MARGIN)

    def _draw_play_state(self, surface: pygame.Surface, center: tuple[int, int]) -> None:
        """A play triangle while playing, two bars while paused."""
        x, y = center
        color = self.palette.accent
        if self.playing:
            pygame.draw.polygon(surface, color, [(x - 9, y - 12), (x - 9, y + 12), (x + 12, y)])
        else:
            pygame.draw.rect(surface, color, (x - 10, y - 12, 7, 24), border_radius=2)
            pygame.draw.rect(surface, color, (x + 3, y - 12, 7, 24), border_radius=2)
