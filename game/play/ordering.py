"""The order in which a level's targets are asked for.

The random generator is passed in (seeded by the caller), so a session is reproducible.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

from game.expressions import Expression


def target_sequence(
    targets: Sequence[Expression], trials: int, ordering: str, rng: random.Random
) -> tuple[Expression, ...]:
    """One target per trial.

    `fixed` cycles the targets as written; `shuffled` shuffles that whole run; `balanced`
    shuffles each block of all targets and never asks for the same target twice in a row
    (when there are at least two), so counts differ by at most one.
    """
    if not targets:
        raise ValueError("a level needs at least one target")
    if trials < 0:
        raise ValueError(f"trials must be >= 0, got {trials}")
    cycled = [targets[i % len(targets)] for i in range(trials)]
    if ordering == "fixed":
        return tuple(cycled)
    if ordering == "shuffled":
        rng.shuffle(cycled)
        return tuple(cycled)
    if ordering != "balanced":
        raise ValueError(f"unknown ordering {ordering!r}")
    sequence: list[Expression] = []
    while len(sequence) < trials:
        block = list(targets)
        rng.shuffle(block)
        if len(block) > 1 and sequence and block[0] is sequence[-1]:
            swap = rng.randrange(1, len(block))
            block[0], block[swap] = block[swap], block[0]
        sequence.extend(block)
    return tuple(sequence[:trials])
