"""The maze: one path to the treasure, blockers on it, walls and blockers stop the player."""

from __future__ import annotations

import pytest

from game.ui.scenes.maze_grid import DIRECTIONS, generate_maze, place_blockers


@pytest.mark.parametrize("seed", [0, 1, 7])
def test_the_path_joins_start_to_goal_through_open_corridors(seed: int) -> None:
    maze = generate_maze(7, 3, seed)
    assert maze.path[0] == maze.start and maze.path[-1] == maze.goal
    assert all(maze.is_open(a, b) for a, b in zip(maze.path, maze.path[1:], strict=False))
    assert len(maze.open_pairs) == 7 * 7 - 1  # a perfect maze: a tree over every cell


def test_blockers_stand_on_the_path_never_on_start_or_goal() -> None:
    maze = generate_maze(7, 4, seed=3)
    assert len(maze.blockers) == 4
    assert all(b in maze.path[1:-1] for b in maze.blockers)
    assert place_blockers([(0, 0), (1, 0)], 2) == []


def test_a_blocker_stops_the_player_until_it_moves_away() -> None:
    maze = generate_maze(5, 1, seed=2)
    while maze.step_towards_next():
        pass
    blocker = maze.next_blocker
    assert blocker is not None
    here = maze.path.index(maze.player)
    assert maze.path[here + 1] == blocker
    direction = next(n for n, (dx, dy) in DIRECTIONS.items()
                     if (maze.player[0] + dx, maze.player[1] + dy) == blocker)
    assert maze.move(direction) is False
    maze.clear_next_blocker()
    assert maze.move(direction) is True


def test_walls_stop_the_player() -> None:
    maze = generate_maze(5, 0, seed=4)
    blocked = [n for n, (dx, dy) in DIRECTIONS.items()
               if not maze.is_open((0, 0), (dx, dy))]
    for direction in blocked:
        assert maze.move(direction) is False
    assert maze.player == (0, 0)
