"""The child lock on recorded streams of face boxes (no MediaPipe, no clock)."""

from __future__ import annotations

from game.vision.child_lock import FORGET_MS, Candidate, ChildLock

FRAME = (640, 480)
CHILD = (280.0, 200.0, 360.0, 290.0)  # 80 px wide, centred


def shifted(
    box: tuple[float, float, float, float], dx: float, scale: float = 1.0
) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = box
    cx, cy, w, h = (x0 + x1) / 2 + dx, (y0 + y1) / 2, (x1 - x0) * scale, (y1 - y0) * scale
    return (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)


def test_the_most_central_face_is_taken_at_the_start_even_when_a_bigger_one_is_beside() -> None:
    lock = ChildLock()
    parent = shifted(CHILD, 170, scale=1.4)
    assert lock.choose([Candidate(parent), Candidate(CHILD)], 0, FRAME) == 1
    assert lock.box == CHILD


def test_a_bigger_face_that_arrives_later_never_takes_over() -> None:
    lock = ChildLock()
    stream = [[Candidate(CHILD)]] * 10
    # A parent leans in beside the child, bigger and then more central than the child.
    for t in range(10, 40):
        parent = shifted(CHILD, 200 - 5 * (t - 10), scale=1.5)
        stream.append([Candidate(parent), Candidate(shifted(CHILD, -(t - 10)))])
    chosen = [lock.choose(c, t * 33, FRAME) for t, c in enumerate(stream)]
    assert all(c == 0 for c in chosen[:10])
    assert all(c == 1 for c in chosen[10:]), chosen


def test_the_child_away_is_said_even_when_another_face_is_there() -> None:
    lock = ChildLock()
    lock.choose([Candidate(CHILD)], 0, FRAME)
    parent = shifted(CHILD, 250, scale=1.4)
    for t in range(1, 60):
        assert lock.choose([Candidate(parent)], t * 33, FRAME) is None
    # The child comes back to about where they sat: followed again.
    assert lock.choose([Candidate(parent), Candidate(shifted(CHILD, 30))], 60 * 33, FRAME) == 1


def test_the_lock_forgets_only_after_nobody_was_in_view_for_a_while() -> None:
    lock = ChildLock()
    lock.choose([Candidate(CHILD)], 0, FRAME)
    elsewhere = shifted(CHILD, -250)
    assert lock.choose([], FORGET_MS - 100, FRAME) is None
    assert lock.choose([Candidate(elsewhere)], FORGET_MS - 50, FRAME) is None
    assert lock.choose([], 2 * FORGET_MS, FRAME) is None
    assert not lock.locked
    assert lock.choose([Candidate(elsewhere)], 2 * FORGET_MS + 33, FRAME) == 0


def test_a_child_walking_closer_is_followed() -> None:
    lock = ChildLock()
    box = (300.0, 220.0, 340.0, 265.0)  # 40 px wide, far
    lock.choose([Candidate(box)], 0, FRAME)
    for t in range(1, 40):
        box = shifted(box, 1.0, scale=1.04)  # grows 4% a frame
        assert lock.choose([Candidate(box)], t * 33, FRAME) == 0
    assert lock.box is not None and lock.box[2] - lock.box[0] > 150


def test_follows_asks_without_changing_the_lock() -> None:
    lock = ChildLock()
    lock.choose([Candidate(CHILD)], 0, FRAME)
    assert lock.follows([Candidate(shifted(CHILD, 10))], 33) == 0
    assert lock.follows([Candidate(shifted(CHILD, 300))], 33) is None
    assert lock.box == CHILD
    assert ChildLock().follows([Candidate(CHILD)], 0) is None
