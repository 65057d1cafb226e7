"""The maze the maze scene draws: corridors, the path to the treasure, where the blockers stand.

Pure and seeded (no pygame): a perfect maze carved by a randomised depth-first search, so
there is exactly one path from the start (top left) to the treasure (bottom right). The
friendly blockers stand on that path, evenly spaced; the child's token walks the corridors
and cannot pass a blocker until the rules engine says the target expression was held.
"""

from __future__ import annotations

import random
from collections import deque
from dataclasses import dataclass, field

from game.play.level_schema import max_maze_blockers

Cell = tuple[int, int]  # (column, row)

DIRECTIONS: dict[str, Cell] = {"up": (0, -1), "down": (0, 1), "left": (-1, 0), "right": (1, 0)}


@dataclass(slots=True)
class Maze:
    """A `size` x `size` maze. `open_pairs` holds every pair of joined neighbouring cells."""

    size: int
    open_pairs: set[frozenset[Cell]]
    path: list[Cell]
    blockers: list[Cell] = field(default_factory=list)
    cleared: int = 0  # how many blockers (in path order) have moved away
    player: Cell = (0, 0)

    @property
    def start(self) -> Cell:
        return (0, 0)

    @property
    def goal(self) -> Cell:
        return (self.size - 1, self.size - 1)

    def is_open(self, a: Cell, b: Cell) -> bool:
        return frozenset((a, b)) in self.open_pairs

    def active_blockers(self) -> list[Cell]:
        return self.blockers[self.cleared:]

    @property
    def next_blocker(self) -> Cell | None:
        remaining = self.active_blockers()
        return remaining[0] if remaining else None

    def move(self, direction: str) -> bool:
        """Move the player one cell if a corridor leads there and no blocker stands in it."""
        dx, dy = DIRECTIONS[direction]
        x, y = self.player
        target = (x + dx, y + dy)
        if not self.is_open(self.player, target) or target in self.active_blockers():
            return False
        self.player = target
        return True

    def clear_next_blocker(self) -> Cell | None:
        """The next blocker moves away; returns the cell it stood on."""
        cell = self.next_blocker
        if cell is not None:
            self.cleared += 1
        return cell

    def step_towards_next(self) -> bool:
        """Walk the player one cell along the path towards the next blocker (or the goal)."""
        stop = self.next_blocker or self.goal
        if self.player not in self.path:
            return False
        here = self.path.index(self.player)
        end = self.path.index(stop) - (0 if stop == self.goal else 1)
        if here >= end:
            return False
        self.player = self.path[here + 1]
        return True


MAX_TRIES = 200


def generate_maze(size: int, blockers: int, seed: int) -> Maze:
    """A perfect maze of `size` x `size` cells with `blockers` on the path to the goal, one
    per trial of the level: when the seed's path is too short for them all, the next seeds
    are tried (deterministically), so the blockers always match the level. The level check
    allows at most `max_maze_blockers(size)`, for which a path always has room."""
    if size < 3:
        raise ValueError(f"maze size must be at least 3, got {size}")
    maze = _carve(size, random.Random(seed))
    attempt = 0
    while len(maze.path) - 2 < blockers:
        attempt += 1
        if attempt >= MAX_TRIES:
            raise ValueError(f"a maze of size {size} has no room for {blockers} blockers "
                             f"(at most {max_maze_blockers(size)})")
        maze = _carve(size, random.Random(f"{seed}/{attempt}"))
    maze.blockers = place_blockers(maze.path, blockers)
    return maze


def _carve(size: int, rng: random.Random) -> Maze:
    open_pairs: set[frozenset[Cell]] = set()
    visited = {(0, 0)}
    stack: list[Cell] = [(0, 0)]
    while stack:
        x, y = stack[-1]
        options = [
            (x + dx, y + dy)
            for dx, dy in DIRECTIONS.values()
            if 0 <= x + dx < size and 0 <= y + dy < size and (x + dx, y + dy) not in visited
        ]
        if not options:
            stack.pop()
            continue
        nxt = rng.choice(options)
        open_pairs.add(frozenset(((x, y), nxt)))
        visited.add(nxt)
        stack.append(nxt)
    path = _shortest_path(size, open_pairs, (0, 0), (size - 1, size - 1))
    return Maze(size=size, open_pairs=open_pairs, path=path)


def place_blockers(path: list[Cell], count: int) -> list[Cell]:
    """`count` cells evenly spaced along `path`, never the start or the goal."""
    inner = path[1:-1]
    if count <= 0 or not inner:
        return []
    count = min(count, len(inner))
    step = len(inner) / count
    return [inner[min(len(inner) - 1, int(step * (i + 0.5)))] for i in range(count)]


def _shortest_path(size: int, open_pairs: set[frozenset[Cell]], start: Cell,
                   goal: Cell) -> list[Cell]:
    previous: dict[Cell, Cell | None] = {start: None}
    queue = deque([start])
    while queue:
        cell = queue.popleft()
        if cell == goal:
            break
        x, y = cell
        for dx, dy in DIRECTIONS.values():
            nxt = (x + dx, y + dy)
            if nxt not in previous and frozenset((cell, nxt)) in open_pairs:
                previous[nxt] = cell
                queue.append(nxt)
    path: list[Cell] = []
    at: Cell | None = goal
    while at is not None:
        path.append(at)
        at = previous[at]
    return path[::-1]
