"""The home installation's screen and the child's page's "Make a home plan" (issue 23)."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from game.home.clinic import init_clinic
from game.home.plan import HomePlan
from game.play.session import Session
from game.records import Profile, ProgressStore, open_store
from game.ui.flow import GameFlow
from game.ui.input import Action, InputEvent
from game.ui.scene_stack import SceneStack
from game.ui.scenes.child_admin import ROWS, ChildAdminScene
from game.ui.scenes.home import HomeScene
from tests.ui.test_scenes_render import _context


def no_session(profile: Profile | None, now_ms: int) -> Session:
    """The session factory of a test in which no child plays."""
    raise AssertionError("no session is started in this test")


@pytest.fixture(autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def test_the_home_screen_counts_this_weeks_days_from_the_records(tmp_path: Path) -> None:
    from game.records.storage import local_now

    with open_store(tmp_path) as store:
        child = store.create_profile("Mia", profile_id="C-ABC123")
        session = store.start_session(child.profile_id, level_set_id="x", place="home",
                                      plan_id="P-1A2B3C4D")
        store.end_session(session.session_id)
        ctx = _context("calm", "en")
        ctx.store = store
        plan = HomePlan(plan_id="P-1A2B3C4D", profile_id="C-ABC123",
                        issued_at=local_now().isoformat(), days_per_week=4,
                        minutes_per_day=20, clinic_key="fqclinic1-x", level_set_id="")
        scene = HomeScene(ctx, plan, child)
        stack = SceneStack()
        stack.push(scene)
        assert (scene.week.days_done, scene.week.days_planned) == (1, 4)
        assert scene.week.practised_today
        texts = [line[0] for line in scene.lines]
        assert "Mia" in texts and "This week: 1 of 4 days" in texts


def _flow_with_mia(tmp_path: Path, store: ProgressStore) -> tuple[GameFlow, str]:
    """The game's flow over `store`, which now holds a child called Mia (her id)."""
    child = store.create_profile("Mia")
    ctx = _context("calm", "en")
    ctx.store = store
    return GameFlow(ctx, SceneStack(), no_session, data_dir=tmp_path), child.profile_id


def test_make_a_home_plan_writes_the_plan_into_the_data_folder(tmp_path: Path) -> None:
    init_clinic(tmp_path)
    with open_store(tmp_path) as store:
        flow, mia = _flow_with_mia(tmp_path, store)
        said = flow.make_home_plan(mia)
    (written,) = (tmp_path / "clinic" / "plans").glob("*.plan.json")
    assert said == f"Home plan saved as clinic/plans/{written.name}"
    plan = json.loads(written.read_text(encoding="utf-8"))
    assert plan["profile_id"] == mia and "Mia" not in written.read_text("utf-8")


def test_make_a_home_plan_with_a_damaged_ledger_says_so_and_works_when_pressed_again(
        tmp_path: Path) -> None:
    """The button said "First run: facequest clinic init" for a damaged ledger, for ever."""
    init_clinic(tmp_path)
    ledger = tmp_path / "clinic" / "ledger.json"
    ledger.write_bytes(b'{"plans": {')
    with open_store(tmp_path) as store:
        flow, mia = _flow_with_mia(tmp_path, store)
        said = flow.make_home_plan(mia)
        assert said == "The clinic's ledger was damaged and kept aside: press again"
        (kept,) = (tmp_path / "clinic").glob("ledger.damaged-*.json")
        assert kept.read_bytes() == b'{"plans": {'
        assert flow.make_home_plan(mia).startswith("Home plan saved as ")


def test_the_child_page_shows_what_the_home_plan_button_said() -> None:
    ctx = _context("calm", "en")
    from tests.ui.test_text_fit import _MIA

    scene = ChildAdminScene(ctx, _MIA, on_home_plan=lambda: "Home plan saved as x.json")
    for _ in range(next(i for i, row in enumerate(ROWS) if row.field == "home_plan")):
        scene.handle(InputEvent(Action.DOWN))
    scene.handle(InputEvent(Action.CONFIRM))
    assert scene.message == "Home plan saved as x.json"
