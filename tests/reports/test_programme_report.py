"""The report's "Programme and mastery" section and the export's `plan_id` column, from a
scripted run of real sessions (the rules engine on scripted readings) under two plans."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from game.cli import main
from game.paths import LEVELS_DIR
from game.play.programme import MasteryRule, Programme
from game.records import ProgressStore, open_store
from game.reports.export import export_rows
from game.reports.html_report import render_report
from tests.records.factories import StepClock, play_scripted_session


def _plan(sets: tuple[str, ...], at: str) -> Programme:
    return Programme.create(sets, MasteryRule(0.8, 2, 3), 10, created_at=at)


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    """Mia: a plan under which first-faces was mastered in sessions 1-2, then a changed plan
    (session 3 under it); Ben: no programme, one session."""
    folder = tmp_path / "data"
    clock = StepClock()
    with open_store(folder, clock=clock) as store:
        mia = store.create_profile("Mia", settings={"language": "zh-CN"})
        ben = store.create_profile("Ben")
        first = _plan(("first-faces", "six-feelings"), "2025-03-01T09:00:00+01:00")
        store.set_programme(mia.profile_id, first.to_json())
        for _ in range(2):
            play_scripted_session(store, mia.profile_id, LEVELS_DIR / "first-faces.toml",
                                  skill=1.0, plan_id=first.plan_id)
        second = _plan(("six-feelings", "stories"), "2025-03-10T09:00:00+01:00")
        store.set_programme(mia.profile_id, second.to_json())
        play_scripted_session(store, mia.profile_id, LEVELS_DIR / "six-feelings.toml",
                              skill=0.0, plan_id=second.plan_id)
        play_scripted_session(store, ben.profile_id, LEVELS_DIR / "first-faces.toml")
    return folder


def _store(data_dir: Path) -> ProgressStore:
    return open_store(data_dir, read_only=True)


def test_the_report_shows_the_steps_mastered_and_the_programme_history(data_dir: Path) -> None:
    with _store(data_dir) as store:
        mia = store.resolve_profile("Mia")
        first_plan = mia.programme_history[0]["programme"]["plan_id"]
        second_plan = mia.programme_history[1]["programme"]["plan_id"]
        html = render_report(store, mia.profile_id, lang="en")
        zh = render_report(store, mia.profile_id)  # the child's own language
        ben = render_report(store, store.resolve_profile("Ben").profile_id, lang="en")
    section = html.split("Programme and mastery", 1)[1].split("<h2>", 1)[0]
    newer, older = section.split(f"Plan {first_plan}")
    assert f"Plan {second_plan}: In force since" in newer
    assert "Steps mastered: 0 of 2." in newer
    assert "Now: 0 of 2 session(s) in a row met the rule" in newer
    assert "Little stories" in newer and "To come" in newer
    assert "Steps mastered: 1 of 2." in older
    assert "Mastered on" in older and "session 2" in older
    assert "Reached; the plan was changed before it was mastered" in older
    assert "at least 80% of the attempts made without help" in older
    assert '<html lang="zh-CN">' in zh and "练习计划和掌握情况" in zh and "第2次练习" in zh
    assert "Programme and mastery" not in ben  # no programme: no section


def test_the_export_carries_each_sessions_plan_id(data_dir: Path, tmp_path: Path) -> None:
    with _store(data_dir) as store:
        mia = store.resolve_profile("Mia")
        plans = [e["programme"]["plan_id"] for e in mia.programme_history]
        sessions = store.sessions_for(mia.profile_id)
        rows = export_rows(store)
    by_session = {row["session_id"]: row["plan_id"] for row in rows}
    assert [by_session[s.session_id] for s in sessions] == [plans[0], plans[0], plans[1]]
    assert {row["plan_id"] for row in rows if row["profile_id"] != mia.profile_id} == {""}
    out = tmp_path / "trials.csv"
    assert main(["export", "--data-dir", str(data_dir), "--out", str(out)]) == 0
    with out.open(encoding="utf-8-sig", newline="") as handle:
        exported = list(csv.DictReader(handle))
    assert {row["plan_id"] for row in exported} == {plans[0], plans[1], ""}
