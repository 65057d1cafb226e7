"""Per-frame traces: only when the child's profile allows them, append-only, crash-tolerant."""

from __future__ import annotations

from pathlib import Path

from game.records.store import memory_store, open_store
from game.records.traces import read_trace


def test_no_trace_unless_the_profile_allows_it(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    child = store.create_profile("Ava")
    session = store.start_session(child.profile_id, level_set_id="s")
    assert store.open_trace(session.session_id) is None
    assert not (tmp_path / "traces").exists()


def test_memory_store_keeps_no_traces() -> None:
    store = memory_store()
    child = store.create_profile("Ava", allow_frame_traces=True)
    session = store.start_session(child.profile_id, level_set_id="s")
    assert store.open_trace(session.session_id) is None


def test_trace_lines_append_and_survive_a_torn_last_line(tmp_path: Path) -> None:
    store = open_store(tmp_path)
    child = store.create_profile("Ava", allow_frame_traces=True)
    session = store.start_session(child.profile_id, level_set_id="s")
    first = store.open_trace(session.session_id)
    assert first is not None
    with first as trace:
        for t in range(3):
            trace.append({"t_ms": t * 33, "score": t / 10})
    again = store.open_trace(session.session_id)
    assert again is not None
    again.append({"t_ms": 99, "score": 0.3})
    again.close()
    path = store.trace_path(session.session_id)
    assert path is not None
    with open(path, "a", encoding="utf-8") as handle:
        handle.write('{"t_ms": 132, "sco')  # killed mid-line
    rows = read_trace(path)
    assert [row["t_ms"] for row in rows] == [0, 33, 66, 99]
    assert store.trials_for(child.profile_id) == []  # frames never touch the records file
