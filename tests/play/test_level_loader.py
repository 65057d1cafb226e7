"""Level-set files: shipped sets load; every error names file:line:field, found and allowed."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.expressions import Expression
from game.paths import LEVELS_DIR
from game.play.level_loader import (
    LevelFileError,
    check_level_file,
    check_level_text,
    load_level_set,
)
from game.play.toml_lines import key_lines, line_of

BROKEN = Path(__file__).parent / "broken_levels"
SHIPPED = sorted(LEVELS_DIR.glob("*.toml"))

HEAD = 'id = "t"\ntitle = { en = "T", zh-CN = "测" }\n'
LEVEL = ('[[levels]]\nid = "a"\ntitle = { en = "A", zh-CN = "甲" }\nmode = "mimic"\n'
         'targets = ["happy"]\n')


def errors_of(text: str) -> list[str]:
    return [str(e) for e in check_level_text(text, "x.toml")[1]]


# -- the shipped sets --------------------------------------------------------------------

def test_the_four_required_sets_are_shipped() -> None:
    ids = {load_level_set(path).id for path in SHIPPED}
    assert {"first-faces", "six-feelings", "face-maze", "stories"} <= ids


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_every_shipped_file_loads_without_errors(path: Path) -> None:
    assert check_level_file(path) == []
    level_set = load_level_set(path)
    assert level_set.source == path
    assert level_set.languages == ("en", "zh-CN")
    for level in level_set.levels:
        assert level.title["en"] and level.title["zh-CN"]


def test_shipped_sets_match_their_purpose() -> None:
    sets = {load_level_set(p).id: load_level_set(p) for p in SHIPPED}
    first = sets["first-faces"]
    assert {lv.mode for lv in first.levels} == {"mimic"}
    assert set().union(*(lv.targets for lv in first.levels)) == {
        Expression.HAPPY, Expression.SAD, Expression.ANGRY, Expression.SURPRISED}
    six = sets["six-feelings"]
    assert [lv.mode for lv in six.levels] == ["mimic", "cue"]
    assert all(len(lv.targets) == 6 for lv in six.levels)
    maze = sets["face-maze"]
    assert maze.levels[0].mode == "maze" and maze.levels[0].maze is not None
    assert set(maze.levels[0].targets) == {Expression.HAPPY, Expression.ANGRY}
    stories = sets["stories"].levels[0]
    assert stories.mode == "story"
    assert all(stories.scenes_for(t) for t in stories.targets)
    for level_set in sets.values():
        assert level_set.session.time_cap_ms <= 900_000


def test_spoken_texts_cover_every_text_per_language() -> None:
    stories = load_level_set(LEVELS_DIR / "stories.toml")
    texts = stories.spoken_texts()
    assert set(texts) == {"en", "zh-CN"}
    for scene in stories.levels[0].scenes:
        assert scene.text["en"] in texts["en"] and scene.text["zh-CN"] in texts["zh-CN"]
    assert stories.title["zh-CN"] in texts["zh-CN"]
    assert len(texts["en"]) == len(set(texts["en"]))
    maze = load_level_set(LEVELS_DIR / "face-maze.toml")
    prompts = maze.levels[0].prompts
    assert prompts is not None
    assert prompts[Expression.HAPPY]["en"] in maze.spoken_texts()["en"]


def test_defaults_fill_every_field_left_out() -> None:
    level_set, errors = check_level_text(HEAD + LEVEL, "x.toml")
    assert errors == [] and level_set is not None
    level = level_set.levels[0]
    assert (level.trials, level.ordering, level.threshold, level.hold_ms) == (
        6, "balanced", 0.6, 1000)
    assert [s.kind for s in level.prompting.steps] == [
        "voice_repeat", "model_face", "part_hint", "lower_threshold"]
    assert level_set.session.time_cap_ms == 15 * 60 * 1000
    assert level.maze is None and level.scenes == ()


# -- broken files: one per error class ------------------------------------------------------

@pytest.mark.parametrize(("name", "expected"), [
    ("misspelt_field", "misspelt_field.toml:17: levels[1].treshold: found unknown field "
                       "'treshold' (did you mean 'threshold'?); allowed: one of id, title"),
    ("threshold_out_of_range", "threshold_out_of_range.toml:17: levels[1].threshold: found "
                               "1.5; allowed: a number from 0.1 to 0.95"),
    ("wrong_type", "wrong_type.toml:18: levels[1].hold_ms: found \"800\"; allowed: a whole "
                   "number from 0 to 10_000"),
    ("unknown_mode", "unknown_mode.toml:8: levels[0].mode: found \"copy\"; allowed: one of "
                     "mimic, cue, maze, story"),
    ("unknown_expression", "unknown_expression.toml:16: levels[1].targets[1]: found "
                           "\"suprised\"; allowed: one of neutral, happy, sad"),
])
def test_each_broken_file_names_file_line_field_found_and_allowed(
    name: str, expected: str
) -> None:
    path = BROKEN / f"{name}.toml"
    errors = [str(e) for e in check_level_file(path)]
    assert len(errors) == 1, errors
    assert errors[0].startswith(str(path.parent) + "/")
    assert expected in errors[0]
    with pytest.raises(LevelFileError) as info:
        load_level_set(path)
    assert expected in str(info.value)


def test_syntax_errors_name_the_line() -> None:
    errors = errors_of(HEAD + LEVEL + 'threshold = = 0.5\n')
    assert len(errors) == 1 and errors[0].startswith("x.toml:8: (syntax): found ")


def test_missing_required_fields_point_at_their_table() -> None:
    errors = errors_of(HEAD + '[[levels]]\nid = "a"\nmode = "cue"\n')
    assert errors == [
        "x.toml:3: levels[0].title: found nothing (the field is missing); allowed: a table of "
        "non-empty texts, one per language of the set",
        "x.toml:3: levels[0].targets: found nothing (the field is missing); allowed: an array "
        "of distinct values from neutral, happy, sad, angry, surprised, fearful, disgusted "
        "(at most 7)",
    ]
    assert errors_of('title = { en = "T", zh-CN = "测" }\n')[0].startswith("x.toml:1: id: ")


def test_texts_need_every_language_and_no_other() -> None:
    text = HEAD + LEVEL.replace('title = { en = "A", zh-CN = "甲" }',
                                'title = { en = "A", fr = "A" }')
    assert errors_of(text) == [
        "x.toml:5: levels[0].title.fr: found a text for language 'fr'; allowed: the set's "
        "languages: en, zh-CN",
        "x.toml:5: levels[0].title: found no zh-CN text; allowed: a text for each of en, zh-CN",
    ]
    english_only = 'languages = ["en"]\n' + HEAD.replace(', zh-CN = "测"', "") + LEVEL.replace(
        ', zh-CN = "甲"', "")
    assert errors_of(english_only) == []


def test_inline_array_entries_get_their_own_lines() -> None:
    text = HEAD + LEVEL + (
        "[levels.prompting]\nsteps = [\n  { kind = \"voice_repeat\", after_ms = 1000 },\n"
        "  { kind = \"shout\", after_ms = 2000 },\n]\n")
    assert errors_of(text) == [
        "x.toml:11: levels[0].prompting.steps[1].kind: found \"shout\"; allowed: one of "
        "voice_repeat, model_face, part_hint, lower_threshold"]


@pytest.mark.parametrize(("extra", "expected"), [
    ('[[levels]]\nid = "a"\ntitle = { en = "B", zh-CN = "乙" }\nmode = "cue"\n'
     'targets = ["sad"]\n',
     "x.toml:9: levels[1].id: found \"a\" (already used on line 4); allowed: an id no other"),
    ('[levels.prompting]\n[[levels.prompting.steps]]\nkind = "voice_repeat"\n',
     "x.toml:9: levels[0].prompting.steps[0]: found a step with neither after_ms nor "
     "after_failures"),
    ('[[levels.prompting.steps]]\nkind = "model_face"\nafter_ms = 1\nthreshold_drop = 0.2\n',
     "x.toml:11: levels[0].prompting.steps[0].threshold_drop: found threshold_drop on a "
     "model_face step; allowed: threshold_drop only on lower_threshold steps"),
    ('[[levels.prompting.steps]]\nkind = "model_face"\nafter_ms = 25_000\n',
     "x.toml:10: levels[0].prompting.steps[0].after_ms: found 25000; allowed: less than the "
     "level's time_limit_ms (20000)"),
    ('[levels.rewards]\nindependent = 1\nprompted = 2\n',
     "x.toml:10: levels[0].rewards.prompted: found 2; allowed: at most rewards.independent (1)"),
    ('[levels.adaptive]\nthreshold_min = 0.7\n',
     "x.toml:3: levels[0].threshold: found 0.6 (the default); allowed: from "
     "adaptive.threshold_min (0.7) to adaptive.threshold_max (0.85) when adaptive difficulty "
     "is on"),
    ('[levels.adaptive]\nhold_min_ms = 900\nhold_max_ms = 800\n',
     "x.toml:9: levels[0].adaptive.hold_min_ms: found 900; allowed: at most "
     "adaptive.hold_max_ms (800)"),
    ('[levels.maze]\nsize = 9\n',
     "x.toml:8: levels[0].maze: found maze settings in a mimic level; allowed: [levels.maze] "
     "only in maze mode"),
    ('[[levels.scenes]]\ntarget = "happy"\ntext = { en = "Hi", zh-CN = "嗨" }\n',
     "x.toml:8: levels[0].scenes: found scenes in a mimic level; allowed: scenes only in "
     "story mode"),
    ('[levels.prompts]\nsad = { en = "Sad?", zh-CN = "难过？" }\n',
     "x.toml:9: levels[0].prompts.sad: found a prompt for 'sad'; allowed: prompts only for "
     "the level's targets: happy"),
    ('[levels.prompts]\nsadd = { en = "Sad?", zh-CN = "难过？" }\n',
     "x.toml:9: levels[0].prompts.sadd: found an entry for 'sadd'; allowed: expression names"),
    ('colour = "red"\n',
     "x.toml:8: levels[0].colour: found unknown field 'colour'; allowed: one of id, title"),
    ('trials = 0\n', "x.toml:8: levels[0].trials: found 0; allowed: a whole number from 1 to"),
    ('ordering = "random"\n', "x.toml:8: levels[0].ordering: found \"random\"; allowed: one "
                             "of fixed, shuffled, balanced"),
    ('targets = ["happy"]\n', "(syntax)"),
])
def test_cross_field_and_type_errors(extra: str, expected: str) -> None:
    errors = errors_of(HEAD + LEVEL + extra)
    assert any(expected in e for e in errors), errors


def test_story_mode_needs_a_scene_per_target() -> None:
    text = HEAD + LEVEL.replace('"mimic"', '"story"').replace('["happy"]', '["happy", "sad"]')
    text += '[[levels.scenes]]\ntarget = "happy"\ntext = { en = "Hi", zh-CN = "嗨" }\n'
    text += '[[levels.scenes]]\ntarget = "angry"\ntext = { en = "Grr", zh-CN = "哼" }\n'
    assert errors_of(text) == [
        "x.toml:12: levels[0].scenes[1].target: found \"angry\"; allowed: one of the level's "
        "targets: happy, sad",
        "x.toml:8: levels[0].scenes: found no scene for sad; allowed: at least one "
        "[[levels.scenes]] per target in story mode",
    ]


def test_every_error_is_reported_not_just_the_first() -> None:
    text = HEAD + LEVEL + 'threshold = 2.0\nhold_ms = -1\nmode2 = "x"\n'
    assert len(errors_of(text)) == 3


def test_an_unreadable_file_is_an_error_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_bytes(b"\xff\xfe\x00")
    assert check_level_file(path)[0].field == "(file)"
    assert check_level_file(tmp_path / "missing.toml")[0].line == 1


# -- the line finder ---------------------------------------------------------------------

def test_key_lines_handles_headers_arrays_and_strings() -> None:
    text = (
        'a = 1\n'
        'b = """multi\nline = 3\n"""\n'
        "c = 'lit # not a comment'  # a comment\n"
        '[t]\n'
        '"quoted.key" = [\n  1,\n  [2, 3],\n]\n'
        '[[arr]]\nx = 1\n[[arr]]\nx = 2\n[arr.sub]\ny = { p = 1, q = { r = 2 } }\n'
        'dotted.key = true\n'
    )
    lines = key_lines(text)
    assert lines[("a",)] == 1 and lines[("b",)] == 2 and lines[("c",)] == 5
    assert ("line",) not in lines
    assert lines[("t", "quoted.key")] == 7
    assert lines[("t", "quoted.key", 0)] == 8 and lines[("t", "quoted.key", 1)] == 9
    assert lines[("arr", 0, "x")] == 12 and lines[("arr", 1, "x")] == 14
    assert lines[("arr", 1, "sub", "y", "q", "r")] == 16
    assert lines[("arr", 1, "sub", "dotted", "key")] == 17
    assert line_of(lines, ("arr", 1, "sub", "missing")) == 15
    assert line_of(lines, ("nothing",)) == 1


# -- issue 16: breaks and maze sizes -----------------------------------------------------

def test_a_maze_level_has_room_for_every_blocker() -> None:
    maze = LEVEL.replace('mode = "mimic"', 'mode = "maze"')
    assert errors_of(HEAD + maze + "trials = 20\n") == []  # size 9: 81 cells, room for 20
    found = errors_of(HEAD + maze + "trials = 21\n")
    assert len(found) == 1 and "levels[0].trials: found 21" in found[0]
    assert "at most 20 blockers in a maze of size 9" in found[0]
    found = errors_of(HEAD + maze + "trials = 8\n[levels.maze]\nsize = 5\n")
    assert len(found) == 1 and "at most 6 blockers in a maze of size 5" in found[0]


def test_break_fields_are_checked_and_filled_in() -> None:
    level_set, errors = check_level_text(HEAD + LEVEL + "[levels.breaks]\nmax_ms = 1000\n"
                                         "end_on_smile = 3\n", "x.toml")
    assert level_set is None
    assert [e.field for e in errors] == ["levels[0].breaks.max_ms",
                                         "levels[0].breaks.end_on_smile"]
    level_set, errors = check_level_text(HEAD + LEVEL, "x.toml")
    assert level_set is not None and not errors
    breaks = level_set.levels[0].breaks
    assert (breaks.after_timeouts, breaks.max_ms, breaks.end_on_smile, breaks.min_ms) == (
        None, 60_000, True, 3000)
