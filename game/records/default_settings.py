"""The settings for new children: chosen on the start screen before a child is picked.

Kept as one small JSON object in `data_dir/default-settings.json` (mode 0600, written
atomically: a crash leaves the old file or the new one). The records layer does not know
what the settings mean (the UI's `SensorySettings.to_dict()` writes them, `from_dict()`
reads them and drops what it does not know), so an unreadable or odd file is simply no
defaults: the game never stops for it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from game.records.fileio import atomic_write_text

logger = logging.getLogger(__name__)

DEFAULT_SETTINGS_FILE = "default-settings.json"


def defaults_path(data_dir: Path) -> Path:
    """Where the defaults of `data_dir` are kept."""
    return Path(data_dir) / DEFAULT_SETTINGS_FILE


def load_default_settings(data_dir: Path) -> dict[str, Any]:
    """The saved defaults for new children; {} when none were saved or the file is
    unreadable (logged, never raised)."""
    path = defaults_path(data_dir)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        logger.warning("the settings for new children could not be read (%s); using the "
                       "game's own", type(exc).__name__)
        return {}
    if not isinstance(data, dict):
        logger.warning("the settings for new children are not an object; using the game's own")
        return {}
    return data


def save_default_settings(data_dir: Path, settings: Mapping[str, Any]) -> None:
    """Keep `settings` (JSON-ready values) as the defaults for new children.

    Raises:
        OSError: the file could not be written (disk full, folder read-only); the old
            file is left as it was.
        TypeError: a value is not JSON-ready.
    """
    text = json.dumps(dict(settings), ensure_ascii=False, indent=2, sort_keys=True)
    atomic_write_text(defaults_path(data_dir), text + "\n")
