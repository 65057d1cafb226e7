"""Every store test runs on the JSON file storage and on the memory storage."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from game.records.storage import MemoryStorage
from game.records.store import ProgressStore, open_store
from tests.records.factories import StepClock


class Backend:
    """Opens stores on one backing: a data folder, or one MemoryStorage kept across opens."""

    def __init__(self, kind: str, data_dir: Path, clock: StepClock) -> None:
        self.kind = kind
        self.data_dir = data_dir
        self.clock = clock
        self.memory = MemoryStorage()
        self.opened: list[ProgressStore] = []

    def open(self) -> ProgressStore:
        if self.kind == "file":
            store = open_store(self.data_dir, clock=self.clock)
        else:
            store = ProgressStore(self.memory, clock=self.clock)
        self.opened.append(store)
        return store


@pytest.fixture
def clock() -> StepClock:
    return StepClock()


@pytest.fixture(params=["file", "memory"])
def backend(request: pytest.FixtureRequest, tmp_path: Path, clock: StepClock) -> Iterator[Backend]:
    made = Backend(request.param, tmp_path / "data", clock)
    yield made
    for store in made.opened:
        store.close()


@pytest.fixture
def store(backend: Backend) -> ProgressStore:
    return backend.open()
