"""Fake readings, a fake clock and a driver for scripted reading streams."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from game.expressions import HintKey, QualityFlag, flags_face_present, flags_trusted
from game.play.events import Event
from game.play.session import Session
from game.play.trial import Trial

E = TypeVar("E", bound=Event)


@dataclass(frozen=True, slots=True)
class FakeReading:
    """Just the fields the engine reads (the `Reading` protocol)."""

    t_ms: int
    target_score: float
    hint: HintKey | None = None
    flags: frozenset[QualityFlag] = frozenset()
    motion: None = None

    @property
    def trusted(self) -> bool:
        return flags_trusted(self.flags)

    @property
    def face_present(self) -> bool:
        return flags_face_present(self.flags)


NO_FACE = frozenset({QualityFlag.NO_FACE})
HEAD_TURNED = frozenset({QualityFlag.HEAD_TURNED})


class Clock:
    """A fake clock: `now` only moves when a test moves it."""

    def __init__(self, start_ms: int = 10_000) -> None:
        self.now = start_ms

    def tick(self, ms: int) -> int:
        self.now += ms
        return self.now


class Feeder:
    """Feeds a target (a Trial or a Session) readings on a fake clock, 40 ms apart."""

    def __init__(self, target: Trial | Session, clock: Clock, frame_ms: int = 40) -> None:
        self.target = target
        self.clock = clock
        self.frame_ms = frame_ms
        self.events: list[Event] = []
        self._t = 0

    def reading(self, score: float, flags: frozenset[QualityFlag] = frozenset(),
                hint: HintKey | None = None) -> FakeReading:
        self._t += 1
        return FakeReading(self._t, score, hint, flags)

    def feed(self, score: float, ms: int, flags: frozenset[QualityFlag] = frozenset(),
             hint: HintKey | None = None) -> list[Event]:
        """One reading per frame for `ms` milliseconds; returns the events they caused."""
        out: list[Event] = []
        for _ in range(max(1, ms // self.frame_ms)):
            now = self.clock.tick(self.frame_ms)
            out += self.target.update(self.reading(score, flags, hint), now)
        self.events += out
        return out

    def idle(self, ms: int) -> list[Event]:
        """Frames with no new reading for `ms` milliseconds."""
        out: list[Event] = []
        for _ in range(max(1, ms // self.frame_ms)):
            out += self.target.update(None, self.clock.tick(self.frame_ms))
        self.events += out
        return out


def of_type(events: Iterable[Event], kind: type[E]) -> list[E]:
    return [e for e in events if isinstance(e, kind)]
