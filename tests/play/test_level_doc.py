"""The format doc is generated from the schema, lists every field, and its example loads."""

from __future__ import annotations

import dataclasses
import re

import pytest

from game.paths import REPO_ROOT
from game.play import level_schema as schema
from game.play import level_set
from game.play.level_doc import reference_in, render_reference, replace_reference, tables
from game.play.level_loader import check_level_text

DOC = REPO_ROOT / "docs" / "level-format.md"

# schema table -> the dataclass the loader builds from it
BUILT = {
    schema.LEVEL_SET.name: level_set.LevelSet, schema.SESSION.name: level_set.SessionSettings,
    schema.LEVEL.name: level_set.Level, schema.PROMPTING.name: level_set.PromptingSettings,
    schema.PROMPT_STEP.name: level_set.PromptStep, schema.REWARDS.name: level_set.RewardSettings,
    schema.ADAPTIVE.name: level_set.AdaptiveSettings, schema.SCENE.name: level_set.StoryScene,
    schema.MAZE.name: level_set.MazeSettings, schema.BREAKS.name: level_set.BreakSettings,
}


def test_every_schema_table_is_documented_and_built() -> None:
    assert {spec.name for _, spec in tables()} == {spec.name for spec in schema.ALL_TABLES}
    assert set(BUILT) == {spec.name for spec in schema.ALL_TABLES}


@pytest.mark.parametrize("spec", schema.ALL_TABLES, ids=lambda s: s.name)
def test_schema_fields_are_the_dataclass_fields(spec: schema.TableSpec) -> None:
    fields = [f.name for f in dataclasses.fields(BUILT[spec.name]) if f.name != "source"]
    assert list(spec.names) == fields


def test_the_doc_reference_is_the_generated_one() -> None:
    document = DOC.read_text(encoding="utf-8")
    assert reference_in(document) == render_reference(), (
        "docs/level-format.md is out of date: run `facequest levels doc --write`")
    assert replace_reference(document) == document


def test_the_doc_lists_every_field_of_every_table() -> None:
    document = DOC.read_text(encoding="utf-8")
    sections = re.split(r"^### ", reference_in(document), flags=re.MULTILINE)[1:]
    by_header = {section.splitlines()[0].strip("` "): section for section in sections}
    for header, spec in tables():
        section = by_header[header]
        for field in spec.fields:
            assert f"| `{field.name}` |" in section, f"{header} lacks {field.name}"
            assert field.description.split()[0] in section


def test_the_doc_example_is_a_valid_level_set() -> None:
    document = DOC.read_text(encoding="utf-8")
    example = document.split("## Example", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    level_set_, errors = check_level_text(example, "example")
    assert errors == [] and level_set_ is not None
    assert [lv.mode for lv in level_set_.levels] == ["mimic", "story"]
