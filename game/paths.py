"""Where FaceQuest finds its shipped data and keeps the user's data.

Shipped data (`levels/`, `assets/`, `models/`) sits beside the `game/` package in the
repository. The wheel build (`setup.py`) copies those folders into the package as
`game/_data/`, so an installed FaceQuest finds them with `importlib.resources`; a checkout
(or an editable install) has no `game/_data/` and uses the repository's folders.
User data (profiles, progress, caches) lives in the platform's user data folder, or in
`--data-dir` when given; never inside the install.
"""

from __future__ import annotations

import atexit
import importlib.resources
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

import platformdirs

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
PACKAGED_DATA = "_data"  # the folder inside `game` that the wheel build fills
SHIPPED_FOLDERS = ("levels", "assets", "models")


def shipped_data_root() -> Path:
    """The folder that holds `levels/`, `assets/` and `models/`: the package's own copy in
    an installed wheel, else the repository root (a checkout or an editable install)."""
    packaged = importlib.resources.files("game") / PACKAGED_DATA
    if packaged.is_dir():
        return Path(str(packaged))  # wheels install unzipped: a real folder
    return REPO_ROOT


def is_installed_wheel() -> bool:
    """True when FaceQuest runs from an installed wheel (its data inside the package)."""
    return shipped_data_root() != REPO_ROOT


DATA_ROOT = shipped_data_root()
LEVELS_DIR = DATA_ROOT / "levels"
ASSETS_DIR = DATA_ROOT / "assets"
MODELS_DIR = DATA_ROOT / "models"
DEFAULT_MODEL_PATH = MODELS_DIR / "expression.onnx"

APP_NAME = "facequest"


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) private to the user (0700) if it is missing. A folder
    that exists keeps its permissions (it may be a shared one the user chose); everything
    FaceQuest writes inside it is private."""
    if not path.is_dir():
        path.mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(path, 0o700)
    return path


class UnusableFolderError(OSError):
    """The default data folder cannot be made (HOME is a file, missing or read-only); the
    message is one sentence saying what to do."""

    def __init__(self, sentence: str) -> None:
        super().__init__(None, sentence)


def _home_hint(variable: str = "") -> str:
    """What made the default folder unusable: `variable` (XDG_DATA_HOME, XDG_CACHE_HOME)
    where it is set, since platformdirs then takes the folder from it, not from HOME."""
    xdg = os.name == "posix" and sys.platform != "darwin"  # where platformdirs reads XDG_*
    chosen = os.environ.get(variable, "").strip() if variable and xdg else ""
    if chosen:
        return (f"{variable} ({chosen}) is not a usable folder; set it to your own folder or "
                "unset it")
    return (f"the home folder ({os.environ.get('HOME') or Path.home()}) is not usable; set HOME "
            "to your own folder")


def default_data_path() -> Path:
    """Where `user_data_dir` keeps the records when no folder is given; nothing is made
    (a command given `--data-dir` only compares paths with it)."""
    return Path(platformdirs.user_data_dir(APP_NAME))


def user_data_dir(override: Path | None = None) -> Path:
    """The folder for profiles and progress, created private to the user (mode 0700).

    Raises:
        UnusableFolderError: the default folder cannot be made (an unusable HOME).
        OSError: `override` cannot be made.
    """
    if override is not None:
        return private_dir(override)
    path = default_data_path()
    try:
        return private_dir(path)
    except OSError as exc:
        raise UnusableFolderError(
            f"FaceQuest cannot keep its records in {path} ({exc.strerror or exc}): "
            f"{_home_hint('XDG_DATA_HOME')}, or give --data-dir FOLDER"
        ) from None


_fallback_cache: Path | None = None


def user_cache_dir(override: Path | None = None) -> Path:
    """The folder for rebuildable caches (rendered speech, feature caches), created private
    to the user (mode 0700). When the default one cannot be made (an unusable HOME), a
    private temporary folder serves this run instead, said in one warning: a cache is never
    a reason to stop or to lose sound."""
    global _fallback_cache
    if override is not None:
        return private_dir(override)
    path = Path(platformdirs.user_cache_dir(APP_NAME))
    try:
        return private_dir(path)
    except OSError as exc:
        if _fallback_cache is None:
            _fallback_cache = Path(tempfile.mkdtemp(prefix="facequest-cache-"))  # 0700
            atexit.register(shutil.rmtree, _fallback_cache, True)
            logger.warning("the cache folder %s cannot be used (%s: %s); caches are kept in "
                           "%s for this run", path, exc.strerror or exc,
                           _home_hint("XDG_CACHE_HOME"),
                           _fallback_cache)
        return _fallback_cache


def quiet_matplotlib_config() -> None:
    """Point matplotlib at a private temporary config folder when its default one (under
    HOME) cannot be made, before matplotlib is imported: otherwise it prints two warnings
    of its own ahead of FaceQuest's sentence. An MPLCONFIGDIR already set is kept."""
    if os.environ.get("MPLCONFIGDIR"):
        return
    config_home = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    try:  # what matplotlib itself would do on import (so nothing new is made here)
        (Path(config_home) / "matplotlib").mkdir(parents=True, exist_ok=True)
        return
    except OSError:
        pass
    folder = tempfile.mkdtemp(prefix="facequest-mpl-")
    atexit.register(shutil.rmtree, folder, True)
    os.environ["MPLCONFIGDIR"] = folder
