"""Load and check level-set files (TOML): `load_level_set(path)` and `check_level_file(path)`.

Checking runs in three passes: TOML syntax (`tomllib`), each field against the schema
(`level_validation`), then the rules that tie fields together (this module). Every error
names file, line, field, what was found and what is allowed.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import stat
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

from game.expressions import Expression
from game.play.level_schema import (
    DEFAULT_MAZE_SIZE,
    LANGUAGES,
    LEVEL_SET,
    MAZE,
    max_maze_blockers,
)
from game.play.level_set import (
    AdaptiveSettings,
    BreakSettings,
    Level,
    LevelSet,
    MazeSettings,
    PromptingSettings,
    PromptStep,
    RewardSettings,
    SessionSettings,
    StoryScene,
)
from game.play.level_validation import INVALID, Checker, LevelError, show
from game.play.toml_lines import key_lines
from game.utf8_text import decode_edited_text, line_of_byte

logger = logging.getLogger(__name__)

MAX_LEVEL_FILE_BYTES = 2**20  # 1 MB: the shipped sets are a few KB


class LevelFileError(ValueError):
    """A level-set file has errors; `errors` lists every one."""

    def __init__(self, errors: list[LevelError]) -> None:
        self.errors = tuple(errors)
        super().__init__("\n".join(str(e) for e in errors))


def check_level_text(text: str, file: str = "<text>") -> tuple[LevelSet | None, list[LevelError]]:
    """Check a level-set text; return the set (None when there are errors) and the errors."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        line = int(match.group(1)) if match else 1
        return None, [LevelError(file, line, "(syntax)", str(exc), "valid TOML")]
    except RecursionError:  # e.g. arrays nested 500 deep: the parser gives up
        return None, [LevelError(file, 1, "(syntax)", "values nested too deeply to read",
                                 "a level set (tables nest a few levels deep)")]
    checker = Checker(file, key_lines(text))
    langs = raw.get("languages", LANGUAGES)
    if isinstance(langs, list) and langs and set(langs) <= set(LANGUAGES):
        checker.languages = tuple(dict.fromkeys(langs))
    values = checker.table(raw, LEVEL_SET, ())
    if isinstance(values.get("levels"), tuple):
        raw_levels = raw["levels"]
        for index, level in enumerate(values["levels"]):
            _check_level(checker, raw_levels[index], level, index)
        _check_unique_ids(checker, values["levels"])
    if checker.errors:
        return None, checker.all_errors()
    return _build(values), []


def read_level_text(path: Path) -> str:
    """The text of a level-set file, read within bounds: a regular file (a link to /dev/zero
    or a FIFO is refused without reading it), at most `MAX_LEVEL_FILE_BYTES`, UTF-8 (a
    leading byte-order mark is dropped).

    Raises:
        LevelFileError: one error naming the file and why it cannot be read.
    """
    def refused(found: str, line: int = 1) -> LevelFileError:
        return LevelFileError([LevelError(str(path), line, "(file)", found,
                                          f"a UTF-8 TOML file of at most "
                                          f"{MAX_LEVEL_FILE_BYTES // 2**20} MB")])

    try:
        # O_NONBLOCK: opening a FIFO must not wait for a writer; fstat then says what it is
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise refused(f"an unreadable file ({exc.strerror or exc})") from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise refused("something that is not a regular file (a device, a pipe or a "
                          "folder)")
        if info.st_size > MAX_LEVEL_FILE_BYTES:
            raise refused(f"a file of {info.st_size:,} bytes")
        data = handle.read(MAX_LEVEL_FILE_BYTES + 1)
    if len(data) > MAX_LEVEL_FILE_BYTES:  # it grew while being read
        raise refused(f"a file of more than {MAX_LEVEL_FILE_BYTES:,} bytes")
    try:
        return decode_edited_text(data)
    except UnicodeDecodeError as exc:  # the line of the first such byte (a GBK-saved text)
        raise refused(f"bytes that are not UTF-8 text (byte {exc.start})",
                      line_of_byte(data, exc.start)) from None


def check_level_file(path: Path | str) -> list[LevelError]:
    """Every error in one file (an empty list when it is good); after `MAX_ERRORS` errors
    the rest are counted in one closing entry."""
    path = Path(path)
    try:
        text = read_level_text(path)
    except LevelFileError as exc:
        return list(exc.errors)
    return check_level_text(text, str(path))[1]


def load_level_set(path: Path | str) -> LevelSet:
    """Load a level-set file; raise `LevelFileError` listing every problem (see
    `read_level_text` for the bounds on the file itself)."""
    path = Path(path)
    text = read_level_text(path)
    level_set, errors = check_level_text(text, str(path))
    if level_set is None:
        raise LevelFileError(errors)
    logger.debug("loaded level set %s from %s", level_set.id, path)
    return dataclasses.replace(level_set, source=path)


# -- rules across fields ---------------------------------------------------------------

def _ok(*values: Any) -> bool:
    return all(v is not INVALID for v in values)


def _check_unique_ids(checker: Checker, levels: tuple[dict[str, Any], ...]) -> None:
    seen: dict[str, int] = {}
    for index, level in enumerate(levels):
        level_id = level["id"]
        if level_id is INVALID:
            continue
        if level_id in seen:
            first = checker.line(("levels", seen[level_id], "id"))
            checker.error(("levels", index, "id"), f"{show(level_id)} (already used on line "
                          f"{first})", "an id no other level of the set uses")
        else:
            seen[level_id] = index


def _check_level(checker: Checker, raw: dict[str, Any], level: dict[str, Any], i: int) -> None:
    here = ("levels", i)
    mode, targets = level["mode"], level["targets"]
    if _ok(mode, level["scenes"]) and mode != "story" and "scenes" in raw:
        checker.error((*here, "scenes"), f"scenes in a {mode} level", "scenes only in story mode")
    if _ok(mode) and mode != "maze" and "maze" in raw:
        checker.error((*here, "maze"), f"maze settings in a {mode} level",
                      "[levels.maze] only in maze mode")
    if _ok(mode, targets, level["scenes"]) and mode == "story":
        covered = {scene["target"] for scene in level["scenes"] if _ok(scene["target"])}
        for s, scene in enumerate(level["scenes"]):
            if _ok(scene["target"]) and scene["target"] not in targets:
                checker.error((*here, "scenes", s, "target"), show(scene["target"]),
                              "one of the level's targets: " + ", ".join(targets))
        missing = [t for t in targets if t not in covered]
        if missing:
            checker.error((*here, "scenes"), "no scene for " + ", ".join(missing),
                          "at least one [[levels.scenes]] per target in story mode")
    if _ok(targets, level["prompts"]) and level["prompts"]:
        for key in level["prompts"]:
            if key not in targets:
                checker.error((*here, "prompts", key), f"a prompt for {key!r}",
                              "prompts only for the level's targets: " + ", ".join(targets))
    rewards = level["rewards"]
    if (_ok(rewards) and _ok(rewards["independent"], rewards["prompted"])
            and rewards["prompted"] > rewards["independent"]):
        checker.error((*here, "rewards", "prompted"), str(rewards["prompted"]),
                      f"at most rewards.independent ({rewards['independent']})")
    maze = level["maze"]
    size = maze["size"] if _ok(maze) and maze is not None else DEFAULT_MAZE_SIZE
    if (_ok(mode, level["trials"], size) and mode == "maze"
            and level["trials"] > max_maze_blockers(size)):
        checker.error((*here, "trials"), show(level["trials"]),
                      f"at most {max_maze_blockers(size)} blockers in a maze of size {size}")
    breaks = level["breaks"]
    if _ok(breaks) and _ok(breaks["min_ms"], breaks["max_ms"]) and (
            breaks["min_ms"] > breaks["max_ms"]):
        checker.error((*here, "breaks", "min_ms"), show(breaks["min_ms"]),
                      f"at most breaks.max_ms ({show(breaks['max_ms'])})")
    _check_adaptive(checker, raw, level, here)
    _check_steps(checker, raw, level, here)


def _check_adaptive(checker: Checker, raw: dict[str, Any], level: dict[str, Any],
                    here: tuple[str, int]) -> None:
    ad = level["adaptive"]
    if not _ok(ad):
        return
    pairs = (("threshold", "threshold_min", "threshold_max"), ("hold_ms", "hold_min_ms",
                                                               "hold_max_ms"))
    for name, low, high in pairs:
        if not _ok(ad[low], ad[high]):
            continue
        if ad[low] > ad[high]:
            checker.error((*here, "adaptive", low), show(ad[low]),
                          f"at most adaptive.{high} ({show(ad[high])})")
        elif ad["enabled"] is True and _ok(level[name]) and not ad[low] <= level[name] <= ad[high]:
            default = "" if name in raw else " (the default)"
            checker.error((*here, name), show(level[name]) + default,
                          f"from adaptive.{low} ({show(ad[low])}) to adaptive.{high} "
                          f"({show(ad[high])}) when adaptive difficulty is on")


def _check_steps(checker: Checker, raw: dict[str, Any], level: dict[str, Any],
                 here: tuple[str, int]) -> None:
    prompting = level["prompting"]
    if not _ok(prompting) or not _ok(prompting["steps"]):
        return
    raw_steps = raw.get("prompting", {}).get("steps", ())
    limit = level["time_limit_ms"]
    for s, step in enumerate(prompting["steps"]):
        path = (*here, "prompting", "steps", s)
        raw_step = raw_steps[s] if s < len(raw_steps) else {}
        if step["after_ms"] is None and step["after_failures"] is None:
            checker.error(path, "a step with neither after_ms nor after_failures",
                          "at least one of after_ms, after_failures")
        if _ok(step["kind"]) and step["kind"] != "lower_threshold" and "threshold_drop" in raw_step:
            checker.error((*path, "threshold_drop"), f"threshold_drop on a {step['kind']} step",
                          "threshold_drop only on lower_threshold steps")
        written = "after_ms" in raw_step and _ok(step["after_ms"], limit)
        if written and step["after_ms"] >= limit:
            checker.error((*path, "after_ms"), show(step["after_ms"]),
                          f"less than the level's time_limit_ms ({show(limit)})")


# -- building the typed set ------------------------------------------------------------

def _texts(values: dict[str, str] | None) -> MappingProxyType[str, str] | None:
    return None if values is None else MappingProxyType(dict(values))


def _texts_given(values: dict[str, str]) -> MappingProxyType[str, str]:
    return MappingProxyType(dict(values))


def _build_level(v: dict[str, Any]) -> Level:
    p = v["prompting"]
    prompting = PromptingSettings(
        direction=p["direction"], errorless=p["errorless"],
        steps=tuple(PromptStep(**step) for step in p["steps"]),
    )
    prompts = None
    if v["prompts"]:
        prompts = MappingProxyType(
            {Expression(k): _texts_given(t) for k, t in v["prompts"].items()})
    maze = None
    if v["mode"] == "maze":
        maze = MazeSettings(**(v["maze"] or Checker("", {}).table({}, MAZE, ())))
    return Level(
        id=v["id"], title=_texts_given(v["title"]), mode=v["mode"],
        targets=tuple(Expression(t) for t in v["targets"]), trials=v["trials"],
        ordering=v["ordering"], threshold=v["threshold"], hold_ms=v["hold_ms"],
        time_limit_ms=v["time_limit_ms"], attempt_fraction=v["attempt_fraction"],
        intro=_texts(v["intro"]), prompts=prompts, prompting=prompting,
        rewards=RewardSettings(**v["rewards"]), adaptive=AdaptiveSettings(**v["adaptive"]),
        scenes=tuple(StoryScene(target=Expression(s["target"]), text=_texts_given(s["text"]),
                                picture=s["picture"]) for s in v["scenes"]),
        maze=maze, breaks=BreakSettings(**v["breaks"]),
    )


def _build(values: dict[str, Any]) -> LevelSet:
    return LevelSet(
        format=values["format"], id=values["id"], title=_texts_given(values["title"]),
        description=_texts(values["description"]), languages=tuple(values["languages"]),
        session=SessionSettings(**values["session"]),
        levels=tuple(_build_level(level) for level in values["levels"]),
    )
