"""The maze (after FaceMaze): walk to the treasure; a friendly blocker stands in the way and
steps aside only when the child holds the face it shows.

The maze and the walking are presentation (`maze_grid`); whether the face was held is the
rules engine's decision, which arrives as `on_success()`. After a success the child's token
walks on by itself to the next blocker (arrows, gamepad and taps move it too), so a child
who cannot steer still plays.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import pygame

from game.ui.avatar import draw_avatar
from game.ui.avatar_params import NEUTRAL_FACE, face_for, hint_visual
from game.ui.context import GameContext
from game.ui.input import Action, InputEvent
from game.ui.scenes.hud import TrialView, draw_hint
from game.ui.scenes.maze_grid import Maze, generate_maze
from game.ui.scenes.trial import TrialScene
from game.ui.widgets import draw_card, draw_star

if TYPE_CHECKING:
    from game.play.level_set import Level

logger = logging.getLogger(__name__)

HINT_HEIGHT = 112  # the hint bubble under the mirror card

DEFAULT_SIZE = 7
WALK_STEP_MS = 260
_MOVES = {Action.UP: "up", Action.DOWN: "down", Action.LEFT: "left", Action.RIGHT: "right"}


class MazeScene(TrialScene):
    """Maze mode. `set_level` builds the maze from the level (size, blockers = trials)."""

    name = "maze"

    def __init__(self, ctx: GameContext, view: TrialView) -> None:
        super().__init__(ctx, view)
        self.maze: Maze = generate_maze(DEFAULT_SIZE, max(1, view.trials_total), seed=0)
        self.show_path = False
        self.walk_ms = 0
        self.auto_walk = True
        self.step_ms = WALK_STEP_MS

    def set_level(self, level: Level, seed: int) -> None:
        settings = level.maze
        size = (settings.size if settings is not None else 0) or DEFAULT_SIZE
        self.show_path = bool(settings.show_path) if settings is not None else False
        self.step_ms = (settings.walk_ms if settings is not None else 0) or WALK_STEP_MS
        self.maze = generate_maze(size, max(1, int(level.trials)), seed=seed)

    def on_success(self) -> None:
        self.maze.clear_next_blocker()
        self.effect("door")
        self.auto_walk = True

    def update(self, dt_ms: int, now_ms: int) -> None:
        super().update(dt_ms, now_ms)
        if not self.auto_walk:
            return
        self.walk_ms += dt_ms
        if self.walk_ms >= self.step_ms:
            self.walk_ms = 0
            if not self.maze.step_towards_next():
                self.auto_walk = False

    def handle(self, event: InputEvent) -> bool:
        if super().handle(event):  # the child's rest button and key
            return True
        direction = _MOVES.get(event.action)
        if direction is not None:
            self.auto_walk = False
            if self.maze.move(direction):
                self.effect("tap")
            return True
        if event.action is Action.POINT and event.pos is not None:
            return self._tap(event.pos)
        return False

    def _tap(self, pos: tuple[int, int]) -> bool:
        cell = self._cell_at(pos)
        if cell is None:
            return False
        px, py = self.maze.player
        dx, dy = cell[0] - px, cell[1] - py
        if abs(dx) + abs(dy) == 1:
            direction = {(0, -1): "up", (0, 1): "down", (-1, 0): "left", (1, 0): "right"}
            self.maze.move(direction[(dx, dy)])
        return True

    # ---------------------------------------------------------------- drawing

    def _grid(self) -> tuple[pygame.Rect, int]:
        area = self.left_rect()
        n = self.maze.size
        cell = min(area.width, area.height + 110) // n
        grid = pygame.Rect(0, 0, cell * n, cell * n)
        grid.midtop = (area.centerx, area.top - 10)
        return grid, cell

    def _cell_at(self, pos: tuple[int, int]) -> tuple[int, int] | None:
        grid, cell = self._grid()
        if not grid.collidepoint(pos):
            return None
        return ((pos[0] - grid.left) // cell, (pos[1] - grid.top) // cell)

    def right_rect(self) -> pygame.Rect:
        """The mirror card, shorter than in the other modes: the hint goes under it (the
        maze fills the left side, where the other modes show their hint)."""
        rect = super().right_rect()
        rect.height -= HINT_HEIGHT + 18
        return rect

    def hint_rect(self) -> pygame.Rect:
        card = self.right_rect()
        return pygame.Rect(card.left + 20, card.bottom + 12, card.width - 40, HINT_HEIGHT)

    def draw_hint(self, surface: pygame.Surface) -> None:
        """The hint in words and pictures beside the glow on the blocker's face, or the
        prompt while no hint is due, always in the same place under the mirror."""
        rect = self.hint_rect()
        text = self.hint_text() if self.view.active else ""
        if text:
            draw_hint(surface, rect, self.view, text, self.theme)
        else:
            self.draw_prompt(surface, rect)

    def draw_main(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        p = self.palette
        grid, cell = self._grid()
        draw_card(surface, grid.inflate(16, 16), self.theme, radius=16)
        maze = self.maze
        wall = max(3, cell // 12)
        if self.show_path:
            for cx, cy in maze.path:
                center = (grid.left + cx * cell + cell // 2, grid.top + cy * cell + cell // 2)
                pygame.draw.circle(surface, p.surface_alt, center, max(3, cell // 10))
        for x in range(maze.size):
            for y in range(maze.size):
                left, top = grid.left + x * cell, grid.top + y * cell
                if not maze.is_open((x, y), (x + 1, y)):
                    pygame.draw.line(surface, p.outline, (left + cell, top),
                                     (left + cell, top + cell), wall)
                if not maze.is_open((x, y), (x, y + 1)):
                    pygame.draw.line(surface, p.outline, (left, top + cell),
                                     (left + cell, top + cell), wall)
        pygame.draw.rect(surface, p.outline, grid, width=wall)
        gx, gy = maze.goal
        goal_center = (grid.left + gx * cell + cell // 2, grid.top + gy * cell + cell // 2)
        draw_star(surface, goal_center, cell * 0.38, self.theme)
        part, arrow = hint_visual(self.view.hint if self.view.active else None)
        for i, (bx, by) in enumerate(maze.active_blockers()):
            face_rect = pygame.Rect(grid.left + bx * cell + 2, grid.top + by * cell + 2,
                                    cell - 4, cell - 4)
            if i == 0:
                big = face_rect.inflate(cell * 0.5, cell * 0.5)
                draw_avatar(surface, big, face_for(self.view.target, self.view.intensity),
                            self.theme, highlight=part, hint_arrow=arrow, t_ms=self.t_ms,
                            look=self.avatar_look)
            else:
                draw_avatar(surface, face_rect, NEUTRAL_FACE, self.theme, look=self.avatar_look)
        px, py = maze.player
        player = (grid.left + px * cell + cell // 2, grid.top + py * cell + cell // 2)
        pygame.draw.circle(surface, p.accent, player, cell // 3)
        pygame.draw.circle(surface, p.surface, player, cell // 3, width=3)
