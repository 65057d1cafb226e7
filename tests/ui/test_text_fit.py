"""Every text fits: each scene (and each overlay over the scene it covers), in both languages,
at every text size, in both palettes, drawn headless. Each text lies inside the window and
inside its card, no card half-covers a text, and no two visible texts overlap
(`game.ui.widgets.layout_probe`). Chinese wraps at phrase boundaries."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import Mock

import pygame
import pytest

from game import phrases
from game.expressions import Expression, HintKey
from game.home.plan import HomePlan
from game.paths import LEVELS_DIR
from game.play.level_library import LevelLibrary
from game.play.programme import MasteryRule, Programme
from game.play.schedule import ScheduleProgress, plan_schedule
from game.play.stickers import Sticker, StickerBook, award
from game.records import Profile, memory_store
from game.reports.adherence import WeekProgress
from game.ui.avatar_params import AvatarLook
from game.ui.context import GameContext
from game.ui.fonts import get_font
from game.ui.input import Action, InputEvent
from game.ui.replay_source import ReplayTrial
from game.ui.scene_stack import SceneStack
from game.ui.scenes.avatar_choice import AvatarChoiceScene
from game.ui.scenes.base import GameScene
from game.ui.scenes.break_scene import BreakScene
from game.ui.scenes.calibration import CalibrationScene
from game.ui.scenes.child_admin import ROWS, ChildAdminScene
from game.ui.scenes.confirm import ConfirmCard, ConsentQuestionCard
from game.ui.scenes.end import EndScene
from game.ui.scenes.home import HomeScene
from game.ui.scenes.hud import TrialView
from game.ui.scenes.maze import MazeScene
from game.ui.scenes.name_entry import NameEntryScene
from game.ui.scenes.overlays import HelpOverlay, MessageCard, NoticeCard, PauseOverlay, YesNoCard
from game.ui.scenes.pin import PinScene, PinSetupScene
from game.ui.scenes.plan import PlanScene
from game.ui.scenes.progress import ProgressScene
from game.ui.scenes.replay import ReplayScene
from game.ui.scenes.restore_offer import RestoreOfferCard
from game.ui.scenes.reward import RewardScene
from game.ui.scenes.schedule import ScheduleScene
from game.ui.scenes.settings_scene import ROWS as SETTINGS_ROWS
from game.ui.scenes.settings_scene import SettingsScene
from game.ui.scenes.start import StartScene
from game.ui.scenes.story import StoryScene
from game.ui.scenes.trial import CueScene, MimicScene, TrialScene
from game.ui.settings import TEXT_SCALES
from game.ui.widgets import layout_probe, wrap_text
from game.ui.widgets.text import _NO_END
from tests.records.factories import fill_progress, make_trial
from tests.ui.replay_fixtures import smiling_trial
from tests.ui.test_scenes_render import _context as _scene_context

REPO = Path(__file__).resolve().parents[2]
SHOTS = REPO / ".pytest_cache" / "text-fit"  # the zh-CN Large pictures, to look at by eye


@pytest.fixture(scope="module", autouse=True)
def _pygame() -> None:
    pygame.display.init()
    pygame.font.init()


def _context(palette: str, lang: str, scale: float) -> GameContext:
    return _scene_context(palette, lang, scale=scale, camera_view=False)


def _view(ctx: GameContext, mode: str, hint: bool) -> TrialView:
    target = Expression.SURPRISED
    return TrialView(mode=mode, target=target, trials_total=12, trial_index=2, threshold=0.55,
                     score=0.62, hold_ms=300, hold_required_ms=600,
                     hint=HintKey.RAISE_INNER_BROWS if hint else None,
                     prompt_text=phrases.text(phrases.show_me_key(target), ctx.lang),
                     story="birthday_cake", active=True)


def _trial(kind: type[TrialScene], hint: bool = False) -> Callable[[GameContext], GameScene]:
    return lambda c: kind(c, _view(c, kind.name, hint))


def _scrolled(scene: SettingsScene, rows: int) -> SettingsScene:
    for _ in range(rows):
        scene.handle(InputEvent(Action.DOWN))
    return scene


# issue 14 (D): the child admin page, its delete question, the restore offer, progress
_MIA = Profile(profile_id="P7K2QX", display_name="Mia", created_at="2026-01-05T10:00:00+01:00",
               updated_at="2026-01-05T10:00:00+01:00", birth_year=2018,
               notes="Likes dinosaurs; prefers quiet mode. Tired after lunch.")


def _admin(rows_down: int = 0, typed: str = "") -> Callable[[GameContext], GameScene]:
    def build(c: GameContext) -> GameScene:
        scene = ChildAdminScene(c, _MIA)
        for _ in range(rows_down):
            scene.handle(InputEvent(Action.DOWN))
        if typed:
            scene.handle(InputEvent(Action.CONFIRM))
            for _ in range(len(scene.draft)):
                scene.handle(InputEvent(Action.BACK))
            for ch in typed:
                scene.handle(InputEvent(Action.TEXT, text=ch))
            scene.handle(InputEvent(Action.CONFIRM))  # a bad year: the sentence shows
        return scene
    return build


def _confirm_delete(c: GameContext) -> GameScene:
    card = ConfirmCard(c, phrases.text("ui.admin.confirm_delete", c.lang, name="Mia"),
                       phrases.text("ui.admin.keep", c.lang, name="Mia"),
                       phrases.text("ui.admin.delete", c.lang, name="Mia"), on_act=lambda: None)
    card.handle(InputEvent(Action.RIGHT))
    card.handle(InputEvent(Action.CONFIRM))  # armed: "Press again to delete"
    return card


def _progress(page: int) -> Callable[[GameContext], GameScene]:
    def build(c: GameContext) -> GameScene:
        store = memory_store()
        c.profile = store.create_profile("Mia")
        fill_progress(store, c.profile.profile_id, sessions=3)
        c.store = store
        scene = ProgressScene(c)
        scene.enter()
        scene.page = page
        return scene
    return build


_SET_ASIDE = ("ui.records.set_aside", "progress.corrupt-20261129-191500.json",
              "backups/progress.backup-20261129-180200.json")


Build = tuple[Callable[[GameContext], GameScene], ...]

_CLINIC = ["Ava", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Hugo", "Isla", "Jack",
           "Kai", "Lily", "Mason", "Nora", "Oscar", "Poppy", "Quinn", "Ruby", "Sam", "Theo",
           "Uma", "Victor Alexander-Montgomery", "王小明"]


def _clinic(typed: str = "") -> Callable[[GameContext], GameScene]:
    """The start screen of a clinic with 23 children (a letter typed, perhaps)."""

    def make(c: GameContext) -> GameScene:
        scene = StartScene(c, [Mock(display_name=name, profile_id=f"C-{i:06X}")
                               for i, name in enumerate(_CLINIC)])
        for letter in typed:
            scene.handle(InputEvent(Action.LETTER, letter=letter))
        return scene

    return make


def _replay(t_ms: int) -> Callable[[GameContext], GameScene]:
    def build(c: GameContext) -> GameScene:
        started = "2026-11-29T10:00:00+01:00"
        scene = ReplayScene(c, [ReplayTrial("S-1", started, 12, 12, smiling_trial(3.0)),
                                ReplayTrial("S-1", started, 13, 13, smiling_trial(1.0))])
        scene.seek(t_ms)
        return scene
    return build


def _for_child(c: GameContext) -> GameScene:
    c.profile = Profile(profile_id="C-ABC123", display_name="Victor Alexander-Montgomery",
                        created_at="2026-01-01T00:00:00+00:00",
                        updated_at="2026-01-01T00:00:00+00:00")
    return SettingsScene(c)

# issue 23 (h23a): the child's programme page, and the start screen's next step
_LONG_NAME = "Victor Alexander-Montgomery"


def _plan_page(rows_down: int = 0, message: str = "",
               today: str | None = None) -> Callable[[GameContext], GameScene]:
    def build(c: GameContext) -> GameScene:
        store = memory_store()
        child = store.create_profile(_LONG_NAME)
        programme = Programme.create(("six-feelings", "first-faces", "stories"), MasteryRule(),
                                     10, created_at="2026-12-06T10:00:00+00:00")
        c.store = store
        profile = store.set_programme(child.profile_id, programme.to_json())
        scene = PlanScene(c, profile, LevelLibrary(LEVELS_DIR), fallback_id="first-faces",
                          today=today, on_today=lambda chosen: None,
                          now=lambda: "2026-12-06T11:00:00+00:00")
        scene.enter()
        for _ in range(rows_down):
            scene.handle(InputEvent(Action.DOWN))
        if message:
            scene.message = scene.t(message)
        return scene
    return build


def _home(named: bool = True, done_today: bool = False) -> Callable[[GameContext], GameScene]:
    """A home installation's screen (issue 23): the plan's child, today, this week."""
    def build(c: GameContext) -> GameScene:
        plan = HomePlan(plan_id="P-1A2B3C4D", profile_id="C-ABC123",
                        issued_at="2026-11-30T09:00:00+01:00", days_per_week=7,
                        minutes_per_day=240, clinic_key="fqclinic1-x", level_set_id="")
        child = Profile(profile_id="C-ABC123", display_name="Victor Alexander-Montgomery",
                        created_at="2026-01-01T00:00:00+00:00",
                        updated_at="2026-01-01T00:00:00+00:00") if named else None
        scene = HomeScene(c, plan, child)
        scene.set_week(WeekProgress(6, 7, 240.0 if done_today else 185.0, True))
        return scene
    return build


def _start_next(key: str, names: list[str] | None = None) -> Callable[[GameContext], GameScene]:
    def build(c: GameContext) -> GameScene:
        scene = StartScene(c, [Mock(display_name=name, profile_id=f"C-{i:06X}") for i, name
                               in enumerate(names or [_LONG_NAME, "张小明"])])
        while names and _LONG_NAME not in [p.display_name for p in scene.profiles]:
            scene.next_page()  # the page of the longest name, which is focused
        scene.menu.focus = [p.display_name for p in scene.profiles].index(_LONG_NAME)
        library = LevelLibrary(LEVELS_DIR)
        scene.set_next_step(lambda p, lang: phrases.text(
            key, lang, name=p.display_name, title=library.title("six-feelings", lang),
            step=2, steps=3))
        return scene
    return build


def _row_of(field: str) -> int:
    """The child's page's row for a profile field (rows are added over time)."""
    return [row.field for row in ROWS].index(field)


def _home_plan_said(key: str, **fields: str) -> Callable[[GameContext], GameScene]:
    """The child's page after its "Make a home plan" button said `key`."""
    def build(c: GameContext) -> GameScene:
        scene = ChildAdminScene(c, _MIA, on_home_plan=lambda: phrases.text(key, c.lang,
                                                                           **fields))
        for _ in range(_row_of("home_plan")):
            scene.handle(InputEvent(Action.DOWN))
        scene.handle(InputEvent(Action.CONFIRM))
        return scene
    return build


# issue 23: the schedule, the sticker book and the avatar's looks
def _schedule(faces: tuple[int, ...] = (6, 6, 8), started: int = 0,
              rests: tuple[int, ...] = ()) -> ScheduleProgress:
    levels = [SimpleNamespace(id=f"level-{i}", mode="mimic", trials=n)
              for i, n in enumerate(faces)]
    progress = ScheduleProgress(plan_schedule(levels))
    for n in range(started):
        progress.face_started()
        if n + 1 in rests:
            progress.rest_started()
            if n + 1 != started:
                progress.rest_ended()
    return progress


def _stickers(stickers: int, stars: int) -> tuple[Sticker, ...]:
    records = [make_trial(i, prompt_level=0 if i < stickers else 1)
               for i in range(stickers + stars)]
    return award(records, "S-1", StickerBook(), lambda: datetime(2026, 12, 6, tzinfo=UTC))


def _with_books(c: GameContext) -> GameScene:
    book = [s.to_dict() for s in _stickers(5, 3)]
    children = [Profile(profile_id=f"C-{i:06X}", display_name=name, created_at="",
                        updated_at="", stickers=book if i != 1 else [])
                for i, name in enumerate(["Victor Alexander-Montgomery", "Kim", "王小明"])]
    return StartScene(c, children)


def _pin_file_damaged(c: GameContext) -> GameScene:
    """The PIN pad after a PIN was typed against a damaged PIN file (the pad says so)."""
    scene = PinScene(c, lambda pin: False, lambda: StartScene(c, []))
    scene.damaged = True
    return scene


# every scene the child or therapist sees; overlays over the scene they are shown on
SCENES: dict[str, Build] = {
    "start": (lambda c: StartScene(c, [Mock(display_name="Kim"), Mock(display_name="张小明")]),),
    "pin": (lambda c: PinScene(c, lambda pin: False, lambda: StartScene(c, [])),),
    "pin_setup": (lambda c: PinSetupScene(c, lambda pin: True, lambda: StartScene(c, [])),),
    "pin_file_damaged": (_pin_file_damaged,),
    "name_entry": (lambda c: NameEntryScene(c, lambda name: None),),
    "settings": (SettingsScene,),
    "settings_scrolled": (lambda c: _scrolled(SettingsScene(c), 8),),
    # issue 25: the last rows ("Show the session timer", "Show the camera picture")
    "settings_bottom": (lambda c: _scrolled(SettingsScene(c), len(SETTINGS_ROWS) - 1),),
    "calibration": (CalibrationScene,),
    "mimic": (_trial(MimicScene),),
    "mimic_hint": (_trial(MimicScene, hint=True),),
    "cue": (_trial(CueScene),),
    "cue_hint": (_trial(CueScene, hint=True),),
    "story": (_trial(StoryScene),),
    "maze": (_trial(MazeScene),),
    "maze_hint": (_trial(MazeScene, hint=True),),
    "reward_independent": (lambda c: RewardScene(c, 3, True, target=Expression.SURPRISED),),
    "reward_prompted": (lambda c: RewardScene(c, 1, False, 3, target=Expression.SURPRISED),),
    "try_another_over_cue": (_trial(CueScene), lambda c: MessageCard(c, "try_another")),
    "try_another_over_maze": (_trial(MazeScene), lambda c: MessageCard(c, "try_another")),
    "try_another_over_story": (_trial(StoryScene), lambda c: MessageCard(c, "try_another")),
    "break": (_trial(CueScene), lambda c: BreakScene(c, on_end=lambda: None)),
    "pause_over_reward": (lambda c: RewardScene(c, 1, False, 3, target=Expression.SURPRISED),
                          lambda c: PauseOverlay(c, "manual")),
    "pause_over_mimic": (_trial(MimicScene), lambda c: PauseOverlay(c, "manual")),
    "no_face_over_cue": (_trial(CueScene), lambda c: PauseOverlay(c, "no_face")),
    "help_over_mimic": (_trial(MimicScene), HelpOverlay),
    "notice_over_start": (lambda c: StartScene(c, []),
                          lambda c: NoticeCard(c, lambda lang: phrases.text(
                              "ui.records.set_aside", lang, moved="progress.corrupt.json",
                              backup="backups/progress.backup.json"))),
    "damaged_notice_over_start": (lambda c: StartScene(c, []),
                                  lambda c: NoticeCard(c, lambda lang: phrases.text(
                                      "ui.records.damaged_set_aside", lang, count=2,
                                      moved="/home/therapist/.local/share/facequest/"
                                            "progress.set-aside-20261207-074638.json"))),
    "progress": (ProgressScene,),
    "progress_table": (_progress(0),),
    "progress_chart": (_progress(2),),
    "child_admin": (lambda c: StartScene(c, []), _admin()),
    "child_admin_scrolled": (lambda c: StartScene(c, []), _admin(rows_down=8)),
    "child_admin_replay_row": (lambda c: StartScene(c, []), _admin(rows_down=6)),
    "child_admin_bad_year": (lambda c: StartScene(c, []), _admin(rows_down=1, typed="18")),
    "confirm_delete": (lambda c: StartScene(c, []), _admin(rows_down=7), _confirm_delete),
    "motion_consent": (lambda c: StartScene(c, []),
                       lambda c: ConsentQuestionCard(c, "Alexandra-Marie", lambda keep: None)),
    "restore_offer": (lambda c: StartScene(c, []),
                      lambda c: RestoreOfferCard(c, lambda lang: phrases.text(
                          _SET_ASIDE[0], lang, moved=_SET_ASIDE[1], backup=_SET_ASIDE[2]),
                          on_restore=lambda: None)),
    "end": (lambda c: EndScene(c, 14, 6, 8),),
    # issue 25: "+10" after a full row of stars, and a great many stars
    "end_20_stars": (lambda c: EndScene(c, 20, 6, 8),),
    "end_120_stars": (lambda c: EndScene(c, 120, 30, 40),),
    # issue 14: the therapist's day
    "start_23_children": (_clinic(),),
    "start_23_children_typed": (_clinic("v"),),
    "start_23_children_none_found": (_clinic("xq"),),
    "settings_for_a_child": (_for_child,),
    "confirm_end_over_mimic": (_trial(MimicScene), lambda c: YesNoCard(
        c, "ui.flow.end_question", on_yes=lambda: None)),
    "confirm_quit_over_start": (_clinic(), lambda c: YesNoCard(
        c, "ui.flow.quit_question", on_yes=lambda: None)),
    "end_video_ended": (lambda c: EndScene(c, 0, 0, 0, reason_key="ui.flow.video_ended"),),
    "end_video_ended_stars": (lambda c: EndScene(c, 3, 1, 1,
                                                 reason_key="ui.flow.video_ended"),),
    # issue 21 (5): the replay of a trial's motion record, from the child's page
    "replay_holding": (lambda c: StartScene(c, []), _replay(1950)),
    "replay_no_face": (lambda c: StartScene(c, []), _replay(500)),
    "replay_end": (lambda c: StartScene(c, []), _replay(10_000)),
    "replay_nothing": (lambda c: StartScene(c, []), lambda c: ReplayScene(c, [])),
    # issue 23 (h23a): the programme
    "plan": (lambda c: StartScene(c, []), _plan_page()),
    "plan_today_chosen": (lambda c: StartScene(c, []), _plan_page(today="face-maze")),
    "plan_scrolled": (lambda c: StartScene(c, []), _plan_page(rows_down=20)),
    "plan_need_set": (lambda c: StartScene(c, []), _plan_page(rows_down=8,
                                                              message="ui.plan.need_set")),
    "plan_saved": (lambda c: StartScene(c, []), _plan_page(rows_down=8,
                                                           message="ui.plan.saved")),
    "start_next_step": (_start_next("ui.plan.next"),),
    "start_next_today": (_start_next("ui.plan.next.today"),),
    "start_next_done": (_start_next("ui.plan.next.done"),),
    "start_next_23_children": (_start_next("ui.plan.next.today", _CLINIC),),
    # issue 23: home practice
    "home": (_home(),),
    "home_done_today": (_home(done_today=True),),
    "home_no_child": (_home(named=False),),
    "child_admin_home_plan": (lambda c: StartScene(c, []), _admin(rows_down=_row_of("home_plan"))),
    "child_admin_home_plan_written": (lambda c: StartScene(c, []), _home_plan_said(
        "ui.home.admin.plan_written", path="clinic/plans/P-1A2B3C4D.plan.json")),
    "child_admin_home_plan_ledger_kept_aside": (lambda c: StartScene(c, []), _home_plan_said(
        "ui.home.admin.ledger_kept_aside")),
    # issue 23 (2): the child's side
    "schedule": (lambda c: ScheduleScene(c, _schedule(), on_start=lambda: None),),
    "schedule_two_levels_of_12": (lambda c: ScheduleScene(
        c, _schedule((12, 12)), on_start=lambda: None),),
    "schedule_one_face": (lambda c: ScheduleScene(c, _schedule((1,)), on_start=lambda: None),),
    "break_with_schedule": (_trial(CueScene), lambda c: BreakScene(
        c, on_end=lambda: None, schedule=_schedule(started=9, rests=(4, 9)))),
    "end_stickers": (lambda c: EndScene(c, 14, 6, 8, stickers=_stickers(6, 2),
                                        book_size=137),),
    "end_many_stickers": (lambda c: EndScene(c, 30, 14, 14, stickers=_stickers(10, 4),
                                             book_size=14),),
    "start_stickers": (_with_books,),
    "child_admin_avatar_row": (lambda c: StartScene(c, []), _admin(rows_down=_row_of("avatar"))),
    "avatar_choice": (lambda c: StartScene(c, []), _admin(rows_down=_row_of("avatar")),
                      lambda c: AvatarChoiceScene(c, AvatarLook.CURLS, lambda look: None)),
}


def _draw(build: Build, ctx: GameContext) -> tuple[pygame.Surface, list[layout_probe.Drawn]]:
    stack = SceneStack()
    for make in build:
        stack.push(make(ctx))
        stack.update(400, 1000)
    surface = pygame.Surface(ctx.window_size)
    with layout_probe.recording() as probe:
        stack.draw(surface)
    return surface, probe.items


@pytest.mark.parametrize("palette", ["calm", "high_contrast"])
@pytest.mark.parametrize("scale", TEXT_SCALES, ids=lambda s: f"x{s}")
@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("name", sorted(SCENES))
def test_every_text_fits_its_card_and_the_window(name: str, lang: str, scale: float,
                                                 palette: str) -> None:
    ctx = _context(palette, lang, scale)
    surface, drawn = _draw(SCENES[name], ctx)
    assert any(item.kind == "text" for item in drawn), "the scene drew no text"
    if lang == "zh-CN" and scale == max(TEXT_SCALES) and palette == "calm":
        SHOTS.mkdir(parents=True, exist_ok=True)
        pygame.image.save(surface, str(SHOTS / f"{name}.png"))
    assert layout_probe.problems(drawn, ctx.window_size) == []


# -- the probe itself --------------------------------------------------------------------

def test_the_probe_finds_a_text_leaving_its_card_the_window_and_another_text() -> None:
    drawn = [
        layout_probe.Drawn("card", (100, 100, 200, 100)),
        layout_probe.Drawn("text", (120, 120, 250, 30), "too wide"),
        layout_probe.Drawn("text", (1200, 10, 200, 30), "off the edge"),
        layout_probe.Drawn("text", (1250, 20, 20, 20), "on top"),
    ]
    found = layout_probe.problems(drawn, (1280, 720))
    assert len(found) == 3
    assert "not inside its card" in found[0] and "leaves the window" in found[1]
    assert "overlaps" in found[2]


def test_the_probe_finds_a_text_over_a_shape_and_a_shape_leaving_the_window() -> None:
    drawn = [
        layout_probe.Drawn("card", (100, 100, 600, 300)),
        layout_probe.Drawn("shape", (200, 200, 60, 60), "star"),
        layout_probe.Drawn("shape", (1260, 200, 60, 60), "star"),
        layout_probe.Drawn("text", (250, 210, 80, 40), "+10"),
        layout_probe.Drawn("text", (400, 210, 80, 40), "clear"),
    ]
    found = layout_probe.problems(drawn, (1280, 720))
    assert len(found) == 2
    assert "star" in found[0] and "leaves the window" in found[0]
    assert "'+10'" in found[1] and "overlaps the star" in found[1]


def test_the_settings_screen_names_its_keys(tmp_path: Path) -> None:
    for lang in ("en", "zh-CN"):
        _surface, drawn = _draw((SettingsScene,), _context("calm", lang, max(TEXT_SCALES)))
        assert phrases.text("ui.keys.settings", lang) in [d.text for d in drawn]


def test_the_probe_finds_a_text_half_under_a_later_card_and_forgets_a_covered_one() -> None:
    drawn = [
        layout_probe.Drawn("text", (100, 100, 200, 40), "covered"),
        layout_probe.Drawn("text", (100, 600, 200, 40), "half under"),
        layout_probe.Drawn("card", (50, 50, 400, 570)),
        layout_probe.Drawn("text", (110, 110, 100, 30), "on the card"),
    ]
    found = layout_probe.problems(drawn, (1280, 720))
    assert len(found) == 1 and "'half under'" in found[0] and "sticks out" in found[0]
    drawn.append(layout_probe.Drawn("cover", (0, 0, 1280, 720)))
    assert len(layout_probe.problems(drawn, (1280, 720))) == 1  # the cover adds none


# -- Chinese line breaks -----------------------------------------------------------------

def _zh_texts() -> list[str]:
    return [phrases.text(key, "zh-CN") for key in phrases.spoken_keys()]


@pytest.mark.parametrize("width", [330, 420, 560])
def test_chinese_never_ends_a_line_on_a_lone_character_or_opening_punctuation(
    width: int,
) -> None:
    font = get_font(round(44 * max(TEXT_SCALES)))  # the Large title size: the fewest per line
    for text in _zh_texts():
        lines = wrap_text(text, font, width)
        for line in lines[:-1]:
            assert line[-1] not in _NO_END, (text, lines)
        if len(lines) > 1:  # one character alone on a line only when it closes a clause
            for line in lines:
                letters = line.strip("，。！？、：；…")
                assert len(letters) >= 2 or line[-1] in "，。！？", (text, lines)


def test_the_surprised_prompt_wraps_between_phrases() -> None:
    font = get_font(round(44 * 1.5))
    lines = wrap_text("做一个惊讶的表情吧！", font, 420)
    assert lines == ["做一个", "惊讶的表情吧！"] or lines == ["做一个惊讶的", "表情吧！"]
