"""Level-set titles for the report: "My first faces" instead of the stored id "first-faces".

A session keeps the titles of the set it played (`SessionRecord.level_set_title`), so a set
kept outside `levels/` (a researcher's own file) is shown by its title wherever its file
lives. Sessions recorded before that keep only `level_set_id`; their titles come from the
level-set files in `levels/`, read with the level loader. A set found in neither (an old
session of a set since removed) is shown by its id: the only place an id may appear.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping
from pathlib import Path

from game.paths import LEVELS_DIR
from game.play.level_loader import LevelFileError, load_level_set

logger = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def level_set_titles(levels_dir: Path = LEVELS_DIR) -> Mapping[str, Mapping[str, str]]:
    """Set id -> {language: title} for every valid level-set file (`*.toml`) in `levels_dir`.

    Files that do not load are skipped (logged); a missing folder gives an empty mapping.
    """
    titles: dict[str, Mapping[str, str]] = {}
    if not Path(levels_dir).is_dir():
        return titles
    for path in sorted(Path(levels_dir).rglob("*.toml")):
        try:
            level_set = load_level_set(path)
        except (LevelFileError, OSError, ValueError) as exc:
            logger.warning("level set %s is not readable for titles: %s", path.name, exc)
            continue
        titles.setdefault(level_set.id, dict(level_set.title))
    return titles


def level_set_title(
    level_set_id: str,
    lang: str,
    levels_dir: Path = LEVELS_DIR,
    stored: Mapping[str, str] | None = None,
) -> str:
    """The set's title in `lang` (else English, else any): the one the session `stored`
    when it has one, else the file's in `levels_dir`, else the id for an unknown set."""
    title = stored or level_set_titles(levels_dir).get(level_set_id)
    if not title:
        return level_set_id
    return title.get(lang) or title.get("en") or next(iter(title.values()), level_set_id)
