"""The level sets a programme can name: every valid level-set file in a folder, by its id.

`LevelLibrary(levels_dir)` reads the folder once (files that do not load are skipped and
logged); `load(id)` gives the level set, `title(id, lang)` its title. A programme names
level sets by id (the `id` inside the file, which is also what sessions record).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

from game.play.level_loader import LevelFileError, load_level_set
from game.play.level_set import LevelSet

logger = logging.getLogger(__name__)


class UnknownLevelSetError(KeyError):
    """No level set with that id; `str(error)` is one sentence listing the known ids."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else "unknown level set"


class LevelLibrary:
    """The level sets of `levels_dir` (e.g. `game.paths.LEVELS_DIR`), by id, in id order."""

    def __init__(self, levels_dir: Path) -> None:
        self.levels_dir = Path(levels_dir)
        self._sets: dict[str, LevelSet] = {}
        if self.levels_dir.is_dir():
            for path in sorted(self.levels_dir.glob("*.toml")):
                try:
                    level_set = load_level_set(path)
                except (LevelFileError, OSError, ValueError) as exc:
                    logger.warning("level set %s skipped: %s", path.name, exc)
                    continue
                self._sets.setdefault(level_set.id, level_set)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(sorted(self._sets))

    def __contains__(self, level_set_id: object) -> bool:
        return level_set_id in self._sets

    def add(self, level_set: LevelSet) -> None:
        """Make a level set loaded from elsewhere (a .toml path) known by its id."""
        self._sets[level_set.id] = level_set

    def load(self, level_set_id: str) -> LevelSet:
        """The level set with that id.

        Raises:
            UnknownLevelSetError: no such id (the message lists the known ones).
        """
        try:
            return self._sets[level_set_id]
        except KeyError:
            raise UnknownLevelSetError(
                f"there is no level set {level_set_id!r} (known: {', '.join(self.ids)})"
            ) from None

    def title(self, level_set_id: str, lang: str) -> str:
        """The set's title in `lang` (else English), or its id when it is unknown."""
        level_set = self._sets.get(level_set_id)
        if level_set is None:
            return level_set_id
        title = level_set.title
        return title.get(lang) or title.get("en") or level_set_id

    def check(self, level_set_ids: list[str]) -> None:
        """Raise UnknownLevelSetError for the first id that is not known."""
        for level_set_id in level_set_ids:
            self.load(level_set_id)


def with_minutes(level_set: LevelSet, minutes: int) -> LevelSet:
    """`level_set` with its session cap set to `minutes` (a programme's session length)."""
    return replace(level_set, session=replace(level_set.session, time_cap_ms=minutes * 60_000))
